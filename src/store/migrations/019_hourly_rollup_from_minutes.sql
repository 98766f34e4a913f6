-- 019: the 1-hour rollups are computed from the 1-minute rows instead of the raw rows.
--
-- Issue 15: the rollups were ~3/4 of PostgreSQL's CPU at 1,000 nodes, and the 1-hour pass re-read every
-- raw row the 1-minute pass had read. A minute's rows (summary and cAdvisor side by side) fill different
-- columns, so an hour's average from the minutes' averages is exact only if each minute is weighted by the
-- number of raw values behind that column's average: each averaged column gets a count in the 1-minute
-- tables (<col>_samples, smallint, NULL where the minute had no value), and the 1-hour pass reads one hour
-- of minute rows by the new BRIN index on ts (the primary key leads with cluster_id and the keys).
--
-- Existing minute rows have no counts (NULL). The 1-hour buckets already computed keep their values (from
-- the raw rows, exact); a late row in such an hour makes the next pass recompute that hour's minutes
-- (with counts) before the hour. The hours the 1-hour rollup has not reached yet, whose minutes were
-- computed before this migration, are marked owed below, so the first pass recomputes their minutes from
-- the raw rows first; where the 1-hour rollup never ran, the 1-minute one starts over from the raw rows.
-- Building the BRIN indexes reads the 1-minute tables once.

ALTER TABLE kubepulse."node_metric_1m"
  ADD COLUMN "cpu_usage_nanocores_samples" smallint,
  ADD COLUMN "cpu_rate_millicores_samples" smallint,
  ADD COLUMN "cpu_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "memory_available_bytes_samples" smallint,
  ADD COLUMN "memory_usage_bytes_samples" smallint,
  ADD COLUMN "memory_working_set_bytes_samples" smallint,
  ADD COLUMN "memory_rss_bytes_samples" smallint,
  ADD COLUMN "memory_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_major_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_cache_bytes_samples" smallint,
  ADD COLUMN "memory_mapped_file_bytes_samples" smallint,
  ADD COLUMN "memory_kernel_bytes_samples" smallint,
  ADD COLUMN "memory_max_usage_bytes_samples" smallint,
  ADD COLUMN "memory_failcnt_per_second_samples" smallint,
  ADD COLUMN "oom_events_per_second_samples" smallint,
  ADD COLUMN "memory_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "swap_available_bytes_samples" smallint,
  ADD COLUMN "swap_usage_bytes_samples" smallint,
  ADD COLUMN "network_rx_bytes_per_second_samples" smallint,
  ADD COLUMN "network_rx_errors_per_second_samples" smallint,
  ADD COLUMN "network_tx_bytes_per_second_samples" smallint,
  ADD COLUMN "network_tx_errors_per_second_samples" smallint,
  ADD COLUMN "fs_available_bytes_samples" smallint,
  ADD COLUMN "fs_capacity_bytes_samples" smallint,
  ADD COLUMN "fs_used_bytes_samples" smallint,
  ADD COLUMN "fs_inodes_samples" smallint,
  ADD COLUMN "fs_inodes_free_samples" smallint,
  ADD COLUMN "fs_inodes_used_samples" smallint,
  ADD COLUMN "imagefs_available_bytes_samples" smallint,
  ADD COLUMN "imagefs_capacity_bytes_samples" smallint,
  ADD COLUMN "imagefs_used_bytes_samples" smallint,
  ADD COLUMN "imagefs_inodes_samples" smallint,
  ADD COLUMN "imagefs_inodes_free_samples" smallint,
  ADD COLUMN "imagefs_inodes_used_samples" smallint,
  ADD COLUMN "containerfs_available_bytes_samples" smallint,
  ADD COLUMN "containerfs_capacity_bytes_samples" smallint,
  ADD COLUMN "containerfs_used_bytes_samples" smallint,
  ADD COLUMN "containerfs_inodes_samples" smallint,
  ADD COLUMN "containerfs_inodes_free_samples" smallint,
  ADD COLUMN "containerfs_inodes_used_samples" smallint,
  ADD COLUMN "rlimit_maxpid_samples" smallint,
  ADD COLUMN "rlimit_curproc_samples" smallint,
  ADD COLUMN "cpu_cfs_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_millicores_samples" smallint,
  ADD COLUMN "process_count_samples" smallint,
  ADD COLUMN "threads_samples" smallint,
  ADD COLUMN "threads_max_samples" smallint,
  ADD COLUMN "file_descriptors_samples" smallint,
  ADD COLUMN "sockets_samples" smallint;
CREATE INDEX "node_metric_1m_ts_brin" ON kubepulse."node_metric_1m" USING brin (ts);
COMMENT ON TABLE kubepulse."node_metric_1m" IS '1 minute rollup of node_metric: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, <counter>_max = cumulative value at bucket end; samples = raw rows aggregated; <col>_samples = raw values behind <col>_avg (NULL: none).';

ALTER TABLE kubepulse."system_container_metric_1m"
  ADD COLUMN "cpu_usage_nanocores_samples" smallint,
  ADD COLUMN "cpu_rate_millicores_samples" smallint,
  ADD COLUMN "cpu_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "memory_available_bytes_samples" smallint,
  ADD COLUMN "memory_usage_bytes_samples" smallint,
  ADD COLUMN "memory_working_set_bytes_samples" smallint,
  ADD COLUMN "memory_rss_bytes_samples" smallint,
  ADD COLUMN "memory_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_major_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_cache_bytes_samples" smallint,
  ADD COLUMN "memory_mapped_file_bytes_samples" smallint,
  ADD COLUMN "memory_kernel_bytes_samples" smallint,
  ADD COLUMN "memory_max_usage_bytes_samples" smallint,
  ADD COLUMN "memory_failcnt_per_second_samples" smallint,
  ADD COLUMN "oom_events_per_second_samples" smallint,
  ADD COLUMN "memory_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "swap_available_bytes_samples" smallint,
  ADD COLUMN "swap_usage_bytes_samples" smallint,
  ADD COLUMN "cpu_cfs_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_millicores_samples" smallint,
  ADD COLUMN "process_count_samples" smallint,
  ADD COLUMN "threads_samples" smallint,
  ADD COLUMN "threads_max_samples" smallint,
  ADD COLUMN "file_descriptors_samples" smallint,
  ADD COLUMN "sockets_samples" smallint;
CREATE INDEX "system_container_metric_1m_ts_brin" ON kubepulse."system_container_metric_1m" USING brin (ts);
COMMENT ON TABLE kubepulse."system_container_metric_1m" IS '1 minute rollup of system_container_metric: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, <counter>_max = cumulative value at bucket end; samples = raw rows aggregated; <col>_samples = raw values behind <col>_avg (NULL: none).';

ALTER TABLE kubepulse."pod_metric_1m"
  ADD COLUMN "cpu_usage_nanocores_samples" smallint,
  ADD COLUMN "cpu_rate_millicores_samples" smallint,
  ADD COLUMN "cpu_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "memory_available_bytes_samples" smallint,
  ADD COLUMN "memory_usage_bytes_samples" smallint,
  ADD COLUMN "memory_working_set_bytes_samples" smallint,
  ADD COLUMN "memory_rss_bytes_samples" smallint,
  ADD COLUMN "memory_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_major_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_cache_bytes_samples" smallint,
  ADD COLUMN "memory_mapped_file_bytes_samples" smallint,
  ADD COLUMN "memory_kernel_bytes_samples" smallint,
  ADD COLUMN "memory_max_usage_bytes_samples" smallint,
  ADD COLUMN "memory_failcnt_per_second_samples" smallint,
  ADD COLUMN "oom_events_per_second_samples" smallint,
  ADD COLUMN "memory_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "swap_available_bytes_samples" smallint,
  ADD COLUMN "swap_usage_bytes_samples" smallint,
  ADD COLUMN "network_rx_bytes_per_second_samples" smallint,
  ADD COLUMN "network_rx_errors_per_second_samples" smallint,
  ADD COLUMN "network_tx_bytes_per_second_samples" smallint,
  ADD COLUMN "network_tx_errors_per_second_samples" smallint,
  ADD COLUMN "ephemeral_storage_available_bytes_samples" smallint,
  ADD COLUMN "ephemeral_storage_capacity_bytes_samples" smallint,
  ADD COLUMN "ephemeral_storage_used_bytes_samples" smallint,
  ADD COLUMN "ephemeral_storage_inodes_samples" smallint,
  ADD COLUMN "ephemeral_storage_inodes_free_samples" smallint,
  ADD COLUMN "ephemeral_storage_inodes_used_samples" smallint,
  ADD COLUMN "cpu_cfs_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_millicores_samples" smallint,
  ADD COLUMN "process_count_samples" smallint,
  ADD COLUMN "threads_samples" smallint,
  ADD COLUMN "threads_max_samples" smallint,
  ADD COLUMN "file_descriptors_samples" smallint,
  ADD COLUMN "sockets_samples" smallint;
CREATE INDEX "pod_metric_1m_ts_brin" ON kubepulse."pod_metric_1m" USING brin (ts);
COMMENT ON TABLE kubepulse."pod_metric_1m" IS '1 minute rollup of pod_metric: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, <counter>_max = cumulative value at bucket end; samples = raw rows aggregated; <col>_samples = raw values behind <col>_avg (NULL: none).';

ALTER TABLE kubepulse."container_metric_1m"
  ADD COLUMN "cpu_usage_nanocores_samples" smallint,
  ADD COLUMN "cpu_rate_millicores_samples" smallint,
  ADD COLUMN "cpu_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "cpu_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "memory_available_bytes_samples" smallint,
  ADD COLUMN "memory_usage_bytes_samples" smallint,
  ADD COLUMN "memory_working_set_bytes_samples" smallint,
  ADD COLUMN "memory_rss_bytes_samples" smallint,
  ADD COLUMN "memory_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_major_page_faults_per_second_samples" smallint,
  ADD COLUMN "memory_cache_bytes_samples" smallint,
  ADD COLUMN "memory_mapped_file_bytes_samples" smallint,
  ADD COLUMN "memory_kernel_bytes_samples" smallint,
  ADD COLUMN "memory_max_usage_bytes_samples" smallint,
  ADD COLUMN "memory_failcnt_per_second_samples" smallint,
  ADD COLUMN "oom_events_per_second_samples" smallint,
  ADD COLUMN "memory_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "memory_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_some_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_some_avg300_percent_samples" smallint,
  ADD COLUMN "io_psi_full_stalled_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg10_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg60_percent_samples" smallint,
  ADD COLUMN "io_psi_full_avg300_percent_samples" smallint,
  ADD COLUMN "swap_available_bytes_samples" smallint,
  ADD COLUMN "swap_usage_bytes_samples" smallint,
  ADD COLUMN "rootfs_available_bytes_samples" smallint,
  ADD COLUMN "rootfs_capacity_bytes_samples" smallint,
  ADD COLUMN "rootfs_used_bytes_samples" smallint,
  ADD COLUMN "rootfs_inodes_samples" smallint,
  ADD COLUMN "rootfs_inodes_free_samples" smallint,
  ADD COLUMN "rootfs_inodes_used_samples" smallint,
  ADD COLUMN "logs_available_bytes_samples" smallint,
  ADD COLUMN "logs_capacity_bytes_samples" smallint,
  ADD COLUMN "logs_used_bytes_samples" smallint,
  ADD COLUMN "logs_inodes_samples" smallint,
  ADD COLUMN "logs_inodes_free_samples" smallint,
  ADD COLUMN "logs_inodes_used_samples" smallint,
  ADD COLUMN "cpu_cfs_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_periods_per_second_samples" smallint,
  ADD COLUMN "cpu_cfs_throttled_millicores_samples" smallint,
  ADD COLUMN "process_count_samples" smallint,
  ADD COLUMN "threads_samples" smallint,
  ADD COLUMN "threads_max_samples" smallint,
  ADD COLUMN "file_descriptors_samples" smallint,
  ADD COLUMN "sockets_samples" smallint;
CREATE INDEX "container_metric_1m_ts_brin" ON kubepulse."container_metric_1m" USING brin (ts);
COMMENT ON TABLE kubepulse."container_metric_1m" IS '1 minute rollup of container_metric: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, <counter>_max = cumulative value at bucket end; samples = raw rows aggregated; <col>_samples = raw values behind <col>_avg (NULL: none).';

ALTER TABLE kubepulse."volume_metric_1m"
  ADD COLUMN "available_bytes_samples" smallint,
  ADD COLUMN "capacity_bytes_samples" smallint,
  ADD COLUMN "used_bytes_samples" smallint,
  ADD COLUMN "inodes_samples" smallint,
  ADD COLUMN "inodes_free_samples" smallint,
  ADD COLUMN "inodes_used_samples" smallint;
CREATE INDEX "volume_metric_1m_ts_brin" ON kubepulse."volume_metric_1m" USING brin (ts);
COMMENT ON TABLE kubepulse."volume_metric_1m" IS '1 minute rollup of volume_metric: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, <counter>_max = cumulative value at bucket end; samples = raw rows aggregated; <col>_samples = raw values behind <col>_avg (NULL: none).';

ALTER TABLE kubepulse."interface_metric_1m"
  ADD COLUMN "rx_bytes_per_second_samples" smallint,
  ADD COLUMN "rx_errors_per_second_samples" smallint,
  ADD COLUMN "tx_bytes_per_second_samples" smallint,
  ADD COLUMN "tx_errors_per_second_samples" smallint,
  ADD COLUMN "rx_packets_per_second_samples" smallint,
  ADD COLUMN "tx_packets_per_second_samples" smallint,
  ADD COLUMN "rx_dropped_per_second_samples" smallint,
  ADD COLUMN "tx_dropped_per_second_samples" smallint;
CREATE INDEX "interface_metric_1m_ts_brin" ON kubepulse."interface_metric_1m" USING brin (ts);
COMMENT ON TABLE kubepulse."interface_metric_1m" IS '1 minute rollup of interface_metric: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, <counter>_max = cumulative value at bucket end; samples = raw rows aggregated; <col>_samples = raw values behind <col>_avg (NULL: none).';

ALTER TABLE kubepulse."disk_io_metric_1m"
  ADD COLUMN "read_bytes_per_second_samples" smallint,
  ADD COLUMN "write_bytes_per_second_samples" smallint,
  ADD COLUMN "read_ops_per_second_samples" smallint,
  ADD COLUMN "write_ops_per_second_samples" smallint,
  ADD COLUMN "read_time_percent_samples" smallint,
  ADD COLUMN "write_time_percent_samples" smallint,
  ADD COLUMN "io_busy_percent_samples" smallint,
  ADD COLUMN "io_in_progress_samples" smallint;
CREATE INDEX "disk_io_metric_1m_ts_brin" ON kubepulse."disk_io_metric_1m" USING brin (ts);
COMMENT ON TABLE kubepulse."disk_io_metric_1m" IS '1 minute rollup of disk_io_metric: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, <counter>_max = cumulative value at bucket end; samples = raw rows aggregated; <col>_samples = raw values behind <col>_avg (NULL: none).';

WITH rollup(entity, minute_table, hour_table) AS (
  VALUES ('node', 'node_metric_1m', 'node_metric_1h'), ('system_container', 'system_container_metric_1m', 'system_container_metric_1h'),
         ('pod', 'pod_metric_1m', 'pod_metric_1h'), ('container', 'container_metric_1m', 'container_metric_1h'),
         ('volume', 'volume_metric_1m', 'volume_metric_1h'), ('interface', 'interface_metric_1m', 'interface_metric_1h'),
         ('disk_io', 'disk_io_metric_1m', 'disk_io_metric_1h')
)
INSERT INTO kubepulse.rollup_pending (entity, hour)
  SELECT r.entity, hour
    FROM rollup r
    JOIN kubepulse.rollup_state m ON m.rollup_table = r.minute_table
    JOIN kubepulse.rollup_state h ON h.rollup_table = r.hour_table
   CROSS JOIN LATERAL generate_series(date_bin('1 hour', h.done_until, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
                                      m.done_until - INTERVAL '1 microsecond', INTERVAL '1 hour') AS hour
  ON CONFLICT (entity, hour) DO NOTHING;

DELETE FROM kubepulse.rollup_state m
 WHERE m.rollup_table LIKE '%\_metric\_1m'
   AND NOT EXISTS (SELECT 1 FROM kubepulse.rollup_state h WHERE h.rollup_table = left(m.rollup_table, -3) || '_1h');
