// Soak: the collector against a simulated cluster (500 nodes x 10 pods by default; KUBEPULSE_SOAK_NODES,
// KUBEPULSE_SOAK_PODS_PER_NODE and KUBEPULSE_SOAK_CHURN_MS scale it down for a long run on a shared machine)
// with heavy pod churn, collected at a short interval for KUBEPULSE_SOAK_MINUTES (default 10). The simulator
// runs in a child process so the memory measured is the collector's alone; heap (after a full GC) and RSS
// are sampled every 5 s and their slope after warm-up (least squares over the samples past the first fifth,
// at least 2 minutes) is the growth per hour. A run of 2 hours or more reports RSS growth over its last
// hour alone (the figure the issue asks for: whether RSS levels off), the whole run's fit beside it. The rows held in the metric write queue at each sample are a covariate of the heap fit: the
// queue is bounded (maxQueuedRows) but swings by ~10,000 rows (several MiB) between samples, noise that
// would otherwise hide a slope of a few MiB/h. A million pod lifecycles is soak-lifecycles.ts's job.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import type { Figures } from './figure.js';
import { buildConfig } from '../src/config/load.js';
import { Collector } from '../src/collector/collector.js';
import { configureLogging } from '../src/log.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';

const simUrl = import.meta.resolve('@kubepulse/sim');

const MINUTES = Number(process.env.KUBEPULSE_SOAK_MINUTES ?? 10);
const CHURN_MS = Number(process.env.KUBEPULSE_SOAK_CHURN_MS ?? 10);
const NODES = Number(process.env.KUBEPULSE_SOAK_NODES ?? 500);
const PODS_PER_NODE = Number(process.env.KUBEPULSE_SOAK_PODS_PER_NODE ?? 10);
/** Runs this long or longer report RSS growth over their last hour (steady state), not only past warm-up. */
const LAST_HOUR_FROM_MINUTES = 120;
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
    child.stdout.on('data', (c: Buffer) => {
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

/** Resident memory by kind (/proc/self/status, Linux): anonymous (heaps, malloc arenas) and file-backed (code). */
function residentMiB(): { anon: number; file: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
  } catch {
    return { anon: 0, file: 0 };
  }
}

/** One sample, MiB: where RSS goes besides the live heap (pages V8 keeps, memory outside the JS heap, malloc). */
interface Sample {
  tS: number;
  heapMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  arrayBuffersMiB: number;
  rssMiB: number;
  rssAnonMiB: number;
  rssFileMiB: number;
  queuedRows: number;
}

function takeSample(tS: number, collector: Collector): Sample {
  const m = process.memoryUsage();
  const r = residentMiB();
  const mib = (b: number) => b / 2 ** 20;
  return {
    tS, heapMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers),
    rssMiB: mib(m.rss), rssAnonMiB: r.anon, rssFileMiB: r.file, queuedRows: collector.ingestCounters().queuedRows ?? 0,
  };
}

function traceSample(s: Sample, collector: Collector): void {
  const c = collector.status()?.clusters[0];
  const ingest = collector.ingestCounters();
  const f = (v: number) => v.toFixed(1);
  // heapTotal is what V8 has committed; per space, committed/used shows where it keeps more than it holds.
  const spaces = getHeapSpaceStatistics().filter((sp) => sp.space_size > 0)
    .map((sp) => `${sp.space_name.replace(/_space$/, '')}:${f(sp.space_size / 2 ** 20)}/${f(sp.space_used_size / 2 ** 20)}`).join(',');
  process.stderr.write(`soak t=${s.tS.toFixed(0)}s heap=${f(s.heapMiB)}MiB heapTotal=${f(s.heapTotalMiB)}MiB external=${f(s.externalMiB)}MiB arrayBuffers=${f(s.arrayBuffersMiB)}MiB `
    + `rss=${f(s.rssMiB)}MiB rssAnon=${f(s.rssAnonMiB)}MiB rssFile=${f(s.rssFileMiB)}MiB pods=${c?.pods ?? '?'} rateEntities=${ingest.rateEntities ?? '?'} queuedRows=${s.queuedRows} spaces(MiB committed/used)=${spaces}\n`);
}

/**
 * Pure: least-squares fit y = a + b·x + c·z; returns b (per unit of x) and c (per unit of z). With z
 * constant or collinear with x it falls back to the plain slope of y over x and c = 0.
 */
export function slopeWithCovariate(points: Array<{ x: number; y: number; z: number }>): { perX: number; perZ: number } {
  const n = points.length;
  if (n < 3) return { perX: slope(points), perZ: 0 };
  const mean = (k: 'x' | 'y' | 'z') => points.reduce((s, p) => s + p[k], 0) / n;
  const [mx, my, mz] = [mean('x'), mean('y'), mean('z')];
  let sxx = 0, szz = 0, sxz = 0, sxy = 0, szy = 0;
  for (const p of points) {
    const [dx, dy, dz] = [p.x - mx, p.y - my, p.z - mz];
    sxx += dx * dx; szz += dz * dz; sxz += dx * dz; sxy += dx * dy; szy += dz * dy;
  }
  const det = sxx * szz - sxz * sxz;
  if (!(Math.abs(det) > 1e-12 * sxx * szz) || szz === 0) return { perX: slope(points), perZ: 0 };
  return { perX: (szz * sxy - sxz * szy) / det, perZ: (sxx * szy - sxz * sxy) / det };
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
  const samples: Sample[] = [];
  const gc = gcFunction();
  const warmMs = warmUpS() * 1000;
  let snapshotted = false;
  while (Date.now() - started < MINUTES * 60_000) {
    await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    gc();
    samples.push(takeSample((Date.now() - started) / 1000, collector));
    if (TRACE) traceSample(samples.at(-1)!, collector);
    if (SNAPSHOT_DIR && !snapshotted && Date.now() - started >= warmMs) {
      snapshotted = true;
      process.stderr.write(`soak: heap snapshot ${writeHeapSnapshot(join(SNAPSHOT_DIR, 'soak-warm.heapsnapshot'))}\n`);
    }
  }
  if (SNAPSHOT_DIR) process.stderr.write(`soak: heap snapshot ${writeHeapSnapshot(join(SNAPSHOT_DIR, 'soak-end.heapsnapshot'))}\n`);
  const client = new pg.Client({ connectionString: pgServer.url });
  await client.connect();
  const lifecycles = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM kubepulse.pod WHERE deleted_at IS NOT NULL')).rows[0].n);
  await client.end();
  await collector.stop();
  sim.stdin!.end();
  await new Promise((r) => sim.once('exit', r));
  await pgServer.stop();
  rmSync(dir, { recursive: true, force: true });

  const warmS = warmUpS();
  const after = samples.filter((s) => s.tS >= warmS);
  const perHourOf = (of: Sample[], k: Exclude<keyof Sample, 'tS' | 'queuedRows'>) => Number((slope(of.map((s) => ({ x: s.tS, y: s[k] }))) * 3600).toFixed(2));
  const perHour = (k: 'heapMiB' | 'rssMiB') => perHourOf(after, k);
  // The issue's figure: growth over the last hour of a run of 2 hours or more, past every warm-up effect.
  const lastHourFromS = MINUTES >= LAST_HOUR_FROM_MINUTES ? MINUTES * 60 - 3600 : warmS;
  const lastHour = samples.filter((s) => s.tS >= lastHourFromS);
  const parts = (of: Sample[]) => (['heapMiB', 'heapTotalMiB', 'externalMiB', 'arrayBuffersMiB', 'rssAnonMiB', 'rssFileMiB'] as const)
    .map((k) => `${k.replace(/MiB$/, '')} ${perHourOf(of, k)}`).join(', ');
  const rssAt = (tS: number) => samples.find((s) => s.tS >= tS)?.rssMiB ?? 0;
  const heapFit = slopeWithCovariate(after.map((s) => ({ x: s.tS, y: s.heapMiB, z: s.queuedRows })));
  const heapPerHour = Number((heapFit.perX * 3600).toFixed(2));
  const churnPerS = lifecycles / (MINUTES * 60);
  const queue = after.map((s) => s.queuedRows);
  const setup = `collector (this process) on ${NODES} simulated nodes x ${PODS_PER_NODE} pods (simulator in a child process asked to replace a pod every ${CHURN_MS} ms; `
    + `achieved ${churnPerS.toFixed(1)} pod lifecycles/s, ${lifecycles} in all), summary every 5 s, ${MINUTES} min; `
    + `${after.length} samples (every 5 s, each after a full GC) past ${warmS} s of warm-up`;
  return {
    soak_heap_growth_mib_per_hour: {
      value: heapPerHour,
      unit: 'MiB/h',
      method: `heapUsed slope, least squares with the rows held in the metric write queue as a covariate (${queue.length ? Math.min(...queue) : 0}–${queue.length ? Math.max(...queue) : 0} rows, `
        + `fitted ${(heapFit.perZ * 2 ** 20).toFixed(0)} bytes/row; the plain heapUsed slope is ${perHour('heapMiB')} MiB/h): ${setup}`,
    },
    soak_rss_growth_mib_per_hour: {
      value: perHourOf(lastHour, 'rssMiB'),
      unit: 'MiB/h',
      method: `RSS, least-squares slope over ${lastHourFromS === warmS ? `the samples past warm-up (run shorter than ${LAST_HOUR_FROM_MINUTES} min)` : `the last hour (${lastHour.length} samples from t=${lastHourFromS} s)`}; `
        + `RSS ${rssAt(warmS).toFixed(0)} MiB after warm-up, ${rssAt(lastHourFromS).toFixed(0)} MiB at the hour's start, ${(samples.at(-1)?.rssMiB ?? 0).toFixed(0)} MiB at the end; `
        + `slopes of the parts over the same window, MiB/h: ${parts(lastHour)}; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 'unset'}: ${setup}`,
    },
    soak_rss_growth_whole_run_mib_per_hour: {
      value: perHour('rssMiB'),
      unit: 'MiB/h',
      method: `RSS, least-squares slope over every sample past warm-up (includes the climb of the first hour); parts, MiB/h: ${parts(after)}: ${setup}`,
    },
    soak_pod_lifecycles: { value: lifecycles, unit: 'pods', method: `pods created and deleted during the HTTP soak, as stored (deleted_at set) by the collector (${churnPerS.toFixed(1)}/s)` },
    soak_final_heap_mib: { value: Number((samples.at(-1)?.heapMiB ?? 0).toFixed(1)), unit: 'MiB', method: `heapUsed after a full GC at the end of the HTTP soak` },
  };
}

// Run directly: node dist/bench/soak.js
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
