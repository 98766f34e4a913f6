-- 005: a partial index on each kind table's deleted objects, so the retention pass
-- ([retention] inventory_deleted, store/inventory-retention.ts) finds what to purge by index instead of
-- scanning every live object of every kind once a minute. Live objects (deleted_at IS NULL) are not in it.

CREATE INDEX IF NOT EXISTS namespace_deleted_at ON kubepulse.namespace (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS node_deleted_at ON kubepulse.node (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS pod_deleted_at ON kubepulse.pod (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS deployment_deleted_at ON kubepulse.deployment (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS replicaset_deleted_at ON kubepulse.replicaset (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS statefulset_deleted_at ON kubepulse.statefulset (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS daemonset_deleted_at ON kubepulse.daemonset (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS job_deleted_at ON kubepulse.job (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS cronjob_deleted_at ON kubepulse.cronjob (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS service_deleted_at ON kubepulse.service (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS endpointslice_deleted_at ON kubepulse.endpointslice (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS ingress_deleted_at ON kubepulse.ingress (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS persistentvolume_deleted_at ON kubepulse.persistentvolume (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS persistentvolumeclaim_deleted_at ON kubepulse.persistentvolumeclaim (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS storageclass_deleted_at ON kubepulse.storageclass (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS horizontalpodautoscaler_deleted_at ON kubepulse.horizontalpodautoscaler (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS resourcequota_deleted_at ON kubepulse.resourcequota (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE INDEX IF NOT EXISTS event_deleted_at ON kubepulse.event (deleted_at) WHERE deleted_at IS NOT NULL;
