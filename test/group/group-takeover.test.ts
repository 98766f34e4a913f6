// Three `kubepulse run` processes on one PostgreSQL share two simulated clusters as a group: every node
// scraped by exactly one member, one inventory holder per cluster, a cluster in two members' configs
// never collected by the third. Then the holder of a cluster's lease is killed with -9: its lease and
// nodes move to the others, the samples resume within the protocol's bound (TTL + a heartbeat + a scrape
// interval, with slack for a loaded machine), and no sample row is stored twice; the killed member,
// started again, takes its share back, still without duplicates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import type pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait.js';
import { createPool } from '../../src/store/pool.js';
import { ENTITIES } from '../../src/metrics/definitions.js';
import { sampleTable } from '../../src/store/series-schema.js';
import { configureLogging } from '../../src/log.js';
import type { StatusReport } from '../../src/health/status.js';
import { startMember, stopMembers, waitUntilUp, type Member, type MemberSpec } from './spawn-member.js';

const HEARTBEAT_S = 0.5;
const TTL_S = 3;
/** The protocol's bound on a takeover after kill -9: TTL + one heartbeat + one scrape interval (1 s). */
const TAKEOVER_BOUND_S = TTL_S + HEARTBEAT_S + 1;
/** Slack for a shared 2-core machine (process start-up of the others is not in it: they run already). */
const SLACK_S = 8;

let db: TestDatabase;
let pool: pg.Pool;
let alpha: SimCluster;
let beta: SimCluster;
let dir: string;
let kubeconfig: string;
const members = new Map<string, Member>();

const spec = (name: string, clusters: string[]): MemberSpec =>
  ({ name, dir, databaseUrl: db.url, kubeconfig, clusters, heartbeat: `${HEARTBEAT_S * 1000}ms`, ttl: `${TTL_S}s` });
/** m3 has only alpha in its config: beta is shared by m1 and m2 alone. */
const CONFIGS: Record<string, string[]> = { m1: ['alpha', 'beta'], m2: ['alpha', 'beta'], m3: ['alpha'] };

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  db = await startTestDatabase();
  pool = createPool(db.url, { max: 2 });
  // A new kubelet sample every second: gaps in the stored samples are then the collectors', not the kubelets'.
  alpha = await startSim({ name: 'alpha', nodes: 6, podsPerNode: 2, seed: 1, podChurnIntervalMs: 0, housekeepingMs: 1000 });
  beta = await startSim({ name: 'beta', nodes: 4, podsPerNode: 2, seed: 2, podChurnIntervalMs: 0, housekeepingMs: 1000 });
  dir = mkdtempSync(join(tmpdir(), 'kp-group-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, [alpha, beta]);
  // One after the other: the first one migrates the database.
  for (const [name, clusters] of Object.entries(CONFIGS)) {
    const m = await startMember(spec(name, clusters));
    members.set(name, m);
    await waitUntilUp(m);
  }
});

after(async () => {
  await stopMembers(members.values());
  await pool?.end();
  await alpha?.stop();
  await beta?.stop();
  await db?.stop();
});

async function statuses(names: string[]): Promise<Map<string, StatusReport>> {
  return new Map(await Promise.all(names.map(async (n) => [n, await members.get(n)!.status()] as const)));
}

/** The nodes each member scrapes, per cluster, from their own status. */
function owners(sts: Map<string, StatusReport>, cluster: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, st] of sts) {
    for (const node of st.group?.nodes[cluster] ?? []) out.set(node, [...(out.get(node) ?? []), name]);
  }
  return out;
}

async function clusterNodes(cluster: string): Promise<string[]> {
  const r = await pool.query<{ name: string }>(
    `SELECT n.name FROM kubepulse.node n JOIN kubepulse.cluster c ON c.id = n.cluster_id WHERE c.name = $1 AND n.deleted_at IS NULL ORDER BY n.name`, [cluster]);
  return r.rows.map((x) => x.name);
}

async function leaseHolder(cluster: string): Promise<{ name: string | null; token: string }> {
  const r = await pool.query<{ name: string | null; token: string }>(
    `SELECT m.name, l.token::text FROM kubepulse.collector_lease l JOIN kubepulse.cluster c ON c.id = l.cluster_id
       LEFT JOIN kubepulse.collector_member m ON m.member_id = l.holder AND l.expires_at > now()
      WHERE c.name = $1`, [cluster]);
  return r.rows[0] ?? { name: null, token: '0' };
}

/** Every node scraped by exactly one of `names`, and every member's nodes are in its own config. */
async function settled(names: string[], expected: Record<string, string[]>): Promise<boolean> {
  const sts = await statuses(names);
  for (const [cluster, nodes] of Object.entries(expected)) {
    const o = owners(sts, cluster);
    if (o.size !== nodes.length || nodes.some((n) => o.get(n)?.length !== 1)) return false;
  }
  return [...sts.values()].every((st) => st.group && !st.group.fenced && st.group.members.filter((m) => m.alive).length === names.length);
}

/** The sample rows stored more than once under the same (cluster, series, ts, source). */
async function duplicateRows(): Promise<number> {
  let dup = 0;
  for (const e of ENTITIES) {
    const r = await pool.query<{ n: string }>(
      `SELECT coalesce(sum(c - 1), 0)::text AS n FROM (SELECT count(*) AS c FROM kubepulse.${sampleTable(e)} GROUP BY cluster_id, series_id, ts, source HAVING count(*) > 1) d`);
    dup += Number(r.rows[0].n);
  }
  return dup;
}

/** Per node of the cluster, the longest gap (s) between consecutive summary samples from `since` on. */
async function longestGaps(cluster: string, since: Date): Promise<Map<string, number>> {
  const r = await pool.query<{ node: string; gap_s: number }>(
    `SELECT node, max(gap)::float8 AS gap_s FROM (
       SELECT m.node, extract(epoch FROM m.ts - lag(m.ts) OVER (PARTITION BY m.node ORDER BY m.ts)) AS gap
         FROM kubepulse.node_metric m JOIN kubepulse.cluster c ON c.id = m.cluster_id
        WHERE c.name = $1 AND m.ts >= $2 AND m.source = 's') g GROUP BY node`, [cluster, since]);
  return new Map(r.rows.map((x) => [x.node, x.gap_s ?? 0]));
}

test('three members share two clusters, and a member killed with -9 is replaced without duplicate rows', async () => {
  const all = ['m1', 'm2', 'm3'];
  await waitFor(async () => (await clusterNodes('alpha')).length === 6 && (await clusterNodes('beta')).length === 4, 'both clusters\' nodes in the inventory', 40_000);
  const nodes = { alpha: await clusterNodes('alpha'), beta: await clusterNodes('beta') };
  await waitFor(() => settled(all, nodes), 'every node scraped by exactly one member', 40_000);

  const sts = await statuses(all);
  // beta is not in m3's config: m3 never collects it, and is not a member of its share.
  assert.deepEqual(sts.get('m3')!.group!.nodes.beta ?? [], []);
  assert.equal(sts.get('m3')!.clusters.some((c) => c.name === 'beta'), false);
  // One inventory holder per cluster: only it watches the kinds beyond nodes and pods. A lease may still be
  // handed to its target member once the membership is stable (leases spread on join), so the statuses and
  // the holder are read together until they agree.
  const watchers = async (cluster: string) => {
    const now = await statuses(all);
    return all.filter((n) => now.get(n)!.clusters.find((c) => c.name === cluster)?.watches.some((w) => w.kind === 'deployment'));
  };
  for (const cluster of ['alpha', 'beta']) {
    let seen: { holder: string | null; watching: string[] } = { holder: null, watching: [] };
    await waitFor(async () => {
      const holder = (await leaseHolder(cluster)).name ?? null;
      seen = { holder, watching: await watchers(cluster) };
      return holder !== null && seen.watching.length === 1 && seen.watching[0] === holder && (await leaseHolder(cluster)).name === holder;
    }, `${cluster}: only the lease holder runs the inventory informers`, 30_000).catch(() => undefined);
    assert.ok(seen.holder, `${cluster} has a lease holder`);
    assert.deepEqual(seen.watching, [seen.holder], `${cluster}: only the lease holder runs the inventory informers`);
  }
  // Kill -9 a lease holder that also scrapes a share of nodes (shares are random: the holder with most).
  const holders = await Promise.all(['alpha', 'beta'].map(async (cluster) => ({ cluster, ...(await leaseHolder(cluster)) })));
  const shareOf = (name: string) => Object.entries(sts.get(name)!.group!.nodes).flatMap(([c, ns]) => ns.map((n) => ({ cluster: c, node: n })));
  const { cluster: leased, name: victim, token } = holders.sort((a, b) => shareOf(b.name!).length - shareOf(a.name!).length)[0] as { cluster: string; name: string; token: string };
  const victimNodes = shareOf(victim);
  assert.ok(victimNodes.length > 0, 'the victim scrapes nodes');
  const rest = all.filter((n) => n !== victim);
  const killedAt = new Date();
  members.get(victim)!.proc.kill('SIGKILL');
  await members.get(victim)!.exited;

  // Its lease moves with a new token, and every node of its share gets a sample newer than the kill.
  await waitFor(async () => {
    const h = await leaseHolder(leased);
    return h.name !== null && h.name !== victim && BigInt(h.token) > BigInt(token);
  }, `${leased}'s lease taken over`, (TAKEOVER_BOUND_S + SLACK_S) * 1000, 100);
  await waitFor(async () => {
    const r = await pool.query<{ k: string }>(
      `SELECT DISTINCT c.name || '/' || m.node AS k FROM kubepulse.node_metric m JOIN kubepulse.cluster c ON c.id = m.cluster_id
        WHERE m.ts > $1::timestamptz + $2 * interval '1 second' AND c.name || '/' || m.node = ANY($3)`,
      [killedAt, TTL_S, victimNodes.map((v) => `${v.cluster}/${v.node}`)]);
    return r.rowCount === victimNodes.length;
  }, 'every node of the killed member\'s share sampled again', (TAKEOVER_BOUND_S + SLACK_S) * 1000, 100);
  await waitFor(() => settled(rest, nodes), 'the survivors share every node', 20_000);
  // The leases settle over the two survivors (one may still be handed to the member meant for it).
  let newHolder = '';
  await waitFor(async () => {
    const after = await statuses(rest);
    newHolder = (await leaseHolder(leased)).name ?? '';
    return newHolder !== '' && rest.every((n) => (after.get(n)!.clusters.find((c) => c.name === leased)?.watches.some((w) => w.kind === 'deployment') ?? false) === (n === newHolder));
  }, `${leased}'s inventory informers only on its new holder`, 20_000);
  const survivors = await statuses(rest);
  const taker = rest.find((n) => survivors.get(n)!.group!.takeovers >= 1);
  assert.ok(taker, 'a survivor counted the takeover');
  // /metrics says the same: two live members, the takeover counted, the lease's age, the nodes owned.
  await waitFor(async () => {
    const text = await (await fetch(`http://127.0.0.1:${members.get(taker)!.port}/metrics`)).text();
    return /^kubepulse_group_members 2$/m.test(text) && /^kubepulse_group_takeovers_total [1-9]/m.test(text)
      && new RegExp(`^kubepulse_group_lease_age_seconds\\{cluster="${leased}"\\} \\d`, 'm').test(text)
      && /^kubepulse_group_owned_nodes\{cluster="alpha"\} \d+$/m.test(text) && /^kubepulse_group_fenced 0$/m.test(text);
  }, 'the group metrics of the member that took the lease over', 10_000);

  // No node went without samples for longer than the bound around the kill.
  for (const cluster of ['alpha', 'beta']) {
    const gaps = await longestGaps(cluster, new Date(killedAt.getTime() - 5_000));
    assert.equal(gaps.size, nodes[cluster as keyof typeof nodes].length);
    for (const [node, gap] of gaps) assert.ok(gap <= TAKEOVER_BOUND_S + 1 + SLACK_S, `${cluster}/${node}: ${gap} s without samples`);
  }
  assert.equal(await duplicateRows(), 0, 'no sample stored twice across the takeover');

  // The killed member comes back (same config, spool and name): it joins and takes a share again.
  members.set(victim, await startMember(spec(victim, CONFIGS[victim])));
  await waitFor(() => settled(all, nodes), 'the restarted member is back in the group, every node scraped once', 40_000);
  await new Promise((r) => setTimeout(r, 3_000)); // samples on both sides of the handover are stored
  assert.equal(await duplicateRows(), 0, 'no sample stored twice across the join');
});

test('a member paused past its TTL (SIGSTOP) is replaced, fences itself when it resumes, and rejoins without duplicates', async () => {
  const all = ['m1', 'm2', 'm3'];
  const nodes = { alpha: await clusterNodes('alpha'), beta: await clusterNodes('beta') };
  await waitFor(() => settled(all, nodes), 'every node scraped by exactly one member', 40_000);
  // Pause the member holding beta's lease: a hung process that still believes it holds its share.
  const paused = (await leaseHolder('beta')).name!;
  const token = BigInt((await leaseHolder('beta')).token);
  const m = members.get(paused)!;
  m.proc.kill('SIGSTOP');
  try {
    await waitFor(async () => {
      const h = await leaseHolder('beta');
      return h.name !== null && h.name !== paused && BigInt(h.token) > token;
    }, 'beta\'s lease taken from the paused member', (TAKEOVER_BOUND_S + SLACK_S) * 1000, 100);
    await waitFor(async () => {
      const o = owners(await statuses(all.filter((n) => n !== paused)), 'beta');
      return nodes.beta.every((n) => o.get(n)?.length === 1);
    }, 'the others scrape every node of beta', (TAKEOVER_BOUND_S + SLACK_S) * 1000, 100);
  } finally {
    m.proc.kill('SIGCONT');
  }
  // Resumed, it finds its deadline passed: it stops collecting, then heartbeats again and rejoins.
  await waitFor(() => /stops collecting before its share can be taken over/.test(m.output()), 'the resumed member fenced itself', 10_000);
  await waitFor(() => settled(all, nodes), 'the resumed member has a share again', 40_000);
  // Its old token can never write again: the lease has moved on (it may come back to it by a handover,
  // with a newer token still).
  const holder = await leaseHolder('beta');
  assert.ok(holder.name !== null && BigInt(holder.token) > token, 'the lease is held with a token newer than the paused member\'s');
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(await duplicateRows(), 0, 'no sample stored twice across the pause');
});
