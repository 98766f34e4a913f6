// The simulated API server does what real ones do where clients differ or clusters misbehave: watch=true,
// True (the Python client) and 1; discovery with and without a trailing slash; a 429 with Retry-After in
// the middle of a paged list; a restart that breaks open watches and refuses connections for a while.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { waitFor } from '../helpers/wait.js';

let sim: SimCluster;
let conn: ClusterConnection;

before(async () => {
  sim = await startSim({ name: 'realism', nodes: 1, podsPerNode: 4, seed: 2, podChurnIntervalMs: 0, logger: { info() {}, warn() {}, error() {} } });
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-sim-realism-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  conn = await ClusterConnection.open({ name: sim.name, kubeconfig, context: sim.name });
});

after(async () => {
  await conn?.close();
  await sim?.stop();
});

async function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const res = await conn.raw(path);
  return { status: res.status, headers: res.headers, text: await res.body.text() };
}

test('watch=true, True, TRUE and 1 are watches; false, False and 0 are lists', async () => {
  for (const v of ['true', 'True', 'TRUE', '1']) {
    const r = await get(`/api/v1/pods?watch=${v}&timeoutSeconds=1`);
    assert.equal(r.status, 200);
    const lines = r.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    assert.ok(lines.length > 0 && lines.every((l) => l.type === 'ADDED'), `watch=${v} streams ADDED events`);
  }
  for (const v of ['false', 'False', '0']) {
    const r = await get(`/api/v1/pods?watch=${v}`);
    assert.equal((JSON.parse(r.text) as { kind: string }).kind, 'PodList', `watch=${v} is a list`);
  }
});

test('discovery answers with and without a trailing slash', async () => {
  for (const path of ['/version', '/api', '/apis', '/api/v1', '/apis/apps/v1']) {
    const bare = await get(path);
    const slashed = await get(`${path}/`);
    assert.equal(bare.status, 200, path);
    assert.equal(slashed.status, 200, `${path}/`);
    assert.deepEqual(JSON.parse(slashed.text), JSON.parse(bare.text), `${path}/ is ${path}`);
  }
});

test('a paged list can be throttled in the middle: 429 with Retry-After, then the same continue token goes on', async () => {
  sim.setFaults({ throttleListPages: { count: 1, retryAfterSeconds: 3 } });
  const first = JSON.parse((await get('/api/v1/pods?limit=2')).text) as { metadata: { continue: string }; items: Array<{ metadata: { name: string } }> };
  const next = `/api/v1/pods?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`;
  const throttled = await get(next);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers['retry-after'], '3');
  const status = JSON.parse(throttled.text) as { kind: string; reason: string; details: { retryAfterSeconds: number } };
  assert.deepEqual([status.kind, status.reason, status.details.retryAfterSeconds], ['Status', 'TooManyRequests', 3]);
  const again = await get(next);
  assert.equal(again.status, 200, 'the throttle is used up; the token still works');
  const names = (JSON.parse(again.text) as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name);
  assert.ok(names.length > 0 && names.every((n) => !first.items.some((f) => f.metadata.name === n)), 'the second page, not the first again');
  assert.throws(() => sim.setFaults({ throttleListPages: { count: -1 } }), /throttleListPages/);
});

test('an API-server restart breaks open watches, refuses connections while down, and keeps the watch history', async () => {
  sim.setFaults({});
  const list = JSON.parse((await get('/api/v1/pods')).text) as { metadata: { resourceVersion: string }; items: Array<{ metadata: { namespace: string; name: string; uid: string } }> };
  const watch = await conn.raw(`/api/v1/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=60`);
  assert.equal(watch.status, 200);
  const ended = (async () => {
    try {
      for await (const _ of watch.body) { /* no events expected before the restart */ }
      return 'clean end';
    } catch {
      return 'broken';
    }
  })();
  const restarted = sim.restartApiServer(1000);
  assert.equal(await ended, 'broken', 'the open watch breaks mid-stream');
  const victim = list.items[0].metadata;
  sim.deletePod(victim.namespace, victim.name);
  const refused = await conn.raw('/version').then(() => 'answered', (e: Error & { cause?: { code?: string }; code?: string }) => e.code ?? e.cause?.code ?? e.message);
  assert.equal(refused, 'ECONNREFUSED', 'connections are refused while it is down');
  await restarted;
  assert.equal(sim.stats().apiRestarts, 1);
  // Resumed from the list's resourceVersion: the deletion made while it was down comes as an event.
  const resumed = await get(`/api/v1/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`);
  const events = resumed.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { uid: string } } });
  assert.ok(events.some((e) => e.type === 'DELETED' && e.object.metadata.uid === victim.uid), JSON.stringify(events.map((e) => e.type)));
  // The same through the admin endpoint, answered before the restart takes its connection down.
  const res = await conn.raw('/_sim/apiserver/restart?downForMs=200', { method: 'POST' });
  assert.equal(res.status, 202, await res.body.text());
  await waitFor(() => sim.stats().apiRestarts === 2, 'the second restart');
  await waitFor(async () => (await get('/version')).status === 200, 'up again');
});
