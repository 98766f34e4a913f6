// The viewer's reads of inventory and latest samples. Each is one parameterized statement shaped for the
// 5,000-node / 150,000-pod scale: latest node samples come from a short recent window (partition-pruned,
// one DISTINCT ON), pod counts from one pass over the pod table, tables are paged server-side.
import type pg from 'pg';

const S = 'kubepulse';
/** Node samples younger than this count as "reporting" and feed the latest figures. */
export const LATEST_WINDOW = '3 minutes';

const LATEST_NODE_SAMPLES = `
  SELECT DISTINCT ON (cluster_id, node) cluster_id, node, ts,
         coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores) AS cpu_m,
         memory_working_set_bytes AS mem_b,
         network_rx_bytes_per_second AS rx_bps, network_tx_bytes_per_second AS tx_bps,
         fs_used_bytes AS fs_used_b, fs_capacity_bytes AS fs_cap_b
    FROM ${S}.node_metric
   WHERE ts > now() - interval '${LATEST_WINDOW}'
     -- cAdvisor rows of the same node carry their own (different) sample time and no CPU gauge: the
     -- latest figures come from the newest row that has a CPU figure (summary, or a computed rate).
     AND (cpu_usage_nanocores IS NOT NULL OR cpu_rate_millicores IS NOT NULL)
   ORDER BY cluster_id, node, ts DESC`;

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

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function overview(pool: pg.Pool): Promise<ClusterOverviewRow[]> {
  const r = await pool.query(`
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

export const NODE_SORTS = {
  name: 'c.name, n.name',
  cpu: 'cpu_pct DESC NULLS LAST, c.name, n.name',
  memory: 'mem_pct DESC NULLS LAST, c.name, n.name',
  pods: 'pods DESC, c.name, n.name',
  network: 'coalesce(m.rx_bps, 0) + coalesce(m.tx_bps, 0) DESC, c.name, n.name',
  filesystem: 'fs_pct DESC NULLS LAST, c.name, n.name',
} as const;
export type NodeSort = keyof typeof NODE_SORTS;

export interface NodeFilter {
  clusterId?: number;
  search?: string;
  role?: string;
  sort: NodeSort;
  offset: number;
  limit: number;
}

export async function nodesTable(pool: pg.Pool, f: NodeFilter): Promise<{ total: number; rows: unknown[] }> {
  const params: unknown[] = [];
  const where = ['n.deleted_at IS NULL'];
  if (f.clusterId !== undefined) where.push(`n.cluster_id = $${params.push(f.clusterId)}`);
  if (f.search) where.push(`n.name ILIKE $${params.push(`%${f.search.replace(/[\\%_]/g, '\\$&')}%`)}`);
  if (f.role) where.push(`$${params.push(f.role)} = ANY (string_to_array(n.roles, ','))`);
  const podWhere = f.clusterId !== undefined ? `AND cluster_id = $1` : '';
  const sql = `
    WITH m AS (${LATEST_NODE_SAMPLES}),
    pc AS (SELECT cluster_id, node, count(*) AS pods FROM ${S}.pod
            WHERE deleted_at IS NULL AND phase IN ('Running', 'Pending') AND node IS NOT NULL ${podWhere} GROUP BY cluster_id, node)
    SELECT c.name AS cluster, n.name, n.roles, n.ready, n.unschedulable, n.zone, n.kubelet_version,
           n.allocatable_cpu_millicores AS cpu_alloc_m, n.allocatable_memory_bytes AS mem_alloc_b, n.allocatable_pods,
           n.conditions, m.ts, m.cpu_m, m.mem_b, m.rx_bps, m.tx_bps, m.fs_used_b, m.fs_cap_b,
           100.0 * m.cpu_m / nullif(n.allocatable_cpu_millicores, 0) AS cpu_pct,
           100.0 * m.mem_b / nullif(n.allocatable_memory_bytes, 0) AS mem_pct,
           100.0 * m.fs_used_b / nullif(m.fs_cap_b, 0) AS fs_pct,
           coalesce(pc.pods, 0) AS pods, count(*) OVER () AS total
      FROM ${S}.node n JOIN ${S}.cluster c ON c.id = n.cluster_id
      LEFT JOIN m ON m.cluster_id = n.cluster_id AND m.node = n.name
      LEFT JOIN pc ON pc.cluster_id = n.cluster_id AND pc.node = n.name
     WHERE ${where.join(' AND ')}
     ORDER BY ${NODE_SORTS[f.sort]}
     LIMIT $${params.push(f.limit)} OFFSET $${params.push(f.offset)}`;
  const r = await pool.query(sql, params);
  const total = r.rows.length ? Number(r.rows[0].total) : f.offset > 0 ? await countNodes(pool, where, params.slice(0, -2)) : 0;
  return {
    total,
    rows: r.rows.map((x) => ({
      cluster: x.cluster, name: x.name, roles: x.roles, ready: x.ready, unschedulable: x.unschedulable, zone: x.zone,
      kubeletVersion: x.kubelet_version, cpuAllocatableMillicores: num(x.cpu_alloc_m), memoryAllocatableBytes: num(x.mem_alloc_b),
      podsAllocatable: num(x.allocatable_pods), pods: Number(x.pods),
      problems: ((x.conditions ?? []) as Array<{ type: string; status: string; reason: string | null }>)
        .filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status === 'True'))
        .map((c) => (c.type === 'Ready' ? `NotReady${c.reason ? ` (${c.reason})` : ''}` : c.type)),
      sampleAt: x.ts ? new Date(x.ts).toISOString() : null,
      cpuMillicores: num(x.cpu_m), memoryBytes: num(x.mem_b), cpuPercent: num(x.cpu_pct), memoryPercent: num(x.mem_pct),
      rxBytesPerSecond: num(x.rx_bps), txBytesPerSecond: num(x.tx_bps), fsUsedBytes: num(x.fs_used_b), fsCapacityBytes: num(x.fs_cap_b), fsPercent: num(x.fs_pct),
    })),
  };
}

async function countNodes(pool: pg.Pool, where: string[], params: unknown[]): Promise<number> {
  const r = await pool.query(`SELECT count(*) AS n FROM ${S}.node n WHERE ${where.join(' AND ')}`, params);
  return Number(r.rows[0].n);
}

/** CPU % of allocatable per node per minute over the last 15 minutes, for the table's visible rows. */
export async function nodeSparklines(pool: pg.Pool, clusterIdValue: number, nodes: string[]): Promise<Record<string, Array<[number, number | null]>>> {
  const r = await pool.query(
    `SELECT m.node, extract(epoch FROM date_bin('1 minute', m.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'))::bigint AS t,
            100.0 * avg(coalesce(m.cpu_usage_nanocores / 1e6, m.cpu_rate_millicores)) / nullif(max(n.allocatable_cpu_millicores), 0) AS cpu_pct
       FROM ${S}.node_metric m JOIN ${S}.node n ON n.cluster_id = m.cluster_id AND n.name = m.node AND n.deleted_at IS NULL
      WHERE m.cluster_id = $1 AND m.node = ANY ($2) AND m.ts > now() - interval '15 minutes'
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [clusterIdValue, nodes],
  );
  const out: Record<string, Array<[number, number | null]>> = {};
  for (const x of r.rows) (out[x.node] ??= []).push([Number(x.t), num(x.cpu_pct)]);
  return out;
}
