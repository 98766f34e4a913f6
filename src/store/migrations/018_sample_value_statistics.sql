-- 018: no planner statistics on the value columns of the raw sample tables.
--
-- Every query of <entity>_sample filters and groups on cluster_id, series_id and ts, never on a value; but
-- autovacuum's ANALYZE of a growing hourly partition sampled and sorted all ~90 value columns, and reading
-- a column of a row with NULLs walks the row from its start, so ANALYZE was the costliest upkeep of the hot
-- path (a perf profile at 300 nodes: ~30 % of PostgreSQL's maintenance CPU). A statistics target of 0 makes
-- ANALYZE skip a column. Set on the parents, which recurses to the partitions that exist now; a partition
-- does not inherit per-column targets, so src/store/partitions.ts sets them on each new one.
DO $$
DECLARE
  col record;
BEGIN
  FOR col IN
    SELECT c.relname AS tbl, a.attname AS col
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = 'kubepulse'::regnamespace
       AND c.relname IN ('node_sample', 'system_container_sample', 'pod_sample', 'container_sample',
                         'volume_sample', 'interface_sample', 'disk_io_sample')
       AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname NOT IN ('cluster_id', 'series_id', 'ts', 'source')
     ORDER BY 1, a.attnum
  LOOP
    EXECUTE format('ALTER TABLE kubepulse.%I ALTER COLUMN %I SET STATISTICS 0', col.tbl, col.col);
  END LOOP;
END
$$;
