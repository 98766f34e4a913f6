// Rows per table of the kubepulse schema, for the status (refreshed every few seconds). Counted per stored
// relation (a plain table, or each partition of a partitioned one) and summed per table: exact where the
// relation is small, estimated where a count(*) would read more than EXACT_COUNT_MAX_BYTES. The status
// used to count every table up to 2 million rows exactly: the current hour's raw partitions were scanned
// whole every refresh, PostgreSQL work that grew with each partition until the hour turned (measured with
// pg_stat_statements beside the ingest's COPYs). The raw rows are counted in their table,
// `<entity>_sample` (migration 009), and reported under the name readers query them by too, the view
// `<entity>_metric`.
import type pg from 'pg';
import { SCHEMA, quoteIdent } from './schema.js';

/**
 * A relation up to this size is counted exactly (8 pages: ~100 wide metric rows, microseconds). At 8 MiB
 * the counts of the current hour's partitions took ~12 % of PostgreSQL's time at 100 nodes; at 1 MiB the
 * many relations between 64 KiB and 1 MiB (rollup and block partitions, inventory tables, events) still
 * cost ~100 ms a refresh, every 5 s: ~2 % of a core, a quarter of PostgreSQL's time at 100 nodes
 * (pg_stat_statements beside the ingest's COPYs). Past this size the planner's density or a page sample
 * is close enough for a status.
 */
const EXACT_COUNT_MAX_BYTES = 64 * 1024;
/** A sampled estimate reads about this many pages (TABLESAMPLE SYSTEM), at least 1 % of the relation. */
const SAMPLE_PAGES = 64;

interface Relation {
  table: string;
  relation: string;
  bytes: string;
  relpages: number;
  reltuples: number;
  blockSize: number;
}

/** Pure: the planner's way for an analyzed relation (its tuple density times its pages now). */
export function densityEstimate(r: { bytes: number; relpages: number; reltuples: number; blockSize: number }): number | null {
  if (r.relpages <= 0 || r.reltuples < 0) return null;
  return Math.round((r.reltuples / r.relpages) * (r.bytes / r.blockSize));
}

/** Rows per table of the kubepulse schema: exact for small relations, estimates for large ones. */
export async function tableRowCounts(pool: pg.Pool): Promise<{ rows: Record<string, number>; rowsEstimated: string[] }> {
  const rels = await pool.query<Relation>(
    `SELECT COALESCE(parent.relname, c.relname) AS table, c.relname AS relation, pg_relation_size(c.oid) AS bytes,
            c.relpages, c.reltuples, current_setting('block_size')::int AS "blockSize"
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
       LEFT JOIN pg_class parent ON parent.oid = i.inhparent
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
     UNION ALL
     SELECT c.relname, NULL, 0, 0, 0, 0 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'p' AND NOT c.relispartition
      ORDER BY 1, 2`,
    [SCHEMA],
  );
  const rows: Record<string, number> = {};
  const estimated = new Set<string>();
  const exact: Relation[] = [];
  for (const r of rels.rows) {
    rows[r.table] ??= 0;
    if (r.relation === null) continue; // a partitioned table itself: its partitions are listed
    const bytes = Number(r.bytes);
    if (bytes <= EXACT_COUNT_MAX_BYTES) {
      exact.push(r);
      continue;
    }
    estimated.add(r.table);
    const byDensity = densityEstimate({ ...r, bytes });
    if (byDensity !== null) {
      rows[r.table] += byDensity;
    } else {
      // Never analyzed (a new partition): count a sample of its pages.
      const percent = Math.min(100, Math.max(1, (100 * SAMPLE_PAGES * r.blockSize) / bytes));
      const s = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${SCHEMA}.${quoteIdent(r.relation)} TABLESAMPLE SYSTEM (${percent.toFixed(3)})`,
      );
      rows[r.table] += Math.round(Number(s.rows[0].n) * (100 / percent));
    }
  }
  if (exact.length) {
    // One round trip for every small relation.
    const counts = await pool.query<{ table: string; n: string }>(
      exact.map((r, i) => `SELECT $${i + 1}::text AS table, count(*) AS n FROM ${SCHEMA}.${quoteIdent(r.relation)}`).join(' UNION ALL '),
      exact.map((r) => r.table),
    );
    for (const c of counts.rows) rows[c.table] += Number(c.n);
  }
  for (const table of Object.keys(rows)) {
    const view = /^(.+)_sample$/.exec(table);
    if (!view || !(`${view[1]}_series` in rows)) continue;
    rows[`${view[1]}_metric`] = rows[table];
    if (estimated.has(table)) estimated.add(`${view[1]}_metric`);
  }
  return { rows, rowsEstimated: [...estimated].sort() };
}
