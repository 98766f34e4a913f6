// A member without a cluster's inventory lease takes the cluster's nodes and pods from the database the
// lease holder writes (src/collector/inventory-follower.ts), not from the API server. Two `kubepulse run`
// processes on the external PostgreSQL share one simulated cluster, each with a bearer token of its own, so
// the simulator's request counts tell their calls apart: the member without the lease makes no LIST or
// WATCH of nodes or pods, yet scrapes its share, follows a pod deleted and a node joining; killed, the holder
// is replaced by that member, which then starts its informers (lists and watches of its own).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import type pg from 'pg';
import { startExternalPostgres, type ExternalPostgres } from '../helpers/external-pg.js';
import { waitFor } from '../helpers/wait.js';
import { createPool } from '../../src/store/pool.js';
import { configureLogging } from '../../src/log.js';
import type { StatusReport } from '../../src/health/status.js';
import { startMember, stopMembers, waitUntilUp, type Member } from './spawn-member.js';

const CLUSTER = 'east';
const NODES = 10;

let db: ExternalPostgres;
let pool: pg.Pool;
let sim: SimCluster;
const members = new Map<string, Member>();
const tokens = new Map<string, string>();

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  db = await startExternalPostgres();
  pool = createPool(db.url, { max: 2 });
  sim = await startSim({ name: CLUSTER, nodes: NODES, podsPerNode: 2, seed: 19, podChurnIntervalMs: 0, housekeepingMs: 1000 });
  const dir = mkdtempSync(join(tmpdir(), 'kp-follower-'));
  // One after the other: the first one migrates the database.
  for (const name of ['m1', 'm2']) {
    const token = `${name}-${randomBytes(12).toString('hex')}`;
    sim.credentials.addToken(token);
    tokens.set(name, token);
    const kubeconfig = join(dir, `kubeconfig-${name}`);
    await writeKubeconfig(kubeconfig, [{ ...sim, token }]);
    const m = await startMember({ name, dir, databaseUrl: db.url, kubeconfig, clusters: [CLUSTER], heartbeat: '500ms', ttl: '3s' });
    members.set(name, m);
    await waitUntilUp(m);
  }
});

after(async () => {
  await stopMembers(members.values());
  await pool?.end();
  await sim?.stop();
  await db?.stop();
});

/** A member's node and pod LISTs and WATCHes so far, as the simulated API server counted them. */
function targetCalls(member: string): number {
  const token = tokens.get(member)!;
  let n = 0;
  for (const [key, count] of sim.apiRequests()) {
    const [caller, method, path] = key.split(' ');
    if (caller === token && method === 'GET' && (path === '/api/v1/pods' || path === '/api/v1/nodes')) n += count;
  }
  return n;
}

function clusterOf(st: StatusReport) {
  const c = st.clusters.find((x) => x.name === CLUSTER);
  if (!c) throw new Error(`no cluster ${CLUSTER} in the status`);
  return c;
}

/** The live member holding the cluster's lease, by the members' own status. */
function holderOf(st: StatusReport): string | null {
  const l = st.group?.leases.find((x) => x.cluster === CLUSTER);
  return l && l.expiresInS > 0 ? l.holderName : null;
}

async function liveRows(table: 'node' | 'pod'): Promise<number> {
  const r = await pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM kubepulse.${table} t JOIN kubepulse.cluster c ON c.id = t.cluster_id WHERE c.name = $1 AND t.deleted_at IS NULL`, [CLUSTER]);
  return Number(r.rows[0].n);
}

/** Both members alive and agreeing on the holder, every node scraped by exactly one, each scraping some. */
async function settled(expectedNodes: number): Promise<{ holder: string; follower: string } | null> {
  const sts = new Map(await Promise.all([...members].map(async ([n, m]) => [n, await m.status()] as const)));
  const holders = new Set([...sts.values()].map(holderOf));
  if (holders.size !== 1) return null;
  const holder = [...holders][0];
  if (!holder || !sts.has(holder)) return null;
  const owned = [...sts.values()].map((st) => st.group?.nodes[CLUSTER] ?? []);
  if (owned.some((o) => o.length === 0) || new Set(owned.flat()).size !== expectedNodes || owned.flat().length !== expectedNodes) return null;
  const follower = [...sts.keys()].find((n) => n !== holder)!;
  return { holder, follower };
}

/**
 * The roles once they hold still for longer than a lease handover takes (the member list stable for the
 * grace 2 × heartbeat + 1 s, then one heartbeat): the holder may hand its lease to the second member.
 */
async function stableRoles(expectedNodes: number): Promise<{ holder: string; follower: string }> {
  let last: { holder: string; follower: string } | null = null;
  let since = 0;
  await waitFor(async () => {
    const r = await settled(expectedNodes);
    if (!r || r.holder !== last?.holder) {
      last = r;
      since = Date.now();
      return false;
    }
    return Date.now() - since > 5_000;
  }, 'one lease holder for 5 s and every node scraped once, by both members', 60_000);
  return last!;
}

/** Joins one node to the simulated cluster (its admin endpoint); returns its name. */
function joinNode(): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}/_sim/nodes`, { method: 'POST', ca: sim.caPem, headers: { authorization: `Bearer ${sim.token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(body) as { name: string }).name) : reject(new Error(`join: HTTP ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

let roles: { holder: string; follower: string };

test('the member without the lease makes no node or pod LIST or WATCH, yet scrapes its share and follows a pod delete and a node join', async () => {
  roles = await stableRoles(NODES);
  const follower = members.get(roles.follower)!;
  // Settled as a follower: its informers (if it held the lease before a handover) are stopped, the tables read.
  await waitFor(async () => {
    const c = clusterOf(await follower.status());
    return c.watches.length === 0 && (c.follower?.resyncs ?? 0) >= 1 && c.nodes === NODES && c.pods === await liveRows('pod');
  }, () => `${roles.follower} follows the database (${follower.output().slice(-600)})`, 30_000);
  const callsBefore = targetCalls(roles.follower);

  // Its share is scraped: the kubelet addresses came from the node table.
  await waitFor(async () => {
    const s = clusterOf(await follower.status()).scrapes.summary;
    return s !== undefined && s.nodes > 0 && s.ok === s.nodes;
  }, `${roles.follower} scrapes its nodes`, 20_000);

  // A pod deleted: the holder marks it deleted, the follower's pod index drops it (its count would
  // otherwise stay one above the live pods once its ReplicaSet replaces it under a new name).
  const victim = (await pool.query<{ uid: string; namespace: string; name: string }>(
    `SELECT p.uid, p.namespace, p.name FROM kubepulse.pod p JOIN kubepulse.cluster c ON c.id = p.cluster_id
      WHERE c.name = $1 AND p.deleted_at IS NULL AND p.owner_kind = 'ReplicaSet' ORDER BY p.name LIMIT 1`, [CLUSTER])).rows[0];
  assert.ok(victim, 'a ReplicaSet pod to delete');
  const rowsBefore = clusterOf(await follower.status()).follower!.rows;
  sim.deletePod(victim.namespace, victim.name);
  await waitFor(async () => {
    const gone = await pool.query('SELECT 1 FROM kubepulse.pod WHERE uid = $1 AND deleted_at IS NOT NULL', [victim.uid]);
    const c = clusterOf(await follower.status());
    return gone.rowCount === 1 && c.follower!.rows > rowsBefore && c.pods === await liveRows('pod') && c.pods === sim.stats().pods;
  }, () => `${roles.follower} follows the delete of pod ${victim.name}`, 30_000);

  // A node joins: the follower learns it from the node table and the group scrapes it.
  const joined = await joinNode();
  await waitFor(async () => clusterOf(await follower.status()).nodes === NODES + 1, `${roles.follower} knows node ${joined}`, 30_000);
  await waitFor(async () => (await settled(NODES + 1)) !== null, `node ${joined} scraped by one member`, 30_000);
  await waitFor(async () => {
    const sts = await Promise.all([...members.values()].map((m) => m.status()));
    const owner = sts.find((st) => (st.group?.nodes[CLUSTER] ?? []).includes(joined));
    const s = owner && clusterOf(owner).scrapes.summary;
    return s !== undefined && s.ok === s.nodes;
  }, `node ${joined} scraped`, 30_000);

  assert.equal(targetCalls(roles.follower), callsBefore, `${roles.follower} listed or watched nodes or pods without the lease`);
  assert.equal(clusterOf(await follower.status()).watches.length, 0);
  assert.ok(targetCalls(roles.holder) > 0, 'the holder lists and watches nodes and pods itself');
});

test('on takeover the new holder starts its informers', async () => {
  const next = members.get(roles.follower)!;
  const callsBefore = targetCalls(roles.follower);
  members.get(roles.holder)!.proc.kill('SIGKILL');
  await waitFor(async () => {
    const st = await next.status();
    const c = clusterOf(st);
    const watching = new Set(c.watches.filter((w) => w.state === 'watching').map((w) => w.kind));
    return holderOf(st) === roles.follower && c.follower === undefined && watching.has('node') && watching.has('pod')
      && (st.group?.nodes[CLUSTER] ?? []).length === NODES + 1;
  }, () => `${roles.follower} holds the lease and watches (${next.output().slice(-800)})`, 40_000);
  assert.ok(targetCalls(roles.follower) >= callsBefore + 4, 'the new holder listed and watched nodes and pods');
  // Its scrape targets did not go away in the switch: every node is still scraped, now all by it.
  await waitFor(async () => {
    const s = clusterOf(await next.status()).scrapes.summary;
    return s !== undefined && s.nodes === NODES + 1 && s.ok === s.nodes;
  }, `${roles.follower} scrapes every node`, 30_000);
});
