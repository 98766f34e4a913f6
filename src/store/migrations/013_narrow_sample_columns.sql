-- 013: narrower raw sample columns. The PSI averages (two decimals in [0, 100]) and every derived rate are
-- stored as real (float4), the counts the kernel bounds (processes, threads, file descriptors, sockets, pid
-- limits, I/Os in flight) as integer: 4 bytes where they took 8. The sample tables are rebuilt with the
-- 4-byte columns after the 8-byte ones (a present 4-byte value between two 8-byte ones would cost 4 bytes
-- of padding), every stored row moved partition by partition; the <entity>_metric views, their insert
-- triggers and <entity>_history functions are re-created with the new types. A stored value beyond a
-- narrower type fails the migration (which then changes nothing) rather than being lost.
-- Drafted once from the declarations (src/store/series-schema.ts sampleTableDdl, metricViewDdl;
-- src/store/history/schema.ts historyFunctionSql); frozen since.

-- node

DROP FUNCTION kubepulse."node_history"(timestamptz, timestamptz);

DROP VIEW kubepulse."node_metric";

DROP FUNCTION kubepulse."node_metric_insert"();

ALTER TABLE kubepulse."node_sample" RENAME TO "node_sample_v12";

DROP INDEX kubepulse."node_sample_series";

DROP INDEX kubepulse."node_sample_ts_brin";

CREATE TABLE kubepulse."node_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_full_total_microseconds" bigint,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_major_page_faults" bigint,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "oom_events" bigint,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_full_total_microseconds" bigint,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_full_total_microseconds" bigint,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_errors" bigint,
  "network_tx_bytes" bigint,
  "network_tx_errors" bigint,
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
  "cpu_cfs_periods" bigint,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_rate_millicores" real,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults_per_second" real,
  "memory_failcnt_per_second" real,
  "oom_events_per_second" real,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
  "network_rx_bytes_per_second" real,
  "network_rx_errors_per_second" real,
  "network_tx_bytes_per_second" real,
  "network_tx_errors_per_second" real,
  "rlimit_maxpid" integer,
  "rlimit_curproc" integer,
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char" NOT NULL
) PARTITION BY RANGE (ts);

CREATE INDEX "node_sample_series" ON kubepulse."node_sample" (cluster_id, series_id);

CREATE INDEX "node_sample_ts_brin" ON kubepulse."node_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."node_sample" IS 'Raw samples of node_metric (read them through that view): one row per series, time and source, hourly partitions.';

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."node_sample_v12"'::regclass
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I RENAME TO %I', p.relname, p.relname || '_v12');
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."node_sample" %s WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)', p.relname, p.bound);
    EXECUTE format('INSERT INTO kubepulse.%I ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_errors", "network_tx_bytes", "network_tx_errors", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "network_rx_bytes_per_second", "network_rx_errors_per_second", "network_tx_bytes_per_second", "network_tx_errors_per_second", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source") SELECT "cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_errors", "network_tx_bytes", "network_tx_errors", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "network_rx_bytes_per_second", "network_rx_errors_per_second", "network_tx_bytes_per_second", "network_tx_errors_per_second", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source" FROM kubepulse.%I', p.relname, p.relname || '_v12');
    EXECUTE format('DROP TABLE kubepulse.%I', p.relname || '_v12');
  END LOOP;
END
$move$;

DROP TABLE kubepulse."node_sample_v12";

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
  INSERT INTO kubepulse."node_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_errors", "network_tx_bytes", "network_tx_errors", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "network_rx_bytes_per_second", "network_rx_errors_per_second", "network_tx_bytes_per_second", "network_tx_errors_per_second", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_full_total_microseconds", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_major_page_faults", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."oom_events", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_full_total_microseconds", NEW."io_psi_some_total_microseconds", NEW."io_psi_full_total_microseconds", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."network_rx_bytes", NEW."network_rx_errors", NEW."network_tx_bytes", NEW."network_tx_errors", NEW."fs_available_bytes", NEW."fs_capacity_bytes", NEW."fs_used_bytes", NEW."fs_inodes", NEW."fs_inodes_free", NEW."fs_inodes_used", NEW."imagefs_available_bytes", NEW."imagefs_capacity_bytes", NEW."imagefs_used_bytes", NEW."imagefs_inodes", NEW."imagefs_inodes_free", NEW."imagefs_inodes_used", NEW."containerfs_available_bytes", NEW."containerfs_capacity_bytes", NEW."containerfs_used_bytes", NEW."containerfs_inodes", NEW."containerfs_inodes_free", NEW."containerfs_inodes_used", NEW."cpu_cfs_periods", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_seconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults_per_second", NEW."memory_failcnt_per_second", NEW."oom_events_per_second", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."network_rx_bytes_per_second", NEW."network_rx_errors_per_second", NEW."network_tx_bytes_per_second", NEW."network_tx_errors_per_second", NEW."rlimit_maxpid", NEW."rlimit_curproc", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "node_metric_insert" INSTEAD OF INSERT ON kubepulse."node_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."node_metric_insert"();

CREATE OR REPLACE FUNCTION kubepulse."node_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "ts" timestamptz,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" real,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" real,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" real,
  "oom_events" bigint,
  "oom_events_per_second" real,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_bytes_per_second" real,
  "network_rx_errors" bigint,
  "network_rx_errors_per_second" real,
  "network_tx_bytes" bigint,
  "network_tx_bytes_per_second" real,
  "network_tx_errors" bigint,
  "network_tx_errors_per_second" real,
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
  "rlimit_maxpid" integer,
  "rlimit_curproc" integer,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."network_rx_bytes", m."network_rx_bytes_per_second", m."network_rx_errors", m."network_rx_errors_per_second", m."network_tx_bytes", m."network_tx_bytes_per_second", m."network_tx_errors", m."network_tx_errors_per_second", m."fs_available_bytes", m."fs_capacity_bytes", m."fs_used_bytes", m."fs_inodes", m."fs_inodes_free", m."fs_inodes_used", m."imagefs_available_bytes", m."imagefs_capacity_bytes", m."imagefs_used_bytes", m."imagefs_inodes", m."imagefs_inodes_free", m."imagefs_inodes_used", m."containerfs_available_bytes", m."containerfs_capacity_bytes", m."containerfs_used_bytes", m."containerfs_inodes", m."containerfs_inodes_free", m."containerfs_inodes_used", m."rlimit_maxpid", m."rlimit_curproc", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."node_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", d."ts", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."network_rx_bytes", d."network_rx_bytes_per_second", d."network_rx_errors", d."network_rx_errors_per_second", d."network_tx_bytes", d."network_tx_bytes_per_second", d."network_tx_errors", d."network_tx_errors_per_second", d."fs_available_bytes", d."fs_capacity_bytes", d."fs_used_bytes", d."fs_inodes", d."fs_inodes_free", d."fs_inodes_used", d."imagefs_available_bytes", d."imagefs_capacity_bytes", d."imagefs_used_bytes", d."imagefs_inodes", d."imagefs_inodes_free", d."imagefs_inodes_used", d."containerfs_available_bytes", d."containerfs_capacity_bytes", d."containerfs_used_bytes", d."containerfs_inodes", d."containerfs_inodes_free", d."containerfs_inodes_used", d."rlimit_maxpid", d."rlimit_curproc", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."node_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts")::real[], kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts")::real[], kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."network_rx_bytes"), kubepulse.kp_decode_rate(b."network_rx_bytes_per_second", b."network_rx_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."network_rx_errors"), kubepulse.kp_decode_rate(b."network_rx_errors_per_second", b."network_rx_errors", b."ts")::real[], kubepulse.kp_decode_int(b."network_tx_bytes"), kubepulse.kp_decode_rate(b."network_tx_bytes_per_second", b."network_tx_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."network_tx_errors"), kubepulse.kp_decode_rate(b."network_tx_errors_per_second", b."network_tx_errors", b."ts")::real[], kubepulse.kp_decode_int(b."fs_available_bytes"), kubepulse.kp_decode_int(b."fs_capacity_bytes"), kubepulse.kp_decode_int(b."fs_used_bytes"), kubepulse.kp_decode_int(b."fs_inodes"), kubepulse.kp_decode_int(b."fs_inodes_free"), kubepulse.kp_decode_int(b."fs_inodes_used"), kubepulse.kp_decode_int(b."imagefs_available_bytes"), kubepulse.kp_decode_int(b."imagefs_capacity_bytes"), kubepulse.kp_decode_int(b."imagefs_used_bytes"), kubepulse.kp_decode_int(b."imagefs_inodes"), kubepulse.kp_decode_int(b."imagefs_inodes_free"), kubepulse.kp_decode_int(b."imagefs_inodes_used"), kubepulse.kp_decode_int(b."containerfs_available_bytes"), kubepulse.kp_decode_int(b."containerfs_capacity_bytes"), kubepulse.kp_decode_int(b."containerfs_used_bytes"), kubepulse.kp_decode_int(b."containerfs_inodes"), kubepulse.kp_decode_int(b."containerfs_inodes_free"), kubepulse.kp_decode_int(b."containerfs_inodes_used"), kubepulse.kp_decode_int(b."rlimit_maxpid")::integer[], kubepulse.kp_decode_int(b."rlimit_curproc")::integer[], kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores")::real[], kubepulse.kp_decode_int(b."process_count")::integer[], kubepulse.kp_decode_int(b."threads")::integer[], kubepulse.kp_decode_int(b."threads_max")::integer[], kubepulse.kp_decode_int(b."file_descriptors")::integer[], kubepulse.kp_decode_int(b."sockets")::integer[]) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

-- system_container

DROP FUNCTION kubepulse."system_container_history"(timestamptz, timestamptz);

DROP VIEW kubepulse."system_container_metric";

DROP FUNCTION kubepulse."system_container_metric_insert"();

ALTER TABLE kubepulse."system_container_sample" RENAME TO "system_container_sample_v12";

DROP INDEX kubepulse."system_container_sample_series";

DROP INDEX kubepulse."system_container_sample_ts_brin";

CREATE TABLE kubepulse."system_container_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_full_total_microseconds" bigint,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_major_page_faults" bigint,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "oom_events" bigint,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_full_total_microseconds" bigint,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_full_total_microseconds" bigint,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_rate_millicores" real,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults_per_second" real,
  "memory_failcnt_per_second" real,
  "oom_events_per_second" real,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char" NOT NULL
) PARTITION BY RANGE (ts);

CREATE INDEX "system_container_sample_series" ON kubepulse."system_container_sample" (cluster_id, series_id);

CREATE INDEX "system_container_sample_ts_brin" ON kubepulse."system_container_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."system_container_sample" IS 'Raw samples of system_container_metric (read them through that view): one row per series, time and source, hourly partitions.';

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."system_container_sample_v12"'::regclass
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I RENAME TO %I', p.relname, p.relname || '_v12');
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."system_container_sample" %s WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)', p.relname, p.bound);
    EXECUTE format('INSERT INTO kubepulse.%I ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source") SELECT "cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source" FROM kubepulse.%I', p.relname, p.relname || '_v12');
    EXECUTE format('DROP TABLE kubepulse.%I', p.relname || '_v12');
  END LOOP;
END
$move$;

DROP TABLE kubepulse."system_container_sample_v12";

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
  INSERT INTO kubepulse."system_container_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_full_total_microseconds", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_major_page_faults", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."oom_events", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_full_total_microseconds", NEW."io_psi_some_total_microseconds", NEW."io_psi_full_total_microseconds", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."cpu_cfs_periods", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_seconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults_per_second", NEW."memory_failcnt_per_second", NEW."oom_events_per_second", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "system_container_metric_insert" INSTEAD OF INSERT ON kubepulse."system_container_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."system_container_metric_insert"();

CREATE OR REPLACE FUNCTION kubepulse."system_container_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "name" text,
  "ts" timestamptz,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" real,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" real,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" real,
  "oom_events" bigint,
  "oom_events_per_second" real,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."name", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."system_container_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", b."name", d."ts", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."system_container_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts")::real[], kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts")::real[], kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores")::real[], kubepulse.kp_decode_int(b."process_count")::integer[], kubepulse.kp_decode_int(b."threads")::integer[], kubepulse.kp_decode_int(b."threads_max")::integer[], kubepulse.kp_decode_int(b."file_descriptors")::integer[], kubepulse.kp_decode_int(b."sockets")::integer[]) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

-- pod

DROP FUNCTION kubepulse."pod_history"(timestamptz, timestamptz);

DROP VIEW kubepulse."pod_metric";

DROP FUNCTION kubepulse."pod_metric_insert"();

ALTER TABLE kubepulse."pod_sample" RENAME TO "pod_sample_v12";

DROP INDEX kubepulse."pod_sample_series";

DROP INDEX kubepulse."pod_sample_ts_brin";

CREATE TABLE kubepulse."pod_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_full_total_microseconds" bigint,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_major_page_faults" bigint,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "oom_events" bigint,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_full_total_microseconds" bigint,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_full_total_microseconds" bigint,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_errors" bigint,
  "network_tx_bytes" bigint,
  "network_tx_errors" bigint,
  "ephemeral_storage_available_bytes" bigint,
  "ephemeral_storage_capacity_bytes" bigint,
  "ephemeral_storage_used_bytes" bigint,
  "ephemeral_storage_inodes" bigint,
  "ephemeral_storage_inodes_free" bigint,
  "ephemeral_storage_inodes_used" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_rate_millicores" real,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults_per_second" real,
  "memory_failcnt_per_second" real,
  "oom_events_per_second" real,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
  "network_rx_bytes_per_second" real,
  "network_rx_errors_per_second" real,
  "network_tx_bytes_per_second" real,
  "network_tx_errors_per_second" real,
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char" NOT NULL
) PARTITION BY RANGE (ts);

CREATE INDEX "pod_sample_series" ON kubepulse."pod_sample" (cluster_id, series_id);

CREATE INDEX "pod_sample_ts_brin" ON kubepulse."pod_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."pod_sample" IS 'Raw samples of pod_metric (read them through that view): one row per series, time and source, hourly partitions.';

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."pod_sample_v12"'::regclass
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I RENAME TO %I', p.relname, p.relname || '_v12');
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."pod_sample" %s WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)', p.relname, p.bound);
    EXECUTE format('INSERT INTO kubepulse.%I ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_errors", "network_tx_bytes", "network_tx_errors", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "network_rx_bytes_per_second", "network_rx_errors_per_second", "network_tx_bytes_per_second", "network_tx_errors_per_second", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source") SELECT "cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_errors", "network_tx_bytes", "network_tx_errors", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "network_rx_bytes_per_second", "network_rx_errors_per_second", "network_tx_bytes_per_second", "network_tx_errors_per_second", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source" FROM kubepulse.%I', p.relname, p.relname || '_v12');
    EXECUTE format('DROP TABLE kubepulse.%I', p.relname || '_v12');
  END LOOP;
END
$move$;

DROP TABLE kubepulse."pod_sample_v12";

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
  INSERT INTO kubepulse."pod_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_errors", "network_tx_bytes", "network_tx_errors", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "network_rx_bytes_per_second", "network_rx_errors_per_second", "network_tx_bytes_per_second", "network_tx_errors_per_second", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_full_total_microseconds", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_major_page_faults", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."oom_events", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_full_total_microseconds", NEW."io_psi_some_total_microseconds", NEW."io_psi_full_total_microseconds", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."network_rx_bytes", NEW."network_rx_errors", NEW."network_tx_bytes", NEW."network_tx_errors", NEW."ephemeral_storage_available_bytes", NEW."ephemeral_storage_capacity_bytes", NEW."ephemeral_storage_used_bytes", NEW."ephemeral_storage_inodes", NEW."ephemeral_storage_inodes_free", NEW."ephemeral_storage_inodes_used", NEW."cpu_cfs_periods", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_seconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults_per_second", NEW."memory_failcnt_per_second", NEW."oom_events_per_second", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."network_rx_bytes_per_second", NEW."network_rx_errors_per_second", NEW."network_tx_bytes_per_second", NEW."network_tx_errors_per_second", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "pod_metric_insert" INSTEAD OF INSERT ON kubepulse."pod_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."pod_metric_insert"();

CREATE OR REPLACE FUNCTION kubepulse."pod_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "pod_uid" text,
  "ts" timestamptz,
  "namespace" text,
  "pod" text,
  "node" text,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" real,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" real,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" real,
  "oom_events" bigint,
  "oom_events_per_second" real,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_bytes_per_second" real,
  "network_rx_errors" bigint,
  "network_rx_errors_per_second" real,
  "network_tx_bytes" bigint,
  "network_tx_bytes_per_second" real,
  "network_tx_errors" bigint,
  "network_tx_errors_per_second" real,
  "ephemeral_storage_available_bytes" bigint,
  "ephemeral_storage_capacity_bytes" bigint,
  "ephemeral_storage_used_bytes" bigint,
  "ephemeral_storage_inodes" bigint,
  "ephemeral_storage_inodes_free" bigint,
  "ephemeral_storage_inodes_used" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."pod_uid", m."ts", m."namespace", m."pod", m."node", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."network_rx_bytes", m."network_rx_bytes_per_second", m."network_rx_errors", m."network_rx_errors_per_second", m."network_tx_bytes", m."network_tx_bytes_per_second", m."network_tx_errors", m."network_tx_errors_per_second", m."ephemeral_storage_available_bytes", m."ephemeral_storage_capacity_bytes", m."ephemeral_storage_used_bytes", m."ephemeral_storage_inodes", m."ephemeral_storage_inodes_free", m."ephemeral_storage_inodes_used", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."pod_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."pod_uid", d."ts", b."namespace", b."pod", b."node", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."network_rx_bytes", d."network_rx_bytes_per_second", d."network_rx_errors", d."network_rx_errors_per_second", d."network_tx_bytes", d."network_tx_bytes_per_second", d."network_tx_errors", d."network_tx_errors_per_second", d."ephemeral_storage_available_bytes", d."ephemeral_storage_capacity_bytes", d."ephemeral_storage_used_bytes", d."ephemeral_storage_inodes", d."ephemeral_storage_inodes_free", d."ephemeral_storage_inodes_used", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."pod_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts")::real[], kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts")::real[], kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."network_rx_bytes"), kubepulse.kp_decode_rate(b."network_rx_bytes_per_second", b."network_rx_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."network_rx_errors"), kubepulse.kp_decode_rate(b."network_rx_errors_per_second", b."network_rx_errors", b."ts")::real[], kubepulse.kp_decode_int(b."network_tx_bytes"), kubepulse.kp_decode_rate(b."network_tx_bytes_per_second", b."network_tx_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."network_tx_errors"), kubepulse.kp_decode_rate(b."network_tx_errors_per_second", b."network_tx_errors", b."ts")::real[], kubepulse.kp_decode_int(b."ephemeral_storage_available_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_capacity_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_used_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes_free"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes_used"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores")::real[], kubepulse.kp_decode_int(b."process_count")::integer[], kubepulse.kp_decode_int(b."threads")::integer[], kubepulse.kp_decode_int(b."threads_max")::integer[], kubepulse.kp_decode_int(b."file_descriptors")::integer[], kubepulse.kp_decode_int(b."sockets")::integer[]) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

-- container

DROP FUNCTION kubepulse."container_history"(timestamptz, timestamptz);

DROP VIEW kubepulse."container_metric";

DROP FUNCTION kubepulse."container_metric_insert"();

ALTER TABLE kubepulse."container_sample" RENAME TO "container_sample_v12";

DROP INDEX kubepulse."container_sample_series";

DROP INDEX kubepulse."container_sample_ts_brin";

CREATE TABLE kubepulse."container_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_full_total_microseconds" bigint,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_major_page_faults" bigint,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "oom_events" bigint,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_full_total_microseconds" bigint,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_full_total_microseconds" bigint,
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
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_rate_millicores" real,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults_per_second" real,
  "memory_failcnt_per_second" real,
  "oom_events_per_second" real,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char" NOT NULL
) PARTITION BY RANGE (ts);

CREATE INDEX "container_sample_series" ON kubepulse."container_sample" (cluster_id, series_id);

CREATE INDEX "container_sample_ts_brin" ON kubepulse."container_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."container_sample" IS 'Raw samples of container_metric (read them through that view): one row per series, time and source, hourly partitions.';

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."container_sample_v12"'::regclass
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I RENAME TO %I', p.relname, p.relname || '_v12');
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."container_sample" %s WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)', p.relname, p.bound);
    EXECUTE format('INSERT INTO kubepulse.%I ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source") SELECT "cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source" FROM kubepulse.%I', p.relname, p.relname || '_v12');
    EXECUTE format('DROP TABLE kubepulse.%I', p.relname || '_v12');
  END LOOP;
END
$move$;

DROP TABLE kubepulse."container_sample_v12";

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
  INSERT INTO kubepulse."container_sample" ("cluster_id", "series_id", "ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_psi_some_total_microseconds", "cpu_psi_full_total_microseconds", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_major_page_faults", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "oom_events", "memory_psi_some_total_microseconds", "memory_psi_full_total_microseconds", "io_psi_some_total_microseconds", "io_psi_full_total_microseconds", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_seconds", "cpu_rate_millicores", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_page_faults_per_second", "memory_major_page_faults_per_second", "memory_failcnt_per_second", "oom_events_per_second", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."cpu_usage_nanocores", NEW."cpu_usage_core_nanoseconds", NEW."cpu_psi_some_total_microseconds", NEW."cpu_psi_full_total_microseconds", NEW."memory_available_bytes", NEW."memory_usage_bytes", NEW."memory_working_set_bytes", NEW."memory_rss_bytes", NEW."memory_page_faults", NEW."memory_major_page_faults", NEW."memory_cache_bytes", NEW."memory_mapped_file_bytes", NEW."memory_kernel_bytes", NEW."memory_max_usage_bytes", NEW."memory_failcnt", NEW."oom_events", NEW."memory_psi_some_total_microseconds", NEW."memory_psi_full_total_microseconds", NEW."io_psi_some_total_microseconds", NEW."io_psi_full_total_microseconds", NEW."swap_available_bytes", NEW."swap_usage_bytes", NEW."rootfs_available_bytes", NEW."rootfs_capacity_bytes", NEW."rootfs_used_bytes", NEW."rootfs_inodes", NEW."rootfs_inodes_free", NEW."rootfs_inodes_used", NEW."logs_available_bytes", NEW."logs_capacity_bytes", NEW."logs_used_bytes", NEW."logs_inodes", NEW."logs_inodes_free", NEW."logs_inodes_used", NEW."cpu_cfs_periods", NEW."cpu_cfs_throttled_periods", NEW."cpu_cfs_throttled_seconds", NEW."cpu_rate_millicores", NEW."cpu_psi_some_stalled_percent", NEW."cpu_psi_some_avg10_percent", NEW."cpu_psi_some_avg60_percent", NEW."cpu_psi_some_avg300_percent", NEW."cpu_psi_full_stalled_percent", NEW."cpu_psi_full_avg10_percent", NEW."cpu_psi_full_avg60_percent", NEW."cpu_psi_full_avg300_percent", NEW."memory_page_faults_per_second", NEW."memory_major_page_faults_per_second", NEW."memory_failcnt_per_second", NEW."oom_events_per_second", NEW."memory_psi_some_stalled_percent", NEW."memory_psi_some_avg10_percent", NEW."memory_psi_some_avg60_percent", NEW."memory_psi_some_avg300_percent", NEW."memory_psi_full_stalled_percent", NEW."memory_psi_full_avg10_percent", NEW."memory_psi_full_avg60_percent", NEW."memory_psi_full_avg300_percent", NEW."io_psi_some_stalled_percent", NEW."io_psi_some_avg10_percent", NEW."io_psi_some_avg60_percent", NEW."io_psi_some_avg300_percent", NEW."io_psi_full_stalled_percent", NEW."io_psi_full_avg10_percent", NEW."io_psi_full_avg60_percent", NEW."io_psi_full_avg300_percent", NEW."cpu_cfs_periods_per_second", NEW."cpu_cfs_throttled_periods_per_second", NEW."cpu_cfs_throttled_millicores", NEW."process_count", NEW."threads", NEW."threads_max", NEW."file_descriptors", NEW."sockets", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "container_metric_insert" INSTEAD OF INSERT ON kubepulse."container_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."container_metric_insert"();

CREATE OR REPLACE FUNCTION kubepulse."container_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "pod_uid" text,
  "container" text,
  "ts" timestamptz,
  "namespace" text,
  "pod" text,
  "node" text,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" real,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" real,
  "cpu_psi_some_avg10_percent" real,
  "cpu_psi_some_avg60_percent" real,
  "cpu_psi_some_avg300_percent" real,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" real,
  "cpu_psi_full_avg10_percent" real,
  "cpu_psi_full_avg60_percent" real,
  "cpu_psi_full_avg300_percent" real,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" real,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" real,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" real,
  "oom_events" bigint,
  "oom_events_per_second" real,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" real,
  "memory_psi_some_avg10_percent" real,
  "memory_psi_some_avg60_percent" real,
  "memory_psi_some_avg300_percent" real,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" real,
  "memory_psi_full_avg10_percent" real,
  "memory_psi_full_avg60_percent" real,
  "memory_psi_full_avg300_percent" real,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" real,
  "io_psi_some_avg10_percent" real,
  "io_psi_some_avg60_percent" real,
  "io_psi_some_avg300_percent" real,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" real,
  "io_psi_full_avg10_percent" real,
  "io_psi_full_avg60_percent" real,
  "io_psi_full_avg300_percent" real,
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
  "cpu_cfs_periods_per_second" real,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" real,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" real,
  "process_count" integer,
  "threads" integer,
  "threads_max" integer,
  "file_descriptors" integer,
  "sockets" integer,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."pod_uid", m."container", m."ts", m."namespace", m."pod", m."node", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."rootfs_available_bytes", m."rootfs_capacity_bytes", m."rootfs_used_bytes", m."rootfs_inodes", m."rootfs_inodes_free", m."rootfs_inodes_used", m."logs_available_bytes", m."logs_capacity_bytes", m."logs_used_bytes", m."logs_inodes", m."logs_inodes_free", m."logs_inodes_used", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."container_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."pod_uid", b."container", d."ts", b."namespace", b."pod", b."node", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."rootfs_available_bytes", d."rootfs_capacity_bytes", d."rootfs_used_bytes", d."rootfs_inodes", d."rootfs_inodes_free", d."rootfs_inodes_used", d."logs_available_bytes", d."logs_capacity_bytes", d."logs_used_bytes", d."logs_inodes", d."logs_inodes_free", d."logs_inodes_used", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."container_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts")::real[], kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts")::real[], kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts")::real[], kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_some_avg300_percent")::real[], kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg10_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg60_percent")::real[], kubepulse.kp_decode_float(b."io_psi_full_avg300_percent")::real[], kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."rootfs_available_bytes"), kubepulse.kp_decode_int(b."rootfs_capacity_bytes"), kubepulse.kp_decode_int(b."rootfs_used_bytes"), kubepulse.kp_decode_int(b."rootfs_inodes"), kubepulse.kp_decode_int(b."rootfs_inodes_free"), kubepulse.kp_decode_int(b."rootfs_inodes_used"), kubepulse.kp_decode_int(b."logs_available_bytes"), kubepulse.kp_decode_int(b."logs_capacity_bytes"), kubepulse.kp_decode_int(b."logs_used_bytes"), kubepulse.kp_decode_int(b."logs_inodes"), kubepulse.kp_decode_int(b."logs_inodes_free"), kubepulse.kp_decode_int(b."logs_inodes_used"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts")::real[], kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts")::real[], kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores")::real[], kubepulse.kp_decode_int(b."process_count")::integer[], kubepulse.kp_decode_int(b."threads")::integer[], kubepulse.kp_decode_int(b."threads_max")::integer[], kubepulse.kp_decode_int(b."file_descriptors")::integer[], kubepulse.kp_decode_int(b."sockets")::integer[]) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

-- volume

DROP FUNCTION kubepulse."volume_history"(timestamptz, timestamptz);

DROP VIEW kubepulse."volume_metric";

DROP FUNCTION kubepulse."volume_metric_insert"();

ALTER TABLE kubepulse."volume_sample" RENAME TO "volume_sample_v12";

DROP INDEX kubepulse."volume_sample_series";

DROP INDEX kubepulse."volume_sample_ts_brin";

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
  "source" "char" NOT NULL
) PARTITION BY RANGE (ts);

CREATE INDEX "volume_sample_series" ON kubepulse."volume_sample" (cluster_id, series_id);

CREATE INDEX "volume_sample_ts_brin" ON kubepulse."volume_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."volume_sample" IS 'Raw samples of volume_metric (read them through that view): one row per series, time and source, hourly partitions.';

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."volume_sample_v12"'::regclass
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I RENAME TO %I', p.relname, p.relname || '_v12');
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."volume_sample" %s WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)', p.relname, p.bound);
    EXECUTE format('INSERT INTO kubepulse.%I ("cluster_id", "series_id", "ts", "available_bytes", "capacity_bytes", "used_bytes", "inodes", "inodes_free", "inodes_used", "source") SELECT "cluster_id", "series_id", "ts", "available_bytes", "capacity_bytes", "used_bytes", "inodes", "inodes_free", "inodes_used", "source" FROM kubepulse.%I', p.relname, p.relname || '_v12');
    EXECUTE format('DROP TABLE kubepulse.%I', p.relname || '_v12');
  END LOOP;
END
$move$;

DROP TABLE kubepulse."volume_sample_v12";

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

CREATE OR REPLACE FUNCTION kubepulse."volume_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "pod_uid" text,
  "volume" text,
  "ts" timestamptz,
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
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."pod_uid", m."volume", m."ts", m."namespace", m."pod", m."node", m."pvc", m."available_bytes", m."capacity_bytes", m."used_bytes", m."inodes", m."inodes_free", m."inodes_used", m."source"
  FROM kubepulse."volume_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."pod_uid", b."volume", d."ts", b."namespace", b."pod", b."node", b."pvc", d."available_bytes", d."capacity_bytes", d."used_bytes", d."inodes", d."inodes_free", d."inodes_used", b."source"
  FROM kubepulse."volume_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."available_bytes"), kubepulse.kp_decode_int(b."capacity_bytes"), kubepulse.kp_decode_int(b."used_bytes"), kubepulse.kp_decode_int(b."inodes"), kubepulse.kp_decode_int(b."inodes_free"), kubepulse.kp_decode_int(b."inodes_used")) AS d("ts", "available_bytes", "capacity_bytes", "used_bytes", "inodes", "inodes_free", "inodes_used")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

-- interface

DROP FUNCTION kubepulse."interface_history"(timestamptz, timestamptz);

DROP VIEW kubepulse."interface_metric";

DROP FUNCTION kubepulse."interface_metric_insert"();

ALTER TABLE kubepulse."interface_sample" RENAME TO "interface_sample_v12";

DROP INDEX kubepulse."interface_sample_series";

DROP INDEX kubepulse."interface_sample_ts_brin";

CREATE TABLE kubepulse."interface_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
  "rx_bytes" bigint,
  "rx_errors" bigint,
  "tx_bytes" bigint,
  "tx_errors" bigint,
  "rx_packets" bigint,
  "tx_packets" bigint,
  "rx_dropped" bigint,
  "tx_dropped" bigint,
  "rx_bytes_per_second" real,
  "rx_errors_per_second" real,
  "tx_bytes_per_second" real,
  "tx_errors_per_second" real,
  "rx_packets_per_second" real,
  "tx_packets_per_second" real,
  "rx_dropped_per_second" real,
  "tx_dropped_per_second" real,
  "source" "char" NOT NULL
) PARTITION BY RANGE (ts);

CREATE INDEX "interface_sample_series" ON kubepulse."interface_sample" (cluster_id, series_id);

CREATE INDEX "interface_sample_ts_brin" ON kubepulse."interface_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."interface_sample" IS 'Raw samples of interface_metric (read them through that view): one row per series, time and source, hourly partitions.';

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."interface_sample_v12"'::regclass
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I RENAME TO %I', p.relname, p.relname || '_v12');
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."interface_sample" %s WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)', p.relname, p.bound);
    EXECUTE format('INSERT INTO kubepulse.%I ("cluster_id", "series_id", "ts", "rx_bytes", "rx_errors", "tx_bytes", "tx_errors", "rx_packets", "tx_packets", "rx_dropped", "tx_dropped", "rx_bytes_per_second", "rx_errors_per_second", "tx_bytes_per_second", "tx_errors_per_second", "rx_packets_per_second", "tx_packets_per_second", "rx_dropped_per_second", "tx_dropped_per_second", "source") SELECT "cluster_id", "series_id", "ts", "rx_bytes", "rx_errors", "tx_bytes", "tx_errors", "rx_packets", "tx_packets", "rx_dropped", "tx_dropped", "rx_bytes_per_second", "rx_errors_per_second", "tx_bytes_per_second", "tx_errors_per_second", "rx_packets_per_second", "tx_packets_per_second", "rx_dropped_per_second", "tx_dropped_per_second", "source" FROM kubepulse.%I', p.relname, p.relname || '_v12');
    EXECUTE format('DROP TABLE kubepulse.%I', p.relname || '_v12');
  END LOOP;
END
$move$;

DROP TABLE kubepulse."interface_sample_v12";

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
  INSERT INTO kubepulse."interface_sample" ("cluster_id", "series_id", "ts", "rx_bytes", "rx_errors", "tx_bytes", "tx_errors", "rx_packets", "tx_packets", "rx_dropped", "tx_dropped", "rx_bytes_per_second", "rx_errors_per_second", "tx_bytes_per_second", "tx_errors_per_second", "rx_packets_per_second", "tx_packets_per_second", "rx_dropped_per_second", "tx_dropped_per_second", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."rx_bytes", NEW."rx_errors", NEW."tx_bytes", NEW."tx_errors", NEW."rx_packets", NEW."tx_packets", NEW."rx_dropped", NEW."tx_dropped", NEW."rx_bytes_per_second", NEW."rx_errors_per_second", NEW."tx_bytes_per_second", NEW."tx_errors_per_second", NEW."rx_packets_per_second", NEW."tx_packets_per_second", NEW."rx_dropped_per_second", NEW."tx_dropped_per_second", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "interface_metric_insert" INSTEAD OF INSERT ON kubepulse."interface_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."interface_metric_insert"();

CREATE OR REPLACE FUNCTION kubepulse."interface_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "pod_uid" text,
  "interface" text,
  "ts" timestamptz,
  "rx_bytes" bigint,
  "rx_bytes_per_second" real,
  "rx_errors" bigint,
  "rx_errors_per_second" real,
  "tx_bytes" bigint,
  "tx_bytes_per_second" real,
  "tx_errors" bigint,
  "tx_errors_per_second" real,
  "rx_packets" bigint,
  "rx_packets_per_second" real,
  "tx_packets" bigint,
  "tx_packets_per_second" real,
  "rx_dropped" bigint,
  "rx_dropped_per_second" real,
  "tx_dropped" bigint,
  "tx_dropped_per_second" real,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."pod_uid", m."interface", m."ts", m."rx_bytes", m."rx_bytes_per_second", m."rx_errors", m."rx_errors_per_second", m."tx_bytes", m."tx_bytes_per_second", m."tx_errors", m."tx_errors_per_second", m."rx_packets", m."rx_packets_per_second", m."tx_packets", m."tx_packets_per_second", m."rx_dropped", m."rx_dropped_per_second", m."tx_dropped", m."tx_dropped_per_second", m."source"
  FROM kubepulse."interface_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", b."pod_uid", b."interface", d."ts", d."rx_bytes", d."rx_bytes_per_second", d."rx_errors", d."rx_errors_per_second", d."tx_bytes", d."tx_bytes_per_second", d."tx_errors", d."tx_errors_per_second", d."rx_packets", d."rx_packets_per_second", d."tx_packets", d."tx_packets_per_second", d."rx_dropped", d."rx_dropped_per_second", d."tx_dropped", d."tx_dropped_per_second", b."source"
  FROM kubepulse."interface_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."rx_bytes"), kubepulse.kp_decode_rate(b."rx_bytes_per_second", b."rx_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."rx_errors"), kubepulse.kp_decode_rate(b."rx_errors_per_second", b."rx_errors", b."ts")::real[], kubepulse.kp_decode_int(b."tx_bytes"), kubepulse.kp_decode_rate(b."tx_bytes_per_second", b."tx_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."tx_errors"), kubepulse.kp_decode_rate(b."tx_errors_per_second", b."tx_errors", b."ts")::real[], kubepulse.kp_decode_int(b."rx_packets"), kubepulse.kp_decode_rate(b."rx_packets_per_second", b."rx_packets", b."ts")::real[], kubepulse.kp_decode_int(b."tx_packets"), kubepulse.kp_decode_rate(b."tx_packets_per_second", b."tx_packets", b."ts")::real[], kubepulse.kp_decode_int(b."rx_dropped"), kubepulse.kp_decode_rate(b."rx_dropped_per_second", b."rx_dropped", b."ts")::real[], kubepulse.kp_decode_int(b."tx_dropped"), kubepulse.kp_decode_rate(b."tx_dropped_per_second", b."tx_dropped", b."ts")::real[]) AS d("ts", "rx_bytes", "rx_bytes_per_second", "rx_errors", "rx_errors_per_second", "tx_bytes", "tx_bytes_per_second", "tx_errors", "tx_errors_per_second", "rx_packets", "rx_packets_per_second", "tx_packets", "tx_packets_per_second", "rx_dropped", "rx_dropped_per_second", "tx_dropped", "tx_dropped_per_second")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

-- disk_io

DROP FUNCTION kubepulse."disk_io_history"(timestamptz, timestamptz);

DROP VIEW kubepulse."disk_io_metric";

DROP FUNCTION kubepulse."disk_io_metric_insert"();

ALTER TABLE kubepulse."disk_io_sample" RENAME TO "disk_io_sample_v12";

DROP INDEX kubepulse."disk_io_sample_series";

DROP INDEX kubepulse."disk_io_sample_ts_brin";

CREATE TABLE kubepulse."disk_io_sample" (
  "cluster_id" integer NOT NULL,
  "series_id" integer NOT NULL,
  "ts" timestamptz NOT NULL,
  "read_bytes" bigint,
  "write_bytes" bigint,
  "read_ops" bigint,
  "write_ops" bigint,
  "read_time_seconds" double precision,
  "write_time_seconds" double precision,
  "io_time_seconds" double precision,
  "read_bytes_per_second" real,
  "write_bytes_per_second" real,
  "read_ops_per_second" real,
  "write_ops_per_second" real,
  "read_time_percent" real,
  "write_time_percent" real,
  "io_busy_percent" real,
  "io_in_progress" integer,
  "source" "char" NOT NULL
) PARTITION BY RANGE (ts);

CREATE INDEX "disk_io_sample_series" ON kubepulse."disk_io_sample" (cluster_id, series_id);

CREATE INDEX "disk_io_sample_ts_brin" ON kubepulse."disk_io_sample" USING brin (ts);

COMMENT ON TABLE kubepulse."disk_io_sample" IS 'Raw samples of disk_io_metric (read them through that view): one row per series, time and source, hourly partitions.';

DO $move$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kubepulse."disk_io_sample_v12"'::regclass
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I RENAME TO %I', p.relname, p.relname || '_v12');
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse."disk_io_sample" %s WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)', p.relname, p.bound);
    EXECUTE format('INSERT INTO kubepulse.%I ("cluster_id", "series_id", "ts", "read_bytes", "write_bytes", "read_ops", "write_ops", "read_time_seconds", "write_time_seconds", "io_time_seconds", "read_bytes_per_second", "write_bytes_per_second", "read_ops_per_second", "write_ops_per_second", "read_time_percent", "write_time_percent", "io_busy_percent", "io_in_progress", "source") SELECT "cluster_id", "series_id", "ts", "read_bytes", "write_bytes", "read_ops", "write_ops", "read_time_seconds", "write_time_seconds", "io_time_seconds", "read_bytes_per_second", "write_bytes_per_second", "read_ops_per_second", "write_ops_per_second", "read_time_percent", "write_time_percent", "io_busy_percent", "io_in_progress", "source" FROM kubepulse.%I', p.relname, p.relname || '_v12');
    EXECUTE format('DROP TABLE kubepulse.%I', p.relname || '_v12');
  END LOOP;
END
$move$;

DROP TABLE kubepulse."disk_io_sample_v12";

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
  INSERT INTO kubepulse."disk_io_sample" ("cluster_id", "series_id", "ts", "read_bytes", "write_bytes", "read_ops", "write_ops", "read_time_seconds", "write_time_seconds", "io_time_seconds", "read_bytes_per_second", "write_bytes_per_second", "read_ops_per_second", "write_ops_per_second", "read_time_percent", "write_time_percent", "io_busy_percent", "io_in_progress", "source")
  VALUES (NEW."cluster_id", sid, NEW."ts", NEW."read_bytes", NEW."write_bytes", NEW."read_ops", NEW."write_ops", NEW."read_time_seconds", NEW."write_time_seconds", NEW."io_time_seconds", NEW."read_bytes_per_second", NEW."write_bytes_per_second", NEW."read_ops_per_second", NEW."write_ops_per_second", NEW."read_time_percent", NEW."write_time_percent", NEW."io_busy_percent", NEW."io_in_progress", NEW."source");
  RETURN NEW;
END
$fn$;

CREATE TRIGGER "disk_io_metric_insert" INSTEAD OF INSERT ON kubepulse."disk_io_metric" FOR EACH ROW EXECUTE FUNCTION kubepulse."disk_io_metric_insert"();

CREATE OR REPLACE FUNCTION kubepulse."disk_io_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "pod_uid" text,
  "container" text,
  "device" text,
  "ts" timestamptz,
  "namespace" text,
  "pod" text,
  "read_bytes" bigint,
  "read_bytes_per_second" real,
  "write_bytes" bigint,
  "write_bytes_per_second" real,
  "read_ops" bigint,
  "read_ops_per_second" real,
  "write_ops" bigint,
  "write_ops_per_second" real,
  "read_time_seconds" double precision,
  "read_time_percent" real,
  "write_time_seconds" double precision,
  "write_time_percent" real,
  "io_time_seconds" double precision,
  "io_busy_percent" real,
  "io_in_progress" integer,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."pod_uid", m."container", m."device", m."ts", m."namespace", m."pod", m."read_bytes", m."read_bytes_per_second", m."write_bytes", m."write_bytes_per_second", m."read_ops", m."read_ops_per_second", m."write_ops", m."write_ops_per_second", m."read_time_seconds", m."read_time_percent", m."write_time_seconds", m."write_time_percent", m."io_time_seconds", m."io_busy_percent", m."io_in_progress", m."source"
  FROM kubepulse."disk_io_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", b."pod_uid", b."container", b."device", d."ts", b."namespace", b."pod", d."read_bytes", d."read_bytes_per_second", d."write_bytes", d."write_bytes_per_second", d."read_ops", d."read_ops_per_second", d."write_ops", d."write_ops_per_second", d."read_time_seconds", d."read_time_percent", d."write_time_seconds", d."write_time_percent", d."io_time_seconds", d."io_busy_percent", d."io_in_progress", b."source"
  FROM kubepulse."disk_io_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."read_bytes"), kubepulse.kp_decode_rate(b."read_bytes_per_second", b."read_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."write_bytes"), kubepulse.kp_decode_rate(b."write_bytes_per_second", b."write_bytes", b."ts")::real[], kubepulse.kp_decode_int(b."read_ops"), kubepulse.kp_decode_rate(b."read_ops_per_second", b."read_ops", b."ts")::real[], kubepulse.kp_decode_int(b."write_ops"), kubepulse.kp_decode_rate(b."write_ops_per_second", b."write_ops", b."ts")::real[], kubepulse.kp_decode_float(b."read_time_seconds"), kubepulse.kp_decode_float(b."read_time_percent")::real[], kubepulse.kp_decode_float(b."write_time_seconds"), kubepulse.kp_decode_float(b."write_time_percent")::real[], kubepulse.kp_decode_float(b."io_time_seconds"), kubepulse.kp_decode_float(b."io_busy_percent")::real[], kubepulse.kp_decode_int(b."io_in_progress")::integer[]) AS d("ts", "read_bytes", "read_bytes_per_second", "write_bytes", "write_bytes_per_second", "read_ops", "read_ops_per_second", "write_ops", "write_ops_per_second", "read_time_seconds", "read_time_percent", "write_time_seconds", "write_time_percent", "io_time_seconds", "io_busy_percent", "io_in_progress")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;


