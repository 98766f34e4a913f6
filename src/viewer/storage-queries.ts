// Volumes, PersistentVolumeClaims and HorizontalPodAutoscalers: collected all along (volume samples from
// the kubelets' summaries, PVC and HPA objects from the inventory), shown by the viewer's storage and
// autoscaler pages. A volume's figures are its latest sample in the recent window; a PVC's usage is the
// latest sample of a volume mounting it.
import type pg from 'pg';
import { likeText } from './object-queries.js';

const S = 'kubepulse';
const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
const pct = (used: number | null, of: number | null): number | null => (used !== null && of ? (100 * used) / of : null);
/** Volume samples younger than this are current (the kubelet refreshes volume stats every minute or so). */
const VOLUME_WINDOW = '5 minutes';

export interface StorageFilter {
  clusterId?: number;
  namespace?: string[];
  podUid?: string;
  search?: string;
  limit: number;
}

function where(f: StorageFilter, params: unknown[], t: string, nameCol: string): string[] {
  const w: string[] = [];
  if (f.clusterId !== undefined) w.push(`${t}.cluster_id = $${params.push(f.clusterId)}`);
  if (f.namespace) w.push(`${t}.namespace = ANY ($${params.push(f.namespace)})`);
  if (f.search) w.push(`${nameCol} ILIKE $${params.push(likeText(f.search))}`);
  return w;
}

/** Pod volumes with their latest sample, fullest first. */
export async function volumes(pool: pg.Pool, f: StorageFilter): Promise<unknown[]> {
  const params: unknown[] = [];
  const w = [`v.ts > now() - interval '${VOLUME_WINDOW}'`, ...where(f, params, 'v', `(v.pod || ' ' || v.volume || ' ' || coalesce(v.pvc, ''))`)];
  if (f.podUid) w.push(`v.pod_uid = $${params.push(f.podUid)}`);
  const r = await pool.query<{
    cluster: string; pod_uid: string; namespace: string | null; pod: string | null; node: string | null; volume: string; pvc: string | null; ts: Date;
    used: string | null; capacity: string | null; available: string | null; inodes: string | null; inodes_used: string | null;
  }>(
    `SELECT c.name AS cluster, x.* FROM (
       SELECT DISTINCT ON (v.cluster_id, v.pod_uid, v.volume) v.cluster_id, v.pod_uid, v.namespace, v.pod, v.node, v.volume, v.pvc, v.ts,
              v.used_bytes AS used, v.capacity_bytes AS capacity, v.available_bytes AS available, v.inodes, v.inodes_used
         FROM ${S}.volume_metric v WHERE ${w.join(' AND ')}
        ORDER BY v.cluster_id, v.pod_uid, v.volume, v.ts DESC) x JOIN ${S}.cluster c ON c.id = x.cluster_id
      ORDER BY x.used::float8 / nullif(x.capacity, 0) DESC NULLS LAST, x.namespace, x.pod, x.volume LIMIT $${params.push(f.limit)}`,
    params,
  );
  return r.rows.map((x) => ({
    cluster: x.cluster, podUid: x.pod_uid, namespace: x.namespace, pod: x.pod, node: x.node, volume: x.volume, pvc: x.pvc, sampleAt: new Date(x.ts).toISOString(),
    usedBytes: num(x.used), capacityBytes: num(x.capacity), availableBytes: num(x.available), usedPercent: pct(num(x.used), num(x.capacity)),
    inodes: num(x.inodes), inodesUsed: num(x.inodes_used), inodesUsedPercent: pct(num(x.inodes_used), num(x.inodes)),
  }));
}

/** Live PVCs with phase, class, requested and provisioned size, and usage where a pod mounts them. */
export async function pvcs(pool: pg.Pool, f: StorageFilter): Promise<unknown[]> {
  const params: unknown[] = [];
  const w = ['p.deleted_at IS NULL', ...where(f, params, 'p', 'p.name')];
  const r = await pool.query<{
    cluster: string; namespace: string; name: string; phase: string | null; storage_class: string | null; volume_name: string | null;
    request_bytes: string | null; capacity_bytes: string | null; access_modes: string[] | null; created_at: Date | null;
    pod: string | null; used: string | null; vol_capacity: string | null; ts: Date | null;
  }>(
    `SELECT c.name AS cluster, p.namespace, p.name, p.phase, p.storage_class, p.volume_name, p.request_bytes, p.capacity_bytes, p.access_modes, p.created_at,
            u.pod, u.used, u.vol_capacity, u.ts
       FROM ${S}.persistentvolumeclaim p JOIN ${S}.cluster c ON c.id = p.cluster_id
       LEFT JOIN LATERAL (
         SELECT v.pod, v.used_bytes AS used, v.capacity_bytes AS vol_capacity, v.ts FROM ${S}.volume_metric v
          WHERE v.cluster_id = p.cluster_id AND v.namespace = p.namespace AND v.pvc = p.name AND v.ts > now() - interval '${VOLUME_WINDOW}'
          ORDER BY v.ts DESC LIMIT 1) u ON true
      WHERE ${w.join(' AND ')}
      ORDER BY u.used::float8 / nullif(u.vol_capacity, 0) DESC NULLS LAST, c.name, p.namespace, p.name LIMIT $${params.push(f.limit)}`,
    params,
  );
  return r.rows.map((x) => ({
    cluster: x.cluster, namespace: x.namespace, name: x.name, phase: x.phase, storageClass: x.storage_class, volumeName: x.volume_name,
    requestBytes: num(x.request_bytes), capacityBytes: num(x.capacity_bytes), accessModes: x.access_modes ?? [], createdAt: x.created_at ? new Date(x.created_at).toISOString() : null,
    mountedBy: x.pod, usedBytes: num(x.used), volumeCapacityBytes: num(x.vol_capacity), usedPercent: pct(num(x.used), num(x.vol_capacity)),
    sampleAt: x.ts ? new Date(x.ts).toISOString() : null,
  }));
}

interface HpaMetricSpec {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number; averageValue?: string; value?: string }; current?: { averageUtilization?: number; averageValue?: string; value?: string } };
  pods?: { metric?: { name?: string }; target?: { averageValue?: string }; current?: { averageValue?: string } };
  object?: { metric?: { name?: string }; target?: { value?: string; averageValue?: string }; current?: { value?: string; averageValue?: string } };
  external?: { metric?: { name?: string }; target?: { value?: string; averageValue?: string }; current?: { value?: string; averageValue?: string } };
  containerResource?: { name?: string; container?: string; target?: { averageUtilization?: number; averageValue?: string }; current?: { averageUtilization?: number; averageValue?: string } };
}

/** One target of an HPA as read: `cpu` at `70%`, now `45%`. */
export interface HpaTarget { metric: string; target: string | null; current: string | null }

type Quantity = { averageUtilization?: number; averageValue?: string; value?: string } | undefined;
const show = (q: Quantity): string | null => (q?.averageUtilization !== undefined ? `${q.averageUtilization}%` : q?.averageValue ?? q?.value ?? null);

function metricName(m: HpaMetricSpec): string {
  if (m.resource) return m.resource.name ?? 'resource';
  if (m.containerResource) return `${m.containerResource.name ?? 'resource'} (${m.containerResource.container ?? '?'})`;
  return m.pods?.metric?.name ?? m.object?.metric?.name ?? m.external?.metric?.name ?? m.type ?? 'metric';
}

function part(m: HpaMetricSpec): { target?: Quantity; current?: Quantity } | undefined {
  return m.resource ?? m.containerResource ?? m.pods ?? m.object ?? m.external;
}

/** Pure: the targets of an HPA (spec.metrics) with the current values (status.currentMetrics) beside them. */
function hpaTargets(spec: HpaMetricSpec[] | null, current: HpaMetricSpec[] | null): HpaTarget[] {
  return (spec ?? []).map((m) => {
    const name = metricName(m);
    const now = (current ?? []).find((c) => c.type === m.type && metricName(c) === name);
    return { metric: name, target: show(part(m)?.target), current: now ? show(part(now)?.current) : null };
  });
}

export async function hpas(pool: pg.Pool, f: StorageFilter): Promise<unknown[]> {
  const params: unknown[] = [];
  const w = ['h.deleted_at IS NULL', ...where(f, params, 'h', `(h.name || ' ' || coalesce(h.target_name, ''))`)];
  const r = await pool.query<{
    cluster: string; namespace: string; name: string; target_kind: string | null; target_name: string | null; min_replicas: number | null;
    max_replicas: number | null; current_replicas: number | null; desired_replicas: number | null; metrics: HpaMetricSpec[] | null;
    current_metrics: HpaMetricSpec[] | null; created_at: Date | null; changed_at: Date | null;
  }>(
    `SELECT c.name AS cluster, h.namespace, h.name, h.target_kind, h.target_name, h.min_replicas, h.max_replicas, h.current_replicas,
            h.desired_replicas, h.metrics, h.current_metrics, h.created_at, h.updated_at AS changed_at
       FROM ${S}.horizontalpodautoscaler h JOIN ${S}.cluster c ON c.id = h.cluster_id
      WHERE ${w.join(' AND ')}
      ORDER BY (h.desired_replicas IS DISTINCT FROM h.current_replicas) DESC, (h.current_replicas >= h.max_replicas) DESC, c.name, h.namespace, h.name
      LIMIT $${params.push(f.limit)}`,
    params,
  );
  return r.rows.map((x) => ({
    cluster: x.cluster, namespace: x.namespace, name: x.name, targetKind: x.target_kind, targetName: x.target_name,
    minReplicas: x.min_replicas, maxReplicas: x.max_replicas, currentReplicas: x.current_replicas, desiredReplicas: x.desired_replicas,
    atMax: x.current_replicas !== null && x.max_replicas !== null && x.current_replicas >= x.max_replicas,
    targets: hpaTargets(x.metrics, x.current_metrics), createdAt: x.created_at ? new Date(x.created_at).toISOString() : null,
    updatedAt: x.changed_at ? new Date(x.changed_at).toISOString() : null,
  }));
}

/**
 * An HPA's current and desired replicas over the range, from the change log: the state in force at the
 * range's start, then each logged change (steps: a value holds until the next change).
 */
export async function hpaHistory(pool: pg.Pool, clusterId: number, namespace: string, name: string, from: Date, to: Date): Promise<Array<{ at: string; current: number | null; desired: number | null }>> {
  const r = await pool.query<{ at: Date; current: number | null; desired: number | null }>(
    `(SELECT $4::timestamptz AS at, (state->>'current_replicas')::int AS current, (state->>'desired_replicas')::int AS desired
        FROM ${S}.change_log WHERE cluster_id = $1 AND kind = 'horizontalpodautoscaler' AND namespace = $2 AND name = $3 AND at < $4 AND state IS NOT NULL
       ORDER BY at DESC, id DESC LIMIT 1)
     UNION ALL
     (SELECT at, (state->>'current_replicas')::int, (state->>'desired_replicas')::int
        FROM ${S}.change_log WHERE cluster_id = $1 AND kind = 'horizontalpodautoscaler' AND namespace = $2 AND name = $3 AND at >= $4 AND at < $5 AND state IS NOT NULL
       ORDER BY at LIMIT 5000)`,
    [clusterId, namespace, name, from, to],
  );
  return r.rows.map((x) => ({ at: new Date(x.at).toISOString(), current: x.current, desired: x.desired }));
}
