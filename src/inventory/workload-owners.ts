// Resolves each pod's workload to the top of its ownership chain, which the pod object alone cannot
// know: a Job made by a CronJob, a ReplicaSet made by a Deployment whose name does not follow the
// <deployment>-<pod-template-hash> rule. Runs in SQL against the stored job and replicaset rows after
// the batches that can change the answer; the pod kind's extractor gives the first approximation.
import type pg from 'pg';
import { SCHEMA } from '../store/schema.js';

const PARENTS: Array<{ child: 'Job' | 'ReplicaSet'; table: string; top: string }> = [
  { child: 'Job', table: 'job', top: 'CronJob' },
  { child: 'ReplicaSet', table: 'replicaset', top: 'Deployment' },
];

/** After pods were written: resolve those pods. After jobs / replicasets: resolve their pods. */
export async function resolveWorkloads(pool: pg.Pool, clusterId: number, kind: string, uids: string[]): Promise<number> {
  let updated = 0;
  for (const p of PARENTS) {
    let where: string;
    if (kind === 'pod') where = 'p.uid = ANY($2)';
    else if (kind === p.table) where = 'o.uid = ANY($2)';
    else continue;
    const r = await pool.query(
      `UPDATE ${SCHEMA}.pod p SET workload_kind = o.owner_kind, workload_name = o.owner_name
         FROM ${SCHEMA}.${p.table} o
        WHERE p.cluster_id = $1 AND ${where}
          AND p.workload_kind = '${p.child}' AND o.cluster_id = p.cluster_id AND o.namespace = p.namespace
          AND o.name = p.workload_name AND o.owner_kind = '${p.top}' AND o.deleted_at IS NULL`,
      [clusterId, uids],
    );
    updated += r.rowCount ?? 0;
  }
  return updated;
}
