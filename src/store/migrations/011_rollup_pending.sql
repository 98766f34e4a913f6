-- 011: time ranges the rollups still owe. A batch stored later than the rollups could take it (a spool
-- replay after an outage, a backlog) records its entity and time range here, in the transaction that stores
-- its rows; the next rollup pass recomputes the buckets of every recorded range that it had already passed,
-- from the raw rows or, where the hour was compacted, from the history blocks (src/store/rollups.ts).
CREATE TABLE kubepulse.rollup_pending (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity text NOT NULL,
  from_ts timestamptz NOT NULL,
  to_ts timestamptz NOT NULL,
  noted_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE kubepulse.rollup_pending IS 'Time ranges of late metric rows whose rollup buckets are to be recomputed; emptied by each rollup pass.';
