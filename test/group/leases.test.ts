// Membership and leases on a real PostgreSQL: liveness by the database clock, one holder per cluster, the
// token growing at each change of holder, and an inventory write carrying an outdated token refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useMigratedStore } from '../helpers/store.js';
import { heartbeat, leave } from '../../src/group/membership.js';
import { FencedError, fenceCheck, handOver, releaseAll, renewAndRead, tryAcquire } from '../../src/group/leases.js';
import { applyInventory, reconcile } from '../../src/store/inventory-writer.js';
import { namespaceKind } from '../../src/inventory/kinds/namespace.js';

const store = useMigratedStore('lease-one');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const member = (name: string) => ({ id: randomUUID(), name, host: 'test', pid: 1, httpAddress: '127.0.0.1:1' });
const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { uid: randomUUID(), name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' } });

async function liveNamespaces(clusterId: number): Promise<string[]> {
  const r = await store.pool.query<{ name: string }>('SELECT name FROM kubepulse.namespace WHERE cluster_id = $1 AND deleted_at IS NULL ORDER BY name', [clusterId]);
  return r.rows.map((x) => x.name);
}

test('members are alive while they heartbeat within the TTL, by the database clock, and leave on purpose', async () => {
  const a = member('a');
  const b = member('b');
  // TTLs of seconds: a loaded machine may take hundreds of ms between two statements.
  await heartbeat(store.pool, a, ['lease-one'], {}, 2_000);
  const seen = await heartbeat(store.pool, b, ['lease-one', 'other'], { 'lease-one': 3 }, 2_000);
  const byName = new Map(seen.members.map((m) => [m.name, m]));
  assert.equal(byName.get('a')?.alive, true);
  assert.deepEqual(byName.get('b')?.clusters, ['lease-one', 'other']);
  assert.deepEqual(byName.get('b')?.ownedNodes, { 'lease-one': 3 });
  await sleep(2_200);
  const later = await heartbeat(store.pool, b, ['lease-one'], {}, 2_000);
  assert.equal(later.members.find((m) => m.name === 'a')?.alive, false, 'a stopped heartbeating a TTL ago');
  assert.equal(later.members.find((m) => m.name === 'b')?.alive, true);
  await leave(store.pool, a.id);
  await leave(store.pool, b.id);
  const none = await store.pool.query('SELECT 1 FROM kubepulse.collector_member WHERE member_id = ANY($1)', [[a.id, b.id]]);
  assert.equal(none.rowCount, 0);
});

test('one holder per lease; a takeover after expiry grows the token and fences the old holder\'s writes', async () => {
  const c = store.clusterId;
  const a = member('a');
  const b = member('b');
  const ttl = 2_000;
  const first = await tryAcquire(store.pool, a.id, c, ttl);
  assert.ok(first, 'a free lease is taken');
  assert.equal(await tryAcquire(store.pool, b.id, c, ttl), null, 'a held lease is not');
  const fenceA = { clusterId: c, memberId: a.id, token: first.token };
  await applyInventory(store.pool, namespaceKind, c, [{ op: 'upsert', obj: ns('by-a') }], { fence: (cl) => fenceCheck(cl, fenceA) });
  assert.deepEqual(await liveNamespaces(c), ['by-a']);

  // a renews while it can; b still cannot take it.
  await sleep(ttl / 4);
  const renewed = await renewAndRead(store.pool, a.id, [c], ttl);
  assert.equal(renewed[0].holder, a.id);
  assert.ok(renewed[0].expiresInS > ttl / 2000, `renewed for a TTL (${renewed[0].expiresInS} s left)`);
  assert.equal(await tryAcquire(store.pool, b.id, c, ttl), null);

  // a stops renewing (hung, partitioned): once the lease ran out b takes it with a new token.
  await sleep(ttl + 200);
  const taken = await tryAcquire(store.pool, b.id, c, ttl);
  assert.ok(taken);
  assert.equal(BigInt(taken.token), BigInt(first.token) + 1n);
  assert.equal(taken.takeovers, first.takeovers + 1);
  // a comes back: its lease is not renewed, and its writes with the old token are refused, nothing stored.
  const back = await renewAndRead(store.pool, a.id, [c], ttl);
  assert.equal(back[0].holder, b.id);
  await assert.rejects(
    applyInventory(store.pool, namespaceKind, c, [{ op: 'upsert', obj: ns('late-from-a') }], { fence: (cl) => fenceCheck(cl, fenceA) }),
    FencedError,
  );
  await assert.rejects(reconcile(store.pool, namespaceKind, c, [], new Date(Date.now() + 60_000), (cl) => fenceCheck(cl, fenceA)), FencedError);
  assert.deepEqual(await liveNamespaces(c), ['by-a'], 'the refused upsert and reconcile left nothing behind');

  // A release on purpose hands the lease over without a takeover.
  await releaseAll(store.pool, b.id);
  const handed = await tryAcquire(store.pool, a.id, c, ttl);
  assert.ok(handed);
  assert.equal(handed.takeovers, taken.takeovers, 'a released lease taken is no takeover');
  assert.equal(BigInt(handed.token), BigInt(taken.token) + 1n);
});

test('a takeover waits for a fenced write that is committing, then that write is the last of the old holder', async () => {
  const c = store.clusterId;
  await releaseAll(store.pool, (await store.pool.query<{ holder: string }>('SELECT holder FROM kubepulse.collector_lease WHERE cluster_id = $1', [c])).rows[0].holder);
  const a = member('a');
  const b = member('b');
  const ttl = 1_500;
  const lease = await tryAcquire(store.pool, a.id, c, ttl);
  assert.ok(lease);
  const fenceA = { clusterId: c, memberId: a.id, token: lease.token };
  // a's write passes its fence, then holds its transaction open past the lease's expiry.
  let takeoverAt = 0;
  const write = applyInventory(store.pool, namespaceKind, c, [{ op: 'upsert', obj: ns('slow-from-a') }], {
    fence: async (cl) => {
      await fenceCheck(cl, fenceA);
      await sleep(ttl + 1_000);
    },
  });
  await sleep(ttl + 300); // expired now, but a's fenced commit holds the row
  const take = tryAcquire(store.pool, b.id, c, ttl).then((r) => {
    takeoverAt = Date.now();
    return r;
  });
  await write;
  const committedAt = Date.now();
  const got = await take;
  assert.ok(got, 'b takes the lease once a committed');
  assert.ok(takeoverAt >= committedAt - 50, 'the takeover waited for the commit under the old token');
  assert.ok((await liveNamespaces(c)).includes('slow-from-a'));
});

test('a holder hands its lease to another member in one step: a new token, no takeover, its own writes fenced', async () => {
  const c = store.clusterId;
  const current = (await store.pool.query<{ holder: string | null }>('SELECT holder FROM kubepulse.collector_lease WHERE cluster_id = $1', [c])).rows[0]?.holder;
  if (current) await releaseAll(store.pool, current);
  const a = member('a');
  const b = member('b');
  const ttl = 5_000;
  const lease = await tryAcquire(store.pool, a.id, c, ttl);
  assert.ok(lease);
  assert.equal(await handOver(store.pool, a.id, c, lease.token, b.id, ttl), true);
  // b finds it its own at its next heartbeat, with the next token and no takeover counted.
  const [seen] = await renewAndRead(store.pool, b.id, [c], ttl);
  assert.equal(seen.holder, b.id);
  assert.equal(BigInt(seen.token), BigInt(lease.token) + 1n);
  assert.equal(seen.takeovers, lease.takeovers, 'a handover is no takeover');
  // a's writes under its old token are refused; a second handover with that token does nothing.
  await assert.rejects(applyInventory(store.pool, namespaceKind, c, [{ op: 'upsert', obj: ns('after-handover-from-a') }], { fence: (cl) => fenceCheck(cl, { clusterId: c, memberId: a.id, token: lease.token }) }), FencedError);
  assert.equal(await handOver(store.pool, a.id, c, lease.token, a.id, ttl), false);
  await applyInventory(store.pool, namespaceKind, c, [{ op: 'upsert', obj: ns('from-b') }], { fence: (cl) => fenceCheck(cl, { clusterId: c, memberId: b.id, token: seen.token }) });
  assert.ok((await liveNamespaces(c)).includes('from-b'));
  assert.ok(!(await liveNamespaces(c)).includes('after-handover-from-a'));
});
