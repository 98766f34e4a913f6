// Deleting is not enough for a file to stop growing: the space of deleted rows (heap and b-tree pages) is
// reused only after a VACUUM. Under steady pod churn, with inventory_deleted and change_log applied by their
// own functions and a VACUUM after each pass (what autovacuum does, at the thresholds migration 015 sets),
// the files of pod, container and change_log — indexes included — stop growing once the windows have
// passed. Against a real PostgreSQL; simulated time (an hour per cycle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInventory } from '../../src/store/inventory-writer.js';
import { kindByName } from '../../src/inventory/kinds/index.js';
import { purgeDeletedInventory } from '../../src/store/inventory-retention.js';
import { purgeChangeLog } from '../../src/store/change-log-retention.js';
import { useMigratedStore } from '../helpers/store.js';
import type { KubeObject } from '../../src/inventory/kind.js';

const store = useMigratedStore('retention-churn');
const pod = kindByName('pod')!;
const HOUR = 3_600_000;
const TABLES = ['pod', 'container', 'change_log'];

function podObj(name: string, phase: string): KubeObject {
  return {
    metadata: { name, namespace: 'churn', uid: `uid-${name}`, resourceVersion: phase === 'Pending' ? '1' : '2' },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:1' }, { name: 'side', image: 'side:1' }] },
    status: { phase },
  };
}

async function bytes(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const r = await store.pool.query<{ b: string }>(`SELECT pg_total_relation_size('kubepulse.${t}') AS b`);
    out[t] = Number(r.rows[0].b);
  }
  return out;
}

test('under churn, with retention and vacuum, pod, container and change_log files level off once the windows passed', async () => {
  const start = Date.parse('2026-10-01T00:00:00Z');
  const windowMs = 2 * HOUR;
  // Live pods updated every cycle: their superseded change_log rows are what [retention] change_log takes.
  const steady = Array.from({ length: 50 }, (_, i) => `steady-${i}`);
  const sizes: Array<Record<string, number>> = [];
  for (let cycle = 0; cycle < 18; cycle++) {
    const t = start + cycle * HOUR;
    const names = Array.from({ length: 400 }, (_, i) => `c${cycle}-${i}`);
    await applyInventory(store.pool, pod, store.clusterId, names.map((n) => ({ op: 'upsert' as const, obj: podObj(n, 'Pending') })), { at: new Date(t) });
    await applyInventory(store.pool, pod, store.clusterId, [...names, ...steady].map((n) => ({ op: 'upsert' as const, obj: podObj(n, cycle % 2 ? 'Running' : 'Pending') })), { at: new Date(t + 60_000) });
    await applyInventory(store.pool, pod, store.clusterId, names.map((n) => ({ op: 'delete' as const, obj: podObj(n, 'Succeeded') })), { at: new Date(t + 120_000) });
    const now = t + 180_000;
    await purgeDeletedInventory(store.pool, [pod], windowMs, now);
    await purgeChangeLog(store.pool, ['pod'], windowMs, now);
    for (const table of TABLES) await store.pool.query(`VACUUM kubepulse.${table}`);
    sizes.push(await bytes());
  }
  // What the windows keep: two cycles of deleted pods and the steady pods' last rows.
  const kept = await store.pool.query<{ n: string }>("SELECT count(*) AS n FROM kubepulse.pod WHERE cluster_id = $1 AND namespace = 'churn'", [store.clusterId]);
  assert.ok(Number(kept.rows[0].n) <= 50 + 3 * 400, `the window keeps at most three cycles of pods, has ${kept.rows[0].n}`);
  // From cycle 6 (the windows passed twice over) to 18, three times the churn went through: without reuse
  // the files would have grown by half again at least.
  for (const t of TABLES) {
    const [at6, at18] = [sizes[5][t], sizes[17][t]];
    assert.ok(at18 <= at6 * 1.15 + 65_536, `${t}: ${at6} bytes after 6 cycles, ${at18} after 18`);
  }
  // And not trivially: the churn filled them well beyond their first cycle.
  assert.ok(sizes[5].change_log > sizes[0].change_log, JSON.stringify(sizes.map((s) => s.change_log)));
});
