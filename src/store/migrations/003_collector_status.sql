-- 003: collector_status — one row per health interval with the headline figures and the whole status
-- report, so an outage can be looked at afterwards (which cluster was down, how deep the spool got).

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
);
