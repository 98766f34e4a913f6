// End to end at scale: the simulator (one child process) serving N nodes × 30 pods, and the collector
// (`kubepulse run --no-watchdog`, another child process, which starts its own embedded PostgreSQL) scraping
// every node's summary every 15 s through the API-server proxy. After the inventory is listed and a
// warm-up, a measurement window of whole cycles reads from /proc:
// - collector_mcpu_per_node_N: the collector process's CPU seconds per second (all its threads) × 1000 ÷ N;
// - database_cpu_cores_N: the same for every postgres process under the collector;
// - collector_peak_rss_mib_N: the collector's VmHWM (peak resident set) at the end;
// - cycles_on_time_N: share of the window's scrape cycles that finished within their interval (status API);
// - stored_bytes_per_value_N: metric tables' size (heap + indexes + TOAST) ÷ non-null metric values.
// - collector_cpu_ms_per_scrape_N: collector CPU per scrape that finished (comparable on a loaded machine);
// - simulator_cpu_cores_N: the simulator's CPU s/s (what serving the summaries cost the machine).
// cAdvisor is off (summary only), as metrics-server's 1 mCPU/node compares a summary-style scrape; the
// simulator shares the machine's two cores, so cycles_on_time also says whether the machine kept up.
// Environment: KUBEPULSE_BENCH_NODES=1000 (one size), KUBEPULSE_BENCH_CPU_PROF=<dir> (+ _SIM=1) for V8 CPU
// profiles, KUBEPULSE_BENCH_COLLECTOR_NODE_ARGS="--max-old-space-size=384" to compare V8 flags. The
// collector inherits this environment: KUBEPULSE_HEAP_GROWING_PERCENT=0 measures it with V8's own heap
// growing factor instead of kubepulse's governor (src/runtime/heap-governor.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, chmod, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Figures } from './figure.js';
import { memoryMiB, postgresCpuSeconds, procTimes } from './harness.js';
import { freePort } from '../test/helpers/pg.js';
import { ENTITIES, ENTITY_TABLES, metricColumnsOf } from '../src/metrics/definitions.js';
import { heapGrowingOptions } from '../src/runtime/heap-governor.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const simIndexUrl = import.meta.resolve('@kubepulse/sim');
const INTERVAL_S = 15;
const PODS_PER_NODE = 30;


function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no ${pattern} within ${timeoutMs} ms; output: ${buf.slice(-800)}`)), timeoutMs);
    const onData = (c: Buffer): void => {
      buf += c.toString('utf8');
      const line = buf.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${buf.slice(-800)}`)));
  });
}

async function stopChild(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

interface Status {
  clusters: Array<{ nodes: number; pods: number; scrapes: Record<string, { ok: number; cyclesOnTime: number; cyclesLate: number; lateBy?: Record<string, number> }> }>;
}

async function status(port: number): Promise<Status | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/status`);
    return r.ok ? ((await r.json()) as Status) : null;
  } catch {
    return null;
  }
}

/**
 * KUBEPULSE_BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the collector (and, with
 * KUBEPULSE_BENCH_CPU_PROF_SIM=1, of the simulator) into <dir> when the child exits: where the CPU goes.
 */
/** KUBEPULSE_BENCH_COLLECTOR_NODE_ARGS: extra node flags for the collector (e.g. V8 heap flags to compare). */
function collectorNodeArgs(): string[] {
  return (process.env.KUBEPULSE_BENCH_COLLECTOR_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

function profArgs(who: 'sim' | 'collector'): string[] {
  const dir = process.env.KUBEPULSE_BENCH_CPU_PROF;
  if (!dir || (who === 'sim' && process.env.KUBEPULSE_BENCH_CPU_PROF_SIM !== '1')) return [];
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `${who}-${Date.now()}.cpuprofile`];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The collector's resident memory every second, with the phase it was in: says whether the peak comes
 * from the start (inventory list, first scrapes) or from steady scraping.
 */
class MemoryTimeline {
  private readonly t0 = Date.now();
  private phase = 'starting: inventory list and first scrapes';
  private readonly peakByPhase = new Map<string, { rssMiB: number; atS: number }>();
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 1000);
  }
  private sample(): void {
    let rss: number;
    try {
      rss = memoryMiB(this.pid).rss;
    } catch {
      return; // exited
    }
    const p = this.peakByPhase.get(this.phase);
    if (!p || rss > p.rssMiB) this.peakByPhase.set(this.phase, { rssMiB: Math.round(rss), atS: Math.round((Date.now() - this.t0) / 1000) });
  }
  /** The phase that ends now (`ended`) and the next begins. */
  mark(ended: string): void {
    this.sample();
    this.phase = `after ${ended}`;
  }
  stop(): void {
    clearInterval(this.timer);
  }
  summary(): Record<string, { rssMiB: number; atS: number }> {
    return Object.fromEntries(this.peakByPhase);
  }
}

/**
 * Scrapes that ran to an end (on time, late or failed); cycles skipped because the node's previous scrape
 * still ran, or missed, are not scrapes. Each finished scrape counts in exactly one of these.
 */
function scrapesDone(st: Status['clusters'][number]['scrapes'][string]): number {
  const by = st.lateBy ?? {};
  return st.cyclesOnTime + (by.startedLate ?? 0) + (by.finishedLate ?? 0) + (by.failed ?? 0);
}

interface ScaleFigures { simCores: number; scrapesDone: number; cpuS: number; memory: Record<string, { rssMiB: number; atS: number }>; mcpuPerNode: number; dbCores: number; peakRssMiB: number; onTime: number; bytesPerValue: number; cycles: number; lateBy: Record<string, number> }

async function runAt(nodes: number, windowCycles: number): Promise<ScaleFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'kp-bench-collector-'));
  await chmod(dir, 0o711); // the embedded postgres user must traverse it when we run as root
  const kubeconfig = join(dir, 'kubeconfig');
  const simScript = `
    import { startSim, writeKubeconfig } from ${JSON.stringify(simIndexUrl)};
    const sim = await startSim({ name: 'bench', nodes: ${nodes}, podsPerNode: ${PODS_PER_NODE}, seed: 1, podChurnIntervalMs: 0 });
    await writeKubeconfig(${JSON.stringify(kubeconfig)}, [sim]);
    process.stdout.write('SIM READY\\n');
    process.on('SIGTERM', async () => { await sim.stop(); process.exit(0); });
  `;
  const sim = spawn(process.execPath, [...profArgs('sim'), '--max-old-space-size=4096', '--input-type=module', '-e', simScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  let collector: ChildProcess | null = null;
  let memory: MemoryTimeline | null = null;
  try {
    await waitForLine(sim, /SIM READY/, 'simulator', 300_000);
    const httpPort = await freePort();
    const dbPort = await freePort();
    const dataDir = join(dir, 'postgres');
    const config = join(dir, 'kubepulse.toml');
    await writeFile(config, [
      '[server]', `listen = "127.0.0.1:${httpPort}"`,
      '[database]', `data_dir = ${JSON.stringify(dataDir)}`, `port = ${dbPort}`,
      '[log]', 'level = "warn"', 'console = "json"', `file = ${JSON.stringify(join(dir, 'kubepulse.log'))}`,
      '[collection]', `summary_interval = "${INTERVAL_S}s"`, 'cadvisor_interval = "0s"', 'health_interval = "5s"', 'scrape_concurrency = 64',
      '[[clusters]]', 'name = "bench"', `kubeconfig = ${JSON.stringify(kubeconfig)}`, 'context = "bench"',
      '',
    ].join('\n'));
    collector = spawn(process.execPath, [...profArgs('collector'), ...collectorNodeArgs(), join(repoRoot, 'bin/kubepulse.js'), 'run', '-c', config, '--no-watchdog'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: dir });
    collector.stdout?.resume();
    const pid = collector.pid!;
    memory = new MemoryTimeline(pid);
    // Inventory listed and every node scraped once.
    const t0 = Date.now();
    for (;;) {
      const st = await status(httpPort);
      const c = st?.clusters[0];
      // Every node attempted once (a machine that cannot keep up still gets measured, and says so).
      const attempted = (c?.scrapes.summary?.ok ?? 0) + ((c?.scrapes.summary as { failing?: number } | undefined)?.failing ?? 0);
      if (c && c.nodes === nodes && attempted >= nodes * 0.99) break;
      if (collector.exitCode !== null) throw new Error(`collector exited with ${collector.exitCode}`);
      if (Date.now() - t0 > 1_200_000) throw new Error(`collector did not reach ${nodes} scraped nodes in 20 min: ${JSON.stringify(c?.scrapes)}`);
      await sleep(1000);
    }
    memory.mark('inventory listed, every node scraped once');
    await sleep(2 * INTERVAL_S * 1000); // warm-up: two more cycles
    memory.mark('warm-up done');
    const before = { at: performance.now(), cpu: procTimes(pid)!.cpuS, sim: procTimes(sim.pid!)!.cpuS, db: postgresCpuSeconds(pid), st: (await status(httpPort))!.clusters[0]!.scrapes.summary! };
    await sleep(windowCycles * INTERVAL_S * 1000);
    const after = { at: performance.now(), cpu: procTimes(pid)!.cpuS, sim: procTimes(sim.pid!)!.cpuS, db: postgresCpuSeconds(pid), st: (await status(httpPort))!.clusters[0]!.scrapes.summary! };
    const seconds = (after.at - before.at) / 1000;
    const onTime = after.st.cyclesOnTime - before.st.cyclesOnTime;
    const late = after.st.cyclesLate - before.st.cyclesLate;
    memory.mark('window done');
    memory.stop();
    const peak = memoryMiB(pid).peak;
    const bytesPerValue = await storedBytesPerValue(dataDir, dbPort);
    return {
      mcpuPerNode: ((after.cpu - before.cpu) / seconds) * 1000 / nodes,
      dbCores: (after.db - before.db) / seconds,
      simCores: (after.sim - before.sim) / seconds,
      scrapesDone: scrapesDone(after.st) - scrapesDone(before.st),
      cpuS: after.cpu - before.cpu,
      peakRssMiB: peak,
      onTime: onTime + late > 0 ? onTime / (onTime + late) : 0,
      bytesPerValue,
      cycles: onTime + late,
      memory: memory.summary(),
      lateBy: Object.fromEntries(Object.entries(after.st.lateBy ?? {}).map(([k, v]) => [k, v - (before.st.lateBy?.[k] ?? 0)])),
    };
  } finally {
    memory?.stop();
    if (collector) await stopChild(collector, 120_000);
    await stopOrphanedPostgres(dir);
    await stopChild(sim);
    // PostgreSQL's last files may still be going away: retry rather than fail a finished measurement.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  }
}

/** A collector killed before it stopped its embedded PostgreSQL leaves the postmaster running: stop it. */
async function stopOrphanedPostgres(dir: string): Promise<void> {
  const pids = postgresUnder(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  for (let waited = 0; waited < 30_000 && postgresUnder(dir).length > 0; waited += 250) await sleep(250);
}

/** Postmasters whose data directory is inside `dir`. */
function postgresUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes(`-D\u0000${dir}`) || cmd.includes(`-D ${dir}`)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Size of every raw metric table (all partitions, indexes, TOAST) ÷ its non-null metric values. */
async function storedBytesPerValue(dataDir: string, port: number): Promise<number> {
  const password = (await readFile(join(dataDir, 'kubepulse-password'), 'utf8')).trim();
  const client = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/kubepulse` });
  await client.connect();
  try {
    let bytes = 0;
    let values = 0;
    for (const e of ENTITIES) {
      const table = ENTITY_TABLES[e].table;
      const size = await client.query<{ b: string }>(
        `SELECT COALESCE(sum(pg_total_relation_size(relid)), 0) AS b FROM pg_partition_tree('kubepulse.${table}')`,
      );
      const counts = metricColumnsOf(e).map((c) => `count("${c.column}")`).join(' + ');
      const n = await client.query<{ n: string }>(`SELECT COALESCE(${counts}, 0) AS n FROM kubepulse.${table}`);
      bytes += Number(size.rows[0]!.b);
      values += Number(n.rows[0]!.n);
    }
    return values ? bytes / values : NaN;
  } finally {
    await client.end();
  }
}

export async function run(): Promise<Figures> {
  const figures: Figures = {};
  const scales = (process.env.KUBEPULSE_BENCH_NODES ?? '1000,5000').split(',').map(Number);
  for (const nodes of scales) {
    const windowCycles = 4;
    const f = await runAt(nodes, windowCycles);
    const heap = heapGrowingOptions(); // what the collector (same environment) runs with
    const heapNote = heap.minPercent === 0 ? "V8's own heap growing factor" : `heap growing governor ${heap.minPercent} % / ${heap.heapBudgetMiB} MiB budget`;
    const how = `kubepulse run (own process, embedded PostgreSQL, ${heapNote}) scraping the simulator (own process) at ${nodes} nodes x ${PODS_PER_NODE} pods, summary every ${INTERVAL_S} s through the API-server proxy, cAdvisor off; ${windowCycles} cycles measured after inventory + 2 warm-up cycles`;
    figures[`collector_mcpu_per_node_${nodes}`] = { value: round(f.mcpuPerNode, 3), unit: 'mCPU/node', method: `${how}: collector process CPU s/s (/proc/<pid>/stat, all threads) x 1000 / nodes` };
    figures[`collector_peak_rss_mib_${nodes}`] = { value: Math.round(f.peakRssMiB), unit: 'MiB', method: `${how}: VmHWM of the collector process at the end (highest VmRSS sampled per phase, s since start: ${JSON.stringify(f.memory)})` };
    figures[`cycles_on_time_${nodes}`] = { value: round(f.onTime, 3), unit: 'share', method: `${how}: node scrapes that started and finished within their interval / all due (${f.cycles} in the window; late by reason: ${JSON.stringify(f.lateBy)}), from /api/status` };
    figures[`database_cpu_cores_${nodes}`] = { value: round(f.dbCores, 3), unit: 'cores', method: `${how}: CPU s/s of the postgres processes under the collector` };
    // What the machine had to give: the simulator's share says whether it could serve the load at all.
    figures[`simulator_cpu_cores_${nodes}`] = { value: round(f.simCores, 3), unit: 'cores', method: `${how}: CPU s/s of the simulator process (all threads) while the collector finished ${f.scrapesDone} scrapes in the window` };
    // Per finished scrape: comparable across runs on a loaded machine, where fewer scrapes finish per interval.
    figures[`collector_cpu_ms_per_scrape_${nodes}`] = { value: round((f.cpuS * 1000) / Math.max(1, f.scrapesDone), 2), unit: 'ms', method: `${how}: collector CPU s in the window x 1000 / scrapes finished in it (${f.scrapesDone}; on time, late or failed)` };
    figures[`stored_bytes_per_value_${nodes}`] = { value: round(f.bytesPerValue, 2), unit: 'bytes', method: `${how}: raw metric tables incl. indexes / non-null metric values, at the end` };
  }
  return figures;
}

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}

// Run directly: node dist/bench/collector.js (KUBEPULSE_BENCH_NODES=1000 for one scale)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
