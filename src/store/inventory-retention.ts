// `[retention] inventory_deleted`: an inventory object deleted longer ago than that is forgotten — its
// kind row, its child rows (a pod's containers) and its change_log history. Without it, pod churn grows
// the kind tables and the change log without bound. Deleted events go past `[retention] events` instead
// (maintenance.ts); the change log of objects that still exist has its own retention (change-log-retention.ts).
// Work goes in batches, each one statement (its own short transaction), so a large backlog after a
// retention change never holds locks for long or blocks the inventory writer.
import type pg from 'pg';
import type { KindDef } from '../inventory/kind.js';
import { SCHEMA, parentUidColumn, qualified, quoteIdent } from './schema.js';

export interface PurgeOptions {
  /** Objects per statement (default 2,000). */
  batchSize?: number;
  /** Stop after this many batches per kind in one pass; the next pass goes on (default 50). */
  maxBatches?: number;
}

/** The statement purging one batch of a kind: rows deleted before `$1`, at most `$2` of them. */
function purgeBatchSql(kind: KindDef): string {
  const t = qualified(kind.table);
  const children = (kind.children ?? []).map((c, i) =>
    `, c${i} AS (DELETE FROM ${qualified(c.table)} c USING gone g ` +
      `WHERE c.cluster_id = g.cluster_id AND c.${quoteIdent(parentUidColumn(kind))} = g.uid)`);
  // SKIP LOCKED: a row the inventory writer holds (an object coming back) is left for a later pass.
  return `WITH gone AS (
      SELECT cluster_id, uid FROM ${t} WHERE deleted_at < $1 ORDER BY deleted_at LIMIT $2 FOR UPDATE SKIP LOCKED),
    history AS (DELETE FROM ${SCHEMA}.change_log l USING gone g
      WHERE l.cluster_id = g.cluster_id AND l.kind = $3 AND l.uid = g.uid)${children.join('')}
    DELETE FROM ${t} t USING gone g WHERE t.cluster_id = g.cluster_id AND t.uid = g.uid AND t.deleted_at < $1`;
}

/** Purges every kind; returns the objects forgotten per kind table (only kinds with any). */
export async function purgeDeletedInventory(pool: pg.Pool, kinds: KindDef[], retentionMs: number, nowMs = Date.now(),
  opts: PurgeOptions = {}): Promise<Record<string, number>> {
  if (!(retentionMs > 0)) throw new Error(`retention inventory_deleted must be a positive duration, got ${retentionMs}`);
  const batchSize = opts.batchSize ?? 2_000;
  const maxBatches = opts.maxBatches ?? 50;
  const cutoff = new Date(nowMs - retentionMs);
  const purged: Record<string, number> = {};
  for (const kind of kinds) {
    const sql = purgeBatchSql(kind);
    for (let i = 0; i < maxBatches; i++) {
      const n = (await pool.query(sql, [cutoff, batchSize, kind.name])).rowCount ?? 0;
      if (n > 0) purged[kind.table] = (purged[kind.table] ?? 0) + n;
      if (n < batchSize) break;
    }
  }
  return purged;
}
