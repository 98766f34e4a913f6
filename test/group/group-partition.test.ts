// A member partitioned from the database (its packets dropped, not refused) while it holds the cluster's
// lease: it fences itself (stops scraping and writing) before its lease can expire, the other member
// takes the lease and every node, and when the network heals it rejoins without a duplicate sample row.
// Each member reaches the database through a proxy of its own: the lease goes to the member the group's
// hashing meant it for (the first one may hand it over when the second joins), so the test cuts whichever
// holds it once it has settled.
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
import { startMember, type Member, type MemberSpec } from './spawn-member.js';
import { startPartitionProxy, type PartitionProxy } from './tcp-partition.js';

let db: TestDatabase;
let pool: pg.Pool;
let sim: SimCluster;
const proxies: PartitionProxy[] = [];
const members: Member[] = [];

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  db = await startTestDatabase();
  pool = createPool(db.url, { max: 2 });
  const url = new URL(db.url);
  for (let i = 0; i < 2; i++) proxies.push(await startPartitionProxy({ host: url.hostname, port: Number(url.port) }));
  sim = await startSim({ name: 'gamma', nodes: 6, podsPerNode: 2, seed: 3, podChurnIntervalMs: 0, housekeepingMs: 1000 });
});

after(async () => {
  for (const m of members) {
    if (m.proc.exitCode === null && m.proc.signalCode === null) m.proc.kill('SIGKILL');
    await Promise.race([m.exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  for (const p of proxies) await p.close();
  await pool?.end();
  await sim?.stop();
  await db?.stop();
});

async function holder(): Promise<string | null> {
  const r = await pool.query<{ name: string }>(
    'SELECT m.name FROM kubepulse.collector_lease l JOIN kubepulse.collector_member m ON m.member_id = l.holder WHERE l.expires_at > now()');
  return r.rows[0]?.name ?? null;
}

async function duplicateRows(): Promise<number> {
  let dup = 0;
  for (const e of ENTITIES) {
    const r = await pool.query<{ n: string }>(
      `SELECT coalesce(sum(c - 1), 0)::text AS n FROM (SELECT count(*) AS c FROM kubepulse.${sampleTable(e)} GROUP BY cluster_id, series_id, ts, source HAVING count(*) > 1) d`);
    dup += Number(r.rows[0].n);
  }
  return dup;
}

test('a lease holder cut off from the database fences itself, is replaced, and rejoins when the network heals', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-partition-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  const through = (i: number) => {
    const u = new URL(db.url);
    u.port = String(proxies[i].port);
    return u.toString();
  };
  const spec = (name: string, databaseUrl: string): MemberSpec => ({ name, dir, databaseUrl, kubeconfig, clusters: ['gamma'], heartbeat: '500ms', ttl: '3s' });
  // p1 starts alone and takes the lease; p2 joins.
  const p1 = await startMember(spec('p1', through(0)));
  members.push(p1);
  await waitFor(async () => (await holder()) === 'p1', () => `p1 holds the lease (${p1.output().slice(-500)})`, 40_000);
  const p2 = await startMember(spec('p2', through(1)));
  members.push(p2);
  const byName = new Map([['p1', { m: p1, proxy: proxies[0] }], ['p2', { m: p2, proxy: proxies[1] }]]);
  const shared = async () => {
    const [a, b] = await Promise.all([p1.status(), p2.status()]);
    const na = a.group?.nodes.gamma ?? [];
    const nb = b.group?.nodes.gamma ?? [];
    return !a.group?.fenced && !b.group?.fenced && na.length + nb.length === 6 && new Set([...na, ...nb]).size === 6
      && a.group!.members.filter((m) => m.alive).length === 2;
  };
  await waitFor(shared, 'both members share the six nodes', 40_000);
  // The lease stays where it is, or is handed to p2 once the member list is stable: wait past that grace.
  await new Promise((r) => setTimeout(r, 3_000));
  const cutName = (await holder())!;
  const otherName = cutName === 'p1' ? 'p2' : 'p1';
  const cut = byName.get(cutName)!.m;
  const other = byName.get(otherName)!.m;

  byName.get(cutName)!.proxy.partition();
  // The holder cannot heartbeat: it stops collecting on its own (its HTTP status still answers).
  await waitFor(async () => {
    const st = await cut.status();
    return st.group!.fenced && (st.group!.nodes.gamma ?? []).length === 0;
  }, () => `${cutName} fenced itself, scraping nothing (${cut.output().slice(-2500)})`, 10_000);
  const fencedAt = Date.now();
  assert.match(cut.output(), /stops collecting before its share can be taken over/);
  // The other member takes the lease and every node.
  await waitFor(async () => (await holder()) === otherName && ((await other.status()).group?.nodes.gamma ?? []).length === 6, `${otherName} took the lease and every node`, 15_000);
  await waitFor(async () => (await other.status()).clusters[0].watches.some((w) => w.kind === 'deployment'), `${otherName} runs the inventory informers`, 10_000);
  // The cut member fenced itself before the lease could move: it is stamped on the acquisition in the database.
  const acquired = await pool.query<{ at: Date; token: string }>('SELECT acquired_at AS at, token::text AS token FROM kubepulse.collector_lease');
  assert.ok(fencedAt <= acquired.rows[0].at.getTime() + 1_000, `${cutName} fenced (seen by this test) no later than ${otherName} took the lease, with the polling's slack`);

  byName.get(cutName)!.proxy.heal();
  await waitFor(shared, () => `${cutName} rejoined, the nodes shared again (${cut.output().slice(-1500)})`, 40_000);
  // The lease is held by a live member with a newer token than the cut one's (which can never write again).
  const after = await pool.query<{ token: string }>('SELECT token::text AS token FROM kubepulse.collector_lease WHERE expires_at > now() AND holder IS NOT NULL');
  assert.ok(after.rowCount === 1 && BigInt(after.rows[0].token) >= BigInt(acquired.rows[0].token), 'a live member holds the lease with the new token or a later one');
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(await duplicateRows(), 0, 'no sample stored twice across the partition');
});
