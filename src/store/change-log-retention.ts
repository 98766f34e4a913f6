// `[retention] change_log`: the change log of objects that still exist grows with every update (a node's
// conditions, an event's count, a deployment's replicas), so it needs its own retention besides
// inventory_deleted. It keeps every row from the cutoff on and, of the rows before it, only each object's
// last one: the state at the cutoff. So "what was on node X at time T" (inventory/history.ts, the viewer)
// answers exactly as before for every T from the cutoff on; before it, only the state at the cutoff is
// left, and the `changed` diffs of the deleted updates are gone. Work goes in bounded batches per kind,
// each one statement, like the purge of deleted objects.
import type pg from 'pg';
import { SCHEMA } from './schema.js';

export interface ChangeLogPurgeOptions {
  /** Rows per statement (default 10,000). */
  batchSize?: number;
  /** Stop after this many batches per kind in one pass; the next pass goes on (default 20). */
  maxBatches?: number;
}

/**
 * The statement deleting one batch (at most `$2`) of superseded rows older than `$1` of cluster `$3` and
 * kind `$4`: per cluster and kind, so the index (cluster_id, kind, uid, at) serves the ranking.
 */
const PURGE_BATCH_SQL = `WITH superseded AS (
    SELECT id FROM (
      SELECT id, row_number() OVER (PARTITION BY uid ORDER BY at DESC, id DESC) AS newer
        FROM ${SCHEMA}.change_log WHERE cluster_id = $3 AND kind = $4 AND at < $1) ranked
     WHERE newer > 1 LIMIT $2)
  DELETE FROM ${SCHEMA}.change_log l USING superseded s WHERE l.cluster_id = $3 AND l.id = s.id`;

/** Deletes change_log rows superseded before `now − retentionMs`; returns the rows deleted per kind (only kinds with any). */
export async function purgeChangeLog(pool: pg.Pool, kinds: string[], retentionMs: number, nowMs = Date.now(),
  opts: ChangeLogPurgeOptions = {}): Promise<Record<string, number>> {
  if (!(retentionMs > 0)) throw new Error(`retention change_log must be a positive duration, got ${retentionMs}`);
  const batchSize = opts.batchSize ?? 10_000;
  const maxBatches = opts.maxBatches ?? 20;
  const cutoff = new Date(nowMs - retentionMs);
  const clusters = (await pool.query<{ id: number }>(`SELECT id FROM ${SCHEMA}.cluster ORDER BY id`)).rows.map((r) => r.id);
  const purged: Record<string, number> = {};
  for (const clusterId of clusters) {
    for (const kind of kinds) {
      for (let i = 0; i < maxBatches; i++) {
        const n = (await pool.query(PURGE_BATCH_SQL, [cutoff, batchSize, clusterId, kind])).rowCount ?? 0;
        if (n > 0) purged[kind] = (purged[kind] ?? 0) + n;
        if (n < batchSize) break;
      }
    }
  }
  return purged;
}
