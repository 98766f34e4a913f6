// The cluster registry: every row in every other table carries cluster.id, so a cluster's name is
// resolved to its id once at start (and again when the config adds a cluster).
import type pg from 'pg';
import { SCHEMA } from './schema.js';

/** Descriptive facts about a cluster kept with it (API server URL, context, version …); no secrets. */
export type ClusterMeta = Record<string, unknown>;

/** Returns the id of the cluster called name, creating it if new; meta replaces the stored meta. */
export async function ensureCluster(pool: pg.Pool, name: string, meta: ClusterMeta = {}): Promise<number> {
  if (typeof name !== 'string' || name.trim() === '') throw new Error('ensureCluster: cluster name must be a non-empty string');
  const r = await pool.query<{ id: number }>(
    `INSERT INTO ${SCHEMA}.cluster (name, meta) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET meta = EXCLUDED.meta, updated_at = now()
     RETURNING id`,
    [name, JSON.stringify(meta)],
  );
  return r.rows[0].id;
}

export interface ClusterRow {
  id: number;
  name: string;
  meta: ClusterMeta;
}

export async function listClusters(pool: pg.Pool): Promise<ClusterRow[]> {
  const r = await pool.query<ClusterRow>(`SELECT id, name, meta FROM ${SCHEMA}.cluster ORDER BY id`);
  return r.rows;
}
