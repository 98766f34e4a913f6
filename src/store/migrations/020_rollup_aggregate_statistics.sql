-- 020: no planner statistics on the aggregate columns of the rollup tables.
--
-- Rollup queries filter on keys, attributes and ts, never on an aggregate; but autovacuum's ANALYZE of a
-- growing daily 1-minute partition sampled and sorted its ~250 aggregate columns of 30,000 rows: ~6 s of
-- CPU each time for the container table at 100 nodes (0.18 s without them), a third of PostgreSQL's CPU in
-- a 10-minute window of a young database. A statistics target of 0 makes ANALYZE skip a column. Set on the
-- parents, which recurses to the partitions that exist now; a new partition gets them from
-- src/store/partitions.ts (rollup-schema.ts rollupPartitionColumnSettings). The aggregate columns are
-- `samples` and those named <metric>_avg, <metric>_max and <metric>_samples; no key or attribute is.
DO $$
DECLARE
  col record;
BEGIN
  FOR col IN
    SELECT c.relname AS tbl, a.attname AS col
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = 'kubepulse'::regnamespace
       AND c.relkind = 'p'
       AND c.relname IN ('node_metric_1m', 'system_container_metric_1m', 'pod_metric_1m', 'container_metric_1m',
                         'volume_metric_1m', 'interface_metric_1m', 'disk_io_metric_1m',
                         'node_metric_1h', 'system_container_metric_1h', 'pod_metric_1h', 'container_metric_1h',
                         'volume_metric_1h', 'interface_metric_1h', 'disk_io_metric_1h')
       AND a.attnum > 0 AND NOT a.attisdropped
       AND (a.attname = 'samples' OR a.attname ~ '_(avg|max|samples)$')
     ORDER BY 1, a.attnum
  LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I ALTER COLUMN %I SET STATISTICS 0', col.tbl, col.col);
  END LOOP;
END
$$;
