// Issue 19's group against an external PostgreSQL 15 (Debian's server; the embedded one is 17): three
// `kubepulse run` members share two simulated clusters, and members are killed with -9 in each state the
// issue names, then started again at once as their watchdog would:
// - holding a cluster's inventory lease (and a share of kubelets);
// - mid-write: inside a COPY of sample rows (its database connection held by the relay after the COPY
//   statement went out), with rows spooled to disk just before, which the restart must replay;
// - mid-compaction: inside the compactor's transaction over an old raw partition.
// Each time: no sample row stored twice, no node without samples for longer than the takeover bound, every
// spooled row stored, the partition compacted exactly once. First, as the members join one by one, the
// inventory leases spread (a joining member takes a lease over from one holding both) with the inventory
// kept current across the handover.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGroup, type GroupHarness } from '../helpers/group-harness.js';
import { waitFor } from '../helpers/wait.js';
import { ENTITIES } from '../../src/metrics/definitions.js';
import { sampleTable } from '../../src/store/series-schema.js';
import { blockTable } from '../../src/store/history/schema.js';
import { PartitionManager } from '../../src/store/partitions.js';
import { parseSegment, parseSegmentName } from '../../src/store/spool.js';
import { configureLogging } from '../../src/log.js';

const HEARTBEAT_S = 0.5;
const TTL_S = 4;
/** The protocol's bound on a takeover after kill -9: TTL + one heartbeat + one scrape interval (1 s). */
const TAKEOVER_BOUND_S = TTL_S + HEARTBEAT_S + 1;
/** Slack for a shared 2-core machine. */
const SLACK_S = 8;
const NODES: Record<string, number> = { alpha: 6, beta: 4 };

let h: GroupHarness;

const groupToml = (name: string) => [
  '[group]', 'enabled = true', `name = "${name}"`, `heartbeat_interval = "${HEARTBEAT_S * 1000}ms"`, `member_ttl = "${TTL_S}s"`,
  // Raw partitions older than an hour are compacted: the test seeds one 3 h old.
  '[retention]', 'compact_after = "1h"',
].join('\n');

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  h = await startGroup({
    members: ['m0', 'm1', 'm2'].map((n) => ({ toml: groupToml(n) })),
    // A new kubelet sample every second: gaps in the stored samples are then the collectors', not the kubelets'.
    clusters: Object.entries(NODES).map(([name, nodes], i) => ({ name, nodes, podsPerNode: 2, seed: 40 + i, podChurnIntervalMs: 0, housekeepingMs: 1000 })),
    collection: { cadvisor_interval: '0s' },
    start: false,
  });
});

after(async () => {
  await h?.stop();
});

const nameOf = (i: number) => `m${i}`;
const member = (name: string) => h.members[Number(name.slice(1))];

async function leases(): Promise<Map<string, { holder: string | null; token: bigint }>> {
  const r = await h.pool.query<{ cluster: string; holder: string | null; token: string }>(
    `SELECT c.name AS cluster, m.name AS holder, l.token::text AS token FROM kubepulse.collector_lease l JOIN kubepulse.cluster c ON c.id = l.cluster_id
       LEFT JOIN kubepulse.collector_member m ON m.member_id = l.holder AND l.expires_at > now()`);
  return new Map(r.rows.map((x) => [x.cluster, { holder: x.holder, token: BigInt(x.token) }]));
}

/** Every node scraped by exactly one of the running members, all alive and unfenced. */
async function settled(): Promise<boolean> {
  const running = h.members.filter((m) => m.running());
  const owners = new Map<string, number>();
  for (const m of running) {
    const st = await m.status();
    if (!st.group || st.group.fenced || st.group.members.filter((x) => x.alive).length !== running.length) return false;
    for (const [c, ns] of Object.entries(st.group.nodes)) for (const n of ns) owners.set(`${c}/${n}`, (owners.get(`${c}/${n}`) ?? 0) + 1);
  }
  const total = Object.values(NODES).reduce((a, b) => a + b, 0);
  return owners.size === total && [...owners.values()].every((v) => v === 1);
}

/** The nodes a member scrapes now, as cluster/node. */
async function shareOf(name: string): Promise<string[]> {
  const st = await member(name).status();
  return Object.entries(st.group?.nodes ?? {}).flatMap(([c, ns]) => ns.map((n) => `${c}/${n}`));
}

async function duplicateRows(): Promise<number> {
  let dup = 0;
  for (const e of ENTITIES) {
    const r = await h.pool.query<{ n: string }>(
      `SELECT coalesce(sum(c - 1), 0)::text AS n FROM (SELECT count(*) AS c FROM kubepulse.${sampleTable(e)} GROUP BY cluster_id, series_id, ts, source HAVING count(*) > 1) d`);
    dup += Number(r.rows[0].n);
  }
  return dup;
}

/** The longest gap (s) between consecutive summary samples of any node since `since`, and where. */
async function longestGap(since: Date): Promise<{ gap: number; node: string }> {
  const r = await h.pool.query<{ k: string; gap: number }>(
    `SELECT k, gap FROM (
       SELECT c.name || '/' || m.node AS k, extract(epoch FROM m.ts - lag(m.ts) OVER (PARTITION BY m.cluster_id, m.node ORDER BY m.ts))::float8 AS gap
         FROM kubepulse.node_metric m JOIN kubepulse.cluster c ON c.id = m.cluster_id WHERE m.ts >= $1 AND m.source = 's') g
      WHERE gap IS NOT NULL ORDER BY gap DESC LIMIT 1`, [since]);
  return { gap: r.rows[0]?.gap ?? 0, node: r.rows[0]?.k ?? '' };
}

/** Every node of `nodes` (cluster/node) has a summary sample newer than `t`. */
async function sampledAfter(nodes: string[], t: Date): Promise<boolean> {
  const r = await h.pool.query<{ k: string }>(
    `SELECT DISTINCT c.name || '/' || m.node AS k FROM kubepulse.node_metric m JOIN kubepulse.cluster c ON c.id = m.cluster_id
      WHERE m.ts > $1 AND m.source = 's' AND c.name || '/' || m.node = ANY($2)`, [t, nodes]);
  return r.rowCount === nodes.length;
}

async function killAndRestart(name: string): Promise<void> {
  const m = member(name);
  m.signal('SIGKILL');
  await waitFor(() => !m.running(), `${name} exited after kill -9`, 10_000);
  await m.start(); // the watchdog's restart
}

/** After a kill: no duplicate, every node sampled again, no gap over the bound since `since`. */
async function assertRecovered(since: Date, what: string): Promise<void> {
  await waitFor(settled, `every node scraped by exactly one member after ${what}`, 60_000);
  await new Promise((r) => setTimeout(r, 3_000)); // samples on both sides of the last handover stored
  const { gap, node } = await longestGap(since);
  assert.ok(gap <= TAKEOVER_BOUND_S + 1 + SLACK_S, `${what}: ${node} went ${gap} s without samples`);
  assert.equal(await duplicateRows(), 0, `${what}: no sample stored twice`);
}

test('inventory leases spread as members join: the newcomer takes one over from the member holding both, inventory kept current', async () => {
  // One after the other: the first one migrates the database, and holds both leases alone.
  await h.members[0].start();
  await waitFor(async () => [...(await leases()).values()].filter((l) => l.holder === 'm0').length === 2, 'm0 holds both leases', 40_000);
  const before = await leases();
  await h.members[1].start();
  await waitFor(async () => {
    const l = [...(await leases()).values()].map((x) => x.holder).sort();
    return l.join() === 'm0,m1';
  }, 'one lease handed over to m1', 30_000, 100);
  const now = await leases();
  const moved = [...now].find(([, l]) => l.holder === 'm1')![0];
  // Handed over directly (one new token), never left free or expired.
  assert.equal(now.get(moved)!.token, before.get(moved)!.token + 1n, `${moved}'s lease went from m0 to m1 in one step`);
  // The new holder runs the informers and writes the inventory: a pod deleted now is marked deleted.
  await waitFor(async () => {
    const st = await h.members[1].status();
    return st.clusters.find((c) => c.name === moved)?.watches.some((w) => w.kind === 'deployment') === true;
  }, `m1 runs ${moved}'s inventory informers`, 15_000);
  const pod = await h.pool.query<{ uid: string; namespace: string; name: string }>(
    `SELECT p.uid, p.namespace, p.name FROM kubepulse.pod p JOIN kubepulse.cluster c ON c.id = p.cluster_id
      WHERE c.name = $1 AND p.deleted_at IS NULL ORDER BY p.name LIMIT 1`, [moved]);
  h.sims.find((s) => s.name === moved)!.deletePod(pod.rows[0].namespace, pod.rows[0].name);
  await waitFor(async () => (await h.pool.query('SELECT 1 FROM kubepulse.pod WHERE uid = $1 AND deleted_at IS NOT NULL', [pod.rows[0].uid])).rowCount === 1,
    `the pod deleted in ${moved} after the handover is marked deleted`, 15_000);

  await h.members[2].start();
  await waitFor(settled, 'three members share every node', 60_000);
  // Two clusters, three members: nobody holds both.
  const holders = [...(await leases()).values()].map((l) => l.holder);
  assert.equal(holders.every((x) => x !== null), true);
  assert.notEqual(holders[0], holders[1], 'the two leases are held by two members');
});

test('a member killed while holding a lease is replaced within the bound, and restarted without duplicates', async () => {
  await waitFor(settled, 'settled', 60_000);
  const victim = (await leases()).get('alpha')!.holder!;
  const token = (await leases()).get('alpha')!.token;
  const share = await shareOf(victim);
  const killedAt = new Date(Date.now() - 1_000);
  await killAndRestart(victim);
  await waitFor(async () => {
    const l = (await leases()).get('alpha')!;
    return l.holder !== null && l.token > token;
  }, 'alpha\'s lease taken over', (TAKEOVER_BOUND_S + SLACK_S) * 1000, 100);
  await waitFor(() => sampledAfter(share, new Date(killedAt.getTime() + TTL_S * 1000)), 'the killed member\'s share sampled again', (TAKEOVER_BOUND_S + SLACK_S) * 1000, 100);
  await assertRecovered(killedAt, 'a kill of a lease holder');
});

test('a member killed inside a COPY, with rows spooled just before, loses none of them: its restart replays them', async () => {
  await waitFor(settled, 'settled', 60_000);
  // The member with the largest share: it writes sample rows every second.
  const shares = await Promise.all([0, 1, 2].map(async (i) => ({ name: nameOf(i), n: (await shareOf(nameOf(i))).length })));
  const victim = shares.sort((a, b) => b.n - a.n)[0].name;
  const m = member(victim);
  const since = new Date();
  // Its writes fail for 1.5 s (under the fence's 2.7 s): the rows go to its spool.
  m.partition('refuse');
  await new Promise((r) => setTimeout(r, 1_500));
  const hold = m.hold('FROM STDIN');
  m.heal();
  await Promise.race([hold.held, new Promise((_, reject) => setTimeout(() => reject(new Error(`${victim} sent no COPY within 20 s:\n${m.output().slice(-1500)}`)), 20_000))]);
  m.signal('SIGKILL');
  await waitFor(() => !m.running(), `${victim} exited after kill -9`, 10_000);
  hold.release();
  // What it had accepted: the summary rows of its spool.
  const spooled = spooledNodeRows(join(m.dir, 'spool'));
  assert.ok(spooled.length > 0, `${victim} spooled summary rows during its 1.5 s cut`);
  await m.start();
  await waitFor(async () => {
    const r = await h.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM kubepulse.node_metric m JOIN unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[]) AS s(cluster_id, node, ts, source)
         ON m.cluster_id = s.cluster_id AND m.node = s.node AND m.ts = s.ts AND m.source = s.source`,
      [spooled.map((x) => x.clusterId), spooled.map((x) => x.node), spooled.map((x) => x.ts), spooled.map((x) => x.source)]);
    return Number(r.rows[0].n) >= spooled.length;
  }, `the ${spooled.length} spooled summary rows stored after the restart`, 30_000);
  await assertRecovered(since, 'a kill inside a COPY');
});

test('a member killed inside a compaction leaves the raw rows whole; the next pass compacts them once', async () => {
  await waitFor(settled, 'settled', 60_000);
  // An old hour of samples: the last 20 s of node rows again, 3 h earlier (compact_after is 1 h).
  const table = sampleTable('node');
  const cols = (await h.pool.query<{ c: string }>(
    `SELECT quote_ident(column_name) AS c FROM information_schema.columns WHERE table_schema = 'kubepulse' AND table_name = $1 ORDER BY ordinal_position`, [table])).rows.map((x) => x.c);
  const recent = await h.pool.query<{ lo: Date; hi: Date }>(`SELECT min(ts) AS lo, max(ts) AS hi FROM kubepulse.${table} WHERE ts > now() - interval '20 seconds'`);
  const shift = 3 * 3_600_000;
  const from = new Date(recent.rows[0].lo.getTime() - shift);
  const to = new Date(recent.rows[0].hi.getTime() - shift + 1);
  await new PartitionManager(h.pool, { widthMs: 3_600_000 }).ensureFor(table, [from.getTime(), to.getTime()]);
  const seeded = (await h.pool.query(
    `INSERT INTO kubepulse.${table} (${cols.join(', ')})
     SELECT ${cols.map((c) => (c === 'ts' ? `ts - ${shift / 1000} * interval '1 second'` : c)).join(', ')} FROM kubepulse.${table} WHERE ts >= $1 AND ts < $2`,
    [new Date(from.getTime() + shift), new Date(to.getTime() + shift)])).rowCount!;
  assert.ok(seeded > 0);
  const rawCount = async () => Number((await h.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM kubepulse.${table} WHERE ts >= $1 AND ts < $2`, [from, to])).rows[0].n);
  const blocks = async () => Number((await h.pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM kubepulse.${blockTable('node')} WHERE start_ts >= date_trunc('hour', $1::timestamptz) AND start_ts < $2`, [from, to])).rows[0].n);

  // Whichever member's maintenance pass (every 60 s each) reaches the compaction first is held inside it.
  const since = new Date();
  const holds = h.members.map((m) => m.hold('IN SHARE MODE'));
  let victim = -1;
  try {
    await waitFor(() => (victim = holds.findIndex((x) => x.count() > 0)) >= 0, 'a member inside the compaction', 90_000, 100);
    h.members[victim].signal('SIGKILL');
    await waitFor(() => !h.members[victim].running(), 'the compacting member exited after kill -9', 10_000);
  } finally {
    for (const x of holds) x.release();
  }
  // Its transaction rolled back: the rows are all raw, no block was kept.
  assert.equal(await rawCount(), seeded, 'the raw rows are whole after the kill');
  assert.equal(await blocks(), 0, 'no history block of the killed compaction');
  await h.members[victim].start();
  // The restarted member's first pass (or another member's) compacts the hour.
  await waitFor(async () => (await rawCount()) === 0, 'the old partition compacted', 150_000, 500);
  assert.ok((await blocks()) > 0, 'history blocks hold the hour');
  const r = await h.pool.query<{ n: string; distinct: string }>(
    `SELECT count(*)::text AS n, count(DISTINCT (cluster_id, node, ts, source))::text AS distinct FROM kubepulse.node_history($1, $2)`, [from, to]);
  assert.equal(Number(r.rows[0].n), seeded, 'every seeded row is in the blocks, once');
  assert.equal(Number(r.rows[0].distinct), seeded, 'no sample twice in the blocks');
  await assertRecovered(since, 'a kill inside a compaction');
});

/** The summary rows of node samples in a member's spool segments: what it had accepted. */
function spooledNodeRows(dir: string): Array<{ clusterId: number; node: string; ts: string; source: string }> {
  const out: Array<{ clusterId: number; node: string; ts: string; source: string }> = [];
  for (const f of readdirSync(dir)) {
    if (parseSegmentName(f)?.stream !== 'metric') continue;
    for (const rec of parseSegment(readFileSync(join(dir, f), 'utf8')).records) {
      if (rec.t !== 'metric' || rec.entity !== 'node') continue;
      for (const row of rec.rows) {
        if (row.source !== 's') continue;
        out.push({ clusterId: Number(row.cluster_id), node: String(row.node), ts: new Date(row.ts as string).toISOString(), source: String(row.source) });
      }
    }
  }
  return out;
}
