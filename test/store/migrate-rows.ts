// Rows in every kubepulse table, generically: one row per empty table with a value of its type in every
// column that has no default, inside a partition created for it; and the contents of every table as sorted
// JSON, so a database's rows before and after a migration can be compared whole.
import type pg from 'pg';
import { PartitionManager } from '../../src/store/partitions.js';

/** A sample value per column type; a type missing here fails the seeding with the column's name. */
function sampleValue(type: string, at: Date): unknown {
  switch (type) {
    case 'integer': case 'bigint': case 'smallint': return 1;
    case 'double precision': case 'real': case 'numeric': return 1.5;
    case 'text': return 'a';
    case 'boolean': return true;
    case 'jsonb': case 'json': return { k: [1, 'two'] };
    case 'timestamp with time zone': return at;
    case 'text[]': return ['a', 'b'];
    case '"char"': return 's';
    case 'bytea': return Buffer.from([1, 2]);
    case 'uuid': return '00000000-0000-4000-8000-000000000001';
    default: return undefined;
  }
}

/** Values CHECK constraints demand, where the generic sample would not satisfy them. */
const CHECKED_VALUES: Record<string, unknown> = { 'change_log.op': 'add' };

/** The user tables of the schema: plain and partitioned parents, not the partitions themselves. */
export async function baseTables(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'kubepulse' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
  );
  return r.rows.map((x) => x.relname);
}

/** Creates the partition holding `at` for every partitioned table (as a running collector would). */
export async function ensurePartitions(pool: pg.Pool, at: Date): Promise<void> {
  const r = await pool.query<{ relname: string }>(
    `SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'kubepulse' AND NOT c.relispartition`,
  );
  const partitions = new PartitionManager(pool);
  for (const { relname } of r.rows) await partitions.ensureFor(relname, [at.getTime()]);
}

/** Inserts one row into each empty table (schema_migrations excepted); returns the tables seeded. */
export async function seedEmptyTables(pool: pg.Pool, at: Date): Promise<string[]> {
  const seeded: string[] = [];
  for (const table of await baseTables(pool)) {
    if (table === 'schema_migrations') continue;
    const has = await pool.query(`SELECT 1 FROM kubepulse."${table}" LIMIT 1`);
    if (has.rowCount) continue;
    const cols = await pool.query<{ attname: string; type: string }>(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND d.adbin IS NULL
         AND a.attidentity = '' AND a.attgenerated = ''
       ORDER BY a.attnum`,
      [`kubepulse."${table}"`],
    );
    const names: string[] = [];
    const values: unknown[] = [];
    for (const c of cols.rows) {
      const v = CHECKED_VALUES[`${table}.${c.attname}`] ?? sampleValue(c.type, at);
      if (v === undefined) throw new Error(`seeding ${table}.${c.attname}: no sample value for type ${c.type} (add one)`);
      names.push(`"${c.attname}"`);
      values.push(c.type === 'jsonb' || c.type === 'json' ? JSON.stringify(v) : v);
    }
    await pool.query(
      `INSERT INTO kubepulse."${table}" (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
      values,
    );
    seeded.push(table);
  }
  return seeded;
}

/** Every table's rows as sorted JSON text, by table. */
export async function tableContents(pool: pg.Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await baseTables(pool)) {
    const r = await pool.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM kubepulse."${table}" AS t`);
    out[table] = r.rows.map((x) => x.row).sort();
  }
  return out;
}
