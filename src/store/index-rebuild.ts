// B-tree pages emptied by the retention's deletes are reused after a VACUUM, but a page keeps its place as
// long as ONE entry on it lives. In the indexes whose keys grow with time (change_log's id and at, the
// series ids), the rows retention keeps — each live object's state at the cutoff, the series of a pod that
// runs for days — are scattered over the old pages one or two per page, so those pages are never freed and
// the index grows with every page the churn fills after them (the db-growth bench saw change_log's
// primary key grow 100 KiB a minute at 100 nodes while its rows stayed level). It is bounded only by a page
// per surviving row. A periodic REINDEX CONCURRENTLY packs the survivors into fresh pages; it runs beside
// the writers (no lock that stops an insert or a delete).
import type pg from 'pg';
import { ENTITIES } from '../metrics/definitions.js';
import { SCHEMA, qualified } from './schema.js';
import { seriesTable } from './series-schema.js';

/** The plain tables with time-growing index keys that retention deletes from. */
export function rebuiltTables(): string[] {
  return ['change_log', ...ENTITIES.map(seriesTable)];
}

export interface IndexRebuild {
  /** Bytes of the table's indexes before and after. */
  before: number;
  after: number;
}

async function indexBytes(pool: pg.Pool, table: string): Promise<number> {
  const r = await pool.query<{ b: string }>(`SELECT pg_indexes_size('${qualified(table)}'::regclass) AS b`);
  return Number(r.rows[0].b);
}

/**
 * Rebuilds every index of each table (REINDEX TABLE CONCURRENTLY), first dropping what an interrupted
 * rebuild left (invalid `<index>_ccnew`/`_ccold` copies, which writes would otherwise keep updating).
 * Returns the index bytes before and after, per table.
 */
export async function rebuildIndexes(pool: pg.Pool, tables: string[]): Promise<Record<string, IndexRebuild>> {
  const leftovers = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = ANY($2) AND NOT i.indisvalid AND c.relname ~ '_cc(new|old)[0-9]*$'`, [SCHEMA, tables]);
  for (const { name } of leftovers.rows) await pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(name)}`);
  const out: Record<string, IndexRebuild> = {};
  for (const table of tables) {
    const before = await indexBytes(pool, table);
    await pool.query(`REINDEX TABLE CONCURRENTLY ${qualified(table)}`);
    out[table] = { before, after: await indexBytes(pool, table) };
  }
  return out;
}
