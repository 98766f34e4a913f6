// The rows a time-ranged aggregate (the overview's usage over time, top-N, per-namespace figures) reads:
// the 1-minute or 1-hour rollup where the rollup job has finished its buckets (rollup_state.done_until),
// the raw rows after that — so a range always includes the newest minutes, which the rollups reach only
// after their settle delay — and the raw rows alone for ranges of at most 3 hours (their fine buckets).
// Every row carries `w`, the seconds it stands for, so averages over rows of both kinds are time-weighted.
import type pg from 'pg';
import { grainFor, type TimeRange } from './params.js';

const S = 'kubepulse';
/** date_bin's origin, as in the series queries: buckets line up across tables. */
export const BIN_ORIGIN = `TIMESTAMPTZ '2000-01-01 00:00:00+00'`;

type MetricEntity = 'node' | 'pod';

/** One value column: its expression over the raw view and over the rollup (both averaged per row). */
export interface RangeColumn {
  name: string;
  raw: string;
  rollup: string;
}

/** The keys carried through (grouped by in the raw part, plain columns of the rollup). */
const KEYS: Record<MetricEntity, string[]> = {
  node: ['cluster_id', 'node'],
  pod: ['cluster_id', 'pod_uid', 'namespace', 'pod', 'node'],
};

export interface RangeSource {
  /** A subquery: KEYS, `ts` (a row's bucket start), each column by name, and `w` (seconds). */
  sql: string;
  /** `raw` when only raw rows answer; else the rollup table read before `split`. */
  rollup: string | null;
}

/** Where the rollup of `table` is complete (null: it has not run yet, the raw rows answer alone). */
async function doneUntil(pool: pg.Pool, table: string): Promise<Date | null> {
  const r = await pool.query<{ done_until: Date }>(`SELECT done_until FROM ${S}.rollup_state WHERE rollup_table = $1`, [table]);
  return r.rows[0]?.done_until ?? null;
}

/**
 * The rows of `entity` over the range, as one subquery whose parameters are appended to `params`.
 * `rawBinS`: the raw part is averaged into bins of this width (the chart's bucket for a short range;
 * 60 s otherwise, a minute like the 1-minute rollup's rows).
 */
export async function rangeSource(pool: pg.Pool, entity: MetricEntity, cols: RangeColumn[], range: TimeRange, params: unknown[],
  clusterId: number | undefined, rawBinS?: number): Promise<RangeSource> {
  const grain = grainFor(range);
  const rollupTable = grain === 'raw' ? null : `${entity}_metric_${grain}`;
  const done = rollupTable ? await doneUntil(pool, rollupTable) : null;
  // Rollup rows answer [from, split); raw rows [split, to).
  const split = done && done > range.from ? new Date(Math.min(done.getTime(), range.to.getTime())) : range.from;
  const keys = KEYS[entity];
  const p = (v: unknown): string => `$${params.push(v)}`;
  const cluster = clusterId === undefined ? '' : ` AND cluster_id = ${p(clusterId)}`;
  const bin = p(rawBinS ?? 60);
  const grouped = entity === 'node' ? ['cluster_id', 'node'] : ['cluster_id', 'pod_uid'];
  const keyCols = keys.map((k) => (grouped.includes(k) ? k : `max(${k}) AS ${k}`));
  const binned = `date_bin(make_interval(secs => ${bin}), ts, ${BIN_ORIGIN})`;
  const raw = `SELECT ${keyCols.join(', ')}, ${binned} AS ts, ${cols.map((c) => `avg(${c.raw}) AS ${c.name}`).join(', ')}, ${bin}::float8 AS w
      FROM ${S}.${entity}_metric WHERE ts >= ${p(split)} AND ts < ${p(range.to)}${cluster}
      GROUP BY ${grouped.join(', ')}, ${binned}`;
  if (!rollupTable || split.getTime() <= range.from.getTime()) return { sql: raw, rollup: null };
  const rollup = `SELECT ${keys.join(', ')}, ts, ${cols.map((c) => `${c.rollup} AS ${c.name}`).join(', ')}, ${grain === '1h' ? 3600 : 60}::float8 AS w
      FROM ${S}.${rollupTable} WHERE ts >= ${p(range.from)} AND ts < ${p(split)}${cluster}`;
  return { sql: `${rollup}\n      UNION ALL\n      ${raw}`, rollup: rollupTable };
}

/** A time-weighted average of a column over rows of the source (rows without the value left out). */
export function weighted(col: string): string {
  return `sum(${col} * w) / nullif(sum(w) FILTER (WHERE ${col} IS NOT NULL), 0)`;
}
