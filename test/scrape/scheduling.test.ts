// The scrape scheduler with the real kubelet client against the simulated cluster over HTTPS: direct
// kubelet access with the cluster CA, a slow and a failing node that do not delay the others, a 429's
// Retry-After honoured, and /metrics/resource stored when the summary is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { ClusterConnection, HttpError } from '../../src/cluster/connection.js';
import { KubeletClient, type KubeletSource } from '../../src/scrape/kubelet-fetch.js';
import { ScrapeScheduler, Semaphore } from '../../src/scrape/scheduler.js';
import { scrapeSummaryWithFallback, SummaryFallbackError } from '../../src/scrape/summary-fallback.js';
import { decodePayload } from '../../src/scrape/decode.js';
import { configureLogging } from '../../src/log.js';

let sim: SimCluster;
let conn: ClusterConnection;
let nodes: string[];

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  sim = await startSim({ name: 'sched', nodes: 6, podsPerNode: 2, seed: 21, podChurnIntervalMs: 0 });
  nodes = sim.nodes().map((n) => n.name);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-sched-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  conn = await ClusterConnection.open({ name: sim.name, kubeconfig, context: sim.name });
});

after(async () => {
  await conn?.close();
  await sim?.stop();
});

function directClient(timeoutMs: number): KubeletClient {
  const byName = new Map(sim.nodes().map((n) => [n.name, { address: n.address, port: n.kubeletPort }]));
  return new KubeletClient(conn, { access: 'direct', insecureSkipTlsVerify: false, timeoutMs, addressOf: (n) => byName.get(n) ?? null });
}

test('direct kubelet access: each node answers at its own address, verified against the cluster CA', async () => {
  const client = directClient(5000);
  try {
    for (const n of sim.nodes().slice(0, 3)) {
      const body = await client.fetch(n.name, 'summary', AbortSignal.timeout(5000));
      const d = decodePayload({ clusterId: 1, cluster: 'sched', node: n.name, source: 'summary', body, scrapedAt: new Date(), intervalMs: 10_000 });
      assert.equal(d.rows.node[0].node, n.name, `${n.address} serves ${n.name}`);
      assert.ok(d.rows.container.length >= 2);
    }
    // A client that does not trust the cluster CA is refused by TLS: the CA is what made the above work.
    const untrusting = new KubeletClient(
      { ...conn, tls: {}, currentTls: () => ({ rejectUnauthorized: true }), authHeaders: () => conn.authHeaders(), name: conn.name } as unknown as ClusterConnection,
      { access: 'direct', insecureSkipTlsVerify: false, timeoutMs: 3000, addressOf: () => ({ address: sim.nodes()[0].address, port: sim.nodes()[0].kubeletPort }) },
    );
    try {
      await assert.rejects(untrusting.fetch(nodes[0], 'summary', AbortSignal.timeout(3000)), /certificate/i);
    } finally {
      await untrusting.close();
    }
  } finally {
    await client.close();
  }
});

test('a slow node and a failing node do not delay the others; a 429 node waits for its Retry-After', async () => {
  const [slow, failing, limited, ...healthy] = nodes;
  sim.setFaults({
    nodes: {
      [slow]: { latencyMs: 10_000 },
      [failing]: { errorRate: 1, errorCodes: [500] },
      [limited]: { errorRate: 1, errorCodes: [429] },
    },
  });
  // A timeout well above a healthy scrape even on a loaded CI machine (a 1.5 s one timed a healthy node out
  // there once), and well below the slow node's latency.
  const timeoutMs = 3000;
  const client = directClient(timeoutMs);
  const requests = new Map<string, number>();
  const intervalMs = 300;
  const scheduler = new ScrapeScheduler({
    name: 'sched/summary',
    intervalMs,
    timeoutMs,
    // Three slots for six nodes: the slow node holds one for its whole timeout.
    semaphore: new Semaphore(3),
    scrape: async ({ node, signal }) => {
      requests.set(node, (requests.get(node) ?? 0) + 1);
      const body = await client.fetch(node, 'summary', signal);
      decodePayload({ clusterId: 1, cluster: 'sched', node, source: 'summary', body, scrapedAt: new Date(), intervalMs });
    },
  });
  const runMs = 4500;
  try {
    scheduler.setNodes(nodes);
    scheduler.start();
    await new Promise((r) => setTimeout(r, runMs));
  } finally {
    await scheduler.stop();
    await client.close();
    sim.setFaults({});
  }
  const status = new Map(scheduler.nodes.map((s) => [s.node, s]));
  const cycles = Math.floor(runMs / intervalMs);
  for (const n of healthy) {
    const st = status.get(n)!;
    assert.equal(st.ok, true, `${n} healthy (last error: ${st.lastError})`);
    assert.equal(st.failures, 0, `${n} never failed (last error: ${st.lastError})`);
    // Every cycle of a healthy node was scraped (allowing the first and last cycle at the edges).
    assert.ok(st.scrapes >= cycles - 2, `${n}: ${st.scrapes} scrapes in ${cycles} cycles`);
  }
  assert.match(status.get(slow)!.lastError ?? '', /timeout|abort/i, 'the slow node times out');
  assert.ok(status.get(slow)!.late > 0, 'the slow node skips cycles instead of piling up');
  assert.match(status.get(failing)!.lastError ?? '', /HTTP 500/);
  assert.ok(status.get(failing)!.scrapes >= cycles - 2, 'a failing node is retried every cycle');
  assert.match(status.get(limited)!.lastError ?? '', /HTTP 429/);
  // Retry-After: 1 s → at most one request per second (plus the first) instead of one per 300 ms cycle.
  const limitedRequests = requests.get(limited) ?? 0;
  assert.ok(limitedRequests <= Math.ceil(runMs / 1000) + 1, `429 node asked ${limitedRequests} times in ${runMs} ms`);
  assert.ok(limitedRequests < (requests.get(healthy[0]) ?? 0) / 2);
});

test('/metrics/resource is stored when the summary is refused, and not on a 429', async () => {
  const client = directClient(5000);
  const node = nodes[3];
  const stored: Array<{ source: KubeletSource; rows: number; cpu: unknown }> = [];
  const ingest = async (n: string, source: KubeletSource, body: Buffer): Promise<void> => {
    const d = decodePayload({ clusterId: 1, cluster: 'sched', node: n, source, body, scrapedAt: new Date(), intervalMs: 10_000, resolvePodUid: () => 'uid' });
    stored.push({ source, rows: d.rows.node.length + d.rows.container.length, cpu: d.rows.node[0]?.cpu_usage_core_nanoseconds });
  };
  // The kubelet's authorizer refusing nodes/stats (a real deployment with only nodes/metrics granted).
  const refuseSummary = (status: number) => async (n: string, source: KubeletSource, signal: AbortSignal): Promise<Buffer> => {
    if (source === 'summary') throw new HttpError(status, 'Forbidden', `kubelet ${n}/stats/summary: HTTP ${status}`, status === 429 ? 1 : null);
    return client.fetch(n, source, signal);
  };
  try {
    await assert.rejects(
      scrapeSummaryWithFallback(node, AbortSignal.timeout(5000), { fetch: refuseSummary(403), ingest }),
      (e: Error) => e instanceof SummaryFallbackError && /HTTP 403.*stored \/metrics\/resource instead/.test(e.message),
    );
    assert.equal(stored.length, 1);
    assert.equal(stored[0].source, 'resource');
    assert.ok(stored[0].rows >= 3, 'node and container rows from /metrics/resource');
    assert.ok(Number(stored[0].cpu) > 0, 'node CPU from /metrics/resource');

    await assert.rejects(scrapeSummaryWithFallback(node, AbortSignal.timeout(5000), { fetch: refuseSummary(429), ingest }), /HTTP 429/);
    assert.equal(stored.length, 1, 'a 429 is honoured, not worked around through another endpoint');

    // A working summary is stored as the summary.
    await scrapeSummaryWithFallback(node, AbortSignal.timeout(5000), { fetch: (n, s, sig) => client.fetch(n, s, sig), ingest });
    assert.equal(stored.at(-1)!.source, 'summary');
  } finally {
    await client.close();
  }
});
