// Soak: the collector against a 500-node simulated cluster with heavy pod churn, collected at a short
// interval for KUBEPULSE_SOAK_MINUTES (default 10). The simulator runs in a child process so the memory
// measured is the collector's alone; heap and RSS are sampled every 5 s and their slope after warm-up
// (least squares over the samples past the first fifth, at least 2 minutes) is the growth per hour.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import type { Figures } from './figure.js';
import { buildConfig } from '../src/config/load.js';
import { Collector } from '../src/collector/collector.js';
import { configureLogging } from '../src/log.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';

const here = dirname(fileURLToPath(import.meta.url));
const simUrl = pathToFileURL(join(here, '../src/sim/index.js')).href;

const MINUTES = Number(process.env.KUBEPULSE_SOAK_MINUTES ?? 10);
const CHURN_MS = Number(process.env.KUBEPULSE_SOAK_CHURN_MS ?? 10);
const NODES = 500;
const PODS_PER_NODE = 10;
const SAMPLE_EVERY_MS = 5_000;
/** Investigation aids, off by default: heap snapshots after warm-up and at the end, and a line per sample. */
const SNAPSHOT_DIR = process.env.KUBEPULSE_SOAK_SNAPSHOT_DIR ?? '';
const TRACE = process.env.KUBEPULSE_SOAK_TRACE === '1';

/** A full GC before each sample, so the slope is of live memory, not of garbage awaiting collection. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Pure: least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function startSimChild(kubeconfig: string): Promise<ChildProcess> {
  const script = `
    import { startSim, writeKubeconfig } from ${JSON.stringify(simUrl)};
    const sim = await startSim({ name: 'soak', nodes: ${NODES}, podsPerNode: ${PODS_PER_NODE}, seed: 7, podChurnIntervalMs: ${CHURN_MS} });
    await writeKubeconfig(${JSON.stringify(kubeconfig)}, [sim]);
    process.stdout.write('READY\\n');
    process.stdin.on('end', async () => { await sim.stop(); process.exit(0); });
    process.stdin.resume();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('READY')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`simulator child exited with ${code} before it was ready`)));
  });
}

/** Samples before this are warm-up (caches, JIT, the pool and the rate tracker filling): the first fifth, at least 2 min. */
function warmUpS(): number {
  return Math.max(120, (MINUTES * 60) / 5);
}

function traceSample(s: { tS: number; heapMiB: number; rssMiB: number }, collector: Collector): void {
  const st = collector.status();
  const c = st?.clusters[0];
  const ingest = st?.collector.ingest ?? {};
  process.stderr.write(`soak t=${s.tS.toFixed(0)}s heap=${s.heapMiB.toFixed(1)}MiB rss=${s.rssMiB.toFixed(1)}MiB pods=${c?.pods ?? '?'} rateEntities=${ingest.rateEntities ?? '?'} queuedRows=${ingest.queuedRows ?? '?'}\n`);
}

export async function run(): Promise<Figures> {
  configureLogging({ level: 'warn', console: 'json', file: '' });
  const dir = mkdtempSync(join(tmpdir(), 'kp-soak-'));
  chmodSync(dir, 0o711);
  const pgServer = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: 15000 + Math.floor(Math.random() * 10000), postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] });
  const kubeconfig = join(dir, 'kubeconfig');
  const sim = await startSimChild(kubeconfig);
  const cfg = buildConfig(
    {
      server: { listen: '127.0.0.1:0' },
      database: { url: pgServer.url },
      collection: { summary_interval: '5s', cadvisor_interval: '0s', health_interval: '5s', scrape_timeout: '5s' },
      spool: { dir: join(dir, 'spool') },
      clusters: [{ name: 'soak', kubeconfig, context: 'soak' }],
    },
    'soak',
    {},
  );
  const collector = await Collector.start(cfg);
  const started = Date.now();
  const samples: Array<{ tS: number; heapMiB: number; rssMiB: number }> = [];
  const gc = gcFunction();
  const warmMs = warmUpS() * 1000;
  let snapshotted = false;
  while (Date.now() - started < MINUTES * 60_000) {
    await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    gc();
    const m = process.memoryUsage();
    samples.push({ tS: (Date.now() - started) / 1000, heapMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 });
    if (TRACE) traceSample(samples.at(-1)!, collector);
    if (SNAPSHOT_DIR && !snapshotted && Date.now() - started >= warmMs) {
      snapshotted = true;
      process.stderr.write(`soak: heap snapshot ${writeHeapSnapshot(join(SNAPSHOT_DIR, 'soak-warm.heapsnapshot'))}\n`);
    }
  }
  if (SNAPSHOT_DIR) process.stderr.write(`soak: heap snapshot ${writeHeapSnapshot(join(SNAPSHOT_DIR, 'soak-end.heapsnapshot'))}\n`);
  const client = new pg.Client({ connectionString: pgServer.url });
  await client.connect();
  const lifecycles = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM kubepulse.pod WHERE deleted_at IS NOT NULL')).rows[0]!.n);
  await client.end();
  await collector.stop();
  sim.stdin!.end();
  await new Promise((r) => sim.once('exit', r));
  await pgServer.stop();
  rmSync(dir, { recursive: true, force: true });

  const warmS = warmUpS();
  const after = samples.filter((s) => s.tS >= warmS);
  const perHour = (k: 'heapMiB' | 'rssMiB') => Number((slope(after.map((s) => ({ x: s.tS, y: s[k] }))) * 3600).toFixed(2));
  const method = `after a full GC, collector (this process) on ${NODES} simulated nodes x ${PODS_PER_NODE} pods (simulator in a child process, one pod replaced every ${CHURN_MS} ms), summary every 5 s, ${MINUTES} min; least-squares slope of ${after.length} samples (every 5 s) after ${warmS} s warm-up`;
  return {
    soak_heap_growth_mib_per_hour: { value: perHour('heapMiB'), unit: 'MiB/h', method: `heapUsed: ${method}` },
    soak_rss_growth_mib_per_hour: { value: perHour('rssMiB'), unit: 'MiB/h', method: `RSS: ${method}` },
    soak_pod_lifecycles: { value: lifecycles, unit: 'pods', method: `pods created and deleted during the soak, as stored (deleted_at set) by the collector` },
    soak_final_heap_mib: { value: Number((samples.at(-1)?.heapMiB ?? 0).toFixed(1)), unit: 'MiB', method: `heapUsed at the end of the soak` },
  };
}

// Run directly: node dist/bench/soak.js
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
