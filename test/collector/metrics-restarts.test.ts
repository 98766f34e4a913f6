// Counter resets through the whole metric pipeline into a real PostgreSQL: a simulated kubelet (its
// summary and cAdvisor pages, on a hand-moved clock) whose container restarts and whose node reboots.
// Rates never go negative, the reset is counted, and the rows after the reset carry the new counters.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureCluster } from '../../src/store/clusters.js';
import { KubeletPipeline } from '../../src/collector/kubelet-pipeline.js';
import type { Database } from '../../src/collector/database.js';
import { ENTITIES, ENTITY_TABLES, metricsOf } from '../../src/metrics/definitions.js';
import type { KubeletSource } from '../../src/metrics/kubelet-client.js';
import { createKubelet } from '@kubepulse/sim/kubelet';
import { makeFakeNodeView } from '@kubepulse/sim/kubelet/fake-view';
import { configureLogging } from '../../src/log.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore();
before(() => {
  configureLogging({ level: 'error', console: 'off' });
});

test('container restarts and a node reboot reset counters without negative rates', async () => {
  const clusterId = await ensureCluster(store.pool, 'restarts');
  const housekeepingMs = 10_000;
  let nowMs = Math.floor(Date.now() / 1000) * 1000 - 20 * housekeepingMs;
  const view = makeFakeNodeView({ seed: 7, podCount: 4, bootMs: nowMs - 2 * 3_600_000, name: 'node-r' });
  const kubelet = createKubelet(() => view, { containerRestarted: () => undefined }, { now: () => nowMs, housekeepingMs });
  const fakeDb = { pool: store.pool, maintenance: undefined, noteWrite: () => undefined } as unknown as Database;
  const pipeline = new KubeletPipeline(fakeDb);
  const restarted = view.pods[0]!.containers[0]!;
  const restartedPod = view.pods[0]!;

  const scrape = async (): Promise<void> => {
    for (const source of ['summary', 'cadvisor'] as KubeletSource[]) {
      const path = source === 'summary' ? '/stats/summary' : '/metrics/cadvisor';
      const body = kubelet.serveBytes(path).body;
      await pipeline.ingest({ clusterId, cluster: 'restarts', node: view.name, source, body, scrapedAt: new Date(nowMs), intervalMs: housekeepingMs });
    }
  };
  let restartAtMs = 0;
  let rebootAtMs = 0;
  try {
    for (let i = 0; i < 12; i++) {
      nowMs += housekeepingMs;
      if (i === 4) {
        // The container crashed and its next incarnation started 2 s ago: its counters start from zero.
        restartAtMs = nowMs - 2000;
        restarted.startTime = new Date(restartAtMs);
        restarted.restartCount++;
      }
      if (i === 8) {
        // The node rebooted: node, system containers, pods and containers all start again.
        rebootAtMs = nowMs - 6000;
        view.startTime = new Date(rebootAtMs);
        for (const p of view.pods) {
          p.startTime = new Date(rebootAtMs + 1000);
          for (const c of p.containers) c.startTime = new Date(rebootAtMs + 2000);
        }
      }
      await scrape();
    }
    const counters = pipeline.counters();
    await pipeline.flush();
    assert.ok(counters.counterResets >= 2, `resets counted: ${counters.counterResets}`);
    assert.equal(counters.decodeErrors, 0);
  } finally {
    await pipeline.flush();
    kubelet.dispose();
  }

  // No negative rate anywhere, in any table.
  for (const entity of ENTITIES) {
    const rates = metricsOf(entity).filter((m) => m.rate).map((m) => m.rate!.column);
    if (!rates.length) continue;
    const where = rates.map((c) => `"${c}" < 0`).join(' OR ');
    const r = await store.pool.query(`SELECT count(*)::int AS n FROM kubepulse.${ENTITY_TABLES[entity].table} WHERE cluster_id = $1 AND (${where})`, [clusterId]);
    assert.equal(r.rows[0].n, 0, `${entity}: negative rates`);
  }

  // The restarted container: its counter drops at the restart, the rate there is absent or non-negative,
  // and rates are back on the next sample.
  const rows = (await store.pool.query<{ ts: Date; cpu: string; rate: number | null }>(
    `SELECT ts, cpu_usage_core_nanoseconds AS cpu, cpu_rate_millicores AS rate FROM kubepulse.container_metric
     WHERE cluster_id = $1 AND pod_uid = $2 AND container = $3 ORDER BY ts`, [clusterId, restartedPod.uid, restarted.name],
  )).rows;
  assert.ok(rows.length >= 10, `${rows.length} samples of the restarted container`);
  const drops = (list: typeof rows): number[] => list.flatMap((r, i) => (i > 0 && Number(r.cpu) < Number(list[i - 1]!.cpu) ? [i] : []));
  assert.equal(drops(rows).length, 2, 'the counter drops at the restart and at the reboot, nowhere else');
  const firstAfter = drops(rows)[0]!;
  assert.ok(Math.abs(rows[firstAfter]!.ts.getTime() - restartAtMs) <= housekeepingMs, 'the drop is the restart');
  assert.ok(rows[firstAfter]!.rate === null || rows[firstAfter]!.rate >= 0);
  assert.ok(rows.slice(firstAfter + 1).some((r) => r.rate !== null && r.rate >= 0), 'rates resume after the restart');
  assert.ok(rows.slice(1, firstAfter).every((r) => r.rate !== null), 'a rate for every sample before the restart');

  // The node: its counter drops at the reboot and rates resume.
  const node = (await store.pool.query<{ ts: Date; cpu: string; rate: number | null }>(
    `SELECT ts, cpu_usage_core_nanoseconds AS cpu, cpu_rate_millicores AS rate FROM kubepulse.node_metric
     WHERE cluster_id = $1 AND node = $2 ORDER BY ts`, [clusterId, view.name],
  )).rows;
  assert.equal(drops(node).length, 1, 'the node counter drops once');
  const reboot = drops(node)[0]!;
  assert.ok(Math.abs(node[reboot]!.ts.getTime() - rebootAtMs) <= housekeepingMs, 'the drop is the reboot');
  assert.ok(node.slice(reboot + 1).some((r) => r.rate !== null && r.rate >= 0), 'node rates resume after the reboot');
});
