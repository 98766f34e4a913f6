// Versioned schema migrations, applied in order under a PostgreSQL advisory lock so that two collectors
// (or a collector and `kubepulse migrate`) starting at once never race: the second waits, then finds
// nothing left to do. Each migration runs in its own transaction together with its schema_migrations row.
import pg from 'pg';
import { ENTITIES, ENTITY_TABLES } from '../metrics/definitions.js';
import { RESOLUTIONS, rollupColumns, rollupTable, rollupTableDdl } from './rollup-schema.js';
import type { KindDef } from '../inventory/kind.js';
import { ALL_KINDS } from '../inventory/kinds/index.js';
import { log } from '../log.js';
import { MIGRATIONS, type Migration, type MigrationContext } from './migrations/index.js';
import {
  SCHEMA, addMissingColumnsDdl, childColumns, kindColumns, kindTableDdl, metricColumns, metricTableDdl, type ColumnSpec,
} from './schema.js';

/** Advisory lock key: 'kubepulse' folded into a bigint. Any constant works as long as it never changes. */
export const MIGRATION_LOCK_KEY = 0x6b75_6265_7075_6c73n;

export interface MigrateOptions {
  kinds?: KindDef[];
  /** Override the migration list (tests). */
  migrations?: Migration[];
}

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was current). */
  applied: number[];
  /** Declared columns added to existing tables (declarations grown since their table was created). */
  addedColumns: string[];
}

export async function migrate(url: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const ctx: MigrationContext = { kinds: opts.kinds ?? ALL_KINDS };
  const migrations = checkedOrder(opts.migrations ?? MIGRATIONS);
  const client = new pg.Client({ connectionString: url, application_name: 'kubepulse-migrate', options: '-c TimeZone=UTC' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set(
        (await client.query<{ version: number }>(`SELECT version FROM ${SCHEMA}.schema_migrations`)).rows.map((r) => r.version),
      );
      const newest = migrations[migrations.length - 1]?.version ?? 0;
      const unknown = [...done].filter((v) => v > newest);
      if (unknown.length) {
        throw new Error(
          `the database schema has migrations ${unknown.join(', ')} this kubepulse does not know (newest known: ${newest}); ` +
            'run a newer kubepulse against this database',
        );
      }
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        log('store').info({ version: m.version, name: m.name }, 'applying migration');
        await client.query('BEGIN');
        try {
          for (const sql of m.statements(ctx)) await client.query(sql);
          await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
        applied.push(m.version);
      }
      const addedColumns = await syncDeclaredTables(client, ctx);
      return { applied, addedColumns };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

function checkedOrder(migrations: Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (i > 0 && sorted[i - 1]!.version === m.version) throw new Error(`two migrations share version ${m.version}`);
  });
  return sorted;
}

/**
 * Until the first release the declarations still grow (new metrics, new kinds). Rather than a migration
 * per added metric, tables of kinds declared after 001 ran are created here and declared nullable columns
 * missing from existing tables are added (cheap in PostgreSQL: no rewrite). Only missing columns cause an
 * ALTER, so a current schema takes no lock. Changing or removing a column still needs a migration.
 */
async function syncDeclaredTables(client: pg.Client, ctx: MigrationContext): Promise<string[]> {
  const wanted = new Map<string, ColumnSpec[]>();
  for (const e of ENTITIES) {
    wanted.set(ENTITY_TABLES[e].table, metricColumns(e));
    for (const r of RESOLUTIONS) wanted.set(rollupTable(e, r), rollupColumns(e));
  }
  for (const k of ctx.kinds) {
    wanted.set(k.table, kindColumns(k));
    for (const c of k.children ?? []) wanted.set(c.table, childColumns(k, c));
  }
  const existing = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
    [SCHEMA],
  );
  const have = new Map<string, Set<string>>();
  for (const r of existing.rows) {
    if (!have.has(r.table_name)) have.set(r.table_name, new Set());
    have.get(r.table_name)!.add(r.column_name);
  }
  const createIfMissing = async (table: string, ddl: () => string[]) => {
    if (have.has(table)) return;
    log('store').info({ table }, 'creating the table of a newly declared entity or kind');
    for (const sql of ddl()) await client.query(sql);
    have.set(table, new Set(wanted.get(table)!.map((c) => c.column)));
  };
  for (const e of ENTITIES) {
    await createIfMissing(ENTITY_TABLES[e].table, () => metricTableDdl(e));
    for (const r of RESOLUTIONS) await createIfMissing(rollupTable(e, r), () => rollupTableDdl(e, r));
  }
  for (const k of ctx.kinds) {
    const tables = [k.table, ...(k.children ?? []).map((c) => c.table)];
    if (tables.some((t) => !have.has(t))) {
      log('store').info({ kind: k.name }, 'creating tables of a newly declared kind');
      for (const sql of kindTableDdl(k)) await client.query(sql);
      for (const t of tables) have.set(t, new Set(wanted.get(t)!.map((c) => c.column)));
    }
  }
  const added: string[] = [];
  for (const [table, cols] of wanted) {
    const present = have.get(table);
    if (!present) throw new Error(`table ${SCHEMA}.${table} is declared but missing after migrating`);
    const missing = cols.filter((c) => !present.has(c.column));
    if (missing.length === 0) continue;
    const notNull = missing.filter((c) => c.notNull);
    if (notNull.length) {
      throw new Error(`table ${SCHEMA}.${table} lacks key column(s) ${notNull.map((c) => c.column).join(', ')}: needs a migration`);
    }
    await client.query(addMissingColumnsDdl(table, missing));
    added.push(...missing.map((c) => `${table}.${c.column}`));
  }
  if (added.length) log('store').info({ columns: added }, 'added newly declared columns');
  return added;
}
