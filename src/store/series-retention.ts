// Series rows of what is gone. Every pod that ever ran leaves `<entity>_series` rows (its pod, containers,
// volumes, interfaces, disks); without a purge, pod churn grows those tables for ever. A series row can go
// when nothing refers to it any more: no raw sample row names its id (its raw partitions were compacted
// into blocks, which carry the text keys, or dropped by retention) and what it measures is gone — its pod
// (or, for a node's own series, its node) deleted from the inventory longer than a grace ago, or never
// known there (a static pod's config-hash UID).
//
// Writers cache ids (series-ids.ts), so deleting under them must be safe: candidates are found first
// without a lock, then deleted again checked under an exclusive advisory lock that every metric write holds
// shared in its transaction, and the epoch in series_purge is bumped in the same transaction. A write then
// either committed before (its rows keep their series) or reads the new epoch, forgets its cached ids and
// resolves them again (metric-copy.ts): no sample row ever names a deleted series.
import type pg from 'pg';
import { ENTITIES, ENTITY_TABLES, type Entity } from '../metrics/definitions.js';
import { SCHEMA, qualified } from './schema.js';
import { sampleTable, seriesTable } from './series-schema.js';

/** The advisory lock key shared by metric writes (shared) and the series purge (exclusive). */
export const SERIES_PURGE_LOCK = 7_319_470_102;

/** Candidates deleted per statement. */
const BATCH = 5_000;

function keyNames(entity: Entity): Set<string> {
  return new Set(ENTITY_TABLES[entity].keys.map((k) => k.column));
}

/** SQL: the owner of series row `r` is gone since before $1 (or never was in the inventory). */
function ownerGone(entity: Entity): string {
  const keys = keyNames(entity);
  const podGone = `NOT EXISTS (SELECT 1 FROM ${SCHEMA}.pod p WHERE p.cluster_id = r.cluster_id AND p.uid = r.pod_uid
      AND (p.deleted_at IS NULL OR p.deleted_at > $1))`;
  const nodeGone = `NOT EXISTS (SELECT 1 FROM ${SCHEMA}.node n WHERE n.cluster_id = r.cluster_id AND n.name = r.node
      AND (n.deleted_at IS NULL OR n.deleted_at > $1))`;
  if (keys.has('pod_uid') && keys.has('node')) return `(CASE WHEN r.pod_uid = '' THEN ${nodeGone} ELSE ${podGone} END)`;
  if (keys.has('pod_uid')) return podGone;
  return nodeGone;
}

function unreferenced(entity: Entity): string {
  return `NOT EXISTS (SELECT 1 FROM ${qualified(sampleTable(entity))} s WHERE s.cluster_id = r.cluster_id AND s.series_id = r.series_id)`;
}

/**
 * Deletes the series rows of gone pods and nodes (deleted before `goneBeforeMs`) that no raw sample names.
 * Returns the rows deleted per series table (only tables with any).
 */
export async function purgeGoneSeries(pool: pg.Pool, goneBeforeMs: number): Promise<Record<string, number>> {
  const purged: Record<string, number> = {};
  const before = new Date(goneBeforeMs);
  for (const entity of ENTITIES) {
    const table = qualified(seriesTable(entity));
    const found = await pool.query<{ cluster_id: number; series_id: number }>(
      `SELECT r.cluster_id, r.series_id FROM ${table} r WHERE ${ownerGone(entity)} AND ${unreferenced(entity)}`, [before]);
    for (let i = 0; i < found.rows.length; i += BATCH) {
      const part = found.rows.slice(i, i + BATCH);
      const client = await pool.connect();
      try {
        await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${SERIES_PURGE_LOCK})`);
        // Checked again under the lock: a write may have named one of them since it was found.
        const r = await client.query(
          `DELETE FROM ${table} r USING unnest($2::int[], $3::int[]) AS c(cluster_id, series_id)
            WHERE r.cluster_id = c.cluster_id AND r.series_id = c.series_id AND ${ownerGone(entity)} AND ${unreferenced(entity)}`,
          [before, part.map((x) => x.cluster_id), part.map((x) => x.series_id)]);
        if (r.rowCount) await client.query(`UPDATE ${SCHEMA}.series_purge SET epoch = epoch + 1`);
        await client.query('COMMIT');
        if (r.rowCount) purged[seriesTable(entity)] = (purged[seriesTable(entity)] ?? 0) + r.rowCount;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
  }
  return purged;
}
