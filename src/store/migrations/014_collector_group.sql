-- 014: several collector processes on one database form a group (src/group/, docs/GROUP.md). Each member
-- heartbeats its row by the database's clock; per cluster one inventory lease names the member running
-- that cluster's informers, with a fencing token that grows on every change of holder, so a write carrying
-- a token that is no longer current is refused.
CREATE TABLE kubepulse.collector_member (
  member_id uuid PRIMARY KEY,
  name text NOT NULL,
  host text NOT NULL,
  pid integer NOT NULL,
  http_address text NOT NULL,
  clusters text[] NOT NULL,
  owned_nodes jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL
);
COMMENT ON TABLE kubepulse.collector_member IS 'The collector processes of the group, one row each, heartbeated by the database clock; a row older than the TTL is a dead member.';

CREATE TABLE kubepulse.collector_lease (
  cluster_id integer PRIMARY KEY REFERENCES kubepulse.cluster (id) ON DELETE CASCADE,
  holder uuid,
  token bigint NOT NULL DEFAULT 0,
  acquired_at timestamptz,
  renewed_at timestamptz,
  expires_at timestamptz NOT NULL DEFAULT now(),
  takeovers bigint NOT NULL DEFAULT 0
);
COMMENT ON TABLE kubepulse.collector_lease IS 'Per cluster, the member running its inventory informers until expires_at, and the fencing token its inventory writes must carry.';
