-- 009: raw rows keyed by an integer series id. Per metric entity: <entity>_series (keys and attributes
-- once per series), <entity>_sample (cluster_id, series_id, ts, values, source; hourly partitions; unique
-- (cluster_id, series_id, ts, source), a BRIN on ts), every stored row moved into a sample partition of the
-- same bounds, the old table dropped, and <entity>_metric re-created as a view with the columns it had.
-- The <entity>_history functions of 007 name <entity>_metric by text and read the view from now on.
-- Generated once from the declarations (src/store/series-schema.ts seriesMigrationSql); frozen since.

CREATE TABLE kubepulse."node_series" (
  "cluster_id" integer NOT NULL,
  "series_id" integer GENERATED ALWAYS AS IDENTITY,
  "node" text NOT NULL,
  PRIMARY KEY (cluster_id, series_id),
  UNIQUE ("cluster_id", "node")
);

COMMENT ON TABLE kubepulse."node_series" IS 'The series of node_metric: keys and attributes once per series; node_sample rows name it by series_id.';

CREATE TABLE kubepulse."node_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
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
  "source" "char" NOT NULL,
  PRIMARY KEY (cluster_id, series_id, ts, source)
) PARTITION BY RANGE (ts);

CREATE INDEX "node_sample_ts_brin" ON kubepulse."node_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."node_sample" IS 'Raw samples of node_metric (read them through that view): one row per series, time and source, hourly partitions.';

INSERT INTO kubepulse."node_series" ("cluster_id", "node")
  SELECT "cluster_id", "node" FROM kubepulse."node_metric"
  GROUP BY 1, 2 ORDER BY 1, 2;

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."node_metric"'::regclass LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."node_sample" %s',
      regexp_replace(p.relname, '^node_metric_', 'node_sample_'), p.bound);
  END LOOP;
END
$move$;

INSERT INTO kubepulse."node_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  SELECT m."cluster_id", r."series_id", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."network_rx_bytes", m."network_rx_bytes_per_second", m."network_rx_errors", m."network_rx_errors_per_second", m."network_tx_bytes", m."network_tx_bytes_per_second", m."network_tx_errors", m."network_tx_errors_per_second", m."fs_available_bytes", m."fs_capacity_bytes", m."fs_used_bytes", m."fs_inodes", m."fs_inodes_free", m."fs_inodes_used", m."imagefs_available_bytes", m."imagefs_capacity_bytes", m."imagefs_used_bytes", m."imagefs_inodes", m."imagefs_inodes_free", m."imagefs_inodes_used", m."containerfs_available_bytes", m."containerfs_capacity_bytes", m."containerfs_used_bytes", m."containerfs_inodes", m."containerfs_inodes_free", m."containerfs_inodes_used", m."rlimit_maxpid", m."rlimit_curproc", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source" FROM kubepulse."node_metric" m
  JOIN kubepulse."node_series" r ON r."cluster_id" = m."cluster_id" AND r."node" = m."node"
  ORDER BY m.ts, r."series_id";

DROP TABLE kubepulse."node_metric";

CREATE VIEW kubepulse."node_metric" AS
  SELECT s."cluster_id", r."node", s."ts", s."cpu_usage_nanocores", s."cpu_usage_core_nanoseconds", s."cpu_rate_millicores", s."cpu_psi_some_total_microseconds", s."cpu_psi_some_stalled_percent", s."cpu_psi_some_avg10_percent", s."cpu_psi_some_avg60_percent", s."cpu_psi_some_avg300_percent", s."cpu_psi_full_total_microseconds", s."cpu_psi_full_stalled_percent", s."cpu_psi_full_avg10_percent", s."cpu_psi_full_avg60_percent", s."cpu_psi_full_avg300_percent", s."memory_available_bytes", s."memory_usage_bytes", s."memory_working_set_bytes", s."memory_rss_bytes", s."memory_page_faults", s."memory_page_faults_per_second", s."memory_major_page_faults", s."memory_major_page_faults_per_second", s."memory_cache_bytes", s."memory_mapped_file_bytes", s."memory_kernel_bytes", s."memory_max_usage_bytes", s."memory_failcnt", s."memory_failcnt_per_second", s."oom_events", s."oom_events_per_second", s."memory_psi_some_total_microseconds", s."memory_psi_some_stalled_percent", s."memory_psi_some_avg10_percent", s."memory_psi_some_avg60_percent", s."memory_psi_some_avg300_percent", s."memory_psi_full_total_microseconds", s."memory_psi_full_stalled_percent", s."memory_psi_full_avg10_percent", s."memory_psi_full_avg60_percent", s."memory_psi_full_avg300_percent", s."io_psi_some_total_microseconds", s."io_psi_some_stalled_percent", s."io_psi_some_avg10_percent", s."io_psi_some_avg60_percent", s."io_psi_some_avg300_percent", s."io_psi_full_total_microseconds", s."io_psi_full_stalled_percent", s."io_psi_full_avg10_percent", s."io_psi_full_avg60_percent", s."io_psi_full_avg300_percent", s."swap_available_bytes", s."swap_usage_bytes", s."network_rx_bytes", s."network_rx_bytes_per_second", s."network_rx_errors", s."network_rx_errors_per_second", s."network_tx_bytes", s."network_tx_bytes_per_second", s."network_tx_errors", s."network_tx_errors_per_second", s."fs_available_bytes", s."fs_capacity_bytes", s."fs_used_bytes", s."fs_inodes", s."fs_inodes_free", s."fs_inodes_used", s."imagefs_available_bytes", s."imagefs_capacity_bytes", s."imagefs_used_bytes", s."imagefs_inodes", s."imagefs_inodes_free", s."imagefs_inodes_used", s."containerfs_available_bytes", s."containerfs_capacity_bytes", s."containerfs_used_bytes", s."containerfs_inodes", s."containerfs_inodes_free", s."containerfs_inodes_used", s."rlimit_maxpid", s."rlimit_curproc", s."cpu_cfs_periods", s."cpu_cfs_periods_per_second", s."cpu_cfs_throttled_periods", s."cpu_cfs_throttled_periods_per_second", s."cpu_cfs_throttled_seconds", s."cpu_cfs_throttled_millicores", s."process_count", s."threads", s."threads_max", s."file_descriptors", s."sockets", s."source"
  FROM kubepulse."node_sample" s
  JOIN kubepulse."node_series" r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id;

ALTER VIEW kubepulse."node_metric" ALTER COLUMN source SET DEFAULT 's';

COMMENT ON VIEW kubepulse."node_metric" IS 'One row per node per kubelet sample. A view of node_sample joined to node_series.';

CREATE FUNCTION kubepulse."node_metric_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO kubepulse."node_series" AS r ("cluster_id", "node")
  VALUES (NEW."cluster_id", NEW."node")
  ON CONFLICT ("cluster_id", "node") DO UPDATE SET "cluster_id" = EXCLUDED."cluster_id"
  RETURNING r.series_id INTO sid;
  INSERT INTO kubepulse."node_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_total_microseconds", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults", NEW."memory_major_page_faults_per_second", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."memory_failcnt_per_second", NEW."oom_events", NEW."oom_events_per_second", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_total_microseconds", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_total_microseconds", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_total_microseconds", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."network_rx_bytes", NEW."network_rx_bytes_per_second", NEW."network_rx_errors", NEW."network_rx_errors_per_second", NEW."network_tx_bytes", NEW."network_tx_bytes_per_second", NEW."network_tx_errors", NEW."network_tx_errors_per_second", NEW."fs_available_bytes", NEW."fs_capacity_bytes", NEW."fs_used_bytes", NEW."fs_inodes", NEW."fs_inodes_free", NEW."fs_inodes_used", NEW."imagefs_available_bytes", NEW."imagefs_capacity_bytes", NEW."imagefs_used_bytes", NEW."imagefs_inodes", NEW."imagefs_inodes_free", NEW."imagefs_inodes_used", NEW."containerfs_available_bytes", NEW."containerfs_capacity_bytes", NEW."containerfs_used_bytes", NEW."containerfs_inodes", NEW."containerfs_inodes_free", NEW."containerfs_inodes_used", NEW."rlimit_maxpid", NEW."rlimit_curproc", NEW."cpu_cfs_periods", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_seconds", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "node_metric_insert" INSTEAD OF INSERT ON kubepulse."node_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."node_metric_insert"();

CREATE TABLE kubepulse."system_container_series" (
  "cluster_id" integer NOT NULL,
  "series_id" integer GENERATED ALWAYS AS IDENTITY,
  "node" text NOT NULL,
  "name" text NOT NULL,
  PRIMARY KEY (cluster_id, series_id),
  UNIQUE ("cluster_id", "node", "name")
);

COMMENT ON TABLE kubepulse."system_container_series" IS 'The series of system_container_metric: keys and attributes once per series; system_container_sample rows name it by series_id.';

CREATE TABLE kubepulse."system_container_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
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
  "source" "char" NOT NULL,
  PRIMARY KEY (cluster_id, series_id, ts, source)
) PARTITION BY RANGE (ts);

CREATE INDEX "system_container_sample_ts_brin" ON kubepulse."system_container_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."system_container_sample" IS 'Raw samples of system_container_metric (read them through that view): one row per series, time and source, hourly partitions.';

INSERT INTO kubepulse."system_container_series" ("cluster_id", "node", "name")
  SELECT "cluster_id", "node", "name" FROM kubepulse."system_container_metric"
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."system_container_metric"'::regclass LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."system_container_sample" %s',
      regexp_replace(p.relname, '^system_container_metric_', 'system_container_sample_'), p.bound);
  END LOOP;
END
$move$;

INSERT INTO kubepulse."system_container_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  SELECT m."cluster_id", r."series_id", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source" FROM kubepulse."system_container_metric" m
  JOIN kubepulse."system_container_series" r ON r."cluster_id" = m."cluster_id" AND r."node" = m."node" AND r."name" = m."name"
  ORDER BY m.ts, r."series_id";

DROP TABLE kubepulse."system_container_metric";

CREATE VIEW kubepulse."system_container_metric" AS
  SELECT s."cluster_id", r."node", r."name", s."ts", s."cpu_usage_nanocores", s."cpu_usage_core_nanoseconds", s."cpu_rate_millicores", s."cpu_psi_some_total_microseconds", s."cpu_psi_some_stalled_percent", s."cpu_psi_some_avg10_percent", s."cpu_psi_some_avg60_percent", s."cpu_psi_some_avg300_percent", s."cpu_psi_full_total_microseconds", s."cpu_psi_full_stalled_percent", s."cpu_psi_full_avg10_percent", s."cpu_psi_full_avg60_percent", s."cpu_psi_full_avg300_percent", s."memory_available_bytes", s."memory_usage_bytes", s."memory_working_set_bytes", s."memory_rss_bytes", s."memory_page_faults", s."memory_page_faults_per_second", s."memory_major_page_faults", s."memory_major_page_faults_per_second", s."memory_cache_bytes", s."memory_mapped_file_bytes", s."memory_kernel_bytes", s."memory_max_usage_bytes", s."memory_failcnt", s."memory_failcnt_per_second", s."oom_events", s."oom_events_per_second", s."memory_psi_some_total_microseconds", s."memory_psi_some_stalled_percent", s."memory_psi_some_avg10_percent", s."memory_psi_some_avg60_percent", s."memory_psi_some_avg300_percent", s."memory_psi_full_total_microseconds", s."memory_psi_full_stalled_percent", s."memory_psi_full_avg10_percent", s."memory_psi_full_avg60_percent", s."memory_psi_full_avg300_percent", s."io_psi_some_total_microseconds", s."io_psi_some_stalled_percent", s."io_psi_some_avg10_percent", s."io_psi_some_avg60_percent", s."io_psi_some_avg300_percent", s."io_psi_full_total_microseconds", s."io_psi_full_stalled_percent", s."io_psi_full_avg10_percent", s."io_psi_full_avg60_percent", s."io_psi_full_avg300_percent", s."swap_available_bytes", s."swap_usage_bytes", s."cpu_cfs_periods", s."cpu_cfs_periods_per_second", s."cpu_cfs_throttled_periods", s."cpu_cfs_throttled_periods_per_second", s."cpu_cfs_throttled_seconds", s."cpu_cfs_throttled_millicores", s."process_count", s."threads", s."threads_max", s."file_descriptors", s."sockets", s."source"
  FROM kubepulse."system_container_sample" s
  JOIN kubepulse."system_container_series" r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id;

ALTER VIEW kubepulse."system_container_metric" ALTER COLUMN source SET DEFAULT 's';

COMMENT ON VIEW kubepulse."system_container_metric" IS 'One row per node system container (the kubelet''s systemContainers) per sample. A view of system_container_sample joined to system_container_series.';

CREATE FUNCTION kubepulse."system_container_metric_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO kubepulse."system_container_series" AS r ("cluster_id", "node", "name")
  VALUES (NEW."cluster_id", NEW."node", NEW."name")
  ON CONFLICT ("cluster_id", "node", "name") DO UPDATE SET "cluster_id" = EXCLUDED."cluster_id"
  RETURNING r.series_id INTO sid;
  INSERT INTO kubepulse."system_container_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_total_microseconds", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults", NEW."memory_major_page_faults_per_second", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."memory_failcnt_per_second", NEW."oom_events", NEW."oom_events_per_second", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_total_microseconds", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_total_microseconds", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_total_microseconds", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."cpu_cfs_periods", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_seconds", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "system_container_metric_insert" INSTEAD OF INSERT ON kubepulse."system_container_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."system_container_metric_insert"();

CREATE TABLE kubepulse."pod_series" (
  "cluster_id" integer NOT NULL,
  "series_id" integer GENERATED ALWAYS AS IDENTITY,
  "pod_uid" text NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  PRIMARY KEY (cluster_id, series_id),
  UNIQUE ("cluster_id", "pod_uid")
);

COMMENT ON TABLE kubepulse."pod_series" IS 'The series of pod_metric: keys and attributes once per series; pod_sample rows name it by series_id.';

CREATE TABLE kubepulse."pod_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
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
  "source" "char" NOT NULL,
  PRIMARY KEY (cluster_id, series_id, ts, source)
) PARTITION BY RANGE (ts);

CREATE INDEX "pod_sample_ts_brin" ON kubepulse."pod_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."pod_sample" IS 'Raw samples of pod_metric (read them through that view): one row per series, time and source, hourly partitions.';

INSERT INTO kubepulse."pod_series" ("cluster_id", "pod_uid", "namespace", "pod", "node")
  SELECT "cluster_id", "pod_uid", max("namespace"), max("pod"), max("node") FROM kubepulse."pod_metric"
  GROUP BY 1, 2 ORDER BY 1, 2;

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."pod_metric"'::regclass LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."pod_sample" %s',
      regexp_replace(p.relname, '^pod_metric_', 'pod_sample_'), p.bound);
  END LOOP;
END
$move$;

INSERT INTO kubepulse."pod_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  SELECT m."cluster_id", r."series_id", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."network_rx_bytes", m."network_rx_bytes_per_second", m."network_rx_errors", m."network_rx_errors_per_second", m."network_tx_bytes", m."network_tx_bytes_per_second", m."network_tx_errors", m."network_tx_errors_per_second", m."ephemeral_storage_available_bytes", m."ephemeral_storage_capacity_bytes", m."ephemeral_storage_used_bytes", m."ephemeral_storage_inodes", m."ephemeral_storage_inodes_free", m."ephemeral_storage_inodes_used", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source" FROM kubepulse."pod_metric" m
  JOIN kubepulse."pod_series" r ON r."cluster_id" = m."cluster_id" AND r."pod_uid" = m."pod_uid"
  ORDER BY m.ts, r."series_id";

DROP TABLE kubepulse."pod_metric";

CREATE VIEW kubepulse."pod_metric" AS
  SELECT s."cluster_id", r."pod_uid", s."ts", r."namespace", r."pod", r."node", s."cpu_usage_nanocores", s."cpu_usage_core_nanoseconds", s."cpu_rate_millicores", s."cpu_psi_some_total_microseconds", s."cpu_psi_some_stalled_percent", s."cpu_psi_some_avg10_percent", s."cpu_psi_some_avg60_percent", s."cpu_psi_some_avg300_percent", s."cpu_psi_full_total_microseconds", s."cpu_psi_full_stalled_percent", s."cpu_psi_full_avg10_percent", s."cpu_psi_full_avg60_percent", s."cpu_psi_full_avg300_percent", s."memory_available_bytes", s."memory_usage_bytes", s."memory_working_set_bytes", s."memory_rss_bytes", s."memory_page_faults", s."memory_page_faults_per_second", s."memory_major_page_faults", s."memory_major_page_faults_per_second", s."memory_cache_bytes", s."memory_mapped_file_bytes", s."memory_kernel_bytes", s."memory_max_usage_bytes", s."memory_failcnt", s."memory_failcnt_per_second", s."oom_events", s."oom_events_per_second", s."memory_psi_some_total_microseconds", s."memory_psi_some_stalled_percent", s."memory_psi_some_avg10_percent", s."memory_psi_some_avg60_percent", s."memory_psi_some_avg300_percent", s."memory_psi_full_total_microseconds", s."memory_psi_full_stalled_percent", s."memory_psi_full_avg10_percent", s."memory_psi_full_avg60_percent", s."memory_psi_full_avg300_percent", s."io_psi_some_total_microseconds", s."io_psi_some_stalled_percent", s."io_psi_some_avg10_percent", s."io_psi_some_avg60_percent", s."io_psi_some_avg300_percent", s."io_psi_full_total_microseconds", s."io_psi_full_stalled_percent", s."io_psi_full_avg10_percent", s."io_psi_full_avg60_percent", s."io_psi_full_avg300_percent", s."swap_available_bytes", s."swap_usage_bytes", s."network_rx_bytes", s."network_rx_bytes_per_second", s."network_rx_errors", s."network_rx_errors_per_second", s."network_tx_bytes", s."network_tx_bytes_per_second", s."network_tx_errors", s."network_tx_errors_per_second", s."ephemeral_storage_available_bytes", s."ephemeral_storage_capacity_bytes", s."ephemeral_storage_used_bytes", s."ephemeral_storage_inodes", s."ephemeral_storage_inodes_free", s."ephemeral_storage_inodes_used", s."cpu_cfs_periods", s."cpu_cfs_periods_per_second", s."cpu_cfs_throttled_periods", s."cpu_cfs_throttled_periods_per_second", s."cpu_cfs_throttled_seconds", s."cpu_cfs_throttled_millicores", s."process_count", s."threads", s."threads_max", s."file_descriptors", s."sockets", s."source"
  FROM kubepulse."pod_sample" s
  JOIN kubepulse."pod_series" r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id;

ALTER VIEW kubepulse."pod_metric" ALTER COLUMN source SET DEFAULT 's';

COMMENT ON VIEW kubepulse."pod_metric" IS 'One row per pod per sample (the pod cgroup: its containers plus overhead). A view of pod_sample joined to pod_series.';

CREATE FUNCTION kubepulse."pod_metric_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO kubepulse."pod_series" AS r ("cluster_id", "pod_uid", "namespace", "pod", "node")
  VALUES (NEW."cluster_id", NEW."pod_uid", NEW."namespace", NEW."pod", NEW."node")
  ON CONFLICT ("cluster_id", "pod_uid") DO UPDATE SET "namespace" = COALESCE(NULLIF(r."namespace", ''), EXCLUDED."namespace"), "pod" = COALESCE(NULLIF(r."pod", ''), EXCLUDED."pod"), "node" = COALESCE(NULLIF(r."node", ''), EXCLUDED."node")
  RETURNING r.series_id INTO sid;
  INSERT INTO kubepulse."pod_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_total_microseconds", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults", NEW."memory_major_page_faults_per_second", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."memory_failcnt_per_second", NEW."oom_events", NEW."oom_events_per_second", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_total_microseconds", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_total_microseconds", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_total_microseconds", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."network_rx_bytes", NEW."network_rx_bytes_per_second", NEW."network_rx_errors", NEW."network_rx_errors_per_second", NEW."network_tx_bytes", NEW."network_tx_bytes_per_second", NEW."network_tx_errors", NEW."network_tx_errors_per_second", NEW."ephemeral_storage_available_bytes", NEW."ephemeral_storage_capacity_bytes", NEW."ephemeral_storage_used_bytes", NEW."ephemeral_storage_inodes", NEW."ephemeral_storage_inodes_free", NEW."ephemeral_storage_inodes_used", NEW."cpu_cfs_periods", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_seconds", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "pod_metric_insert" INSTEAD OF INSERT ON kubepulse."pod_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."pod_metric_insert"();

CREATE TABLE kubepulse."container_series" (
  "cluster_id" integer NOT NULL,
  "series_id" integer GENERATED ALWAYS AS IDENTITY,
  "pod_uid" text NOT NULL,
  "container" text NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  PRIMARY KEY (cluster_id, series_id),
  UNIQUE ("cluster_id", "pod_uid", "container")
);

COMMENT ON TABLE kubepulse."container_series" IS 'The series of container_metric: keys and attributes once per series; container_sample rows name it by series_id.';

CREATE TABLE kubepulse."container_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
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
  "source" "char" NOT NULL,
  PRIMARY KEY (cluster_id, series_id, ts, source)
) PARTITION BY RANGE (ts);

CREATE INDEX "container_sample_ts_brin" ON kubepulse."container_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."container_sample" IS 'Raw samples of container_metric (read them through that view): one row per series, time and source, hourly partitions.';

INSERT INTO kubepulse."container_series" ("cluster_id", "pod_uid", "container", "namespace", "pod", "node")
  SELECT "cluster_id", "pod_uid", "container", max("namespace"), max("pod"), max("node") FROM kubepulse."container_metric"
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."container_metric"'::regclass LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."container_sample" %s',
      regexp_replace(p.relname, '^container_metric_', 'container_sample_'), p.bound);
  END LOOP;
END
$move$;

INSERT INTO kubepulse."container_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  SELECT m."cluster_id", r."series_id", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."rootfs_available_bytes", m."rootfs_capacity_bytes", m."rootfs_used_bytes", m."rootfs_inodes", m."rootfs_inodes_free", m."rootfs_inodes_used", m."logs_available_bytes", m."logs_capacity_bytes", m."logs_used_bytes", m."logs_inodes", m."logs_inodes_free", m."logs_inodes_used", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source" FROM kubepulse."container_metric" m
  JOIN kubepulse."container_series" r ON r."cluster_id" = m."cluster_id" AND r."pod_uid" = m."pod_uid" AND r."container" = m."container"
  ORDER BY m.ts, r."series_id";

DROP TABLE kubepulse."container_metric";

CREATE VIEW kubepulse."container_metric" AS
  SELECT s."cluster_id", r."pod_uid", r."container", s."ts", r."namespace", r."pod", r."node", s."cpu_usage_nanocores", s."cpu_usage_core_nanoseconds", s."cpu_rate_millicores", s."cpu_psi_some_total_microseconds", s."cpu_psi_some_stalled_percent", s."cpu_psi_some_avg10_percent", s."cpu_psi_some_avg60_percent", s."cpu_psi_some_avg300_percent", s."cpu_psi_full_total_microseconds", s."cpu_psi_full_stalled_percent", s."cpu_psi_full_avg10_percent", s."cpu_psi_full_avg60_percent", s."cpu_psi_full_avg300_percent", s."memory_available_bytes", s."memory_usage_bytes", s."memory_working_set_bytes", s."memory_rss_bytes", s."memory_page_faults", s."memory_page_faults_per_second", s."memory_major_page_faults", s."memory_major_page_faults_per_second", s."memory_cache_bytes", s."memory_mapped_file_bytes", s."memory_kernel_bytes", s."memory_max_usage_bytes", s."memory_failcnt", s."memory_failcnt_per_second", s."oom_events", s."oom_events_per_second", s."memory_psi_some_total_microseconds", s."memory_psi_some_stalled_percent", s."memory_psi_some_avg10_percent", s."memory_psi_some_avg60_percent", s."memory_psi_some_avg300_percent", s."memory_psi_full_total_microseconds", s."memory_psi_full_stalled_percent", s."memory_psi_full_avg10_percent", s."memory_psi_full_avg60_percent", s."memory_psi_full_avg300_percent", s."io_psi_some_total_microseconds", s."io_psi_some_stalled_percent", s."io_psi_some_avg10_percent", s."io_psi_some_avg60_percent", s."io_psi_some_avg300_percent", s."io_psi_full_total_microseconds", s."io_psi_full_stalled_percent", s."io_psi_full_avg10_percent", s."io_psi_full_avg60_percent", s."io_psi_full_avg300_percent", s."swap_available_bytes", s."swap_usage_bytes", s."rootfs_available_bytes", s."rootfs_capacity_bytes", s."rootfs_used_bytes", s."rootfs_inodes", s."rootfs_inodes_free", s."rootfs_inodes_used", s."logs_available_bytes", s."logs_capacity_bytes", s."logs_used_bytes", s."logs_inodes", s."logs_inodes_free", s."logs_inodes_used", s."cpu_cfs_periods", s."cpu_cfs_periods_per_second", s."cpu_cfs_throttled_periods", s."cpu_cfs_throttled_periods_per_second", s."cpu_cfs_throttled_seconds", s."cpu_cfs_throttled_millicores", s."process_count", s."threads", s."threads_max", s."file_descriptors", s."sockets", s."source"
  FROM kubepulse."container_sample" s
  JOIN kubepulse."container_series" r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id;

ALTER VIEW kubepulse."container_metric" ALTER COLUMN source SET DEFAULT 's';

COMMENT ON VIEW kubepulse."container_metric" IS 'One row per container per sample. A view of container_sample joined to container_series.';

CREATE FUNCTION kubepulse."container_metric_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO kubepulse."container_series" AS r ("cluster_id", "pod_uid", "container", "namespace", "pod", "node")
  VALUES (NEW."cluster_id", NEW."pod_uid", NEW."container", NEW."namespace", NEW."pod", NEW."node")
  ON CONFLICT ("cluster_id", "pod_uid", "container") DO UPDATE SET "namespace" = COALESCE(NULLIF(r."namespace", ''), EXCLUDED."namespace"), "pod" = COALESCE(NULLIF(r."pod", ''), EXCLUDED."pod"), "node" = COALESCE(NULLIF(r."node", ''), EXCLUDED."node")
  RETURNING r.series_id INTO sid;
  INSERT INTO kubepulse."container_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_total_microseconds", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults", NEW."memory_major_page_faults_per_second", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."memory_failcnt_per_second", NEW."oom_events", NEW."oom_events_per_second", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_total_microseconds", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_total_microseconds", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_total_microseconds", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."rootfs_available_bytes", NEW."rootfs_capacity_bytes", NEW."rootfs_used_bytes", NEW."rootfs_inodes", NEW."rootfs_inodes_free", NEW."rootfs_inodes_used", NEW."logs_available_bytes", NEW."logs_capacity_bytes", NEW."logs_used_bytes", NEW."logs_inodes", NEW."logs_inodes_free", NEW."logs_inodes_used", NEW."cpu_cfs_periods", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_seconds", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "container_metric_insert" INSTEAD OF INSERT ON kubepulse."container_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."container_metric_insert"();

CREATE TABLE kubepulse."volume_series" (
  "cluster_id" integer NOT NULL,
  "series_id" integer GENERATED ALWAYS AS IDENTITY,
  "pod_uid" text NOT NULL,
  "volume" text NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  "pvc" text,
  PRIMARY KEY (cluster_id, series_id),
  UNIQUE ("cluster_id", "pod_uid", "volume")
);

COMMENT ON TABLE kubepulse."volume_series" IS 'The series of volume_metric: keys and attributes once per series; volume_sample rows name it by series_id.';

CREATE TABLE kubepulse."volume_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
  "available_bytes" bigint,
  "capacity_bytes" bigint,
  "used_bytes" bigint,
  "inodes" bigint,
  "inodes_free" bigint,
  "inodes_used" bigint,
  "source" "char" NOT NULL,
  PRIMARY KEY (cluster_id, series_id, ts, source)
) PARTITION BY RANGE (ts);

CREATE INDEX "volume_sample_ts_brin" ON kubepulse."volume_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."volume_sample" IS 'Raw samples of volume_metric (read them through that view): one row per series, time and source, hourly partitions.';

INSERT INTO kubepulse."volume_series" ("cluster_id", "pod_uid", "volume", "namespace", "pod", "node", "pvc")
  SELECT "cluster_id", "pod_uid", "volume", max("namespace"), max("pod"), max("node"), max("pvc") FROM kubepulse."volume_metric"
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."volume_metric"'::regclass LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."volume_sample" %s',
      regexp_replace(p.relname, '^volume_metric_', 'volume_sample_'), p.bound);
  END LOOP;
END
$move$;

INSERT INTO kubepulse."volume_sample" ("cluster_id", "series_id", "ts", "available_bytes", "capacity_bytes", "used_bytes", "inodes", "inodes_free", "inodes_used", "source")
  SELECT m."cluster_id", r."series_id", m."ts", m."available_bytes", m."capacity_bytes", m."used_bytes", m."inodes", m."inodes_free", m."inodes_used", m."source" FROM kubepulse."volume_metric" m
  JOIN kubepulse."volume_series" r ON r."cluster_id" = m."cluster_id" AND r."pod_uid" = m."pod_uid" AND r."volume" = m."volume"
  ORDER BY m.ts, r."series_id";

DROP TABLE kubepulse."volume_metric";

CREATE VIEW kubepulse."volume_metric" AS
  SELECT s."cluster_id", r."pod_uid", r."volume", s."ts", r."namespace", r."pod", r."node", r."pvc", s."available_bytes", s."capacity_bytes", s."used_bytes", s."inodes", s."inodes_free", s."inodes_used", s."source"
  FROM kubepulse."volume_sample" s
  JOIN kubepulse."volume_series" r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id;

ALTER VIEW kubepulse."volume_metric" ALTER COLUMN source SET DEFAULT 's';

COMMENT ON VIEW kubepulse."volume_metric" IS 'One row per pod volume per sample. A view of volume_sample joined to volume_series.';

CREATE FUNCTION kubepulse."volume_metric_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO kubepulse."volume_series" AS r ("cluster_id", "pod_uid", "volume", "namespace", "pod", "node", "pvc")
  VALUES (NEW."cluster_id", NEW."pod_uid", NEW."volume", NEW."namespace", NEW."pod", NEW."node", NEW."pvc")
  ON CONFLICT ("cluster_id", "pod_uid", "volume") DO UPDATE SET "namespace" = COALESCE(NULLIF(r."namespace", ''), EXCLUDED."namespace"), "pod" = COALESCE(NULLIF(r."pod", ''), EXCLUDED."pod"), "node" = COALESCE(NULLIF(r."node", ''), EXCLUDED."node"), "pvc" = COALESCE(NULLIF(r."pvc", ''), EXCLUDED."pvc")
  RETURNING r.series_id INTO sid;
  INSERT INTO kubepulse."volume_sample" ("cluster_id", "series_id", "ts", "available_bytes", "capacity_bytes", "used_bytes", "inodes", "inodes_free", "inodes_used", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."available_bytes", NEW."capacity_bytes", NEW."used_bytes", NEW."inodes", NEW."inodes_free", NEW."inodes_used", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "volume_metric_insert" INSTEAD OF INSERT ON kubepulse."volume_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."volume_metric_insert"();

CREATE TABLE kubepulse."interface_series" (
  "cluster_id" integer NOT NULL,
  "series_id" integer GENERATED ALWAYS AS IDENTITY,
  "node" text NOT NULL,
  "pod_uid" text NOT NULL,
  "interface" text NOT NULL,
  PRIMARY KEY (cluster_id, series_id),
  UNIQUE ("cluster_id", "node", "pod_uid", "interface")
);

COMMENT ON TABLE kubepulse."interface_series" IS 'The series of interface_metric: keys and attributes once per series; interface_sample rows name it by series_id.';

CREATE TABLE kubepulse."interface_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
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
  "source" "char" NOT NULL,
  PRIMARY KEY (cluster_id, series_id, ts, source)
) PARTITION BY RANGE (ts);

CREATE INDEX "interface_sample_ts_brin" ON kubepulse."interface_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."interface_sample" IS 'Raw samples of interface_metric (read them through that view): one row per series, time and source, hourly partitions.';

INSERT INTO kubepulse."interface_series" ("cluster_id", "node", "pod_uid", "interface")
  SELECT "cluster_id", "node", "pod_uid", "interface" FROM kubepulse."interface_metric"
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."interface_metric"'::regclass LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."interface_sample" %s',
      regexp_replace(p.relname, '^interface_metric_', 'interface_sample_'), p.bound);
  END LOOP;
END
$move$;

INSERT INTO kubepulse."interface_sample" ("cluster_id", "series_id", "ts", "rx_bytes", "rx_bytes_per_second", "rx_errors", "rx_errors_per_second", "tx_bytes", "tx_bytes_per_second", "tx_errors", "tx_errors_per_second", "rx_packets", "rx_packets_per_second", "tx_packets", "tx_packets_per_second", "rx_dropped", "rx_dropped_per_second", "tx_dropped", "tx_dropped_per_second", "source")
  SELECT m."cluster_id", r."series_id", m."ts", m."rx_bytes", m."rx_bytes_per_second", m."rx_errors", m."rx_errors_per_second", m."tx_bytes", m."tx_bytes_per_second", m."tx_errors", m."tx_errors_per_second", m."rx_packets", m."rx_packets_per_second", m."tx_packets", m."tx_packets_per_second", m."rx_dropped", m."rx_dropped_per_second", m."tx_dropped", m."tx_dropped_per_second", m."source" FROM kubepulse."interface_metric" m
  JOIN kubepulse."interface_series" r ON r."cluster_id" = m."cluster_id" AND r."node" = m."node" AND r."pod_uid" = m."pod_uid" AND r."interface" = m."interface"
  ORDER BY m.ts, r."series_id";

DROP TABLE kubepulse."interface_metric";

CREATE VIEW kubepulse."interface_metric" AS
  SELECT s."cluster_id", r."node", r."pod_uid", r."interface", s."ts", s."rx_bytes", s."rx_bytes_per_second", s."rx_errors", s."rx_errors_per_second", s."tx_bytes", s."tx_bytes_per_second", s."tx_errors", s."tx_errors_per_second", s."rx_packets", s."rx_packets_per_second", s."tx_packets", s."tx_packets_per_second", s."rx_dropped", s."rx_dropped_per_second", s."tx_dropped", s."tx_dropped_per_second", s."source"
  FROM kubepulse."interface_sample" s
  JOIN kubepulse."interface_series" r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id;

ALTER VIEW kubepulse."interface_metric" ALTER COLUMN source SET DEFAULT 's';

COMMENT ON VIEW kubepulse."interface_metric" IS 'One row per network interface (node or pod network namespace) per sample. A view of interface_sample joined to interface_series.';

CREATE FUNCTION kubepulse."interface_metric_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO kubepulse."interface_series" AS r ("cluster_id", "node", "pod_uid", "interface")
  VALUES (NEW."cluster_id", NEW."node", NEW."pod_uid", NEW."interface")
  ON CONFLICT ("cluster_id", "node", "pod_uid", "interface") DO UPDATE SET "cluster_id" = EXCLUDED."cluster_id"
  RETURNING r.series_id INTO sid;
  INSERT INTO kubepulse."interface_sample" ("cluster_id", "series_id", "ts", "rx_bytes", "rx_bytes_per_second", "rx_errors", "rx_errors_per_second", "tx_bytes", "tx_bytes_per_second", "tx_errors", "tx_errors_per_second", "rx_packets", "rx_packets_per_second", "tx_packets", "tx_packets_per_second", "rx_dropped", "rx_dropped_per_second", "tx_dropped", "tx_dropped_per_second", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."rx_bytes", NEW."rx_bytes_per_second", NEW."rx_errors", NEW."rx_errors_per_second", NEW."tx_bytes", NEW."tx_bytes_per_second", NEW."tx_errors", NEW."tx_errors_per_second", NEW."rx_packets", NEW."rx_packets_per_second", NEW."tx_packets", NEW."tx_packets_per_second", NEW."rx_dropped", NEW."rx_dropped_per_second", NEW."tx_dropped", NEW."tx_dropped_per_second", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "interface_metric_insert" INSTEAD OF INSERT ON kubepulse."interface_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."interface_metric_insert"();

CREATE TABLE kubepulse."disk_io_series" (
  "cluster_id" integer NOT NULL,
  "series_id" integer GENERATED ALWAYS AS IDENTITY,
  "node" text NOT NULL,
  "pod_uid" text NOT NULL,
  "container" text NOT NULL,
  "device" text NOT NULL,
  "namespace" text,
  "pod" text,
  PRIMARY KEY (cluster_id, series_id),
  UNIQUE ("cluster_id", "node", "pod_uid", "container", "device")
);

COMMENT ON TABLE kubepulse."disk_io_series" IS 'The series of disk_io_metric: keys and attributes once per series; disk_io_sample rows name it by series_id.';

CREATE TABLE kubepulse."disk_io_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
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
  "source" "char" NOT NULL,
  PRIMARY KEY (cluster_id, series_id, ts, source)
) PARTITION BY RANGE (ts);

CREATE INDEX "disk_io_sample_ts_brin" ON kubepulse."disk_io_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."disk_io_sample" IS 'Raw samples of disk_io_metric (read them through that view): one row per series, time and source, hourly partitions.';

INSERT INTO kubepulse."disk_io_series" ("cluster_id", "node", "pod_uid", "container", "device", "namespace", "pod")
  SELECT "cluster_id", "node", "pod_uid", "container", "device", max("namespace"), max("pod") FROM kubepulse."disk_io_metric"
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."disk_io_metric"'::regclass LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."disk_io_sample" %s',
      regexp_replace(p.relname, '^disk_io_metric_', 'disk_io_sample_'), p.bound);
  END LOOP;
END
$move$;

INSERT INTO kubepulse."disk_io_sample" ("cluster_id", "series_id", "ts", "read_bytes", "read_bytes_per_second", "write_bytes", "write_bytes_per_second", "read_ops", "read_ops_per_second", "write_ops", "write_ops_per_second", "read_time_seconds", "read_time_percent", "write_time_seconds", "write_time_percent", "io_time_seconds", "io_busy_percent", "io_in_progress", "source")
  SELECT m."cluster_id", r."series_id", m."ts", m."read_bytes", m."read_bytes_per_second", m."write_bytes", m."write_bytes_per_second", m."read_ops", m."read_ops_per_second", m."write_ops", m."write_ops_per_second", m."read_time_seconds", m."read_time_percent", m."write_time_seconds", m."write_time_percent", m."io_time_seconds", m."io_busy_percent", m."io_in_progress", m."source" FROM kubepulse."disk_io_metric" m
  JOIN kubepulse."disk_io_series" r ON r."cluster_id" = m."cluster_id" AND r."node" = m."node" AND r."pod_uid" = m."pod_uid" AND r."container" = m."container" AND r."device" = m."device"
  ORDER BY m.ts, r."series_id";

DROP TABLE kubepulse."disk_io_metric";

CREATE VIEW kubepulse."disk_io_metric" AS
  SELECT s."cluster_id", r."node", r."pod_uid", r."container", r."device", s."ts", r."namespace", r."pod", s."read_bytes", s."read_bytes_per_second", s."write_bytes", s."write_bytes_per_second", s."read_ops", s."read_ops_per_second", s."write_ops", s."write_ops_per_second", s."read_time_seconds", s."read_time_percent", s."write_time_seconds", s."write_time_percent", s."io_time_seconds", s."io_busy_percent", s."io_in_progress", s."source"
  FROM kubepulse."disk_io_sample" s
  JOIN kubepulse."disk_io_series" r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id;

ALTER VIEW kubepulse."disk_io_metric" ALTER COLUMN source SET DEFAULT 's';

COMMENT ON VIEW kubepulse."disk_io_metric" IS 'One row per cgroup (node, pod, container) per block device per cAdvisor sample: disk I/O, which the Summary API does not report. A view of disk_io_sample joined to disk_io_series.';

CREATE FUNCTION kubepulse."disk_io_metric_insert"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO kubepulse."disk_io_series" AS r ("cluster_id", "node", "pod_uid", "container", "device", "namespace", "pod")
  VALUES (NEW."cluster_id", NEW."node", NEW."pod_uid", NEW."container", NEW."device", NEW."namespace", NEW."pod")
  ON CONFLICT ("cluster_id", "node", "pod_uid", "container", "device") DO UPDATE SET "namespace" = COALESCE(NULLIF(r."namespace", ''), EXCLUDED."namespace"), "pod" = COALESCE(NULLIF(r."pod", ''), EXCLUDED."pod")
  RETURNING r.series_id INTO sid;
  INSERT INTO kubepulse."disk_io_sample" ("cluster_id", "series_id", "ts", "read_bytes", "read_bytes_per_second", "write_bytes", "write_bytes_per_second", "read_ops", "read_ops_per_second", "write_ops", "write_ops_per_second", "read_time_seconds", "read_time_percent", "write_time_seconds", "write_time_percent", "io_time_seconds", "io_busy_percent", "io_in_progress", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."read_bytes", NEW."read_bytes_per_second", NEW."write_bytes", NEW."write_bytes_per_second", NEW."read_ops", NEW."read_ops_per_second", NEW."write_ops", NEW."write_ops_per_second", NEW."read_time_seconds", NEW."read_time_percent", NEW."write_time_seconds", NEW."write_time_percent", NEW."io_time_seconds", NEW."io_busy_percent", NEW."io_in_progress", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "disk_io_metric_insert" INSTEAD OF INSERT ON kubepulse."disk_io_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."disk_io_metric_insert"();
