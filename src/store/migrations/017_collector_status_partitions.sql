-- 017: collector_status partitioned by day on `at`.
--
-- The status row is written every health interval (5 s: ~17,000 rows a day per collector process) and was
-- bounded by a DELETE of the rows past [retention] status_history: every pass left dead rows and index
-- entries for vacuum to reclaim. Partitioned like the raw sample tables (daily ranges aligned to UTC
-- midnight, named <table>_pYYYYMMDD as src/store/partitions.ts names them), retention drops whole days.
--
-- Every stored row is kept: the old table is renamed, the partitioned one created with the same columns
-- and key (at, pid: the partition key leads it), a partition created for each day the old rows fall in,
-- the rows copied, the old table dropped. Only days with rows get a partition here, so a fresh database
-- and an upgraded one differ only by the data they hold; the writer (health/status-history.ts) creates the
-- partition of the day it writes into, and the maintenance loop creates today's and the next ones ahead.
-- The partitioned parent takes no storage parameters: the autovacuum settings 015 gave the table (for its
-- deletes) have nothing left to tune; the partitions are only inserted into.

ALTER TABLE kubepulse.collector_status RENAME TO collector_status_v16;
ALTER TABLE kubepulse.collector_status_v16 RENAME CONSTRAINT collector_status_pkey TO collector_status_v16_pkey;

CREATE TABLE kubepulse.collector_status (
  at timestamptz NOT NULL,
  pid integer NOT NULL,
  database_state text NOT NULL,
  clusters_down text[] NOT NULL DEFAULT '{}',
  nodes_not_reporting integer NOT NULL DEFAULT 0,
  queue_rows bigint NOT NULL DEFAULT 0,
  spool_bytes bigint NOT NULL DEFAULT 0,
  spool_oldest_age_s double precision,
  heap_bytes bigint,
  rss_bytes bigint,
  event_loop_delay_p99_ms double precision,
  restarts integer NOT NULL DEFAULT 0,
  status jsonb NOT NULL,
  PRIMARY KEY (at, pid)
) PARTITION BY RANGE (at);

DO $parts$
DECLARE day timestamptz;
BEGIN
  FOR day IN SELECT DISTINCT date_bin('1 day', at, TIMESTAMPTZ '1970-01-01 00:00:00+00')
               FROM kubepulse.collector_status_v16 ORDER BY 1 LOOP
    EXECUTE format('CREATE TABLE kubepulse.%I PARTITION OF kubepulse.collector_status FOR VALUES FROM (%L) TO (%L)',
      'collector_status_p' || to_char(day AT TIME ZONE 'UTC', 'YYYYMMDD'), day, day + INTERVAL '1 day');
  END LOOP;
END
$parts$;

INSERT INTO kubepulse.collector_status SELECT * FROM kubepulse.collector_status_v16;
DROP TABLE kubepulse.collector_status_v16;
