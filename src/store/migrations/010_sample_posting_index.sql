-- 010: raw sample rows without a per-row unique index. The unique (cluster_id, series_id, ts, source) key of
-- 009 cost ~36 bytes and a uniqueness check per row, the larger part of the raw window's overhead beyond the
-- values. A non-unique (cluster_id, series_id) index serves the same reads (a series' rows, filtered by ts
-- within the hourly partitions the query's range selects) and btree deduplication keeps it to one posting
-- list per series and page, ~6 bytes per row. Exactly-once storage moves to the writer: every batch is
-- committed together with its id in metric_batch (a retried or replayed batch whose id is there was stored),
-- and rows whose provenance is unknown are inserted only where absent (src/store/metric-copy.ts).

ALTER TABLE kubepulse.node_sample DROP CONSTRAINT node_sample_pkey;
CREATE INDEX node_sample_series ON kubepulse.node_sample (cluster_id, series_id);
ALTER TABLE kubepulse.system_container_sample DROP CONSTRAINT system_container_sample_pkey;
CREATE INDEX system_container_sample_series ON kubepulse.system_container_sample (cluster_id, series_id);
ALTER TABLE kubepulse.pod_sample DROP CONSTRAINT pod_sample_pkey;
CREATE INDEX pod_sample_series ON kubepulse.pod_sample (cluster_id, series_id);
ALTER TABLE kubepulse.container_sample DROP CONSTRAINT container_sample_pkey;
CREATE INDEX container_sample_series ON kubepulse.container_sample (cluster_id, series_id);
ALTER TABLE kubepulse.volume_sample DROP CONSTRAINT volume_sample_pkey;
CREATE INDEX volume_sample_series ON kubepulse.volume_sample (cluster_id, series_id);
ALTER TABLE kubepulse.interface_sample DROP CONSTRAINT interface_sample_pkey;
CREATE INDEX interface_sample_series ON kubepulse.interface_sample (cluster_id, series_id);
ALTER TABLE kubepulse.disk_io_sample DROP CONSTRAINT disk_io_sample_pkey;
CREATE INDEX disk_io_sample_series ON kubepulse.disk_io_sample (cluster_id, series_id);

CREATE TABLE kubepulse.metric_batch (
  id uuid PRIMARY KEY,
  written_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE kubepulse.metric_batch IS 'Ids of the metric batches stored in the last day: a batch retried or replayed from the spool after an unacknowledged commit is recognised here and not stored twice. Pruned by maintenance.';
