// Resolves each pod's workload to the top of its ownership chain, which the pod object alone cannot
// always know: a Job made by a CronJob, a ReplicaSet made by a Deployment whose name does not follow the
// <deployment>-<pod-template-hash> rule. The pod kind's extractor (podWorkload) resolves the common case
// by name; this module finishes the rest in SQL against the stored job and replicaset rows, after the
// batches that can change the answer.
//
// Cost matters: it runs after every pod, job and replicaset batch, and a 150,000-pod cluster's pods must
// not be rewritten or scanned for it. So only objects that can need it are sent (pods whose extracted
// workload is still a Job or ReplicaSet; jobs owned by a CronJob; replicasets owned by a Deployment), the
// pod side is driven from the uid array through the primary key, and the owner side uses a partial index
// on the few pods that still name a Job or ReplicaSet (migration 004).
import type pg from 'pg';
import type { KubeObject } from './kind.js';
import { podWorkload } from './kinds/pod.js';
import { SCHEMA } from '../store/schema.js';

interface Chain {
  /** What a pod's workload_kind says before resolution. */
  child: 'Job' | 'ReplicaSet';
  table: string;
  /** The owner kind one level up that replaces it. */
  top: 'CronJob' | 'Deployment';
}

const CHAINS: Chain[] = [
  { child: 'Job', table: 'job', top: 'CronJob' },
  { child: 'ReplicaSet', table: 'replicaset', top: 'Deployment' },
];

/** Pure: the uids of a batch that can change some pod's resolved workload. */
export function uidsNeedingResolution(kind: string, objs: KubeObject[]): string[] {
  if (kind === 'pod') {
    return objs.filter((o) => CHAINS.some((c) => c.child === podWorkload(o).kind)).map((o) => o.metadata.uid);
  }
  const chain = CHAINS.find((c) => c.table === kind);
  if (!chain) return [];
  return objs
    .filter((o) => {
      const refs = o.metadata.ownerReferences ?? [];
      const owner = refs.find((r) => r.controller) ?? refs[0];
      return owner?.kind === chain.top;
    })
    .map((o) => o.metadata.uid);
}

/** After pods were written: resolve those pods. After jobs / replicasets: resolve their pods. */
export async function resolveWorkloads(pool: pg.Pool, clusterId: number, kind: string, objs: KubeObject[]): Promise<number> {
  const uids = uidsNeedingResolution(kind, objs);
  if (uids.length === 0) return 0;
  let updated = 0;
  for (const c of CHAINS) {
    let sql: string;
    if (kind === 'pod') {
      sql = `UPDATE ${SCHEMA}.pod p SET workload_kind = o.owner_kind, workload_name = o.owner_name
               FROM unnest($2::text[]) AS u(uid), ${SCHEMA}.${c.table} o
              WHERE p.cluster_id = $1 AND p.uid = u.uid AND p.workload_kind = '${c.child}'
                AND o.cluster_id = $1 AND o.namespace = p.namespace AND o.name = p.workload_name
                AND o.owner_kind = '${c.top}' AND o.deleted_at IS NULL`;
    } else if (kind === c.table) {
      sql = `UPDATE ${SCHEMA}.pod p SET workload_kind = o.owner_kind, workload_name = o.owner_name
               FROM unnest($2::text[]) AS u(uid), ${SCHEMA}.${c.table} o
              WHERE o.cluster_id = $1 AND o.uid = u.uid AND o.owner_kind = '${c.top}' AND o.deleted_at IS NULL
                AND p.cluster_id = $1 AND p.namespace = o.namespace AND p.workload_name = o.name
                AND p.workload_kind = '${c.child}'`;
    } else {
      continue;
    }
    const r = await pool.query(sql, [clusterId, uids]);
    updated += r.rowCount ?? 0;
  }
  return updated;
}
