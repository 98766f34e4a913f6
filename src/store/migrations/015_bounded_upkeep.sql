-- 015: upkeep tables that stay bounded.
--
-- rollup_pending held one row per late batch (id, entity, from_ts, to_ts): a long outage's replay wrote one
-- per batch and entity, read 10,000 per pass, with nothing to drop a range whose raw rows were gone. Now it
-- holds one row per (entity, hour) owed: a late batch marks the hours its rows fall in (an upsert: a replay
-- of a day marks 24 rows per entity however many batches it has), so its size is bounded by entities ×
-- hours of raw retention. `version` (from a sequence) changes on every mark: a pass deletes a row only if
-- it is still the version it recomputed, so a batch marked while the pass ran is recomputed next pass.
CREATE TABLE kubepulse.rollup_owed (
  entity text NOT NULL,
  hour timestamptz NOT NULL,
  version bigint NOT NULL,
  noted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity, hour)
);
CREATE SEQUENCE kubepulse.rollup_owed_version OWNED BY kubepulse.rollup_owed.version;
ALTER TABLE kubepulse.rollup_owed ALTER COLUMN version SET DEFAULT nextval('kubepulse.rollup_owed_version');
INSERT INTO kubepulse.rollup_owed (entity, hour)
  SELECT DISTINCT p.entity, h
    FROM kubepulse.rollup_pending p,
         generate_series(date_bin('1 hour', p.from_ts, TIMESTAMPTZ '1970-01-01 00:00:00+00'), p.to_ts, INTERVAL '1 hour') AS h;
DROP TABLE kubepulse.rollup_pending;
ALTER TABLE kubepulse.rollup_owed RENAME TO rollup_pending;
ALTER SEQUENCE kubepulse.rollup_owed_version RENAME TO rollup_pending_version;
ALTER TABLE kubepulse.rollup_pending RENAME CONSTRAINT rollup_owed_pkey TO rollup_pending_pkey;
COMMENT ON TABLE kubepulse.rollup_pending IS 'Hours of late metric rows whose rollup buckets are to be recomputed, one row per (entity, hour); emptied by each rollup pass, and rows past the raw retention dropped (counted in the maintenance report).';

-- The tables the retention deletes from (rather than dropping partitions): autovacuum by default waits
-- for 20 % of a table to be dead rows, and a b-tree page emptied by deletes is reused only after a VACUUM.
-- Retention deletes a steady trickle, so at 2 % (plus 1,000 rows) the space of deleted rows and index
-- entries is reclaimed for reuse long before it adds up; the file then stops growing once its retention
-- window has passed (bench/db-growth.ts measures it).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'change_log', 'collector_status', 'metric_batch', 'rollup_pending',
    'pod', 'container', 'event', 'node', 'namespace', 'deployment', 'replicaset', 'daemonset', 'statefulset',
    'job', 'cronjob', 'service', 'endpointslice', 'ingress', 'persistentvolume', 'persistentvolumeclaim',
    'storageclass', 'horizontalpodautoscaler', 'resourcequota',
    'node_series', 'system_container_series', 'pod_series', 'container_series', 'volume_series',
    'interface_series', 'disk_io_series']
  LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.05)', t);
  END LOOP;
END $$;
