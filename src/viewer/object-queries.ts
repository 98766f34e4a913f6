// Reads of single objects and their lists: pods (paged, filtered), a node or pod with its details,
// workloads, events, and "what ran on this node at time T" from the change log.
import type pg from 'pg';
import type { TimeRange } from './params.js';
import { eventSeenSql } from './change-queries.js';

const S = 'kubepulse';
// pg hands bigint, numeric (sum of bigint) and count(*) as strings, integer and double precision as numbers,
// timestamptz as Date and jsonb parsed; the row types below say which each column is.
const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: Date | null): string | null => (v ? new Date(v).toISOString() : null);
/** Summary rows carry the CPU gauge; cAdvisor rows (own sample times) only counters, maybe a rate. */
export const HAS_CPU = '(cpu_usage_nanocores IS NOT NULL OR cpu_rate_millicores IS NOT NULL)';
export const likeText = (s: string): string => `%${s.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * What each sort key of the pods table orders by (its SQL over the pod `p`, its cluster `c` and its
 * latest sample `m`) and its natural direction. `usage`: it needs every filtered pod's latest sample.
 */
export const POD_SORTS = {
  name: { sql: 'p.name', dir: 'asc' },
  cluster: { sql: 'c.name', dir: 'asc' },
  namespace: { sql: 'p.namespace', dir: 'asc' },
  status: { sql: 'p.phase', dir: 'asc' },
  ready: { sql: 'p.ready', dir: 'asc' },
  node: { sql: 'p.node', dir: 'asc' },
  workload: { sql: 'p.workload_name', dir: 'asc' },
  cpu: { sql: 'm.cpu_m', dir: 'desc', usage: true },
  memory: { sql: 'm.mem_b', dir: 'desc', usage: true },
  cpu_requests: { sql: 'p.cpu_request_millicores', dir: 'desc' },
  cpu_limits: { sql: 'p.cpu_limit_millicores', dir: 'desc' },
  memory_requests: { sql: 'p.memory_request_bytes', dir: 'desc' },
  memory_limits: { sql: 'p.memory_limit_bytes', dir: 'desc' },
  cpu_of_request: { sql: 'm.cpu_m / nullif(p.cpu_request_millicores, 0)', dir: 'desc', usage: true },
  cpu_of_limit: { sql: 'm.cpu_m / nullif(p.cpu_limit_millicores, 0)', dir: 'desc', usage: true },
  memory_of_request: { sql: 'm.mem_b / nullif(p.memory_request_bytes, 0)', dir: 'desc', usage: true },
  memory_of_limit: { sql: 'm.mem_b / nullif(p.memory_limit_bytes, 0)', dir: 'desc', usage: true },
  restarts: { sql: 'p.restart_count', dir: 'desc' },
  age: { sql: 'now() - p.created_at', dir: 'asc' },
} as const satisfies Record<string, { sql: string; dir: 'asc' | 'desc'; usage?: boolean }>;
export type PodSort = keyof typeof POD_SORTS;

export interface PodFilter {
  clusterId?: number;
  /** One or more namespaces (exact names). */
  namespace?: string[];
  node?: string;
  workload?: string;
  phase?: string;
  label?: { key: string; value: string };
  search?: string;
  sort: PodSort;
  /** Default: the sort key's natural direction (names ascending, figures descending, age newest first). */
  dir?: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** A pod of the page with its latest sample (null figures when it has none in the window). */
interface PodTableDbRow {
  cluster: string; uid: string; namespace: string | null; name: string; node: string | null; phase: string | null;
  ready: boolean | null; restart_count: number | null; qos_class: string | null; workload_kind: string | null;
  workload_name: string | null; created_at: Date | null; cpu_request_millicores: string | null; cpu_limit_millicores: string | null;
  memory_request_bytes: string | null; memory_limit_bytes: string | null; cpu_m: number | null; mem_b: string | null; total: string;
  containers: string | null; containers_ready: string | null; reason: string | null; scheduling_reason: string | null;
}

/**
 * The pod's status reason as kubectl and k9s show it: a waiting app container's reason (CrashLoopBackOff,
 * ImagePullBackOff), else a terminated one's (OOMKilled, Error, Completed), else an init container's.
 */
const CONTAINER_SUMMARY = `
  SELECT count(*) FILTER (WHERE x.type = 'app') AS containers, count(*) FILTER (WHERE x.type = 'app' AND x.ready) AS containers_ready,
         (array_agg(x.state_reason ORDER BY (x.type = 'app') DESC, (x.state = 'waiting') DESC, x.container)
            FILTER (WHERE x.state IN ('waiting', 'terminated') AND x.state_reason IS NOT NULL))[1] AS reason
    FROM ${S}.container x WHERE x.cluster_id = page.cluster_id AND x.pod_uid = page.uid`;

export async function podsTable(pool: pg.Pool, f: PodFilter): Promise<{ total: number; rows: unknown[] }> {
  const params: unknown[] = [];
  const where = ['p.deleted_at IS NULL'];
  if (f.clusterId !== undefined) where.push(`p.cluster_id = $${params.push(f.clusterId)}`);
  if (f.namespace) where.push(`p.namespace = ANY ($${params.push(f.namespace)})`);
  if (f.node) where.push(`p.node = $${params.push(f.node)}`);
  if (f.workload) where.push(`p.workload_name = $${params.push(f.workload)}`);
  if (f.phase) where.push(`p.phase = $${params.push(f.phase)}`);
  if (f.label) where.push(`p.labels @> $${params.push(JSON.stringify({ [f.label.key]: f.label.value }))}::jsonb`);
  if (f.search) where.push(`p.name ILIKE $${params.push(likeText(f.search))}`);
  const filterParams = params.length;
  const sort: { sql: string; dir: 'asc' | 'desc'; usage?: boolean } = POD_SORTS[f.sort];
  // Missing figures last in either direction; ties by namespace and name.
  const order = (key: string, t: string): string => `${key} ${(f.dir ?? sort.dir).toUpperCase()} NULLS LAST, ${t}.namespace, ${t}.name`;
  // The latest pod sample only for the page's pods when sorting by anything else (cheap), for all
  // filtered pods when sorting by usage (one DISTINCT ON over the recent window).
  const latest = `SELECT DISTINCT ON (cluster_id, pod_uid) cluster_id, pod_uid, coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores::float8) AS cpu_m, memory_working_set_bytes AS mem_b
                    FROM ${S}.pod_metric WHERE ts > now() - interval '3 minutes' AND ${HAS_CPU} ORDER BY cluster_id, pod_uid, ts DESC`;
  const cols = `c.name AS cluster, p.uid, p.namespace, p.name, p.node, p.phase, p.ready, p.restart_count, p.qos_class,
                p.workload_kind, p.workload_name, p.created_at, p.cpu_request_millicores, p.cpu_limit_millicores,
                p.memory_request_bytes, p.memory_limit_bytes, p.cluster_id,
                CASE WHEN p.phase = 'Pending' AND p.node IS NULL THEN (SELECT sc->>'reason' FROM jsonb_array_elements(p.object->'status'->'conditions') sc
                  WHERE sc->>'type' = 'PodScheduled' AND sc->>'status' = 'False' LIMIT 1) END AS scheduling_reason`;
  const page = (usage: boolean): string => `
    SELECT ${cols}${usage ? ', m.cpu_m, m.mem_b' : ''}, ${sort.sql} AS sort_key, count(*) OVER () AS total
      FROM ${S}.pod p JOIN ${S}.cluster c ON c.id = p.cluster_id${usage ? ' LEFT JOIN m ON m.cluster_id = p.cluster_id AND m.pod_uid = p.uid' : ''}
     WHERE ${where.join(' AND ')} ORDER BY ${order('sort_key', 'p')} LIMIT $${params.push(f.limit)} OFFSET $${params.push(f.offset)}`;
  const sql = sort.usage
    ? `WITH m AS (${latest}), page AS (${page(true)})
       SELECT page.*, cs.* FROM page LEFT JOIN LATERAL (${CONTAINER_SUMMARY}) cs ON true ORDER BY ${order('page.sort_key', 'page')}`
    : `WITH page AS (${page(false)})
       SELECT page.*, m.cpu_m, m.mem_b, cs.* FROM page LEFT JOIN LATERAL (
         SELECT coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores::float8) AS cpu_m, memory_working_set_bytes AS mem_b
           FROM ${S}.pod_metric x WHERE x.cluster_id = page.cluster_id AND x.pod_uid = page.uid AND x.ts > now() - interval '3 minutes' AND ${HAS_CPU}
          ORDER BY x.ts DESC LIMIT 1) m ON true
       LEFT JOIN LATERAL (${CONTAINER_SUMMARY}) cs ON true ORDER BY ${order('page.sort_key', 'page')}`;
  const r = await pool.query<PodTableDbRow>(sql, params);
  let total = r.rows.length ? Number(r.rows[0].total) : 0;
  if (!r.rows.length && f.offset > 0) {
    total = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${S}.pod p WHERE ${where.join(' AND ')}`, params.slice(0, filterParams))).rows[0].n);
  }
  return {
    total,
    rows: r.rows.map((x) => ({
      cluster: x.cluster, uid: x.uid, namespace: x.namespace, name: x.name, node: x.node, phase: x.phase, ready: x.ready,
      restarts: num(x.restart_count), qosClass: x.qos_class, workloadKind: x.workload_kind, workloadName: x.workload_name,
      createdAt: iso(x.created_at), cpuRequestMillicores: num(x.cpu_request_millicores), cpuLimitMillicores: num(x.cpu_limit_millicores),
      memoryRequestBytes: num(x.memory_request_bytes), memoryLimitBytes: num(x.memory_limit_bytes),
      cpuMillicores: num(x.cpu_m), memoryBytes: num(x.mem_b),
      containers: Number(x.containers ?? 0), containersReady: Number(x.containers_ready ?? 0),
      // Completed pods whose containers are gone from the status still read Completed; a pod no node
      // takes has no container yet, only the scheduler's reason (Unschedulable).
      reason: x.reason ?? x.scheduling_reason ?? (x.phase === 'Succeeded' ? 'Completed' : null),
    })),
  };
}

interface NodeDetailDbRow {
  uid: string; name: string; roles: string | null; ready: boolean | null; unschedulable: boolean | null; internal_ip: string | null;
  zone: string | null; kubelet_version: string | null; container_runtime: string | null; os_image: string | null;
  kernel_version: string | null; architecture: string | null; capacity_cpu_millicores: string | null; capacity_memory_bytes: string | null;
  capacity_pods: number | null; allocatable_cpu_millicores: string | null; allocatable_memory_bytes: string | null;
  allocatable_pods: number | null; conditions: unknown[] | null; taints: unknown[] | null; labels: Record<string, string> | null;
  created_at: Date | null; deleted_at: Date | null;
}

export async function nodeDetail(pool: pg.Pool, clusterIdValue: number, name: string): Promise<object | null> {
  const r = await pool.query<NodeDetailDbRow>(
    `SELECT uid, name, roles, ready, unschedulable, internal_ip, zone, kubelet_version, container_runtime, os_image, kernel_version,
            architecture, capacity_cpu_millicores, capacity_memory_bytes, capacity_pods, allocatable_cpu_millicores,
            allocatable_memory_bytes, allocatable_pods, conditions, taints, labels, created_at, deleted_at
       FROM ${S}.node WHERE cluster_id = $1 AND name = $2 ORDER BY deleted_at DESC NULLS FIRST LIMIT 1`,
    [clusterIdValue, name],
  );
  const n = r.rows[0];
  if (!n) return null;
  const ifaces = await pool.query<{ interface: string }>(
    `SELECT DISTINCT interface FROM ${S}.interface_metric WHERE cluster_id = $1 AND node = $2 AND pod_uid = '' AND ts > now() - interval '10 minutes'`,
    [clusterIdValue, name],
  );
  return {
    uid: n.uid, name: n.name, roles: n.roles, ready: n.ready, unschedulable: n.unschedulable, internalIp: n.internal_ip, zone: n.zone,
    kubeletVersion: n.kubelet_version, containerRuntime: n.container_runtime, osImage: n.os_image, kernelVersion: n.kernel_version,
    architecture: n.architecture,
    capacity: { cpuMillicores: num(n.capacity_cpu_millicores), memoryBytes: num(n.capacity_memory_bytes), pods: num(n.capacity_pods) },
    allocatable: { cpuMillicores: num(n.allocatable_cpu_millicores), memoryBytes: num(n.allocatable_memory_bytes), pods: num(n.allocatable_pods) },
    conditions: n.conditions ?? [], taints: n.taints ?? [], labels: n.labels ?? {}, createdAt: iso(n.created_at), deletedAt: iso(n.deleted_at),
    interfaces: ifaces.rows.map((x) => x.interface).sort(),
  };
}

interface PodDetailDbRow {
  uid: string; namespace: string | null; name: string; node: string | null; phase: string | null; qos_class: string | null;
  workload_kind: string | null; workload_name: string | null; owner_kind: string | null; owner_name: string | null;
  pod_ip: string | null; host_ip: string | null; start_time: Date | null; ready: boolean | null; restart_count: number | null;
  cpu_request_millicores: string | null; cpu_limit_millicores: string | null; memory_request_bytes: string | null;
  memory_limit_bytes: string | null; priority_class: string | null; service_account: string | null;
  labels: Record<string, string> | null; created_at: Date | null; deleted_at: Date | null;
  /** The spec's volumes: each has a name and one key naming its source (emptyDir, configMap, ...). */
  volumes: Array<Record<string, unknown>> | null;
}

interface ContainerDbRow {
  container: string; type: string | null; image: string | null; cpu_request_millicores: string | null;
  cpu_limit_millicores: string | null; memory_request_bytes: string | null; memory_limit_bytes: string | null;
  ready: boolean | null; restart_count: number | null; state: string | null; state_reason: string | null;
  state_since: Date | null; last_termination_reason: string | null; last_termination_exit_code: number | null;
  last_terminated_at: Date | null;
}

export async function podDetail(pool: pg.Pool, clusterIdValue: number, namespace: string, name: string): Promise<object | null> {
  const r = await pool.query<PodDetailDbRow>(
    `SELECT uid, namespace, name, node, phase, qos_class, workload_kind, workload_name, owner_kind, owner_name, pod_ip, host_ip,
            start_time, ready, restart_count, cpu_request_millicores, cpu_limit_millicores, memory_request_bytes, memory_limit_bytes,
            priority_class, service_account, labels, created_at, deleted_at, object->'spec'->'volumes' AS volumes
       FROM ${S}.pod WHERE cluster_id = $1 AND namespace = $2 AND name = $3 ORDER BY deleted_at DESC NULLS FIRST LIMIT 1`,
    [clusterIdValue, namespace, name],
  );
  const p = r.rows[0];
  if (!p) return null;
  const cs = await pool.query<ContainerDbRow>(
    `SELECT container, type, image, cpu_request_millicores, cpu_limit_millicores, memory_request_bytes, memory_limit_bytes, ready,
            restart_count, state, state_reason, state_since, last_termination_reason, last_termination_exit_code, last_terminated_at
       FROM ${S}.container WHERE cluster_id = $1 AND pod_uid = $2 ORDER BY type, container`,
    [clusterIdValue, p.uid],
  );
  return {
    uid: p.uid, namespace: p.namespace, name: p.name, node: p.node, phase: p.phase, qosClass: p.qos_class,
    workloadKind: p.workload_kind, workloadName: p.workload_name, ownerKind: p.owner_kind, ownerName: p.owner_name,
    podIp: p.pod_ip, hostIp: p.host_ip, startTime: iso(p.start_time), ready: p.ready, restarts: num(p.restart_count),
    priorityClass: p.priority_class, serviceAccount: p.service_account, labels: p.labels ?? {}, createdAt: iso(p.created_at), deletedAt: iso(p.deleted_at),
    volumes: (p.volumes ?? []).map((v) => ({ name: v.name, type: Object.keys(v).find((k) => k !== 'name') ?? 'unknown' })),
    containers: cs.rows.map((c) => ({
      name: c.container, type: c.type, image: c.image, ready: c.ready, restarts: num(c.restart_count), state: c.state, stateReason: c.state_reason,
      stateSince: iso(c.state_since), lastTerminationReason: c.last_termination_reason, lastTerminationExitCode: num(c.last_termination_exit_code),
      lastTerminatedAt: iso(c.last_terminated_at),
      cpuRequestMillicores: num(c.cpu_request_millicores), cpuLimitMillicores: num(c.cpu_limit_millicores),
      memoryRequestBytes: num(c.memory_request_bytes), memoryLimitBytes: num(c.memory_limit_bytes),
    })),
  };
}

export interface EventFilter {
  clusterId?: number;
  /** One or more namespaces (exact names). */
  namespace?: string[];
  type?: string;
  search?: string;
  /** The involved object's kind (`Pod`, `Node`, …) and name: the events of one object's page. */
  objectKind?: string;
  objectName?: string;
  /** Only the events seen during it, Kubernetes' deleted ones included; absent: the live events. */
  range?: TimeRange;
  limit: number;
}

export async function events(pool: pg.Pool, f: EventFilter): Promise<unknown[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (f.range) where.push(eventSeenSql('e', `$${params.push(f.range.from)}`, `$${params.push(f.range.to)}`));
  else where.push('e.deleted_at IS NULL');
  if (f.clusterId !== undefined) where.push(`e.cluster_id = $${params.push(f.clusterId)}`);
  if (f.namespace) where.push(`e.namespace = ANY ($${params.push(f.namespace)})`);
  if (f.objectKind) where.push(`e.involved_kind = $${params.push(f.objectKind)}`);
  if (f.objectName) where.push(`e.involved_name = $${params.push(f.objectName)}`);
  if (f.type) where.push(`e.type = $${params.push(f.type)}`);
  if (f.search) where.push(`(e.message ILIKE $${params.push(likeText(f.search))} OR e.reason ILIKE $${params.length} OR e.involved_name ILIKE $${params.length})`);
  // Warnings first, then the newest.
  const r = await pool.query<{
    cluster: string; namespace: string | null; type: string | null; reason: string | null; message: string | null;
    involved_kind: string | null; involved_namespace: string | null; involved_name: string | null; count: number | null;
    last_time: Date | null; source_component: string | null;
  }>(
    `SELECT c.name AS cluster, e.namespace, e.type, e.reason, e.message, e.involved_kind, e.involved_namespace, e.involved_name, e.count,
            coalesce(e.last_time, e.first_time, e.created_at) AS last_time, e.source_component
       FROM ${S}.event e JOIN ${S}.cluster c ON c.id = e.cluster_id WHERE ${where.join(' AND ')}
      ORDER BY (e.type = 'Warning') DESC, coalesce(e.last_time, e.first_time, e.created_at) DESC NULLS LAST LIMIT $${params.push(f.limit)}`,
    params,
  );
  return r.rows.map((x) => ({
    cluster: x.cluster, namespace: x.namespace, type: x.type, reason: x.reason, message: x.message, involvedKind: x.involved_kind,
    involvedNamespace: x.involved_namespace, involvedName: x.involved_name, count: num(x.count), lastTime: iso(x.last_time), source: x.source_component,
  }));
}

/**
 * Pods on a node at time T, from the change log: each pod's last logged state at or before T, kept when
 * that state is not a delete and names the node. A pod's node never changes, so its add/update rows say
 * where it ran.
 */
export async function podsOnNodeAt(pool: pg.Pool, clusterIdValue: number, node: string, at: Date): Promise<unknown[]> {
  const r = await pool.query<{ uid: string; namespace: string | null; name: string; at: Date; phase: string | null }>(
    `WITH last AS (
       SELECT DISTINCT ON (uid) uid, namespace, name, op, at, state
         FROM ${S}.change_log WHERE cluster_id = $1 AND kind = 'pod' AND at <= $3
        ORDER BY uid, at DESC, id DESC),
     here AS (SELECT DISTINCT uid FROM ${S}.change_log WHERE cluster_id = $1 AND kind = 'pod' AND at <= $3 AND state->>'node' = $2)
     SELECT l.uid, l.namespace, l.name, l.at, l.state->>'phase' AS phase FROM last l JOIN here h USING (uid)
      WHERE l.op <> 'delete' AND coalesce(l.state->>'phase', 'Running') NOT IN ('Succeeded', 'Failed')
      ORDER BY l.namespace, l.name LIMIT 2000`,
    [clusterIdValue, node, at],
  );
  return r.rows.map((x) => ({ uid: x.uid, namespace: x.namespace, name: x.name, phase: x.phase, since: iso(x.at) }));
}

/** Live namespace names (of one cluster or all), for the namespace filter's suggestions and matching. */
export async function namespaces(pool: pg.Pool, clusterIdValue: number | undefined): Promise<string[]> {
  const r = await pool.query<{ name: string }>(
    `SELECT DISTINCT name FROM ${S}."namespace" WHERE deleted_at IS NULL AND ($1::integer IS NULL OR cluster_id = $1) ORDER BY name LIMIT 5000`,
    [clusterIdValue ?? null],
  );
  return r.rows.map((x) => x.name);
}
