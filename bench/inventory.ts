// Issue 5 figures: initial inventory sync of a 5,000-node / 150,000-pod cluster (time and the
// collector's peak memory), the delay from a watch event to its committed row at ~200 events per
// second, and the memory the collector keeps per tracked object. Simulator and collector run in their
// own child processes; the database is an embedded PostgreSQL in a temporary folder.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Figures } from './figure.js';
import { cpuSeconds, memoryMiB, percentile, postgresCpuSeconds, startCollectorChild, startSimChild, waitUntil } from './harness.js';
import { freePort, startTestDatabase } from '../test/helpers/pg.js';
import { ClusterConnection } from '../src/cluster/connection.js';
import { PodIndex } from '../src/collector/pod-index.js';
import { packResourceVersion } from '../src/inventory/informer.js';

const NODES = Number(process.env.KUBEPULSE_BENCH_INVENTORY_NODES ?? 5000);
const PODS_PER_NODE = 30;
const CHURN_PER_S = 50; // one churn = DELETED + ADDED + a few MODIFIED of the replacement ≈ 4 events
const CHURN_SECONDS = 20;

export async function run(): Promise<Figures> {
  const db = await startTestDatabase();
  const sim = await startSimChild({ nodes: NODES, podsPerNode: PODS_PER_NODE });
  const port = await freePort();
  let collector: ReturnType<typeof startCollectorChild> | null = null;
  let conn: ClusterConnection | null = null;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    conn = await ClusterConnection.open({ name: 'bench', kubeconfig: sim.kubeconfig, context: 'sim-1' });
    const admin = conn;
    const simPods = async () => (await admin.getJson<{ pods: number }>('/_sim/state')).pods;
    const t0 = Date.now();
    const simCpu0 = cpuSeconds(sim.proc.pid!);
    const dbCpu0 = postgresCpuSeconds(process.pid);
    collector = startCollectorChild({
      KUBECONFIG: sim.kubeconfig,
      KUBEPULSE_DATABASE__URL: db.url,
      KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${port}`,
      KUBEPULSE_COLLECTION__SUMMARY_INTERVAL: '0s',
      KUBEPULSE_COLLECTION__CADVISOR_INTERVAL: '0s',
      KUBEPULSE_COLLECTION__INVENTORY_RESYNC: '1h',
    });
    const pid = collector.proc.pid!;
    let expected = await simPods();
    let stored = 0;
    let syncedAt = 0;
    // Done when every pod the simulator has now is stored (its count moves a little as jobs finish).
    // The exact count scans the pod table (75 MB at 150,000 pods): polled 4×/s through the whole sync it
    // would add ~10 s of PostgreSQL CPU to what is measured. The statistics' insert counter (flushed
    // about once a second) tells when the sync is nearly done; only then is the exact count polled.
    const inserted = async () =>
      Number((await client.query<{ n: string | null }>(`SELECT n_tup_ins AS n FROM pg_stat_user_tables WHERE schemaname = 'kubepulse' AND relname = 'pod'`)).rows[0]?.n ?? 0);
    await waitUntil(async () => {
      if (stored === 0 && (await inserted()) < 0.95 * expected) return false;
      const n = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM kubepulse.pod WHERE deleted_at IS NULL').catch(() => ({ rows: [{ n: '0' }] }))).rows[0].n);
      expected = await simPods();
      stored = n;
      if (stored >= expected) syncedAt = Date.now();
      return syncedAt > 0;
    }, 600_000, () => `${expected} pods stored (have ${stored})`, collector, 250);
    const syncS = (syncedAt - t0) / 1000;
    const syncCpuS = cpuSeconds(pid);
    const simCpuS = cpuSeconds(sim.proc.pid!) - simCpu0;
    const dbCpuS = postgresCpuSeconds(process.pid) - dbCpu0;
    const mem = memoryMiB(pid);

    // Event → committed row: churn pods through the simulator's admin endpoint and compare each
    // deletion's time with its change_log row (both clocks are this machine's).
    const sent: Array<{ key: string; at: number }> = [];
    const windowStart = new Date();
    const until = Date.now() + CHURN_SECONDS * 1000;
    let next = Date.now();
    while (Date.now() < until) {
      const res = await admin.raw('/_sim/churn', { method: 'POST', body: '{}', contentType: 'application/json' });
      const at = Date.now();
      const body = JSON.parse(await res.body.text()) as { deleted: string | null };
      if (body.deleted) sent.push({ key: body.deleted, at });
      next += 1000 / CHURN_PER_S;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await new Promise((r) => setTimeout(r, 5000));
    const rows = await client.query<{ key: string; at: Date }>(
      `SELECT namespace || '/' || name AS key, at FROM kubepulse.change_log WHERE kind = 'pod' AND op = 'delete' AND at >= $2 AND namespace || '/' || name = ANY($1)`,
      [sent.map((s) => s.key), windowStart],
    );
    const committed = new Map(rows.rows.map((r) => [r.key, r.at.getTime()]));
    const delays = sent.filter((s) => committed.has(s.key)).map((s) => committed.get(s.key)! - s.at).sort((a, b) => a - b);
    const events = await client.query<{ n: string }>(`SELECT count(*) AS n FROM kubepulse.change_log WHERE at >= $1`, [windowStart]);
    const eventsPerS = Number(events.rows[0].n) / CHURN_SECONDS;

    return {
      inventory_sync_s_150k_pods: { value: round(syncS, 1), unit: 's', method: `collector child process started against a simulated ${NODES}-node cluster (all 18 kinds, summary scraping off) until every pod the simulator then had (${expected}) was committed; includes process start and migrations; CPU seconds during the sync: collector ${round(syncCpuS, 1)}, PostgreSQL ${round(dbCpuS, 1)}, simulator ${round(simCpuS, 1)}, all on the same 2-core machine` },
      inventory_sync_peak_rss_mib_150k_pods: { value: Math.round(mem.peak), unit: 'MiB', method: `collector process VmHWM (peak RSS) at the end of that sync; RSS then ${Math.round(mem.rss)} MiB` },
      watch_event_to_row_p99_ms: { value: Math.round(percentile(delays, 99)), unit: 'ms', method: `${delays.length} pod deletions at ${CHURN_PER_S}/s for ${CHURN_SECONDS} s (~${Math.round(eventsPerS)} change-log rows/s), from the simulator's admin call returning to the delete row's change_log.at; median ${Math.round(percentile(delays, 50))} ms; ${sent.length - delays.length} not committed` },
      watch_event_to_row_p50_ms: { value: Math.round(percentile(delays, 50)), unit: 'ms', method: 'median of the same delays' },
      inventory_bytes_per_tracked_object: memoryPerObject(expected),
    };
  } finally {
    await conn?.close().catch(() => undefined);
    await client.end().catch(() => undefined);
    await collector?.stop();
    await sim.stop();
    await db.stop();
  }
}

/**
 * What the collector keeps per object between events: the informer's uid → resourceVersion map (values
 * packed as the Informer packs them) and, for pods, the PodIndex /metrics/resource needs. Built here with
 * the real PodIndex and realistic keys and measured as the heap delta after a full GC.
 */
function memoryPerObject(count: number): { value: number; unit: string; method: string } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const known = new Map<string, string | number>();
  const pods = new PodIndex();
  for (let i = 0; i < count; i++) {
    const uid = randomUUID();
    known.set(uid, packResourceVersion(String(10_000_000 + i)));
    pods.set(uid, `team-${i % 40}`, `web-${(i * 7919).toString(36)}-${(i * 104729).toString(36).slice(0, 5)}`);
  }
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / count;
  if (known.size + pods.size.uids < count) throw new Error('unreachable');
  return { value: Math.round(bytes), unit: 'bytes', method: `heap growth after GC for ${count} pods' informer map (uid → packed resourceVersion) and PodIndex (namespace/name → uid), divided by ${count}` };
}

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
