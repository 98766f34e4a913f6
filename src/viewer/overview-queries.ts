// The overview over a time range: each cluster's CPU and memory used against requests, limits and
// allocatable (charts), the busiest pods, nodes and namespaces (by CPU, memory, restarts, throttling),
// every namespace's figures, and the range's warnings, OOM kills and restarts. Usage comes from the
// rollups and the newest raw rows (range-source.ts); requests, limits and allocatable over time from the
// inventory's lifetimes (created_at, deleted_at); restarts from the change log's restart counts.
import type pg from 'pg';
import { bucketSeconds, grainFor, type TimeRange } from './params.js';
import { BIN_ORIGIN, rangeSource, weighted, type RangeColumn } from './range-source.js';

const S = 'kubepulse';
const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

const CPU: RangeColumn = { name: 'cpu', raw: 'coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores::float8)', rollup: 'coalesce(cpu_usage_nanocores_avg / 1e6, cpu_rate_millicores_avg)' };
const MEM: RangeColumn = { name: 'mem', raw: 'memory_working_set_bytes', rollup: 'memory_working_set_bytes_avg' };
const THROTTLED: RangeColumn = { name: 'thr', raw: 'cpu_cfs_throttled_periods_per_second', rollup: 'cpu_cfs_throttled_periods_per_second_avg' };
const PERIODS: RangeColumn = { name: 'per', raw: 'cpu_cfs_periods_per_second', rollup: 'cpu_cfs_periods_per_second_avg' };

interface Bounds { cpuRequests: number[]; cpuLimits: number[]; memoryRequests: number[]; memoryLimits: number[]; cpuAllocatable: number[]; memoryAllocatable: number[] }

interface ClusterUsage {
  name: string;
  /** Sums over the cluster's nodes of each node's average in the bucket (null: no node reported). */
  cpuUsed: Array<number | null>;
  memoryUsed: Array<number | null>;
  /** Nodes that reported in each bucket (a dip says the sum is partial). */
  nodesReporting: number[];
  /** Over time from the objects' lifetimes: running and pending pods' requests and limits, live nodes' allocatable. */
  cpuRequests: number[]; cpuLimits: number[]; memoryRequests: number[]; memoryLimits: number[];
  cpuAllocatable: number[]; memoryAllocatable: number[];
}

export interface UsageOverTime {
  from: string; to: string; bucketS: number;
  /** The rollup table read for the older part of the range (null: raw rows only). */
  rollup: string | null;
  ts: number[];
  clusters: ClusterUsage[];
}

const MIN_BUCKET_S = 30;
const BIN_ORIGIN_S = Date.UTC(2000, 0, 1) / 1000;

/** Bucket starts (epoch seconds) covering the range, on the same grid date_bin gives. */
function grid(range: TimeRange, bucketS: number): number[] {
  const first = BIN_ORIGIN_S + Math.floor((range.from.getTime() / 1000 - BIN_ORIGIN_S) / bucketS) * bucketS;
  const out: number[] = [];
  for (let t = first; t < range.to.getTime() / 1000; t += bucketS) out.push(t);
  return out;
}

/**
 * A quantity over time from objects' lifetimes: what was alive before the range, plus each bucket's
 * additions (created) and removals (deleted), accumulated along the grid. One pass over the table.
 */
async function lifetimeSums(pool: pg.Pool, table: 'pod' | 'node', cols: Array<[string, string]>, where: string, range: TimeRange,
  bucketS: number, ts: number[], clusterId: number | undefined): Promise<Map<number, number[][]>> {
  const params: unknown[] = [range.from, range.to, bucketS];
  const cluster = clusterId === undefined ? '' : ` AND cluster_id = $${params.push(clusterId)}`;
  const sums = cols.map(([, c], i) => `sum(${c} * sign) AS v${i}`).join(', ');
  const r = await pool.query<Record<string, string | number | null>>(
    `WITH ev AS (
       SELECT cluster_id, coalesce(created_at, '-infinity') AS at, 1 AS sign, ${cols.map(([, c]) => c).join(', ')} FROM ${S}.${table} WHERE ${where}${cluster}
       UNION ALL
       SELECT cluster_id, deleted_at, -1, ${cols.map(([, c]) => c).join(', ')} FROM ${S}.${table} WHERE ${where}${cluster} AND deleted_at IS NOT NULL)
     SELECT cluster_id, CASE WHEN at < $1 THEN NULL ELSE extract(epoch FROM date_bin(make_interval(secs => $3), at, ${BIN_ORIGIN}))::bigint END AS t, ${sums}
       FROM ev WHERE at < $2 GROUP BY 1, 2`,
    params,
  );
  const out = new Map<number, number[][]>();
  const at = new Map(ts.map((t, i) => [t, i]));
  for (const row of r.rows) {
    const id = Number(row.cluster_id);
    const series = out.get(id) ?? cols.map(() => new Array<number>(ts.length).fill(0));
    out.set(id, series);
    const i = row.t === null ? 0 : at.get(Number(row.t)) ?? (Number(row.t) < ts[0] ? 0 : -1);
    if (i < 0) continue;
    cols.forEach((_, k) => (series[k][i] += Number(row[`v${k}`] ?? 0)));
  }
  for (const series of out.values()) for (const s of series) for (let i = 1; i < s.length; i++) s[i] += s[i - 1];
  return out;
}

export async function usageOverTime(pool: pg.Pool, range: TimeRange, clusterId?: number): Promise<UsageOverTime> {
  // Never finer than 30 s: each node reports at its own times (every 10–15 s), and a bucket that only
  // some nodes reported in would sum part of the cluster.
  const bucketS = Math.max(MIN_BUCKET_S, bucketSeconds(range, grainFor(range), 240));
  const ts = grid(range, bucketS);
  const params: unknown[] = [];
  const src = await rangeSource(pool, 'node', [CPU, MEM], range, params, clusterId, grainFor(range) === 'raw' ? bucketS : 60);
  const b = `$${params.push(bucketS)}`;
  const [usage, pods, nodes, names] = await Promise.all([
    pool.query<{ cluster_id: number; t: string; cpu: number | null; mem: number | null; nodes: string }>(
      `SELECT cluster_id, t, sum(cpu) AS cpu, sum(mem) AS mem, count(*) AS nodes FROM (
         SELECT cluster_id, node, extract(epoch FROM date_bin(make_interval(secs => ${b}), ts, ${BIN_ORIGIN}))::bigint AS t,
                ${weighted('cpu')} AS cpu, ${weighted('mem')} AS mem
           FROM (${src.sql}) u GROUP BY 1, 2, 3) x
       GROUP BY 1, 2`,
      params,
    ),
    // Requests and limits of pods that run or wait to; finished pods hold none (when they finished is not kept).
    lifetimeSums(pool, 'pod', [['cr', 'cpu_request_millicores'], ['cl', 'cpu_limit_millicores'], ['mr', 'memory_request_bytes'], ['ml', 'memory_limit_bytes']],
      `coalesce(phase, '') NOT IN ('Succeeded', 'Failed')`, range, bucketS, ts, clusterId),
    lifetimeSums(pool, 'node', [['ca', 'allocatable_cpu_millicores'], ['ma', 'allocatable_memory_bytes']], 'true', range, bucketS, ts, clusterId),
    pool.query<{ id: number; name: string }>(`SELECT id, name FROM ${S}.cluster WHERE $1::integer IS NULL OR id = $1 ORDER BY name`, [clusterId ?? null]),
  ]);
  const at = new Map(ts.map((t, i) => [t, i]));
  const zeros = (): number[] => new Array<number>(ts.length).fill(0);
  const clusters = names.rows.map((c): ClusterUsage => {
    const p = pods.get(c.id) ?? [zeros(), zeros(), zeros(), zeros()];
    const n = nodes.get(c.id) ?? [zeros(), zeros()];
    const bounds: Bounds = { cpuRequests: p[0], cpuLimits: p[1], memoryRequests: p[2], memoryLimits: p[3], cpuAllocatable: n[0], memoryAllocatable: n[1] };
    return { name: c.name, cpuUsed: new Array<number | null>(ts.length).fill(null), memoryUsed: new Array<number | null>(ts.length).fill(null), nodesReporting: zeros(), ...bounds };
  });
  const byId = new Map(names.rows.map((c, i) => [c.id, clusters[i]]));
  for (const row of usage.rows) {
    const c = byId.get(row.cluster_id);
    const i = at.get(Number(row.t));
    if (!c || i === undefined) continue;
    c.cpuUsed[i] = num(row.cpu);
    c.memoryUsed[i] = num(row.mem);
    c.nodesReporting[i] = Number(row.nodes);
  }
  // The newest bucket is still filling: while fewer nodes reported in it than in the one before, it is
  // left out rather than drawn as a drop.
  const n = ts.length - 1;
  for (const c of clusters) {
    if (n > 0 && c.nodesReporting[n] < c.nodesReporting[n - 1]) {
      c.cpuUsed[n] = null;
      c.memoryUsed[n] = null;
    }
  }
  return { from: range.from.toISOString(), to: range.to.toISOString(), bucketS, rollup: src.rollup, ts, clusters };
}

/** The range in seconds, the divisor turning summed value × seconds into an average over the range. */
export function spanSeconds(range: TimeRange): number {
  return (range.to.getTime() - range.from.getTime()) / 1000;
}

export const OVERVIEW_COLUMNS = { CPU, MEM, THROTTLED, PERIODS };
