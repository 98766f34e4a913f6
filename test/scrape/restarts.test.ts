// Counter resets through the whole metric pipeline into a real PostgreSQL: a simulated kubelet (its
// summary and cAdvisor pages, on a hand-moved clock) whose container restarts and whose node reboots.
// Rates never go negative, the reset is counted, and the rows after the reset carry the new counters.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureCluster } from '../../src/store/clusters.js';
import { KubeletPipeline } from '../../src/scrape/kubelet-pipeline.js';
import type { Database } from '../../src/store/database.js';
import { ENTITIES, ENTITY_TABLES, metricsOf } from '../../src/metrics/definitions.js';
import type { KubeletSource } from '../../src/scrape/kubelet-fetch.js';
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
  const restarted = view.pods[0].containers[0];
  const restartedPod = view.pods[0];

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
    const r = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${ENTITY_TABLES[entity].table} WHERE cluster_id = $1 AND (${where})`, [clusterId]);
    assert.equal(r.rows[0].n, 0, `${entity}: negative rates`);
  }

  // The restarted container: its counter drops at the restart and at the reboot, nowhere else; there is
  // no rate across either, and every other sample's rate is the stored counters' difference over the
  // stored sample times.
  const rows = (await store.pool.query<{ ts: Date; cpu: string; rate: number | null }>(
    `SELECT ts, cpu_usage_core_nanoseconds AS cpu, cpu_rate_millicores AS rate FROM kubepulse.container_metric
     WHERE cluster_id = $1 AND pod_uid = $2 AND container = $3 AND source = 's' ORDER BY ts`, [clusterId, restartedPod.uid, restarted.name],
  )).rows;
  assert.ok(rows.length >= 10, `${rows.length} samples of the restarted container`);
  const drops = (list: typeof rows): number[] => list.flatMap((r, i) => (i > 0 && Number(r.cpu) < Number(list[i - 1].cpu) ? [i] : []));
  const [atRestart, atReboot, ...more] = drops(rows);
  assert.deepEqual(more, [], 'the counter drops at the restart and at the reboot, nowhere else');
  assert.ok(atRestart !== undefined && atReboot !== undefined, `two drops: ${JSON.stringify(drops(rows))}`);
  assert.ok(Math.abs(rows[atRestart].ts.getTime() - restartAtMs) <= housekeepingMs, 'the first drop is the restart');
  assert.ok(Math.abs(rows[atReboot].ts.getTime() - rebootAtMs) <= housekeepingMs, 'the second drop is the reboot');
  assertRates(rows, [atRestart, atReboot], 'restarted container');

  // The node: its counter drops once, at the reboot; the same rule for its rates.
  const node = (await store.pool.query<{ ts: Date; cpu: string; rate: number | null }>(
    `SELECT ts, cpu_usage_core_nanoseconds AS cpu, cpu_rate_millicores AS rate FROM kubepulse.node_metric
     WHERE cluster_id = $1 AND node = $2 AND source = 's' ORDER BY ts`, [clusterId, view.name],
  )).rows;
  assert.equal(node.length, rows.length, 'a node sample per scrape');
  assert.equal(drops(node).length, 1, 'the node counter drops once');
  const reboot = drops(node)[0];
  assert.ok(Math.abs(node[reboot].ts.getTime() - rebootAtMs) <= housekeepingMs, 'the drop is the reboot');
  assertRates(node, [reboot], 'node');
});

/**
 * No rate on the first sample nor at a reset; elsewhere (counter difference / elapsed seconds) in
 * millicores. Summary and cAdvisor round the same counter to whole nanoseconds on their own, so the
 * stored counter and the one a rate came from may differ by 1 ns per sample: 2 ns / elapsed s, plus
 * double rounding.
 */
function assertRates(list: Array<{ ts: Date; cpu: string; rate: number | null }>, resets: number[], what: string): void {
  assert.equal(list[0].rate, null, `${what}: no rate on the first sample`);
  for (let i = 1; i < list.length; i++) {
    const at = `${what} at ${list[i].ts.toISOString()}`;
    if (resets.includes(i)) {
      assert.equal(list[i].rate, null, `${at}: no rate across the reset`);
      continue;
    }
    const seconds = (list[i].ts.getTime() - list[i - 1].ts.getTime()) / 1000;
    const want = ((Number(list[i].cpu) - Number(list[i - 1].cpu)) / seconds) * 1e-6;
    assert.ok(want > 0, `${at}: the counter grew`);
    const got = list[i].rate;
    // Stored as real (float4): within half its ulp of the counters' rate, once read back as the float4 it is.
    assert.ok(got !== null && Math.abs(Math.fround(got) - want) <= (2 / seconds) * 1e-6 + 2 ** -24 * want, `${at}: rate ${got}, counters say ${want}`);
  }
}
