-- 012: series rows of pods and nodes that are gone can be deleted (src/store/series-retention.ts). Writers
-- cache series ids, so a purge must never remove an id a writer is about to use: each metric write holds a
-- shared advisory lock in its transaction and reads this epoch under it; a purge deletes under the exclusive
-- lock and bumps the epoch, and a writer that finds the epoch changed forgets its cached ids and resolves
-- them again. One row.
CREATE TABLE kubepulse.series_purge (
  epoch bigint NOT NULL
);
INSERT INTO kubepulse.series_purge (epoch) VALUES (0);
COMMENT ON TABLE kubepulse.series_purge IS 'One row: how many series purges deleted rows; writers holding cached series ids compare it to know when to resolve them again.';
