// Network counters as a viewer sees them: the simulated world's kubelet scraped twice, 10 and 15 s apart,
// decoded and turned into rates by the collector's own code (decodeSummary, decodeCadvisorText,
// RateTracker). Every pod has traffic, so the node and every pod must show a positive, plausible byte
// rate in both directions; the node carries at least its pods' traffic; summary and cAdvisor agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '@kubepulse/sim/model/world';
import { seedWorld } from '@kubepulse/sim/model/seed';
import { createKubelet } from '@kubepulse/sim/kubelet';
import { decodeSummary } from '../../src/metrics/sources/summary.js';
import { decodeCadvisorText } from '../../src/metrics/sources/cadvisor.js';
import { RateTracker } from '../../src/scrape/rates.js';
import type { MetricRow } from '../../src/metrics/definitions.js';

/** 10 Gbit/s: no simulated pod or node may exceed what its NIC can carry. */
const MAX_BYTES_PER_S = 1.25e9;

function world(nowMs: () => number): World {
  const w = new World({ name: 'net', seed: 3, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 1000, eventCapacity: 100, now: nowMs });
  seedWorld(w, { nodes: 3, podsPerNode: 30, nodeAddress: (i) => `127.0.1.${i + 1}`, kubeletPort: () => 10250 });
  return w;
}

const num = (row: MetricRow, column: string): number => {
  const v = row[column];
  assert.equal(typeof v, 'number', `${column} is a number`);
  return v as number;
};

for (const gapMs of [10_000, 15_000]) {
  test(`node and pod byte rates over two scrapes ${gapMs / 1000} s apart are positive and plausible`, () => {
    let now = Date.parse('2026-11-25T12:00:00Z');
    const w = world(() => now);
    const node = [...w.nodes.keys()][0];
    const kubelet = createKubelet(() => w.nodeView(node)!, { containerRestarted() {} }, { now: () => now });
    now += 3_600_000; // an hour into the pods' lives
    const summaryRates = new RateTracker({ intervalMs: gapMs, source: 'summary', now: () => now });
    const cadvisorRates = new RateTracker({ intervalMs: gapMs, source: 'cadvisor', now: () => now });
    let last: ReturnType<typeof decodeSummary> | undefined;
    let lastCadvisor: ReturnType<typeof decodeCadvisorText> | undefined;
    for (let scrape = 0; scrape < 2; scrape++) {
      if (scrape > 0) now += gapMs;
      last = decodeSummary(kubelet.serve('/stats/summary').body);
      summaryRates.apply(1, last.rows, last.startTimes);
      lastCadvisor = decodeCadvisorText(kubelet.serve('/metrics/cadvisor').body, { nodeName: node, scrapeTime: new Date(now) });
      cadvisorRates.apply(1, lastCadvisor.rows, lastCadvisor.startTimes);
    }
    const nodeRow = last!.rows.node[0];
    const pods = last!.rows.pod;
    assert.ok(pods.length >= 20, `the node runs pods (${pods.length})`);
    for (const dir of ['rx', 'tx']) {
      const nodeRate = num(nodeRow, `network_${dir}_bytes_per_second`);
      assert.ok(nodeRate > 0 && nodeRate < MAX_BYTES_PER_S, `node ${dir} rate ${nodeRate}`);
      let podSum = 0;
      let podRateSum = 0;
      for (const p of pods) {
        const rate = num(p, `network_${dir}_bytes_per_second`);
        assert.ok(rate > 0 && rate < MAX_BYTES_PER_S, `pod ${String(p.pod)} ${dir} rate ${rate}`);
        podSum += num(p, `network_${dir}_bytes`);
        podRateSum += rate;
      }
      assert.ok(num(nodeRow, `network_${dir}_bytes`) > podSum, `node ${dir} counter exceeds the sum of its pods'`);
      assert.ok(nodeRate >= podRateSum, `node ${dir} rate ${nodeRate} carries its pods' ${podRateSum}`);
    }
    // cAdvisor's interface series give the same rates as the summary for the same tick.
    const byPod = new Map(lastCadvisor!.rows.interface.map((r) => [`${String(r.pod_uid)}/${String(r.interface)}`, r]));
    let compared = 0;
    for (const r of last!.rows.interface) {
      const c = byPod.get(`${String(r.pod_uid)}/${String(r.interface)}`);
      if (!c || r.rx_bytes_per_second === null) continue;
      assert.equal(c.rx_bytes_per_second, r.rx_bytes_per_second, `rx rate of ${String(r.pod_uid) || 'the node'}`);
      assert.equal(c.tx_bytes_per_second, r.tx_bytes_per_second, `tx rate of ${String(r.pod_uid) || 'the node'}`);
      compared++;
    }
    assert.ok(compared > pods.length, `interfaces compared (${compared})`);
    kubelet.dispose();
    w.stop();
  });
}
