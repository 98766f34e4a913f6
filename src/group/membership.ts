// The member table: each member upserts its row on every heartbeat with the database's clock, and reads
// every row with its age by that same clock, so no member's local clock decides who is alive.
import type pg from 'pg';

const SCHEMA = 'kubepulse';

export interface MemberIdentity {
  id: string;
  name: string;
  host: string;
  pid: number;
  httpAddress: string;
}

export interface MemberRow {
  id: string;
  name: string;
  host: string;
  pid: number;
  httpAddress: string;
  clusters: string[];
  /** Nodes scraped per cluster, as the member last reported. */
  ownedNodes: Record<string, number>;
  startedAt: Date;
  /** Seconds since its last heartbeat, by the database clock. */
  heartbeatAgeS: number;
  alive: boolean;
}

/** Members silent for this many TTLs are deleted (the status shows the dead ones until then). */
const FORGET_AFTER_TTLS = 20;

/**
 * Records this member's heartbeat (first one: its row) and returns every member, the dead ones flagged,
 * and the database's clock. One round trip.
 */
export async function heartbeat(
  pool: pg.Pool | pg.PoolClient, me: MemberIdentity, clusters: string[], ownedNodes: Record<string, number>, ttlMs: number,
): Promise<{ members: MemberRow[]; dbNow: Date }> {
  const r = await pool.query<{
    member_id: string; name: string; host: string; pid: number; http_address: string; clusters: string[];
    owned_nodes: Record<string, number>; started_at: Date; age_s: number; db_now: Date;
  }>(
    `WITH me AS (
       INSERT INTO ${SCHEMA}.collector_member AS m (member_id, name, host, pid, http_address, clusters, owned_nodes, started_at, heartbeat_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now())
       ON CONFLICT (member_id) DO UPDATE SET heartbeat_at = now(), clusters = EXCLUDED.clusters,
         owned_nodes = EXCLUDED.owned_nodes, http_address = EXCLUDED.http_address, name = EXCLUDED.name
       RETURNING m.*),
     forgotten AS (
       DELETE FROM ${SCHEMA}.collector_member WHERE heartbeat_at < now() - $8 * interval '1 millisecond' AND member_id <> $1)
     SELECT member_id, name, host, pid, http_address, clusters, owned_nodes, started_at,
            extract(epoch FROM now() - heartbeat_at)::float8 AS age_s, now() AS db_now
       FROM ${SCHEMA}.collector_member WHERE member_id <> $1
     UNION ALL
     SELECT member_id, name, host, pid, http_address, clusters, owned_nodes, started_at, 0, now() FROM me`,
    [me.id, me.name, me.host, me.pid, me.httpAddress, clusters, JSON.stringify(ownedNodes), FORGET_AFTER_TTLS * ttlMs],
  );
  const ttlS = ttlMs / 1000;
  const members = r.rows.map((x) => ({
    id: x.member_id, name: x.name, host: x.host, pid: x.pid, httpAddress: x.http_address, clusters: x.clusters,
    ownedNodes: x.owned_nodes, startedAt: x.started_at, heartbeatAgeS: x.age_s, alive: x.age_s < ttlS,
  }));
  return { members, dbNow: r.rows[0]?.db_now ?? new Date() };
}

/** A member stopping on purpose leaves at once: the others take its share at their next heartbeat. */
export async function leave(pool: pg.Pool, memberId: string): Promise<void> {
  await pool.query(`DELETE FROM ${SCHEMA}.collector_member WHERE member_id = $1`, [memberId]);
}
