// [retention] inventory_deleted against a real PostgreSQL: the maintenance pass forgets objects deleted
// longer ago than the retention — kind row, child rows (containers) and change_log history — in bounded
// batches, and keeps recently deleted and live objects with their whole history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInventory } from '../../src/store/inventory-writer.js';
import { kindByName } from '../../src/inventory/kinds/index.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { purgeDeletedInventory } from '../../src/store/inventory-retention.js';
import { parseDurationMs } from '../../src/config/schema.js';
import { buildConfig } from '../../src/config/load.js';
import { useMigratedStore } from '../helpers/store.js';
import type { KubeObject } from '../../src/inventory/kind.js';

const store = useMigratedStore('retention');
const pod = kindByName('pod')!;
const DAY = 86_400_000;

function podObj(name: string): KubeObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1' },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:1' }, { name: 'side', image: 'side:1' }] },
    status: { phase: 'Running' },
  };
}

async function count(sql: string, names: string[]): Promise<number> {
  const r = await store.pool.query<{ n: string }>(sql, [store.clusterId, names.map((n) => `uid-${n}`)]);
  return Number(r.rows[0].n);
}
const rows = (names: string[]) => count('SELECT count(*) AS n FROM kubepulse.pod WHERE cluster_id = $1 AND uid = ANY($2)', names);
const history = (names: string[]) => count("SELECT count(*) AS n FROM kubepulse.change_log WHERE cluster_id = $1 AND kind = 'pod' AND uid = ANY($2)", names);
const containers = (names: string[]) => count('SELECT count(*) AS n FROM kubepulse.container WHERE cluster_id = $1 AND pod_uid = ANY($2)', names);

test('objects deleted past inventory_deleted go with their containers and history, in batches; the rest stay', async () => {
  const now = Date.now();
  const old = ['old-1', 'old-2', 'old-3', 'old-4', 'old-5'];
  const recent = ['recent-1'];
  const live = ['live-1'];
  const all = [...old, ...recent, ...live];
  await applyInventory(store.pool, pod, store.clusterId, all.map((n) => ({ op: 'upsert' as const, obj: podObj(n) })), { at: new Date(now - 40 * DAY) });
  await applyInventory(store.pool, pod, store.clusterId, old.map((n) => ({ op: 'delete' as const, obj: podObj(n) })), { at: new Date(now - 31 * DAY) });
  await applyInventory(store.pool, pod, store.clusterId, recent.map((n) => ({ op: 'delete' as const, obj: podObj(n) })), { at: new Date(now - 29 * DAY) });
  assert.equal(await rows(all), 7);
  assert.equal(await containers(all), 14);
  assert.equal(await history(old), 10, 'an add and a delete per old pod');

  // The configured retention is what the maintenance loop applies.
  const retention = buildConfig({ retention: { inventory_deleted: '30d' } }, 'test', {}).retention;
  assert.equal(retention.inventory_deleted, parseDurationMs('30d'));

  // Bounded: two objects per statement, two statements per kind per pass.
  const m = new StoreMaintenance(store.pool, { retentionMs: retention, kinds: [pod], purge: { batchSize: 2, maxBatches: 2 } });
  const first = await m.runOnce(now);
  assert.equal(first.error, null);
  assert.deepEqual(first.purgedInventory, { pod: 4 });
  assert.equal(await rows(old), 1, 'the fifth waits for the next pass');
  const second = await m.runOnce(now);
  assert.deepEqual(second.purgedInventory, { pod: 1 });
  assert.deepEqual((await m.runOnce(now)).purgedInventory, {}, 'nothing left past the retention');

  assert.equal(await rows(old), 0);
  assert.equal(await containers(old), 0);
  assert.equal(await history(old), 0);
  assert.equal(await rows([...recent, ...live]), 2, 'recently deleted and live pods stay');
  assert.equal(await containers([...recent, ...live]), 4);
  assert.equal(await history(recent), 2);
  assert.equal(await history(live), 1);
  const other = await store.pool.query<{ n: string }>("SELECT count(*) AS n FROM kubepulse.pod WHERE deleted_at IS NULL");
  assert.equal(Number(other.rows[0].n), 1);
});

test('a pod seen again after its delete is not purged; a retention that is not positive is refused', async () => {
  const now = Date.now();
  await applyInventory(store.pool, pod, store.clusterId, [{ op: 'upsert', obj: podObj('back') }], { at: new Date(now - 50 * DAY) });
  await applyInventory(store.pool, pod, store.clusterId, [{ op: 'delete', obj: podObj('back') }], { at: new Date(now - 45 * DAY) });
  await applyInventory(store.pool, pod, store.clusterId, [{ op: 'upsert', obj: { ...podObj('back'), metadata: { ...podObj('back').metadata, resourceVersion: '2' } } }]);
  assert.deepEqual(await purgeDeletedInventory(store.pool, [pod], 30 * DAY, now), {});
  assert.equal(await rows(['back']), 1);
  assert.equal(await history(['back']), 3);
  await assert.rejects(purgeDeletedInventory(store.pool, [pod], 0, now), /inventory_deleted must be a positive duration/);
});
