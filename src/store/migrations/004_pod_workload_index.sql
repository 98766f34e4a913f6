-- 004: a partial index on the pods whose workload still names a Job or ReplicaSet, so resolving them when
-- their owner arrives (workload-owners.ts) is an index lookup, not a scan of every pod per batch.

CREATE INDEX IF NOT EXISTS pod_unresolved_workload ON kubepulse.pod (cluster_id, namespace, workload_name)
  WHERE workload_kind IN ('Job', 'ReplicaSet');
