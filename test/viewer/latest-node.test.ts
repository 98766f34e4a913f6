// The nodes table's "latest" figures: a cAdvisor row of a node (its own, later sample time, a computed
// CPU rate, no network or filesystem figures) must not hide the newest summary row's network and disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { applyInventory } from '../../src/store/inventory-writer.js';
import { kindByName } from '../../src/inventory/kinds/index.js';
import { allNodes } from '../../src/viewer/queries.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('latest-node');

test('the newest summary row gives the node its network and filesystem figures, a later cAdvisor row its nothing', async () => {
  await applyInventory(store.pool, kindByName('node')!, store.clusterId, [{
    op: 'upsert',
    obj: { metadata: { name: 'n1', uid: 'n1-uid', resourceVersion: '1' }, spec: {}, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } },
  }]);
  const now = Date.now();
  const key = { cluster_id: store.clusterId, node: 'n1' };
  await writeMetricRows(store.pool, 'node', [
    { ...key, ts: new Date(now - 20_000), cpu_usage_nanocores: 900e6, memory_working_set_bytes: 1e9, network_rx_bytes_per_second: 111, fs_used_bytes: 5e9, fs_capacity_bytes: 1e10 },
    { ...key, ts: new Date(now - 10_000), cpu_usage_nanocores: 1200e6, memory_working_set_bytes: 2e9, network_rx_bytes_per_second: 222, network_tx_bytes_per_second: 333, fs_used_bytes: 6e9, fs_capacity_bytes: 1e10 },
    // cAdvisor: newer, CPU only as a rate from its counter.
    { ...key, ts: new Date(now - 2_000), cpu_rate_millicores: 1500, memory_working_set_bytes: 3e9 },
  ]);
  const [row] = (await allNodes(store.pool)).filter((n) => n.name === 'n1');
  assert.ok(row, 'the node is listed');
  assert.equal(row.rxBytesPerSecond, 222);
  assert.equal(row.txBytesPerSecond, 333);
  assert.equal(row.fsUsedBytes, 6e9);
  assert.equal(row.cpuMillicores, 1200, 'CPU of the same (summary) sample');
});
