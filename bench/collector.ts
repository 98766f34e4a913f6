// End to end at scale: the simulator (one child process) serving N nodes × 30 pods, and the collector
// (`kubepulse run --no-watchdog`, another child process, which starts its own embedded PostgreSQL) in its
// default configuration (no [collection] keys: summary every 15 s, cAdvisor every 30 s, through the
// API-server proxy; src/config/schema.ts COLLECTION_DEFAULTS). After the inventory is listed and a
// warm-up, a measurement window of whole cycles reads from /proc:
// - collector_mcpu_per_node_N: the collector process's CPU seconds per second (all its threads) × 1000 ÷ N;
// - database_cpu_cores_N: the same for every postgres process under the collector;
// - collector_peak_rss_mib_N: the collector's VmHWM (peak resident set) at the end;
// - cycles_on_time_N: share of the window's scrape cycles that finished within their interval (status API);
// - stored_bytes_per_value_N: metric tables' size (heap + indexes + TOAST) ÷ non-null metric values.
// - collector_cpu_ms_per_scrape_N: collector CPU per scrape that finished (comparable on a loaded machine);
// - simulator_cpu_cores_N: the simulator's CPU s/s (what serving the summaries cost the machine);
// - cadvisor_cycles_on_time_N: cycles_on_time_N for the cAdvisor scrapes;
// - nodes_per_core_default_config_N (and nodes_per_core_default_config at N = 1000): 15 s × 1000 ÷ the
//   collector's + PostgreSQL's CPU ms per node per 15 s — how many nodes one core keeps up with. When the
//   window finished fewer scrapes than were due (a loaded machine), that CPU is scaled by due ÷ finished.
//   The hourly work (1 h rollup, compaction into history blocks; a run of minutes compacts nothing, its
//   data being younger than compact_after) is added per value the window stored, at its CPU per value on
//   one whole hour of the same world made at accelerated time once the runs are over
//   (KUBEPULSE_BENCH_HOUR_NODES, default 100 nodes; bench/hourly-work.ts measureFullHour).
// The window runs from the end of one 1-minute rollup pass to the end of the next (every 5–6 min: the
// pass runs once 5 min are due, checked every minute), so it holds exactly one pass and lasts its period:
// a fixed 120 s window held none or one, and PostgreSQL's CPU moved by ~0.25 cores at 1,000 nodes with
// it. It starts once the spool is empty (rows spooled while the database was slow during the first
// scrapes are replayed by then: the window measures the steady state, not the replay). The hourly work
// (the 1 h rollup, compaction) falls in a window only when an hour's end does; the method says whether. The simulator shares the machine's two cores, so cycles_on_time also says whether the
// machine kept up.
// Environment: KUBEPULSE_BENCH_NODES=1000 (one size), KUBEPULSE_BENCH_CPU_PROF=<dir> (+ _SIM=1) for V8 CPU
// profiles, KUBEPULSE_BENCH_COLLECTOR_NODE_ARGS="--max-old-space-size=384" to compare V8 flags. The
// collector inherits this environment: KUBEPULSE_HEAP_GROWING_PERCENT=0 measures it with V8's own heap
// growing factor instead of kubepulse's governor (src/runtime/heap-governor.ts).
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { Figures } from './figure.js';
import { SIM_SEED, collectorStatus, memoryMiB, metricStorage, postgresCpuSeconds, procTimes, round, scrapesDone, sleep, spawnCollector, startSimProcess, stopChild, stopOrphanedPostgres, waitForFirstScrapes, waitForSpoolDrained, RollupPasses, writeCollectorConfig, type ScrapeStatus } from './harness.js';
import { freePort } from '../test/helpers/pg.js';
import { heapGrowingOptions } from '../src/runtime/heap-governor.js';
import { COLLECTION_DEFAULTS } from '../src/config/schema.js';
import { measureFullHour, type HourlyWork } from './hourly-work.js';

const PODS_PER_NODE = 30;
/** The default configuration's intervals (src/config/schema.ts), in seconds. */
const SUMMARY_S = parseSeconds(COLLECTION_DEFAULTS.summary_interval);
const CADVISOR_S = parseSeconds(COLLECTION_DEFAULTS.cadvisor_interval);

function parseSeconds(text: string): number {
  const m = /^(\d+)s$/.exec(text);
  if (!m) throw new Error(`bench/collector: default interval ${JSON.stringify(text)} is not whole seconds`);
  return Number(m[1]);
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

interface ScaleFigures { spool: { waitedS: number; leftBytes: number }; simCores: number; scrapesDone: number; cpuS: number; dbS: number; seconds: number; memory: Record<string, { rssMiB: number; atS: number }>; mcpuPerNode: number; dbCores: number; peakRssMiB: number; onTime: Record<string, { share: number; cycles: number; done: number; lateBy: Record<string, number> }>; bytesPerValue: number; windowValues: number; hourly: boolean }

async function runAt(nodes: number): Promise<ScaleFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'kp-bench-collector-'));
  await chmod(dir, 0o711); // the embedded postgres user must traverse it when we run as root
  const kubeconfig = join(dir, 'kubeconfig');
  let sim: ChildProcess | null = null;
  let collector: ChildProcess | null = null;
  let memory: MemoryTimeline | null = null;
  try {
    sim = await startSimProcess({ nodes, podsPerNode: PODS_PER_NODE, kubeconfig, nodeArgs: profArgs('sim') });
    const httpPort = await freePort();
    const dbPort = await freePort();
    // No [collection] keys: the default configuration, as a user gets it.
    const { config, dataDir } = await writeCollectorConfig({ dir, kubeconfig, httpPort, dbPort });
    collector = spawnCollector(config, dir, [...profArgs('collector'), ...collectorNodeArgs()]);
    const pid = collector.pid!;
    memory = new MemoryTimeline(pid);
    await waitForFirstScrapes(httpPort, nodes, ['summary', 'cadvisor'], collector);
    memory.mark('inventory listed, every node scraped once');
    await sleep(2 * SUMMARY_S * 1000); // warm-up: two more summary cycles
    const spool = await waitForSpoolDrained(httpPort);
    memory.mark('warm-up done');
    const read = async () => ({ at: performance.now(), wall: Date.now(), cpu: procTimes(pid)!.cpuS, sim: procTimes(sim!.pid!)!.cpuS, db: postgresCpuSeconds(pid), st: (await collectorStatus(httpPort))!.clusters[0].scrapes });
    // From the end of a 1 m rollup pass to the end of the next: one pass, its period long.
    const passes = await RollupPasses.open(dataDir, dbPort);
    let before: Awaited<ReturnType<typeof read>>;
    let after: Awaited<ReturnType<typeof read>>;
    try {
      await passes.next();
      before = await read();
      await passes.next();
      after = await read();
    } finally {
      await passes.close();
    }
    // The hourly passes start once an hour's end is 2 min (the settle) behind.
    const hourOf = (ms: number) => Math.floor((ms - 120_000) / 3_600_000);
    const hourly = hourOf(Date.now()) !== hourOf(Date.now() - (after.at - before.at));
    const seconds = (after.at - before.at) / 1000;
    memory.mark('window done');
    memory.stop();
    const peak = memoryMiB(pid).peak;
    const stored = await metricStorage(dataDir, dbPort);
    // The values of the samples the window took (by sample time, counted after it).
    const windowValues = (await metricStorage(dataDir, dbPort, before.wall, after.wall)).values;
    const onTime: ScaleFigures['onTime'] = {};
    let done = 0;
    for (const source of ['summary', 'cadvisor']) {
      const a: ScrapeStatus = after.st[source];
      const b: ScrapeStatus = before.st[source];
      const cycles = a.cyclesOnTime - b.cyclesOnTime + a.cyclesLate - b.cyclesLate;
      onTime[source] = {
        share: cycles > 0 ? (a.cyclesOnTime - b.cyclesOnTime) / cycles : 0,
        cycles,
        done: scrapesDone(a) - scrapesDone(b),
        lateBy: Object.fromEntries(Object.entries(a.lateBy ?? {}).map(([k, v]) => [k, v - (b.lateBy?.[k] ?? 0)])),
      };
      done += scrapesDone(a) - scrapesDone(b);
    }
    return {
      mcpuPerNode: ((after.cpu - before.cpu) / seconds) * 1000 / nodes,
      dbCores: (after.db - before.db) / seconds,
      simCores: (after.sim - before.sim) / seconds,
      scrapesDone: done,
      cpuS: after.cpu - before.cpu,
      dbS: after.db - before.db,
      seconds,
      peakRssMiB: peak,
      onTime,
      bytesPerValue: stored.values ? stored.bytes / stored.values : NaN,
      windowValues,
      memory: memory.summary(),
      spool,
      hourly,
    };
  } finally {
    memory?.stop();
    if (collector) await stopChild(collector, 120_000);
    await stopOrphanedPostgres(dir);
    if (sim) await stopChild(sim);
    // PostgreSQL's last files may still be going away: retry rather than fail a finished measurement.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  }
}

/** The hourly work per stored value on one whole hour of the same simulated world (bench/hourly-work.ts). */
async function hourlyWork(nodes: number): Promise<HourlyWork> {
  const dir = await mkdtemp(join(tmpdir(), 'kp-bench-hour-'));
  await chmod(dir, 0o711);
  try {
    return await measureFullHour({ dataDir: join(dir, 'postgres'), port: await freePort(), nodes, podsPerNode: PODS_PER_NODE, seed: SIM_SEED });
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  }
}

export async function run(): Promise<Figures> {
  const figures: Figures = {};
  const scales = (process.env.KUBEPULSE_BENCH_NODES ?? '1000,5000').split(',').map(Number);
  const hourNodes = Number(process.env.KUBEPULSE_BENCH_HOUR_NODES ?? 100);
  if (!Number.isInteger(hourNodes) || hourNodes < 1) throw new Error(`KUBEPULSE_BENCH_HOUR_NODES: ${JSON.stringify(process.env.KUBEPULSE_BENCH_HOUR_NODES)} is not a node count`);
  const scaled: Array<{ nodes: number; f: ScaleFigures }> = [];
  for (const nodes of scales) {
    if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`KUBEPULSE_BENCH_NODES: ${JSON.stringify(process.env.KUBEPULSE_BENCH_NODES)} is not a comma-separated list of node counts`);
    scaled.push({ nodes, f: await runAt(nodes) });
  }
  // Compaction counts in the per-node cost (issue 15): its CPU per value, measured on a whole hour (what
  // every partition is in steady state) once the runs are over, for each value a window stored.
  const hour = await hourlyWork(hourNodes);
  const hourUs = ((hour.rollupCpuS + hour.compactCpuS) * 1e6) / hour.values;
  const hourHow = `the hourly work (1 h rollup + compaction into history blocks; bench/hourly-work.ts measureFullHour) on one whole hour of the same simulated world at ${hourNodes} nodes x ${PODS_PER_NODE} pods ingested at accelerated time by the collector's pipeline into a fresh embedded server: ${hour.rows} raw rows, ${hour.values} values, 1 h rollup of node and pod ${round(hour.rollupCpuS, 2)} s + compaction into ${hour.blocks} blocks with the minute blocks of every entity and the 1-hour rollup of the others ${round(hour.compactCpuS, 2)} s (JS ${round(hour.compactJsS, 2)} s, PostgreSQL ${round(hour.compactPgS, 2)} s) CPU = ${round(hourUs, 3)} µs per value`;
  for (const { nodes, f } of scaled) {
    const heap = heapGrowingOptions(); // what the collector (same environment) runs with
    const heapNote = heap.minPercent === 0 ? "V8's own heap growing factor" : `heap growing governor ${heap.minPercent} % / ${heap.heapBudgetMiB} MiB budget`;
    const spoolNote = f.spool.waitedS < 1 ? 'the spool empty' : f.spool.leftBytes === 0 ? `then ${round(f.spool.waitedS, 0)} s until the rows spooled during the first scrapes were replayed` : `the spool still holding ${f.spool.leftBytes} bytes after ${round(f.spool.waitedS, 0)} s`;
    const how = `kubepulse run (own process, embedded PostgreSQL, ${heapNote}) in its default configuration (summary every ${SUMMARY_S} s, cAdvisor every ${CADVISOR_S} s, both through the API-server proxy, scrape concurrency ${COLLECTION_DEFAULTS.scrape_concurrency}) scraping the simulator (own process) at ${nodes} nodes x ${PODS_PER_NODE} pods; ${round(f.seconds, 1)} s measured after inventory, one scrape of every node by both sources and 2 summary cycles of warm-up, ${spoolNote}, from the end of one 1-minute rollup pass to the end of the next (one pass in the window; ${f.hourly ? 'an hour ended in it: the hourly 1 h rollup and compaction are in it too' : 'no hour ended in it: the hourly 1 h rollup and compaction are not'})`;
    const onTime = (source: string): string => `${f.onTime[source].cycles} ${source} scrapes due in the window; late by reason: ${JSON.stringify(f.onTime[source].lateBy)}`;
    figures[`collector_mcpu_per_node_${nodes}`] = { value: round(f.mcpuPerNode, 3), unit: 'mCPU/node', method: `${how}: collector process CPU s/s (/proc/<pid>/stat, all threads) x 1000 / nodes` };
    figures[`collector_peak_rss_mib_${nodes}`] = { value: Math.round(f.peakRssMiB), unit: 'MiB', method: `${how}: VmHWM of the collector process at the end (highest VmRSS sampled per phase, s since start: ${JSON.stringify(f.memory)})` };
    figures[`cycles_on_time_${nodes}`] = { value: round(f.onTime.summary.share, 3), unit: 'share', method: `${how}: summary scrapes that started and finished within their interval / all due (${onTime('summary')}), from /api/status` };
    figures[`cadvisor_cycles_on_time_${nodes}`] = { value: round(f.onTime.cadvisor.share, 3), unit: 'share', method: `${how}: cAdvisor scrapes that started and finished within their interval / all due (${onTime('cadvisor')}), from /api/status` };
    figures[`database_cpu_cores_${nodes}`] = { value: round(f.dbCores, 3), unit: 'cores', method: `${how}: CPU s/s of the postgres processes under the collector (postmaster and backends, exited backends included)` };
    // What the machine had to give: the simulator's share says whether it could serve the load at all.
    figures[`simulator_cpu_cores_${nodes}`] = { value: round(f.simCores, 3), unit: 'cores', method: `${how}: CPU s/s of the simulator process (all threads) while the collector finished ${f.scrapesDone} scrapes in the window` };
    // Per finished scrape: comparable across runs on a loaded machine, where fewer scrapes finish per interval.
    figures[`collector_cpu_ms_per_scrape_${nodes}`] = { value: round((f.cpuS * 1000) / Math.max(1, f.scrapesDone), 2), unit: 'ms', method: `${how}: collector CPU s in the window x 1000 / summary and cAdvisor scrapes finished in it (${f.scrapesDone}; on time, late or failed)` };
    figures[`stored_bytes_per_value_${nodes}`] = { value: round(f.bytesPerValue, 2), unit: 'bytes', method: `${how}: raw metric tables incl. indexes / non-null metric values, at the end` };
    // One core's worth of nodes: what the collector and its database together cost per node per summary
    // interval. A machine that did not keep up (shared, loaded) finished fewer scrapes than were due and
    // spent CPU on those only: the cost is scaled by due ÷ finished (each scrape weighted alike, whatever
    // its source), which is 1 when every scrape finished.
    const due = f.onTime.summary.cycles + f.onTime.cadvisor.cycles;
    const done = f.onTime.summary.done + f.onTime.cadvisor.done;
    const intervals = f.seconds / SUMMARY_S;
    const measuredMs = ((f.cpuS + f.dbS) * 1000) / nodes / intervals;
    const windowMs = measuredMs * (due / Math.max(1, done));
    const valuesPerNode = (f.windowValues / nodes / intervals) * (due / Math.max(1, done));
    const hourMs = (hourUs * valuesPerNode) / 1000;
    const fullRateMs = windowMs + hourMs;
    const perCore = { value: Math.round((SUMMARY_S * 1000) / fullRateMs), unit: 'nodes/core', method: `${how}: ${SUMMARY_S} s x 1000 / (collector + PostgreSQL CPU ms per node per ${SUMMARY_S} s = ${round(fullRateMs, 3)}: the window's ${round(windowMs, 3)} (${round(measuredMs, 3)} measured, CPU from /proc/<pid>/stat, x ${due} scrapes due / ${done} finished: summary ${f.onTime.summary.done}/${f.onTime.summary.cycles}, cAdvisor ${f.onTime.cadvisor.done}/${f.onTime.cadvisor.cycles}) + the hourly work's ${round(hourMs, 3)} (${round(valuesPerNode, 0)} values stored per node per ${SUMMARY_S} s in the window x ${round(hourUs, 3)} µs: ${hourHow}))${done < due * 0.95 ? '; the machine did not keep up, so the figure is extrapolated from the scrapes that finished' : ''}` };
    figures[`nodes_per_core_default_config_${nodes}`] = perCore;
    // The headline figure is at 1000 nodes; a run at other sizes only (KUBEPULSE_BENCH_NODES) keeps its own key.
    if (nodes === 1000) figures.nodes_per_core_default_config = perCore;
  }
  return figures;
}

// Run directly: node dist/bench/collector.js (KUBEPULSE_BENCH_NODES=1000 for one scale)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
