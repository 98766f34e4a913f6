// What a database's kubepulse schema is, read from pg_catalog, as plain data two databases can be compared
// by: relations (with partitioning and comments), columns (type, nullability, default, identity,
// generation, collation), indexes, constraints, triggers, functions, views, sequences and enum types.
// Data is left out (sequence positions, rows): two databases with the same migrations must compare equal.
import { after, before } from 'node:test';
import pg from 'pg';
import { createPool } from '../../src/store/pool.js';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';

export interface Catalog {
  relations: Record<string, unknown>[];
  columns: Record<string, unknown>[];
  indexes: Record<string, unknown>[];
  constraints: Record<string, unknown>[];
  triggers: Record<string, unknown>[];
  functions: Record<string, unknown>[];
  views: Record<string, unknown>[];
  sequences: Record<string, unknown>[];
  enums: Record<string, unknown>[];
}

const QUERIES: Record<keyof Catalog, string> = {
  relations: `
    SELECT c.relname, c.relkind, c.relpersistence, c.relispartition,
           pg_get_partkeydef(c.oid) AS partition_key,
           pg_get_expr(c.relpartbound, c.oid) AS partition_bound,
           (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid) AS parent,
           obj_description(c.oid, 'pg_class') AS comment
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 ORDER BY c.relname`,
  columns: `
    SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
           pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity, a.attgenerated,
           co.collname AS collation, col_description(c.oid, a.attnum) AS comment
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
    WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`,
  indexes: `
    SELECT c.relname AS index, t.relname AS table, pg_get_indexdef(i.indexrelid) AS definition,
           i.indisunique, i.indisprimary, i.indisvalid
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = $1 ORDER BY c.relname`,
  constraints: `
    SELECT t.relname AS table, con.conname, con.contype, pg_get_constraintdef(con.oid) AS definition,
           con.condeferrable, con.convalidated
    FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = $1 ORDER BY t.relname, con.conname`,
  triggers: `
    SELECT t.relname AS table, tg.tgname, pg_get_triggerdef(tg.oid) AS definition, tg.tgenabled
    FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = $1 AND NOT tg.tgisinternal ORDER BY t.relname, tg.tgname`,
  functions: `
    SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS arguments, pg_get_functiondef(p.oid) AS definition
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = $1 AND p.prokind IN ('f', 'p') ORDER BY p.proname, 2`,
  views: `
    SELECT c.relname, c.relkind, pg_get_viewdef(c.oid) AS definition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relkind IN ('v', 'm') ORDER BY c.relname`,
  sequences: `
    SELECT c.relname, format_type(s.seqtypid, NULL) AS type, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
           (SELECT t.relname || '.' || a.attname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) AS owned_by
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 ORDER BY c.relname`,
  enums: `
    SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = $1 GROUP BY t.typname ORDER BY t.typname`,
};

export async function readCatalog(url: string, schema = 'kubepulse'): Promise<Catalog> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out = {} as Catalog;
    for (const [part, sql] of Object.entries(QUERIES) as [keyof Catalog, string][]) {
      out[part] = (await client.query<Record<string, unknown>>(sql, [schema])).rows;
    }
    return out;
  } finally {
    await client.end();
  }
}

/** A database of its own on the same server (CREATE DATABASE), for comparing two schemas side by side. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * One test PostgreSQL for a migration test file (started before its tests, stopped after), and a function
 * that creates a fresh database on it with a small pool (ended with the server).
 */
export function useMigrationServer(): (name: string) => Promise<{ url: string; pool: pg.Pool }> {
  let server: TestDatabase | undefined;
  const pools: pg.Pool[] = [];
  before(async () => {
    server = await startTestDatabase();
  });
  after(async () => {
    for (const p of pools) await p.end();
    await server?.stop();
  });
  return async (name) => {
    const url = await createDatabase(server!.url, name);
    const pool = createPool(url, { max: 2 });
    pools.push(pool);
    return { url, pool };
  };
}
