// The busiest pods, nodes and namespaces over a time range, and every namespace's figures. Averages are
// time-weighted over the range's rows (rollups, then the newest raw rows: range-source.ts); a
// namespace's CPU is its pods' CPU-seconds over the range's length, so pods that came and went count
// for the time they ran. Restarts are the rise of each pod's restart count in the change log.
import type pg from 'pg';
import type { TimeRange } from './params.js';
import { rangeSource, weighted } from './range-source.js';
import { OVERVIEW_COLUMNS, spanSeconds } from './overview-queries.js';

const S = 'kubepulse';
const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
const { CPU, MEM, THROTTLED, PERIODS } = OVERVIEW_COLUMNS;

type TopBy = 'cpu' | 'memory' | 'restarts' | 'throttling';

export interface TopPod { cluster: string; namespace: string; name: string; node: string | null; uid: string; value: number }
interface TopNode { cluster: string; name: string; value: number; percent: number | null }
export interface NamespaceFigures {
  cluster: string; namespace: string; pods: number;
  /** Averages over the range (millicores, bytes); throttled share of CFS periods (%). */
  cpuMillicores: number | null; memoryBytes: number | null; throttledPercent: number | null; restarts: number;
  /** Running and pending pods' requests and limits now. */
  cpuRequestsMillicores: number | null; cpuLimitsMillicores: number | null; memoryRequestsBytes: number | null; memoryLimitsBytes: number | null;
}

/** Per pod in the range: restarts (the rise of its restart count; a pod first seen in the range from its first count). */
export function restartsSql(params: unknown[], range: TimeRange, clusterId: number | undefined): string {
  const from = `$${params.push(range.from)}`;
  const to = `$${params.push(range.to)}`;
  const cluster = clusterId === undefined ? '' : ` AND cluster_id = $${params.push(clusterId)}`;
  return `SELECT cluster_id, uid, max(namespace) AS namespace, max(name) AS name, max(state->>'node') AS node,
         max((state->>'restart_count')::int) FILTER (WHERE at >= ${from})
           - coalesce(max((state->>'restart_count')::int) FILTER (WHERE at < ${from}), min((state->>'restart_count')::int) FILTER (WHERE at >= ${from})) AS restarts
    FROM ${S}.change_log
   WHERE kind = 'pod' AND at < ${to}${cluster}
     AND uid IN (SELECT uid FROM ${S}.change_log WHERE kind = 'pod' AND at >= ${from} AND at < ${to}${cluster})
   GROUP BY cluster_id, uid`;
}

/** Each pod's figures over the range (one pass over its rows). */
async function podFigures(pool: pg.Pool, range: TimeRange, clusterId: number | undefined, params: unknown[]): Promise<string> {
  const src = await rangeSource(pool, 'pod', [CPU, MEM, THROTTLED, PERIODS], range, params, clusterId);
  return `SELECT cluster_id, pod_uid, max(namespace) AS namespace, max(pod) AS pod, max(node) AS node,
           ${weighted('cpu')} AS cpu, ${weighted('mem')} AS mem, sum(cpu * w) AS cpu_s, sum(mem * w) AS mem_s,
           sum(thr * w) AS thr_s, sum(per * w) AS per_s
      FROM (${src.sql}) u GROUP BY cluster_id, pod_uid`;
}

export interface TopLists {
  pods: Record<TopBy, TopPod[]>;
  nodes: Record<'cpu' | 'memory', TopNode[]>;
  namespaces: Record<TopBy, Array<{ cluster: string; namespace: string; value: number }>>;
}

export async function topLists(pool: pg.Pool, range: TimeRange, limit: number, clusterId?: number): Promise<TopLists> {
  const podParams: unknown[] = [];
  const pods = await podFigures(pool, range, clusterId, podParams);
  const lim = `$${podParams.push(limit)}`;
  const rankPods = (by: string, expr: string, where: string): string =>
    `(SELECT '${by}' AS by, c.name AS cluster, p.namespace, p.pod AS name, p.node, p.pod_uid AS uid, ${expr} AS value
        FROM p JOIN ${S}.cluster c ON c.id = p.cluster_id WHERE ${where} ORDER BY ${expr} DESC LIMIT ${lim})`;
  const podQuery = pool.query<{ by: TopBy; cluster: string; namespace: string; name: string; node: string | null; uid: string; value: number }>(
    `WITH p AS MATERIALIZED (${pods})
     ${rankPods('cpu', 'p.cpu', 'p.cpu IS NOT NULL')} UNION ALL ${rankPods('memory', 'p.mem', 'p.mem IS NOT NULL')}
     UNION ALL ${rankPods('throttling', '100 * p.thr_s / p.per_s', 'p.per_s > 0 AND p.thr_s > 0')}`,
    podParams,
  );
  const nodeParams: unknown[] = [];
  const nodeSrc = await rangeSource(pool, 'node', [CPU, MEM], range, nodeParams, clusterId);
  const nlim = `$${nodeParams.push(limit)}`;
  const nodeQuery = pool.query<{ by: 'cpu' | 'memory'; cluster: string; name: string; value: number; percent: number | null }>(
    `WITH n AS MATERIALIZED (SELECT cluster_id, node, ${weighted('cpu')} AS cpu, ${weighted('mem')} AS mem FROM (${nodeSrc.sql}) u GROUP BY 1, 2),
     j AS (SELECT c.name AS cluster, n.node AS name, n.cpu, n.mem, x.allocatable_cpu_millicores AS ca, x.allocatable_memory_bytes AS ma
             FROM n JOIN ${S}.cluster c ON c.id = n.cluster_id
             LEFT JOIN LATERAL (SELECT allocatable_cpu_millicores, allocatable_memory_bytes FROM ${S}.node x
                                 WHERE x.cluster_id = n.cluster_id AND x.name = n.node ORDER BY deleted_at DESC NULLS FIRST LIMIT 1) x ON true)
     (SELECT 'cpu' AS by, cluster, name, cpu AS value, 100 * cpu / nullif(ca, 0) AS percent FROM j WHERE cpu IS NOT NULL ORDER BY cpu DESC LIMIT ${nlim})
     UNION ALL
     (SELECT 'memory', cluster, name, mem, 100 * mem / nullif(ma, 0) FROM j WHERE mem IS NOT NULL ORDER BY mem DESC LIMIT ${nlim})`,
    nodeParams,
  );
  const rParams: unknown[] = [];
  const restartSql = restartsSql(rParams, range, clusterId);
  const rl = `$${rParams.push(limit)}`;
  const restartQuery = pool.query<{ cluster: string; namespace: string; name: string; node: string | null; uid: string; restarts: number }>(
    `SELECT c.name AS cluster, r.namespace, r.name, r.node, r.uid, r.restarts FROM (${restartSql}) r JOIN ${S}.cluster c ON c.id = r.cluster_id
      WHERE r.restarts > 0 ORDER BY r.restarts DESC, r.name LIMIT ${rl}`,
    rParams,
  );
  const [pr, nr, rr, ns] = await Promise.all([podQuery, nodeQuery, restartQuery, namespaceFigures(pool, range, clusterId)]);
  const out: TopLists = {
    pods: { cpu: [], memory: [], restarts: [], throttling: [] },
    nodes: { cpu: [], memory: [] },
    namespaces: { cpu: [], memory: [], restarts: [], throttling: [] },
  };
  for (const x of pr.rows) out.pods[x.by].push({ cluster: x.cluster, namespace: x.namespace, name: x.name, node: x.node, uid: x.uid, value: Number(x.value) });
  for (const x of nr.rows) out.nodes[x.by].push({ cluster: x.cluster, name: x.name, value: Number(x.value), percent: num(x.percent) });
  out.pods.restarts = rr.rows.map((x) => ({ cluster: x.cluster, namespace: x.namespace, name: x.name, node: x.node, uid: x.uid, value: Number(x.restarts) }));
  const rank = (key: (n: NamespaceFigures) => number | null): Array<{ cluster: string; namespace: string; value: number }> =>
    ns.filter((n) => (key(n) ?? 0) > 0).sort((a, b) => key(b)! - key(a)!).slice(0, limit).map((n) => ({ cluster: n.cluster, namespace: n.namespace, value: key(n)! }));
  out.namespaces = { cpu: rank((n) => n.cpuMillicores), memory: rank((n) => n.memoryBytes), restarts: rank((n) => n.restarts), throttling: rank((n) => n.throttledPercent) };
  return out;
}

/** Every namespace that had pods in the range or has pods now, with its figures; busiest CPU first. */
export async function namespaceFigures(pool: pg.Pool, range: TimeRange, clusterId?: number): Promise<NamespaceFigures[]> {
  const params: unknown[] = [];
  const pods = await podFigures(pool, range, clusterId, params);
  const restarts = restartsSql(params, range, clusterId);
  const span = `$${params.push(spanSeconds(range))}`;
  const cluster = clusterId === undefined ? '' : ` AND cluster_id = $${params.push(clusterId)}`;
  const r = await pool.query<{
    cluster: string; namespace: string; pods: string | null; cpu_s: number | null; mem_s: number | null; thr_s: number | null; per_s: number | null;
    restarts: string | null; cr: string | null; cl: string | null; mr: string | null; ml: string | null;
  }>(
    `WITH u AS (SELECT cluster_id, namespace, count(*) AS sampled, sum(cpu_s) AS cpu_s, sum(mem_s) AS mem_s, sum(thr_s) AS thr_s, sum(per_s) AS per_s
                  FROM (${pods}) p GROUP BY 1, 2),
     r AS (SELECT cluster_id, namespace, sum(restarts) AS restarts FROM (${restarts}) x GROUP BY 1, 2),
     q AS (SELECT cluster_id, namespace, count(*) AS pods, sum(cpu_request_millicores) AS cr, sum(cpu_limit_millicores) AS cl,
                  sum(memory_request_bytes) AS mr, sum(memory_limit_bytes) AS ml
             FROM ${S}.pod WHERE deleted_at IS NULL AND phase IN ('Running', 'Pending')${cluster} GROUP BY 1, 2),
     k AS (SELECT cluster_id, namespace FROM u UNION SELECT cluster_id, namespace FROM q UNION SELECT cluster_id, namespace FROM r)
     SELECT c.name AS cluster, k.namespace, q.pods, u.cpu_s / ${span} AS cpu_s, u.mem_s / ${span} AS mem_s, u.thr_s, u.per_s, r.restarts, q.cr, q.cl, q.mr, q.ml
       FROM k JOIN ${S}.cluster c ON c.id = k.cluster_id
       LEFT JOIN u ON u.cluster_id = k.cluster_id AND u.namespace = k.namespace
       LEFT JOIN r ON r.cluster_id = k.cluster_id AND r.namespace = k.namespace
       LEFT JOIN q ON q.cluster_id = k.cluster_id AND q.namespace = k.namespace
      WHERE k.namespace IS NOT NULL
      ORDER BY u.cpu_s DESC NULLS LAST, c.name, k.namespace`,
    params,
  );
  return r.rows.map((x) => ({
    cluster: x.cluster, namespace: x.namespace, pods: Number(x.pods ?? 0),
    cpuMillicores: num(x.cpu_s), memoryBytes: num(x.mem_s),
    throttledPercent: x.per_s && Number(x.per_s) > 0 ? (100 * Number(x.thr_s ?? 0)) / Number(x.per_s) : null,
    restarts: Number(x.restarts ?? 0),
    cpuRequestsMillicores: num(x.cr), cpuLimitsMillicores: num(x.cl), memoryRequestsBytes: num(x.mr), memoryLimitsBytes: num(x.ml),
  }));
}
