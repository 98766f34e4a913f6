// Fault tests of issue 7 over two simulated clusters, a real PostgreSQL that is stopped and started, and
// `kubepulse run` as a user runs it (supervisor + worker processes):
// - the database stopped while collecting: the status and /readyz say so while it lasts, rows go to the
//   spool; the worker is killed with SIGKILL during the outage and the restarted worker collects on
//   into the spool; once the database is back every sample seen during the outage (but the seconds of
//   the restart) is stored exactly once, and the status history covers the outage;
// - one cluster's API server down: the other's samples keep arriving on time, the status names it;
// - SIGTERM stops everything cleanly; no log line of the whole run holds a token or the password.
// The outage lasts KUBEPULSE_FAULT_OUTAGE_S (default 30; the two minutes: 120) and the API-server
// outage KUBEPULSE_FAULT_API_DOWN_S (default 20; the minute: 60), to keep the suite fast.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../helpers/pg.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/store/embedded.js';
import { configureLogging } from '../../src/log.js';
import { parseSegment } from '../../src/store/spool.js';
import type { StatusReport } from '../../src/health/status.js';
import type { ClusterStatus } from '../../src/collector/cluster-collector.js';
import type { V1Pod } from '@kubernetes/client-node';
import type { WireObject } from '../../src/inventory/kind.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');
const OUTAGE_MS = Number(process.env.KUBEPULSE_FAULT_OUTAGE_S ?? 30) * 1000;
const API_DOWN_MS = Number(process.env.KUBEPULSE_FAULT_API_DOWN_S ?? 20) * 1000;
const PG_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'unix_socket_directories=', '-c', 'max_connections=50'];

let dir: string;
let dataDir: string;
let dbPort: number;
let pgServer: EmbeddedPostgres | null = null;
let dbUrl: string;
let sims: SimCluster[] = [];
let conns: ClusterConnection[] = [];
let httpPort: number;
let proc: ChildProcess;
let procOutput = '';
let procExit: Promise<number | null>;
let spawnedAt = 0;
let client: pg.Client | null = null;

async function startPg(): Promise<void> {
  pgServer = await startEmbeddedPostgres({ dataDir, port: dbPort, initdbFlags: ['--no-sync', '--no-instructions'], postgresFlags: PG_FLAGS, stopTimeoutMs: 10_000 });
  dbUrl = pgServer.url;
}

before(async () => {
  configureLogging({ level: 'silent', console: 'off', file: '' });
  dir = mkdtempSync(join(tmpdir(), 'kp-faults-'));
  chmodSync(dir, 0o711); // the postgres OS user (when running as root) must reach its data dir
  dataDir = join(dir, 'pgdata');
  dbPort = await freePort();
  await startPg();
  sims = [
    await startSim({ name: 'east', nodes: 2, podsPerNode: 3, seed: 21, podChurnIntervalMs: 0 }),
    await startSim({ name: 'west', nodes: 2, podsPerNode: 3, seed: 22, podChurnIntervalMs: 0 }),
  ];
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, sims);
  conns = await Promise.all(sims.map((s) => ClusterConnection.open({ name: s.name, kubeconfig, context: s.name })));
  httpPort = await freePort();
  const toml = [
    '[server]', `listen = "127.0.0.1:${httpPort}"`,
    '[database]', `url = "${dbUrl}"`,
    '[log]', 'level = "info"', 'console = "json"', `file = ${JSON.stringify(join(dir, 'logs', 'kubepulse.log'))}`,
    '[collection]', 'summary_interval = "1s"', 'cadvisor_interval = "0s"', 'health_interval = "1s"', 'scrape_timeout = "3s"',
    '[spool]', `dir = ${JSON.stringify(join(dir, 'spool'))}`, 'max_size = "256MiB"',
    '[watchdog]', 'heartbeat_timeout = "20s"',
    ...sims.flatMap((s) => ['[[clusters]]', `name = "${s.name}"`, `kubeconfig = ${JSON.stringify(kubeconfig)}`, `context = "${s.name}"`]),
  ].join('\n');
  writeFileSync(join(dir, 'kubepulse.toml'), toml);
  // The real command, with its watchdog: the worker is a child of this supervisor process.
  spawnedAt = Date.now();
  proc = spawn(process.execPath, [BIN, 'run', '--config', join(dir, 'kubepulse.toml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (procOutput += d));
  proc.stderr!.on('data', (d) => (procOutput += d));
  procExit = new Promise((r) => proc.on('exit', (code) => r(code)));
});

after(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGTERM');
    await procExit;
  }
  await client?.end().catch(() => undefined);
  await Promise.all(conns.map((c) => c.close()));
  await Promise.all(sims.map((s) => s.stop()));
  await pgServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function getStatus(): Promise<StatusReport> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/status`);
  assert.equal(res.status, 200);
  return (await res.json()) as StatusReport;
}

function clusterIn(st: StatusReport, name: string): ClusterStatus {
  const c = st.clusters.find((x) => x.name === name);
  assert.ok(c, `the status lists cluster ${name}`);
  return c;
}

/** The part of a kubelet Summary this test reads. */
interface SummarySample { node: { cpu: { time: string } }; pods: Array<{ containers?: unknown[] }> }

async function db(): Promise<pg.Client> {
  if (!client) {
    client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
  }
  return client;
}

async function clusterIds(): Promise<Map<string, number>> {
  const r = await (await db()).query<{ name: string; id: number }>('SELECT name, id FROM kubepulse.cluster');
  return new Map(r.rows.map((x) => [x.name, x.id]));
}

/** A sample as the simulated kubelet serves it: what the collector must end up storing. */
interface Witnessed { cluster: string; node: string; ts: string; containers: number; firstSeenMs: number }

/** Reads every node's current summary sample now (the collector scrapes the same cached sample). */
async function witness(into: Map<string, Witnessed>, only?: string[]): Promise<void> {
  await Promise.all(
    sims.map(async (s, i) => {
      if (only && !only.includes(s.name)) return;
      for (const n of s.nodes()) {
        const sum = await conns[i].getJson<SummarySample>(`/api/v1/nodes/${n.name}/proxy/stats/summary`).catch(() => null);
        if (!sum) continue;
        const ts = new Date(sum.node.cpu.time).toISOString();
        const key = `${s.name}/${n.name}/${ts}`;
        const containers = sum.pods.reduce((k, p) => k + (p.containers?.length ?? 0), 0);
        if (!into.has(key)) into.set(key, { cluster: s.name, node: n.name, ts, containers, firstSeenMs: Date.now() });
      }
    }),
  );
}

/** Asserts each witnessed sample is stored once, node row and every container row. */
async function assertStored(samples: Witnessed[]): Promise<void> {
  const ids = await clusterIds();
  for (const w of samples) {
    const id = ids.get(w.cluster);
    const nodeRows = await (await db()).query('SELECT 1 FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2 AND ts = $3', [id, w.node, w.ts]);
    assert.equal(nodeRows.rowCount, 1, `node sample ${w.cluster}/${w.node} at ${w.ts} stored exactly once`);
    const c = await (await db()).query<{ n: string }>('SELECT count(*) AS n FROM kubepulse.container_metric WHERE cluster_id = $1 AND node = $2 AND ts = $3', [id, w.node, w.ts]);
    assert.equal(Number(c.rows[0].n), w.containers, `every container of ${w.cluster}/${w.node} at ${w.ts}`);
  }
}

async function collectWhile(ms: number, into: Map<string, Witnessed>, only?: string[], each?: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await witness(into, only);
    await each?.();
    await new Promise((r) => setTimeout(r, 1500));
  }
}

test('both clusters are collected and the status says so', async () => {
  await waitFor(async () => {
    const st = await getStatus();
    return st.database.state === 'connected' && st.clusters.length === 2 && st.clusters.every((c) => c.api === 'healthy' && c.lastSampleAt);
  }, 'both clusters healthy with samples', 60_000, 500);
  const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
  assert.equal(ready.status, 200);
  const st = await getStatus();
  assert.equal(st.collector.watchdog, true);
  assert.ok(st.collector.pid > 0 && st.collector.pid !== proc.pid, 'the worker is a child of the supervisor');
  assert.ok(st.collector.heapBytes > 0 && st.collector.rssBytes > 0);
  // The worker started after the supervisor was spawned: its uptime (whole seconds) cannot be longer.
  assert.ok(st.collector.uptimeS >= 0 && st.collector.uptimeS <= Math.ceil((Date.now() - spawnedAt) / 1000), `uptime ${st.collector.uptimeS} s`);
  assert.ok((st.database.partitionsAhead ?? 0) >= 1, 'partitions exist ahead of now');
  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  assert.match(metrics, /^kubepulse_database_up 1$/m);
  assert.match(metrics, /^kubepulse_cluster_api_up\{cluster="east"\} 1$/m);
  assert.match(metrics, /^process_resident_memory_bytes \d+/m);
});

test('database stopped, worker killed -9 during the outage, database started: every sample of the outage stored once', async () => {
  const seen = new Map<string, Witnessed>();
  const outageStart = Date.now();
  await client?.end();
  client = null;
  await pgServer!.stop();
  pgServer = null;
  // The status shows the outage while it lasts, and /readyz fails with the reason.
  await waitFor(async () => {
    await witness(seen);
    const st = await getStatus();
    return st.database.state === 'unreachable' && st.database.spool.bytes > 0;
  }, 'status: database unreachable, rows going to the spool', 30_000, 1000);
  const notReady = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
  assert.equal(notReady.status, 503);
  assert.match(await notReady.text(), /database unreachable/);
  // An inventory change during the outage: a pod deleted (its replacement created) goes to the spool.
  const pods = await conns[1].getJson<{ items: Array<WireObject<V1Pod>> }>('/api/v1/pods');
  const victim = pods.items.find((p) => p.metadata.namespace !== 'kube-system' && p.metadata.ownerReferences?.length)!;
  const victimNamespace = victim.metadata.namespace;
  assert.ok(victimNamespace, 'pods are namespaced');
  const deletedAt = Date.now();
  sims[1].deletePod(victimNamespace, victim.metadata.name);
  await collectWhile(OUTAGE_MS / 2, seen);
  const before = await getStatus();
  assert.equal(before.database.spool.inventoryPending, true, 'the delete waits in the spool');
  assert.ok((before.database.spool.oldestAgeMs ?? 0) > 0);
  const killedAt = Date.now();
  process.kill(before.collector.pid, 'SIGKILL');
  // What the killed worker left on disk: all of it must reach the database.
  const spooled: Array<{ node: string; ts: string; cluster_id: number }> = [];
  const spoolDir = join(dir, 'spool');
  for (const f of readdirSync(spoolDir).filter((x) => x.endsWith('-metric.jsonl'))) {
    for (const r of parseSegment(readFileSync(join(spoolDir, f), 'utf8')).records) {
      if (r.t !== 'metric' || r.entity !== 'node') continue;
      for (const { node, ts, cluster_id } of r.rows) {
        assert.ok(typeof node === 'string' && typeof ts === 'string' && typeof cluster_id === 'number', 'a spooled node row has its key');
        spooled.push({ node, ts, cluster_id });
      }
    }
  }
  assert.ok(spooled.length > 0, 'node rows were spooled during the outage');
  // The watchdog restarts the worker; it starts although the database is still away and collects on.
  let restartedAt = 0;
  await waitFor(async () => {
    await witness(seen);
    const st = await getStatus().catch(() => null);
    if (!st || st.collector.pid === before.collector.pid) return false;
    assert.equal(st.database.state, 'unreachable');
    restartedAt = Date.now();
    return st.clusters.every((c) => c.api === 'healthy');
  }, 'worker restarted and collecting during the outage', 60_000, 500);
  await collectWhile(Math.max(12_000, OUTAGE_MS - (Date.now() - outageStart)), seen); // ≥ one housekeeping period (10 s)
  const dbBackAt = Date.now();
  await startPg();
  // The restarted worker migrates, then replays what both workers spooled.
  await waitFor(async () => {
    const st = await getStatus();
    return st.database.state === 'connected' && st.database.spool.bytes === 0 && st.collector.pid !== before.collector.pid;
  }, 'restarted worker connected with an empty spool', 120_000, 1000);
  const after = await getStatus();
  assert.ok(after.collector.restarts >= 1);
  assert.ok(after.collector.restartReasons.some((r) => r.kind === 'exit' && /SIGKILL/.test(r.detail)), 'the kill is among the restart reasons');
  const ids = new Map([...(await clusterIds())].map(([n, id]) => [id, n]));
  for (const row of spooled) {
    const r = await (await db()).query('SELECT 1 FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2 AND ts = $3', [row.cluster_id, row.node, row.ts]);
    assert.equal(r.rowCount, 1, `spooled sample ${ids.get(row.cluster_id)}/${row.node} at ${row.ts} stored once`);
  }
  // Every sample a kubelet served while the old worker ran (seen ≥ 2 s before the kill: it was scraped).
  const whileRunning = [...seen.values()].filter((w) => w.firstSeenMs >= outageStart && w.firstSeenMs <= killedAt - 2000);
  assert.ok(whileRunning.length >= 4, `samples witnessed during the outage (${whileRunning.length})`);
  await assertStored(whileRunning);
  // … and every sample served while the restarted worker collected, database still away.
  const afterRestart = [...seen.values()].filter((w) => w.firstSeenMs >= restartedAt + 2000 && w.firstSeenMs <= dbBackAt);
  assert.ok(afterRestart.length >= 2, `samples witnessed after the restart, before the database was back (${afterRestart.length})`);
  await assertStored(afterRestart);
  // The delete was replayed from the spool with the time it happened (a relist would stamp a later one).
  const del = await (await db()).query<{ at: Date }>("SELECT at FROM kubepulse.change_log WHERE uid = $1 AND op = 'delete'", [victim.metadata.uid]);
  assert.equal(del.rowCount, 1, 'the pod delete is in the change log once');
  assert.ok(Math.abs(del.rows[0].at.getTime() - deletedAt) < 5000, `delete logged at the time it happened (${del.rows[0].at.toISOString()})`);
  const podRow = await (await db()).query<{ deleted_at: Date | null }>('SELECT deleted_at FROM kubepulse.pod WHERE uid = $1', [victim.metadata.uid]);
  assert.ok(podRow.rows[0]?.deleted_at, 'the pod row is marked deleted');
  const dup = await (await db()).query('SELECT cluster_id, node, ts FROM kubepulse.node_metric GROUP BY 1, 2, 3 HAVING count(*) > 1');
  assert.equal(dup.rowCount, 0);
  // The history of the outage: status rows written while the database was away were replayed.
  const hist = await (await db()).query<{ database_state: string; spool_bytes: string }>(
    'SELECT database_state, spool_bytes FROM kubepulse.collector_status WHERE at BETWEEN $1 AND $2', [new Date(outageStart), new Date(killedAt)]);
  assert.ok(hist.rows.some((r) => r.database_state === 'unreachable' && Number(r.spool_bytes) > 0), 'collector_status shows the outage');
});

test('one cluster API server down: the other keeps being collected on time and the status says which is down', async () => {
  const east = sims[0];
  await waitFor(async () => (await getStatus()).clusters.every((c) => c.api === 'healthy'), 'both healthy again', 60_000, 500);
  const lateBefore = clusterIn(await getStatus(), 'west').scrapes.summary.cyclesLate;
  const downAt = Date.now();
  east.setApiDown(true);
  const seenWest = new Map<string, Witnessed>();
  let sawDown = false;
  await collectWhile(API_DOWN_MS, seenWest, ['west'], async () => {
    const st = await getStatus();
    const e = clusterIn(st, 'east');
    if (e.api === 'unreachable') {
      sawDown = true;
      assert.equal(clusterIn(st, 'west').api, 'healthy');
      assert.equal((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status, 200, 'ready: one cluster collecting');
      assert.match(await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text(), /^kubepulse_cluster_api_up\{cluster="east"\} 0$/m);
    }
  });
  assert.ok(sawDown, 'status showed east unreachable while it was down');
  east.setApiDown(false);
  const st = await getStatus();
  assert.equal(clusterIn(st, 'west').scrapes.summary.cyclesLate, lateBefore, 'west scrape cycles stayed on time');
  // Samples witnessed ≥ 2 s before the last check were scraped: they must be stored (they are, on time).
  const west = [...seenWest.values()].filter((w) => w.firstSeenMs <= Date.now() - 2000);
  assert.ok(west.length >= 2 * Math.floor(API_DOWN_MS / 10_000), `west samples during the outage (${west.length})`);
  await waitFor(async () => {
    await assertStored(west);
    return true;
  }, 'west samples stored', 10_000, 500);
  await waitFor(async () => clusterIn(await getStatus(), 'east').api === 'healthy', 'east healthy again', 30_000, 500);
  const hist = await (await db()).query('SELECT 1 FROM kubepulse.collector_status WHERE at >= $1 AND clusters_down = ARRAY[\'east\']', [new Date(downAt)]);
  assert.ok((hist.rowCount ?? 0) > 0, 'collector_status shows east down');
});

test('SIGTERM stops supervisor and worker cleanly; no log line holds a token or the database password', async () => {
  proc.kill('SIGTERM');
  const code = await Promise.race([procExit, new Promise<string>((r) => setTimeout(() => r('timeout'), 45_000))]);
  assert.equal(code, 0);
  const password = decodeURIComponent(new URL(dbUrl).password);
  assert.ok(password.length >= 8);
  const secrets = [password, ...sims.map((s) => s.token)];
  const logDir = join(dir, 'logs');
  const files = existsSync(logDir) ? readdirSync(logDir).map((f) => join(logDir, f)) : [];
  const text = [procOutput, ...files.map((f) => readFileSync(f, 'utf8'))].join('\n');
  const lines = text.split('\n').filter(Boolean);
  assert.ok(lines.length > 50, `a full run logs (${lines.length} lines)`);
  assert.ok(lines.some((l) => /database unreachable/.test(l)), 'the outage was logged');
  for (const s of secrets) {
    const hits = lines.filter((l) => l.includes(s));
    assert.deepEqual(hits, [], 'no secret in any log line');
  }
});
