// B-tree pages emptied by the retention's deletes are reused after a VACUUM, but a page keeps its place as
// long as ONE entry on it lives. In the indexes whose keys grow with time (change_log's id and at, the
// series ids), the rows retention keeps — each live object's state at the cutoff, the series of a pod that
// runs for days — are scattered over the old pages one or two per page, so those pages are never freed and
// the index grows with every page the churn fills after them (the db-growth bench saw change_log's
// primary key grow 100 KiB a minute at 100 nodes while its rows stayed level). It is bounded only by a page
// per surviving row. A periodic REINDEX CONCURRENTLY packs the survivors into fresh pages; it runs beside
// the writers (no lock that stops an insert or a delete). It rebuilds only the indexes that are bloated by
// index-bloat.ts's estimate (more than twice what their live rows need, and 1 MiB or more to give back):
// a rebuild writes the whole index again and its WAL, which a tight index gains nothing from.
import type pg from 'pg';
import { ENTITIES } from '../metrics/definitions.js';
import { SCHEMA, qualified } from './schema.js';
import { seriesTable } from './series-schema.js';
import { indexSizes, isBloated } from './index-bloat.js';

/** The plain tables with time-growing index keys that retention deletes from. */
export function rebuiltTables(): string[] {
  return ['change_log', ...ENTITIES.map(seriesTable)];
}

export interface IndexRebuildReport {
  /** Per index rebuilt: its bytes before and after, and what its live rows needed by the estimate. */
  rebuilt: Record<string, { before: number; after: number; neededBytes: number }>;
  /** Per index left as it was: its bytes and the estimate (null: not a b-tree, never rebuilt). */
  skipped: Record<string, { bytes: number; neededBytes: number | null }>;
}

export interface RebuildOptions {
  /** Override index-bloat.ts's BLOAT_RATIO and MIN_EXCESS_BYTES (the defaults are what the docs state). */
  ratio?: number;
  minExcessBytes?: number;
}

async function indexBytes(pool: pg.Pool, index: string): Promise<number> {
  const r = await pool.query<{ b: string }>(`SELECT pg_relation_size('${qualified(index)}'::regclass) AS b`);
  return Number(r.rows[0].b);
}

/**
 * Rebuilds (REINDEX INDEX CONCURRENTLY) each bloated index of the tables and leaves the others, first
 * dropping what an interrupted rebuild left (invalid `<index>_ccnew`/`_ccold` copies, which writes would
 * otherwise keep updating).
 */
export async function rebuildIndexes(pool: pg.Pool, tables: string[], opts: RebuildOptions = {}): Promise<IndexRebuildReport> {
  const leftovers = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = ANY($2) AND NOT i.indisvalid AND c.relname ~ '_cc(new|old)[0-9]*$'`, [SCHEMA, tables]);
  for (const { name } of leftovers.rows) await pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(name)}`);
  const out: IndexRebuildReport = { rebuilt: {}, skipped: {} };
  for (const table of tables) {
    for (const { index, bytes, neededBytes } of await indexSizes(pool, table)) {
      if (neededBytes === null || !isBloated(bytes, neededBytes, opts)) {
        out.skipped[index] = { bytes, neededBytes };
        continue;
      }
      await pool.query(`REINDEX INDEX CONCURRENTLY ${qualified(index)}`);
      out.rebuilt[index] = { before: bytes, after: await indexBytes(pool, index), neededBytes };
    }
  }
  return out;
}
