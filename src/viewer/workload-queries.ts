// The workloads table: deployments, statefulsets, daemonsets and jobs with their pods' count and latest
// usage, sortable both ways on every column. Sorting by a figure of the pods aggregates every filtered
// workload's pods in one grouped pass (the latest sample per pod: one DISTINCT ON over the recent
// window); sorting by a name aggregates only the page's workloads.
import type pg from 'pg';
import { HAS_CPU, likeText } from './object-queries.js';

const S = 'kubepulse';
const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
const share = (used: number | null, of: number | null): number | null => (used !== null && of ? (100 * used) / of : null);

export const WORKLOAD_KINDS = ['deployment', 'statefulset', 'daemonset', 'job'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Sort keys: SQL over the workload `w`, its cluster `c` and its pods' aggregate `u`; `pods`: needs `u` for all. */
export const WORKLOAD_SORTS = {
  name: { sql: 'w.name', dir: 'asc' },
  cluster: { sql: 'c.name', dir: 'asc' },
  kind: { sql: 'w.kind', dir: 'asc' },
  namespace: { sql: 'w.namespace', dir: 'asc' },
  ready: { sql: 'w.ready::float8 / nullif(w.desired, 0)', dir: 'asc' },
  pods: { sql: 'u.pods', dir: 'desc', pods: true },
  cpu: { sql: 'u.cpu_m / nullif(u.sampled, 0)', dir: 'desc', pods: true },
  cpu_of_requests: { sql: 'u.cpu_m / nullif(u.sampled_cpu_req, 0)', dir: 'desc', pods: true },
  memory: { sql: 'u.mem_b', dir: 'desc', pods: true },
  memory_of_requests: { sql: 'u.mem_b / nullif(u.sampled_mem_req, 0)', dir: 'desc', pods: true },
  age: { sql: 'now() - w.created_at', dir: 'asc' },
} as const satisfies Record<string, { sql: string; dir: 'asc' | 'desc'; pods?: boolean }>;
export type WorkloadSort = keyof typeof WORKLOAD_SORTS;

export interface WorkloadFilter {
  clusterId?: number;
  namespace?: string[];
  kind?: WorkloadKind;
  search?: string;
  sort: WorkloadSort;
  dir?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A workload of the page with its pods' count and summed latest usage. */
interface WorkloadDbRow {
  cluster_id: number; cluster: string; kind: string; namespace: string | null; name: string; created_at: Date | null;
  desired: number | null; current: number | null; ready: number | null; cpu_request_millicores: string | null;
  memory_request_bytes: string | null; total: string; pods: string | null; running: string | null; cpu_m: number | null; mem_b: string | null;
  sampled: string | null; sampled_cpu_req: string | null; sampled_mem_req: string | null;
}

/** The aggregate of a set of pods `p` joined to their latest sample `m`. */
const POD_AGGREGATE = `count(*) AS pods, count(*) FILTER (WHERE p.phase = 'Running') AS running, sum(m.cpu_m) AS cpu_m, sum(m.mem_b) AS mem_b,
       -- usage is compared with the requests of the same pods: those with a sample
       count(m.cpu_m) AS sampled, sum(p.cpu_request_millicores) FILTER (WHERE m.cpu_m IS NOT NULL) AS sampled_cpu_req,
       sum(p.memory_request_bytes) FILTER (WHERE m.mem_b IS NOT NULL) AS sampled_mem_req`;
const LATEST = `coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores::float8) AS cpu_m, memory_working_set_bytes AS mem_b`;

export async function workloads(pool: pg.Pool, f: WorkloadFilter): Promise<{ total: number; rows: unknown[] }> {
  const kinds = f.kind ? [f.kind] : WORKLOAD_KINDS;
  // Each kind table has its own replica columns; jobs report active/succeeded instead of replicas.
  const parts = kinds.map((k) =>
    k === 'job'
      ? `SELECT cluster_id, 'Job' AS kind, namespace, name, created_at, completions AS desired, active AS current, succeeded AS ready, cpu_request_millicores, memory_request_bytes FROM ${S}.job WHERE deleted_at IS NULL`
      : `SELECT cluster_id, '${k === 'deployment' ? 'Deployment' : k === 'statefulset' ? 'StatefulSet' : 'DaemonSet'}' AS kind, namespace, name, created_at, replicas_desired AS desired, replicas_current AS current, replicas_ready AS ready, cpu_request_millicores, memory_request_bytes FROM ${S}.${k} WHERE deleted_at IS NULL`,
  );
  const params: unknown[] = [];
  const where: string[] = ['true'];
  const podWhere: string[] = ['p.deleted_at IS NULL', 'p.workload_name IS NOT NULL'];
  if (f.clusterId !== undefined) {
    where.push(`w.cluster_id = $${params.push(f.clusterId)}`);
    podWhere.push(`p.cluster_id = $${params.length}`);
  }
  if (f.namespace) {
    where.push(`w.namespace = ANY ($${params.push(f.namespace)})`);
    podWhere.push(`p.namespace = ANY ($${params.length})`);
  }
  if (f.search) where.push(`w.name ILIKE $${params.push(likeText(f.search))}`);
  const sort: { sql: string; dir: 'asc' | 'desc'; pods?: boolean } = WORKLOAD_SORTS[f.sort];
  // Missing figures last in either direction; ties by cluster, namespace, name and kind.
  const dir = (f.dir ?? sort.dir).toUpperCase();
  const inner = `sort_key ${dir} NULLS LAST, c.name, w.namespace, w.name, w.kind`;
  const outer = `page.sort_key ${dir} NULLS LAST, page.cluster, page.namespace, page.name, page.kind`;
  const limits = `LIMIT $${params.push(f.limit)} OFFSET $${params.push(f.offset)}`;
  const sql = sort.pods
    ? `WITH w AS (${parts.join(' UNION ALL ')}),
       m AS (SELECT DISTINCT ON (cluster_id, pod_uid) cluster_id, pod_uid, ${LATEST} FROM ${S}.pod_metric
              WHERE ts > now() - interval '3 minutes' AND ${HAS_CPU} ORDER BY cluster_id, pod_uid, ts DESC),
       u AS (SELECT p.cluster_id, p.namespace, p.workload_name AS name, ${POD_AGGREGATE}
               FROM ${S}.pod p LEFT JOIN m ON m.cluster_id = p.cluster_id AND m.pod_uid = p.uid
              WHERE ${podWhere.join(' AND ')} GROUP BY 1, 2, 3),
       page AS (
         SELECT w.*, c.name AS cluster, u.pods, u.running, u.cpu_m, u.mem_b, u.sampled, u.sampled_cpu_req, u.sampled_mem_req,
                ${sort.sql} AS sort_key, count(*) OVER () AS total
           FROM w JOIN ${S}.cluster c ON c.id = w.cluster_id
           LEFT JOIN u ON u.cluster_id = w.cluster_id AND u.namespace = w.namespace AND u.name = w.name
          WHERE ${where.join(' AND ')} ORDER BY ${inner} ${limits})
       SELECT * FROM page ORDER BY ${outer}`
    : `WITH w AS (${parts.join(' UNION ALL ')}), page AS (
         SELECT w.*, c.name AS cluster, ${sort.sql} AS sort_key, count(*) OVER () AS total FROM w JOIN ${S}.cluster c ON c.id = w.cluster_id
          WHERE ${where.join(' AND ')} ORDER BY ${inner} ${limits})
       SELECT page.*, u.* FROM page LEFT JOIN LATERAL (
         SELECT ${POD_AGGREGATE}
           FROM ${S}.pod p LEFT JOIN LATERAL (
             SELECT ${LATEST} FROM ${S}.pod_metric x
              WHERE x.cluster_id = p.cluster_id AND x.pod_uid = p.uid AND x.ts > now() - interval '3 minutes' AND ${HAS_CPU} ORDER BY x.ts DESC LIMIT 1) m ON true
          WHERE p.cluster_id = page.cluster_id AND p.namespace = page.namespace AND p.workload_name = page.name AND p.deleted_at IS NULL) u ON true
       ORDER BY ${outer}`;
  const r = await pool.query<WorkloadDbRow>(sql, params);
  return {
    total: r.rows.length ? Number(r.rows[0].total) : 0,
    rows: r.rows.map((x) => ({
      cluster: x.cluster, kind: x.kind, namespace: x.namespace, name: x.name, createdAt: x.created_at ? new Date(x.created_at).toISOString() : null,
      desired: num(x.desired), current: num(x.current), ready: num(x.ready), pods: Number(x.pods ?? 0), running: Number(x.running ?? 0),
      cpuRequestMillicores: num(x.cpu_request_millicores), memoryRequestBytes: num(x.memory_request_bytes), cpuMillicores: num(x.cpu_m), memoryBytes: num(x.mem_b),
      // Summed usage over the summed requests of the same pods (not over one pod's request): the
      // share of what the workload asked for that it uses, whatever its replica count.
      cpuPerPodMillicores: x.cpu_m !== null && Number(x.sampled) > 0 ? x.cpu_m / Number(x.sampled) : null,
      cpuOfRequestsPercent: share(num(x.cpu_m), num(x.sampled_cpu_req)),
      memoryOfRequestsPercent: share(num(x.mem_b), num(x.sampled_mem_req)),
    })),
  };
}
