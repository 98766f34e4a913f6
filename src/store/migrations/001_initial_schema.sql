-- 001: the first schema — cluster, change_log, jsonb_diff(), one table per inventory kind (and its child
-- tables), one time-partitioned table per metric entity. Generated once from the declarations as they were
-- when migrations became SQL files (src/store/schema.ts, src/metrics/definitions.ts, the inventory kinds);
-- frozen since: never edit a released migration, add a new NNN_*.sql file instead.

CREATE SCHEMA IF NOT EXISTS kubepulse;

CREATE TABLE IF NOT EXISTS kubepulse.cluster (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS kubepulse.change_log (
  cluster_id integer NOT NULL,
  id bigserial,
  kind text NOT NULL,
  uid text NOT NULL,
  namespace text,
  name text NOT NULL,
  op text NOT NULL CHECK (op IN ('add', 'update', 'delete')),
  at timestamptz NOT NULL,
  resource_version text,
  changed jsonb,
  state jsonb,
  PRIMARY KEY (cluster_id, id)
);

COMMENT ON TABLE kubepulse.change_log IS 'Append-only history of inventory adds, updates and deletes. changed: for add the whole stored object, for update only the paths that changed (new values, null = removed); state: the typed columns after the change, so a past moment is one DISTINCT ON query.';

CREATE INDEX IF NOT EXISTS change_log_kind_uid_at ON kubepulse.change_log (cluster_id, kind, uid, at);

CREATE INDEX IF NOT EXISTS change_log_kind_at ON kubepulse.change_log (cluster_id, kind, at);

CREATE OR REPLACE FUNCTION kubepulse.jsonb_diff(old jsonb, new jsonb)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  IF old IS NULL OR new IS NULL OR jsonb_typeof(old) <> 'object' OR jsonb_typeof(new) <> 'object' THEN
    RETURN new;
  END IF;
  RETURN COALESCE((
    SELECT jsonb_object_agg(k, CASE
             WHEN NOT (new ? k) THEN 'null'::jsonb
             WHEN jsonb_typeof(old -> k) = 'object' AND jsonb_typeof(new -> k) = 'object'
               THEN kubepulse.jsonb_diff(old -> k, new -> k)
             ELSE new -> k END)
    FROM (SELECT jsonb_object_keys(old) UNION SELECT jsonb_object_keys(new)) AS keys(k)
    WHERE (old -> k) IS DISTINCT FROM (new -> k)), '{}'::jsonb);
END
$fn$;

CREATE TABLE IF NOT EXISTS kubepulse."namespace" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "phase" text,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "namespace_cluster_ns_name" ON kubepulse."namespace" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."namespace" IS 'Namespaces.';

CREATE TABLE IF NOT EXISTS kubepulse."node" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "roles" text,
  "ready" boolean,
  "unschedulable" boolean,
  "internal_ip" text,
  "kubelet_port" integer,
  "zone" text,
  "kubelet_version" text,
  "container_runtime" text,
  "os_image" text,
  "kernel_version" text,
  "operating_system" text,
  "architecture" text,
  "capacity_cpu_millicores" bigint,
  "capacity_memory_bytes" bigint,
  "capacity_pods" integer,
  "capacity_ephemeral_storage_bytes" bigint,
  "allocatable_cpu_millicores" bigint,
  "allocatable_memory_bytes" bigint,
  "allocatable_pods" integer,
  "allocatable_ephemeral_storage_bytes" bigint,
  "conditions" jsonb,
  "addresses" jsonb,
  "taints" jsonb,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "node_cluster_ns_name" ON kubepulse."node" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."node" IS 'Nodes with capacity, allocatable, conditions and versions.';

CREATE TABLE IF NOT EXISTS kubepulse."pod" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "node" text,
  "phase" text,
  "qos_class" text,
  "workload_kind" text,
  "workload_name" text,
  "pod_ip" text,
  "host_ip" text,
  "start_time" timestamptz,
  "ready" boolean,
  "restart_count" integer,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  "priority_class" text,
  "service_account" text,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "pod_cluster_ns_name" ON kubepulse."pod" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."pod" IS 'Pods with placement, phase, QoS, owning workload, summed resources and restarts.';

CREATE TABLE IF NOT EXISTS kubepulse."container" (
  "cluster_id" integer NOT NULL,
  "pod_uid" text NOT NULL,
  "container" text NOT NULL,
  "type" text,
  "image" text,
  "image_id" text,
  "container_id" text,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  "ready" boolean,
  "restart_count" integer,
  "state" text,
  "state_reason" text,
  "state_since" timestamptz,
  "last_termination_reason" text,
  "last_termination_exit_code" integer,
  "last_terminated_at" timestamptz,
  PRIMARY KEY ("cluster_id", "pod_uid", "container")
);

COMMENT ON TABLE kubepulse."container" IS 'Containers of each pod (init, app and ephemeral) with their resources and state.';

CREATE TABLE IF NOT EXISTS kubepulse."deployment" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "replicas_desired" integer,
  "replicas_current" integer,
  "replicas_ready" integer,
  "replicas_available" integer,
  "replicas_updated" integer,
  "generation" bigint,
  "observed_generation" bigint,
  "selector" jsonb,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  "strategy" text,
  "paused" boolean,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "deployment_cluster_ns_name" ON kubepulse."deployment" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."deployment" IS 'Deployments with desired / ready / available replicas.';

CREATE TABLE IF NOT EXISTS kubepulse."replicaset" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "replicas_desired" integer,
  "replicas_current" integer,
  "replicas_ready" integer,
  "replicas_available" integer,
  "replicas_updated" integer,
  "generation" bigint,
  "observed_generation" bigint,
  "selector" jsonb,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "replicaset_cluster_ns_name" ON kubepulse."replicaset" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."replicaset" IS 'ReplicaSets (owner_kind/owner_name point at their Deployment).';

CREATE TABLE IF NOT EXISTS kubepulse."statefulset" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "replicas_desired" integer,
  "replicas_current" integer,
  "replicas_ready" integer,
  "replicas_available" integer,
  "replicas_updated" integer,
  "generation" bigint,
  "observed_generation" bigint,
  "selector" jsonb,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  "service_name" text,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "statefulset_cluster_ns_name" ON kubepulse."statefulset" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."statefulset" IS 'StatefulSets with desired / ready / available replicas.';

CREATE TABLE IF NOT EXISTS kubepulse."daemonset" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "replicas_desired" integer,
  "replicas_current" integer,
  "replicas_ready" integer,
  "replicas_available" integer,
  "replicas_updated" integer,
  "generation" bigint,
  "observed_generation" bigint,
  "selector" jsonb,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  "misscheduled" integer,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "daemonset_cluster_ns_name" ON kubepulse."daemonset" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."daemonset" IS 'DaemonSets: desired = nodes that should run the pod.';

CREATE TABLE IF NOT EXISTS kubepulse."job" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "completions" integer,
  "parallelism" integer,
  "active" integer,
  "succeeded" integer,
  "failed" integer,
  "outcome" text,
  "start_time" timestamptz,
  "completion_time" timestamptz,
  "selector" jsonb,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "job_cluster_ns_name" ON kubepulse."job" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."job" IS 'Jobs with their progress (owner_kind/owner_name point at a CronJob when it made them).';

CREATE TABLE IF NOT EXISTS kubepulse."cronjob" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "schedule" text,
  "suspend" boolean,
  "active_jobs" integer,
  "last_schedule_time" timestamptz,
  "last_successful_time" timestamptz,
  "selector" jsonb,
  "cpu_request_millicores" bigint,
  "cpu_limit_millicores" bigint,
  "memory_request_bytes" bigint,
  "memory_limit_bytes" bigint,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "cronjob_cluster_ns_name" ON kubepulse."cronjob" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."cronjob" IS 'CronJobs with their schedule and last runs.';

CREATE TABLE IF NOT EXISTS kubepulse."service" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "type" text,
  "cluster_ip" text,
  "external_ips" jsonb,
  "ports" jsonb,
  "selector" jsonb,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "service_cluster_ns_name" ON kubepulse."service" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."service" IS 'Services.';

CREATE TABLE IF NOT EXISTS kubepulse."endpointslice" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "service" text,
  "address_type" text,
  "endpoints_total" integer,
  "endpoints_ready" integer,
  "ports" jsonb,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "endpointslice_cluster_ns_name" ON kubepulse."endpointslice" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."endpointslice" IS 'EndpointSlices: which pods back each service, and whether they are ready.';

CREATE TABLE IF NOT EXISTS kubepulse."ingress" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "ingress_class" text,
  "hosts" jsonb,
  "addresses" jsonb,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "ingress_cluster_ns_name" ON kubepulse."ingress" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."ingress" IS 'Ingresses.';

CREATE TABLE IF NOT EXISTS kubepulse."persistentvolume" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "capacity_bytes" bigint,
  "storage_class" text,
  "phase" text,
  "reclaim_policy" text,
  "access_modes" jsonb,
  "claim_namespace" text,
  "claim_name" text,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "persistentvolume_cluster_ns_name" ON kubepulse."persistentvolume" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."persistentvolume" IS 'PersistentVolumes.';

CREATE TABLE IF NOT EXISTS kubepulse."persistentvolumeclaim" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "phase" text,
  "storage_class" text,
  "volume_name" text,
  "request_bytes" bigint,
  "capacity_bytes" bigint,
  "access_modes" jsonb,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "persistentvolumeclaim_cluster_ns_name" ON kubepulse."persistentvolumeclaim" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."persistentvolumeclaim" IS 'PersistentVolumeClaims with requested and actual capacity.';

CREATE TABLE IF NOT EXISTS kubepulse."storageclass" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "provisioner" text,
  "reclaim_policy" text,
  "volume_binding_mode" text,
  "is_default" boolean,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "storageclass_cluster_ns_name" ON kubepulse."storageclass" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."storageclass" IS 'StorageClasses.';

CREATE TABLE IF NOT EXISTS kubepulse."horizontalpodautoscaler" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "target_kind" text,
  "target_name" text,
  "min_replicas" integer,
  "max_replicas" integer,
  "current_replicas" integer,
  "desired_replicas" integer,
  "metrics" jsonb,
  "current_metrics" jsonb,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "horizontalpodautoscaler_cluster_ns_name" ON kubepulse."horizontalpodautoscaler" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."horizontalpodautoscaler" IS 'HorizontalPodAutoscalers (autoscaling/v2).';

CREATE TABLE IF NOT EXISTS kubepulse."resourcequota" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "hard" jsonb,
  "used" jsonb,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "resourcequota_cluster_ns_name" ON kubepulse."resourcequota" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."resourcequota" IS 'ResourceQuotas: hard limits and current use (cpu in millicores, memory in bytes).';

CREATE TABLE IF NOT EXISTS kubepulse."event" (
  "cluster_id" integer NOT NULL,
  "uid" text NOT NULL,
  "namespace" text,
  "name" text NOT NULL,
  "resource_version" text,
  "created_at" timestamptz,
  "deleted_at" timestamptz,
  "labels" jsonb,
  "annotations" jsonb,
  "owner_kind" text,
  "owner_name" text,
  "object" jsonb,
  "updated_at" timestamptz NOT NULL,
  "fingerprint" text,
  "type" text,
  "reason" text,
  "message" text,
  "involved_kind" text,
  "involved_namespace" text,
  "involved_name" text,
  "involved_uid" text,
  "count" integer,
  "first_time" timestamptz,
  "last_time" timestamptz,
  "source_component" text,
  "source_host" text,
  PRIMARY KEY (cluster_id, uid)
);

CREATE INDEX IF NOT EXISTS "event_cluster_ns_name" ON kubepulse."event" (cluster_id, namespace, name);

COMMENT ON TABLE kubepulse."event" IS 'Events with reason, involved object, count and last time (Warning first in the viewer).';

CREATE TABLE IF NOT EXISTS kubepulse."node_metric" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_bytes_per_second" double precision,
  "network_rx_errors" bigint,
  "network_rx_errors_per_second" double precision,
  "network_tx_bytes" bigint,
  "network_tx_bytes_per_second" double precision,
  "network_tx_errors" bigint,
  "network_tx_errors_per_second" double precision,
  "fs_available_bytes" bigint,
  "fs_capacity_bytes" bigint,
  "fs_used_bytes" bigint,
  "fs_inodes" bigint,
  "fs_inodes_free" bigint,
  "fs_inodes_used" bigint,
  "imagefs_available_bytes" bigint,
  "imagefs_capacity_bytes" bigint,
  "imagefs_used_bytes" bigint,
  "imagefs_inodes" bigint,
  "imagefs_inodes_free" bigint,
  "imagefs_inodes_used" bigint,
  "containerfs_available_bytes" bigint,
  "containerfs_capacity_bytes" bigint,
  "containerfs_used_bytes" bigint,
  "containerfs_inodes" bigint,
  "containerfs_inodes_free" bigint,
  "containerfs_inodes_used" bigint,
  "rlimit_maxpid" bigint,
  "rlimit_curproc" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  PRIMARY KEY ("cluster_id", "node", "ts")
) PARTITION BY RANGE (ts);

CREATE INDEX IF NOT EXISTS "node_metric_cluster_ts" ON kubepulse."node_metric" (cluster_id, ts);

COMMENT ON TABLE kubepulse."node_metric" IS 'One row per node per kubelet sample.';

CREATE TABLE IF NOT EXISTS kubepulse."system_container_metric" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "name" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  PRIMARY KEY ("cluster_id", "node", "name", "ts")
) PARTITION BY RANGE (ts);

CREATE INDEX IF NOT EXISTS "system_container_metric_cluster_ts" ON kubepulse."system_container_metric" (cluster_id, ts);

COMMENT ON TABLE kubepulse."system_container_metric" IS 'One row per node system container (the kubelet''s systemContainers) per sample.';

CREATE TABLE IF NOT EXISTS kubepulse."pod_metric" (
  "cluster_id" integer NOT NULL,
  "pod_uid" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_bytes_per_second" double precision,
  "network_rx_errors" bigint,
  "network_rx_errors_per_second" double precision,
  "network_tx_bytes" bigint,
  "network_tx_bytes_per_second" double precision,
  "network_tx_errors" bigint,
  "network_tx_errors_per_second" double precision,
  "ephemeral_storage_available_bytes" bigint,
  "ephemeral_storage_capacity_bytes" bigint,
  "ephemeral_storage_used_bytes" bigint,
  "ephemeral_storage_inodes" bigint,
  "ephemeral_storage_inodes_free" bigint,
  "ephemeral_storage_inodes_used" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  PRIMARY KEY ("cluster_id", "pod_uid", "ts")
) PARTITION BY RANGE (ts);

CREATE INDEX IF NOT EXISTS "pod_metric_cluster_ts" ON kubepulse."pod_metric" (cluster_id, ts);

COMMENT ON TABLE kubepulse."pod_metric" IS 'One row per pod per sample (the pod cgroup: its containers plus overhead).';

CREATE TABLE IF NOT EXISTS kubepulse."container_metric" (
  "cluster_id" integer NOT NULL,
  "pod_uid" text NOT NULL,
  "container" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "rootfs_available_bytes" bigint,
  "rootfs_capacity_bytes" bigint,
  "rootfs_used_bytes" bigint,
  "rootfs_inodes" bigint,
  "rootfs_inodes_free" bigint,
  "rootfs_inodes_used" bigint,
  "logs_available_bytes" bigint,
  "logs_capacity_bytes" bigint,
  "logs_used_bytes" bigint,
  "logs_inodes" bigint,
  "logs_inodes_free" bigint,
  "logs_inodes_used" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  PRIMARY KEY ("cluster_id", "pod_uid", "container", "ts")
) PARTITION BY RANGE (ts);

CREATE INDEX IF NOT EXISTS "container_metric_cluster_ts" ON kubepulse."container_metric" (cluster_id, ts);

COMMENT ON TABLE kubepulse."container_metric" IS 'One row per container per sample.';

CREATE TABLE IF NOT EXISTS kubepulse."volume_metric" (
  "cluster_id" integer NOT NULL,
  "pod_uid" text NOT NULL,
  "volume" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  "pvc" text,
  "available_bytes" bigint,
  "capacity_bytes" bigint,
  "used_bytes" bigint,
  "inodes" bigint,
  "inodes_free" bigint,
  "inodes_used" bigint,
  PRIMARY KEY ("cluster_id", "pod_uid", "volume", "ts")
) PARTITION BY RANGE (ts);

CREATE INDEX IF NOT EXISTS "volume_metric_cluster_ts" ON kubepulse."volume_metric" (cluster_id, ts);

COMMENT ON TABLE kubepulse."volume_metric" IS 'One row per pod volume per sample.';

CREATE TABLE IF NOT EXISTS kubepulse."interface_metric" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "pod_uid" text NOT NULL,
  "interface" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "rx_bytes" bigint,
  "rx_bytes_per_second" double precision,
  "rx_errors" bigint,
  "rx_errors_per_second" double precision,
  "tx_bytes" bigint,
  "tx_bytes_per_second" double precision,
  "tx_errors" bigint,
  "tx_errors_per_second" double precision,
  "rx_packets" bigint,
  "rx_packets_per_second" double precision,
  "tx_packets" bigint,
  "tx_packets_per_second" double precision,
  "rx_dropped" bigint,
  "rx_dropped_per_second" double precision,
  "tx_dropped" bigint,
  "tx_dropped_per_second" double precision,
  PRIMARY KEY ("cluster_id", "node", "pod_uid", "interface", "ts")
) PARTITION BY RANGE (ts);

CREATE INDEX IF NOT EXISTS "interface_metric_cluster_ts" ON kubepulse."interface_metric" (cluster_id, ts);

COMMENT ON TABLE kubepulse."interface_metric" IS 'One row per network interface (node or pod network namespace) per sample.';

CREATE TABLE IF NOT EXISTS kubepulse."disk_io_metric" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "pod_uid" text NOT NULL,
  "container" text NOT NULL,
  "device" text NOT NULL,
  "ts" timestamptz NOT NULL,
  "namespace" text,
  "pod" text,
  "read_bytes" bigint,
  "read_bytes_per_second" double precision,
  "write_bytes" bigint,
  "write_bytes_per_second" double precision,
  "read_ops" bigint,
  "read_ops_per_second" double precision,
  "write_ops" bigint,
  "write_ops_per_second" double precision,
  "read_time_seconds" double precision,
  "read_time_percent" double precision,
  "write_time_seconds" double precision,
  "write_time_percent" double precision,
  "io_time_seconds" double precision,
  "io_busy_percent" double precision,
  "io_in_progress" bigint,
  PRIMARY KEY ("cluster_id", "node", "pod_uid", "container", "device", "ts")
) PARTITION BY RANGE (ts);

CREATE INDEX IF NOT EXISTS "disk_io_metric_cluster_ts" ON kubepulse."disk_io_metric" (cluster_id, ts);

COMMENT ON TABLE kubepulse."disk_io_metric" IS 'One row per cgroup (node, pod, container) per block device per cAdvisor sample: disk I/O, which the Summary API does not report.';
