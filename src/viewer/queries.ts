// The viewer's reads of inventory and latest samples. Each is one parameterized statement shaped for the
// 5,000-node / 150,000-pod scale: latest node samples come from a short recent window (partition-pruned,
// one DISTINCT ON), pod counts from one pass over the pod table, tables are paged server-side.
import type pg from 'pg';
import { grainFor, type TimeRange } from './params.js';
import { BIN_ORIGIN, rangeSource, weighted, type RangeColumn } from './range-source.js';

const S = 'kubepulse';
const SPARK_CPU: RangeColumn = { name: 'cpu', raw: 'coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores::float8)', rollup: 'coalesce(cpu_usage_nanocores_avg / 1e6, cpu_rate_millicores_avg)' };
/** Node samples younger than this count as "reporting" and feed the latest figures. */
const LATEST_WINDOW = '3 minutes';

const LATEST_NODE_SAMPLES = `
  SELECT DISTINCT ON (cluster_id, node) cluster_id, node, ts,
         coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores::float8) AS cpu_m,
         memory_working_set_bytes AS mem_b,
         network_rx_bytes_per_second AS rx_bps, network_tx_bytes_per_second AS tx_bps,
         fs_used_bytes AS fs_used_b, fs_capacity_bytes AS fs_cap_b
    FROM ${S}.node_metric
   WHERE ts > now() - interval '${LATEST_WINDOW}'
     -- cAdvisor rows of the same node carry their own (different) sample time, a computed CPU rate but
     -- no CPU gauge, network or filesystem figures: the newest summary row (it has the gauge) wins while
     -- there is one in the window, else the newest row with any CPU figure (cAdvisor or resource only).
     AND (cpu_usage_nanocores IS NOT NULL OR cpu_rate_millicores IS NOT NULL)
   ORDER BY cluster_id, node, (cpu_usage_nanocores IS NOT NULL) DESC, ts DESC`;

export interface ClusterOverviewRow {
  id: number;
  name: string;
  nodes: number;
  nodesReady: number;
  nodesReporting: number;
  pods: { running: number; pending: number; failed: number; succeeded: number; total: number };
  cpu: { usedMillicores: number | null; allocatableMillicores: number | null; requestsMillicores: number | null; limitsMillicores: number | null };
  memory: { usedBytes: number | null; allocatableBytes: number | null; requestsBytes: number | null; limitsBytes: number | null };
  lastSampleAt: string | null;
}

// pg hands bigint, numeric (sum of bigint) and count(*) over as strings, integer and double precision as
// numbers, timestamptz as Date; the row types below say which each column is.
const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** One cluster's figures; every aggregate comes from a LEFT JOIN, so null when the cluster has none. */
interface OverviewDbRow {
  id: number; name: string;
  nodes: string | null; ready: string | null; cpu_alloc: string | null; mem_alloc: string | null;
  pods: string | null; running: string | null; pending: string | null; failed: string | null; succeeded: string | null;
  cpu_req: string | null; cpu_lim: string | null; mem_req: string | null; mem_lim: string | null;
  reporting: string | null; cpu_used: number | null; mem_used: string | null; last: Date | null;
}

export async function overview(pool: pg.Pool): Promise<ClusterOverviewRow[]> {
  const r = await pool.query<OverviewDbRow>(`
    WITH n AS (
      SELECT cluster_id, count(*) AS total, count(*) FILTER (WHERE ready) AS ready,
             sum(allocatable_cpu_millicores) AS cpu_alloc, sum(allocatable_memory_bytes) AS mem_alloc
        FROM ${S}.node WHERE deleted_at IS NULL GROUP BY cluster_id),
    p AS (
      SELECT cluster_id, count(*) AS total,
             count(*) FILTER (WHERE phase = 'Running') AS running, count(*) FILTER (WHERE phase = 'Pending') AS pending,
             count(*) FILTER (WHERE phase = 'Failed') AS failed, count(*) FILTER (WHERE phase = 'Succeeded') AS succeeded,
             sum(cpu_request_millicores) FILTER (WHERE phase IN ('Running', 'Pending')) AS cpu_req,
             sum(cpu_limit_millicores) FILTER (WHERE phase IN ('Running', 'Pending')) AS cpu_lim,
             sum(memory_request_bytes) FILTER (WHERE phase IN ('Running', 'Pending')) AS mem_req,
             sum(memory_limit_bytes) FILTER (WHERE phase IN ('Running', 'Pending')) AS mem_lim
        FROM ${S}.pod WHERE deleted_at IS NULL GROUP BY cluster_id),
    m AS (
      SELECT cluster_id, count(*) AS reporting, sum(cpu_m) AS cpu_used, sum(mem_b) AS mem_used, max(ts) AS last
        FROM (${LATEST_NODE_SAMPLES}) x GROUP BY cluster_id)
    SELECT c.id, c.name, n.total AS nodes, n.ready, n.cpu_alloc, n.mem_alloc, p.total AS pods, p.running, p.pending,
           p.failed, p.succeeded, p.cpu_req, p.cpu_lim, p.mem_req, p.mem_lim, m.reporting, m.cpu_used, m.mem_used,
           coalesce(m.last, (SELECT max(ts) FROM ${S}.node_metric x WHERE x.cluster_id = c.id AND x.ts > now() - interval '1 day')) AS last
      FROM ${S}.cluster c LEFT JOIN n ON n.cluster_id = c.id LEFT JOIN p ON p.cluster_id = c.id LEFT JOIN m ON m.cluster_id = c.id
     ORDER BY c.name`);
  return r.rows.map((x) => ({
    id: x.id,
    name: x.name,
    nodes: Number(x.nodes ?? 0),
    nodesReady: Number(x.ready ?? 0),
    nodesReporting: Number(x.reporting ?? 0),
    pods: { running: Number(x.running ?? 0), pending: Number(x.pending ?? 0), failed: Number(x.failed ?? 0), succeeded: Number(x.succeeded ?? 0), total: Number(x.pods ?? 0) },
    cpu: { usedMillicores: num(x.cpu_used), allocatableMillicores: num(x.cpu_alloc), requestsMillicores: num(x.cpu_req), limitsMillicores: num(x.cpu_lim) },
    memory: { usedBytes: num(x.mem_used), allocatableBytes: num(x.mem_alloc), requestsBytes: num(x.mem_req), limitsBytes: num(x.mem_lim) },
    lastSampleAt: x.last ? new Date(x.last).toISOString() : null,
  }));
}

export async function clusterId(pool: pg.Pool, name: string): Promise<number | null> {
  const r = await pool.query<{ id: number }>(`SELECT id FROM ${S}.cluster WHERE name = $1`, [name]);
  return r.rows[0]?.id ?? null;
}

export const NODE_SORTS = ['name', 'cluster', 'role', 'status', 'cpu', 'memory', 'cpu_requests', 'cpu_limits', 'memory_requests', 'memory_limits', 'pods', 'network', 'filesystem', 'sample'] as const;
type NodeSort = (typeof NODE_SORTS)[number];
type SortDir = 'asc' | 'desc';

export interface NodeRow {
  cluster: string; name: string; roles: string; ready: boolean; unschedulable: boolean; zone: string | null; kubeletVersion: string | null;
  cpuAllocatableMillicores: number | null; memoryAllocatableBytes: number | null; podsAllocatable: number | null; pods: number;
  problems: string[]; sampleAt: string | null; cpuMillicores: number | null; memoryBytes: number | null; cpuPercent: number | null;
  memoryPercent: number | null; rxBytesPerSecond: number | null; txBytesPerSecond: number | null; fsUsedBytes: number | null;
  fsCapacityBytes: number | null; fsPercent: number | null;
  /** Sums over the node's running and pending pods, and their share (%) of its allocatable. */
  cpuRequestsMillicores: number | null; cpuLimitsMillicores: number | null; memoryRequestsBytes: number | null; memoryLimitsBytes: number | null;
  cpuRequestsPercent: number | null; cpuLimitsPercent: number | null; memoryRequestsPercent: number | null; memoryLimitsPercent: number | null;
}

interface NodeCondition { type: string; status: string; reason: string | null }

/** A live node joined to its latest sample (all sample columns null when it has none in the window). */
interface NodeDbRow {
  cluster: string; name: string; roles: string | null; ready: boolean | null; unschedulable: boolean | null; zone: string | null;
  kubelet_version: string | null; cpu_alloc_m: string | null; mem_alloc_b: string | null; allocatable_pods: number | null;
  conditions: NodeCondition[] | null; ts: Date | null; cpu_m: number | null; mem_b: string | null; rx_bps: number | null;
  tx_bps: number | null; fs_used_b: string | null; fs_cap_b: string | null; pods: string;
  cpu_req: string | null; cpu_lim: string | null; mem_req: string | null; mem_lim: string | null;
}

/** Every live node with its latest sample and pod count: one statement (see snapshot.ts for its reuse). */
export async function allNodes(pool: pg.Pool): Promise<NodeRow[]> {
  const r = await pool.query<NodeDbRow>(`
    WITH m AS (${LATEST_NODE_SAMPLES}),
    pc AS (SELECT cluster_id, node, count(*) AS pods, sum(cpu_request_millicores) AS cpu_req, sum(cpu_limit_millicores) AS cpu_lim,
                  sum(memory_request_bytes) AS mem_req, sum(memory_limit_bytes) AS mem_lim FROM ${S}.pod
            WHERE deleted_at IS NULL AND phase IN ('Running', 'Pending') AND node IS NOT NULL GROUP BY cluster_id, node)
    SELECT c.name AS cluster, n.name, n.roles, n.ready, n.unschedulable, n.zone, n.kubelet_version,
           n.allocatable_cpu_millicores AS cpu_alloc_m, n.allocatable_memory_bytes AS mem_alloc_b, n.allocatable_pods,
           n.conditions, m.ts, m.cpu_m, m.mem_b, m.rx_bps, m.tx_bps, m.fs_used_b, m.fs_cap_b, coalesce(pc.pods, 0) AS pods,
           pc.cpu_req, pc.cpu_lim, pc.mem_req, pc.mem_lim
      FROM ${S}.node n JOIN ${S}.cluster c ON c.id = n.cluster_id
      LEFT JOIN m ON m.cluster_id = n.cluster_id AND m.node = n.name
      LEFT JOIN pc ON pc.cluster_id = n.cluster_id AND pc.node = n.name
     WHERE n.deleted_at IS NULL`);
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b ? (100 * a) / b : null);
  return r.rows.map((x) => {
    const cpuM = num(x.cpu_m);
    const memB = num(x.mem_b);
    const fsUsed = num(x.fs_used_b);
    const fsCap = num(x.fs_cap_b);
    const cpuAlloc = num(x.cpu_alloc_m);
    const memAlloc = num(x.mem_alloc_b);
    return {
      cluster: x.cluster, name: x.name, roles: x.roles ?? '', ready: x.ready === true, unschedulable: x.unschedulable === true, zone: x.zone,
      kubeletVersion: x.kubelet_version, cpuAllocatableMillicores: num(x.cpu_alloc_m), memoryAllocatableBytes: num(x.mem_alloc_b),
      podsAllocatable: num(x.allocatable_pods), pods: Number(x.pods),
      problems: (x.conditions ?? [])
        .filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status === 'True'))
        .map((c) => (c.type === 'Ready' ? `NotReady${c.reason ? ` (${c.reason})` : ''}` : c.type)),
      sampleAt: x.ts ? new Date(x.ts).toISOString() : null,
      cpuMillicores: cpuM, memoryBytes: memB, cpuPercent: ratio(cpuM, cpuAlloc), memoryPercent: ratio(memB, memAlloc),
      rxBytesPerSecond: num(x.rx_bps), txBytesPerSecond: num(x.tx_bps), fsUsedBytes: fsUsed, fsCapacityBytes: fsCap, fsPercent: ratio(fsUsed, fsCap),
      cpuRequestsMillicores: num(x.cpu_req), cpuLimitsMillicores: num(x.cpu_lim), memoryRequestsBytes: num(x.mem_req), memoryLimitsBytes: num(x.mem_lim),
      cpuRequestsPercent: ratio(num(x.cpu_req), cpuAlloc), cpuLimitsPercent: ratio(num(x.cpu_lim), cpuAlloc),
      memoryRequestsPercent: ratio(num(x.mem_req), memAlloc), memoryLimitsPercent: ratio(num(x.mem_lim), memAlloc),
    };
  });
}

export interface NodeFilter {
  cluster?: string;
  search?: string;
  role?: string;
  sort: NodeSort;
  /** Default: names ascending, figures descending (the busiest first). */
  dir?: SortDir;
  offset: number;
  limit: number;
}

const byName = (a: NodeRow, b: NodeRow): number => (a.cluster === b.cluster ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.cluster < b.cluster ? -1 : 1);

/** What each sort key orders by, and its natural direction. */
const NODE_KEYS: Record<NodeSort, { key: (r: NodeRow) => number | string | null; dir: SortDir }> = {
  name: { key: (r) => r.name, dir: 'asc' },
  cluster: { key: (r) => r.cluster, dir: 'asc' },
  role: { key: (r) => r.roles || 'worker', dir: 'asc' },
  // NotReady first, then nodes with problems, cordoned, ready
  status: { key: (r) => (r.ready ? 0 : 3) + (r.problems.length ? 1 : 0) + (r.unschedulable ? 0.5 : 0), dir: 'desc' },
  cpu: { key: (r) => r.cpuPercent, dir: 'desc' },
  memory: { key: (r) => r.memoryPercent, dir: 'desc' },
  cpu_requests: { key: (r) => r.cpuRequestsPercent, dir: 'desc' },
  cpu_limits: { key: (r) => r.cpuLimitsPercent, dir: 'desc' },
  memory_requests: { key: (r) => r.memoryRequestsPercent, dir: 'desc' },
  memory_limits: { key: (r) => r.memoryLimitsPercent, dir: 'desc' },
  pods: { key: (r) => r.pods, dir: 'desc' },
  network: { key: (r) => (r.rxBytesPerSecond ?? 0) + (r.txBytesPerSecond ?? 0), dir: 'desc' },
  filesystem: { key: (r) => r.fsPercent, dir: 'desc' },
  sample: { key: (r) => (r.sampleAt ? Date.parse(r.sampleAt) : null), dir: 'asc' },
};

/** Orders by a key in either direction; rows without the figure always last, then by name. */
function nodeOrder(sort: NodeSort, dir: SortDir): (a: NodeRow, b: NodeRow) => number {
  const { key } = NODE_KEYS[sort];
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return byName(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  };
}

/** Filter, sort and page the node rows (pure). Search matches a substring of the name, any case. */
export function pageNodes(rows: NodeRow[], f: NodeFilter): { total: number; rows: NodeRow[] } {
  const needle = f.search?.toLowerCase();
  const kept = rows.filter((r) =>
    (f.cluster === undefined || r.cluster === f.cluster) &&
    (needle === undefined || r.name.toLowerCase().includes(needle)) &&
    (f.role === undefined || r.roles.split(',').includes(f.role)));
  kept.sort(nodeOrder(f.sort, f.dir ?? NODE_KEYS[f.sort].dir));
  return { total: kept.length, rows: kept.slice(f.offset, f.offset + f.limit) };
}

/**
 * CPU % of allocatable of some nodes over the range, in about 20 points (buckets of whole minutes): the
 * nodes table's sparklines. Read like the overview's aggregates (range-source.ts), so a long range comes
 * from the rollups and still includes the newest minutes. Default: the last 15 minutes.
 */
export async function nodeSparklines(pool: pg.Pool, clusterIdValue: number, nodes: string[],
  range: TimeRange = { from: new Date(Date.now() - 15 * 60_000), to: new Date() }): Promise<Record<string, Array<[number, number | null]>>> {
  const spanS = (range.to.getTime() - range.from.getTime()) / 1000;
  const bucketS = Math.max(60, Math.ceil(spanS / 20 / 60) * 60);
  const params: unknown[] = [];
  const src = await rangeSource(pool, 'node', [SPARK_CPU], range, params, clusterIdValue, grainFor(range) === 'raw' ? bucketS : 60);
  const r = await pool.query<{ node: string; t: string; cpu_pct: number | null }>(
    `SELECT s.node, extract(epoch FROM date_bin(make_interval(secs => $${params.push(bucketS)}), s.ts, ${BIN_ORIGIN}))::bigint AS t,
            100.0 * ${weighted('s.cpu')} / nullif(max(n.allocatable_cpu_millicores), 0) AS cpu_pct
       FROM (${src.sql}) s JOIN ${S}.node n ON n.cluster_id = s.cluster_id AND n.name = s.node AND n.deleted_at IS NULL
      WHERE s.node = ANY ($${params.push(nodes)})
      GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  const out: Record<string, Array<[number, number | null]>> = {};
  for (const x of r.rows) (out[x.node] ??= []).push([Number(x.t), num(x.cpu_pct)]);
  return out;
}
