// Per cluster, the inventory lease: which member runs the cluster's informers, until when (database clock),
// and the fencing token that grows on every change of holder. A holder renews its leases with its
// heartbeat; one whose lease ran out must acquire it again (a new token), so a write carrying the old token
// is refused by fenceCheck() even if the process never noticed it had stalled.
import type pg from 'pg';

const SCHEMA = 'kubepulse';

export interface LeaseRow {
  clusterId: number;
  holder: string | null;
  token: string;
  /** Seconds since the holder acquired it, and until it expires (negative: expired), by the database clock. */
  heldForS: number | null;
  expiresInS: number;
  takeovers: number;
}

/** Thrown inside a write transaction whose member no longer holds the cluster's lease with that token. */
export class FencedError extends Error {
  constructor(clusterId: number, token: string) {
    super(`inventory write of cluster ${clusterId} refused: lease token ${token} is no longer current (another member took the cluster over)`);
  }
}

/** What an inventory write must show: the member and the token it holds the cluster's lease with. */
export interface Fence {
  clusterId: number;
  memberId: string;
  token: string;
}

/**
 * Checks the fence inside the caller's transaction, last before its COMMIT. FOR SHARE makes a takeover's
 * UPDATE of the lease row wait for this commit, so either the write commits under the valid lease or the
 * takeover committed first and the write is rolled back. Held only for the commit: renewals barely wait.
 */
export async function fenceCheck(client: pg.PoolClient, f: Fence): Promise<void> {
  const r = await client.query(
    `SELECT 1 FROM ${SCHEMA}.collector_lease WHERE cluster_id = $1 AND holder = $2 AND token = $3 AND expires_at > clock_timestamp() FOR SHARE`,
    [f.clusterId, f.memberId, f.token],
  );
  if (r.rowCount !== 1) throw new FencedError(f.clusterId, f.token);
}

/** Extends the leases this member holds that have not expired; returns every lease of `clusterIds`. */
export async function renewAndRead(pool: pg.Pool, memberId: string, clusterIds: number[], ttlMs: number): Promise<LeaseRow[]> {
  const r = await pool.query<{ cluster_id: number; holder: string | null; token: string; held_s: number | null; expires_s: number; takeovers: string }>(
    `WITH renewed AS (
       UPDATE ${SCHEMA}.collector_lease SET expires_at = now() + $3 * interval '1 millisecond', renewed_at = now()
        WHERE holder = $1 AND cluster_id = ANY($2) AND expires_at > now()
        RETURNING cluster_id, holder, token, acquired_at, expires_at, takeovers)
     SELECT l.cluster_id, coalesce(r.holder, l.holder) AS holder, coalesce(r.token, l.token)::text AS token,
            extract(epoch FROM now() - coalesce(r.acquired_at, l.acquired_at))::float8 AS held_s,
            extract(epoch FROM coalesce(r.expires_at, l.expires_at) - now())::float8 AS expires_s,
            l.takeovers::text AS takeovers
       FROM ${SCHEMA}.collector_lease l LEFT JOIN renewed r USING (cluster_id)
      WHERE l.cluster_id = ANY($2)`,
    [memberId, clusterIds, ttlMs],
  );
  return r.rows.map(toLease);
}

/**
 * Takes the cluster's lease if nobody holds it or its holder's ran out, with a new token; null when another
 * member holds it. Counts a takeover when the previous holder was another member that did not release it.
 */
export async function tryAcquire(pool: pg.Pool, memberId: string, clusterId: number, ttlMs: number): Promise<LeaseRow | null> {
  await pool.query(`INSERT INTO ${SCHEMA}.collector_lease (cluster_id) VALUES ($1) ON CONFLICT DO NOTHING`, [clusterId]);
  const r = await pool.query<{ cluster_id: number; holder: string; token: string; held_s: number; expires_s: number; takeovers: string }>(
    `UPDATE ${SCHEMA}.collector_lease SET holder = $2, token = token + 1, acquired_at = now(), renewed_at = now(),
            expires_at = now() + $3 * interval '1 millisecond',
            takeovers = takeovers + CASE WHEN holder IS NOT NULL AND holder <> $2 THEN 1 ELSE 0 END
      WHERE cluster_id = $1 AND (holder IS NULL OR expires_at <= now())
      RETURNING cluster_id, holder, token::text AS token, 0::float8 AS held_s, $3 / 1000.0::float8 AS expires_s, takeovers::text AS takeovers`,
    [clusterId, memberId, ttlMs],
  );
  return r.rows[0] ? toLease(r.rows[0]) : null;
}

/**
 * Hands a lease this member holds (with `token`) straight to another member, with a new token, so the
 * leases spread when members join: the old holder stops its informers at once, the new one finds the lease
 * its own at its next heartbeat and lists every kind (which covers what changed in between). False when the
 * lease was no longer this member's. Not a takeover: nobody lost it.
 */
export async function handOver(pool: pg.Pool, memberId: string, clusterId: number, token: string, to: string, ttlMs: number): Promise<boolean> {
  const r = await pool.query(
    `UPDATE ${SCHEMA}.collector_lease SET holder = $4, token = token + 1, acquired_at = now(), renewed_at = now(),
            expires_at = now() + $5 * interval '1 millisecond'
      WHERE cluster_id = $1 AND holder = $2 AND token = $3 AND expires_at > now()`,
    [clusterId, memberId, token, to, ttlMs],
  );
  return r.rowCount === 1;
}

/** A member stopping on purpose hands its leases back (the next holder takes them at once, no takeover). */
export async function releaseAll(pool: pg.Pool, memberId: string): Promise<void> {
  await pool.query(`UPDATE ${SCHEMA}.collector_lease SET holder = NULL, expires_at = now() WHERE holder = $1`, [memberId]);
}

function toLease(x: { cluster_id: number; holder: string | null; token: string; held_s: number | null; expires_s: number; takeovers: string }): LeaseRow {
  return { clusterId: x.cluster_id, holder: x.holder, token: x.token, heldForS: x.held_s, expiresInS: x.expires_s, takeovers: Number(x.takeovers) };
}
