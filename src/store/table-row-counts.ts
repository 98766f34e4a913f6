// Rows per table of the kubepulse schema, for the status: exact for small tables, the planner's estimate
// for huge ones, whose count(*) would cost too much for a status refresh. The raw rows are counted in their
// table, `<entity>_sample` (migration 009), and reported under the name readers query them by too, the
// view `<entity>_metric`.
import type pg from 'pg';
import { SCHEMA } from './schema.js';

/** Above this estimate a table's count(*) costs too much for a status refresh: report the estimate. */
const EXACT_COUNT_MAX = 2_000_000;

/** Rows per table of the kubepulse schema: exact for small tables, planner estimates for huge ones. */
export async function tableRowCounts(pool: pg.Pool): Promise<{ rows: Record<string, number>; rowsEstimated: string[] }> {
  const est = await pool.query<{ table: string; estimate: string }>(
    `SELECT c.relname AS table,
            COALESCE((SELECT sum(GREATEST(p.reltuples, 0)) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid WHERE i.inhparent = c.oid), 0)
              + GREATEST(c.reltuples, 0) AS estimate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations'
      ORDER BY c.relname`,
    [SCHEMA],
  );
  const rows: Record<string, number> = {};
  const rowsEstimated: string[] = [];
  for (const r of est.rows) {
    const e = Number(r.estimate);
    if (e > EXACT_COUNT_MAX) {
      rows[r.table] = Math.round(e);
      rowsEstimated.push(r.table);
    } else {
      const c = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}."${r.table.replace(/"/g, '""')}"`);
      rows[r.table] = Number(c.rows[0].n);
    }
  }
  for (const table of Object.keys(rows)) {
    const view = /^(.+)_sample$/.exec(table);
    if (!view || !(`${view[1]}_series` in rows)) continue;
    rows[`${view[1]}_metric`] = rows[table];
    if (rowsEstimated.includes(table)) rowsEstimated.push(`${view[1]}_metric`);
  }
  return { rows, rowsEstimated };
}
