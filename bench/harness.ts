// Processes the end-to-end benchmarks run side by side: the simulator and the collector each in their
// own child process (so each is measured alone), an embedded PostgreSQL in a temporary folder, and
// /proc readings of CPU time and memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seriesTable, sampleTable } from '../src/store/series-schema.js';
import { ENTITIES, ENTITY_TABLES, metricColumnsOf } from '../src/metrics/definitions.js';
import { PASSWORD_FILE } from '../src/store/embedded.js';
import { RESOLUTIONS, minutesAtCompaction, rollupTable } from '../src/store/rollup-schema.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
const BIN = join(REPO_ROOT, 'bin/kubepulse.js');
const SIM_INDEX_URL = import.meta.resolve('@kubepulse/sim');

export interface Child {
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

function child(args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 40_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** `kubepulse sim` in a child process; resolves once its kubeconfig is written. */
export async function startSimChild(o: { nodes: number; podsPerNode: number; clusters?: number; podChurnMs?: number; seed?: number }): Promise<Child & { kubeconfig: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kp-bench-sim-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const args = [BIN, 'sim', '--nodes', String(o.nodes), '--pods-per-node', String(o.podsPerNode), '--clusters', String(o.clusters ?? 1), '--kubeconfig', kubeconfig, '--seed', String(o.seed ?? 1), '--pod-churn-ms', String(o.podChurnMs ?? 0)];
  const c = child(['--max-old-space-size=4096', ...args], {});
  await waitUntil(() => existsSync(kubeconfig) && c.output().includes('kubeconfig written'), 180_000, () => `simulator start: ${c.output().slice(-800)}`, c);
  return { ...c, kubeconfig };
}

/** `kubepulse run --no-watchdog` in a child process with the given KUBEPULSE_* settings. */
export function startCollectorChild(env: Record<string, string>): Child {
  return child([BIN, 'run', '--no-watchdog'], { KUBEPULSE_LOG__CONSOLE: 'json', KUBEPULSE_LOG__LEVEL: 'warn', KUBEPULSE_LOG__FILE: '', ...env });
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string, watch?: Child, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (watch && watch.proc.exitCode !== null) throw new Error(`child exited (${watch.proc.exitCode}) while waiting for ${what()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User+system CPU seconds of a process (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Current and peak resident memory of a process in MiB (VmRSS, VmHWM). */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** utime + stime of one process in seconds, its parent pid and command name; null once it ended. */
export function procTimes(pid: number): { cpuS: number; reapedChildrenCpuS: number; ppid: number; comm: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    // fields after comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return {
      cpuS: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS,
      reapedChildrenCpuS: (Number(f[13]) + Number(f[14])) / CLOCK_TICKS,
      ppid: Number(f[1]),
      comm: text.slice(text.indexOf('(') + 1, close),
    };
  } catch {
    return null;
  }
}

/**
 * CPU seconds of every postgres process descending from `root` (an embedded server and its backends),
 * including backends that have exited since: the postmaster reaps them, so their time is in its
 * cutime/cstime. Without that, a backend ending between two readings made the difference negative.
 */
export function postgresCpuSeconds(root: number): number {
  const all = new Map<number, NonNullable<ReturnType<typeof procTimes>>>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const t = procTimes(Number(name));
    if (t) all.set(Number(name), t);
  }
  let sum = 0;
  for (const t of all.values()) {
    if (!t.comm.startsWith('postgres')) continue;
    for (let up = t.ppid, hops = 0; up > 1 && hops < 10; up = all.get(up)?.ppid ?? 0, hops++) {
      if (up === root) {
        sum += t.cpuS + t.reapedChildrenCpuS;
        break;
      }
    }
  }
  return sum;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first stdout line matching `pattern`; rejects on timeout or exit. */
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

/** SIGTERM, then SIGKILL after timeoutMs; resolves once the process exited. */
export async function stopChild(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

/**
 * startSim() in its own node process (so its CPU is its own), writing its kubeconfig to `kubeconfig`;
 * resolves once the cluster serves. No pod churn: every cycle scrapes the same pods.
 */
/** The seed of the benchmarks' simulated world (startSimProcess; bench/prometheus.ts's whole hour of it too). */
export const SIM_SEED = 1;

export async function startSimProcess(o: { nodes: number; podsPerNode: number; kubeconfig: string; nodeArgs?: string[] }): Promise<ChildProcess> {
  const script = `
    import { startSim, writeKubeconfig } from ${JSON.stringify(SIM_INDEX_URL)};
    const sim = await startSim({ name: 'bench', nodes: ${o.nodes}, podsPerNode: ${o.podsPerNode}, seed: ${SIM_SEED}, podChurnIntervalMs: 0 });
    await writeKubeconfig(${JSON.stringify(o.kubeconfig)}, [sim]);
    process.stdout.write('SIM READY\\n');
    process.on('SIGTERM', async () => { await sim.stop(); process.exit(0); });
  `;
  const sim = spawn(process.execPath, [...(o.nodeArgs ?? []), '--max-old-space-size=4096', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForLine(sim, /SIM READY/, 'simulator', 300_000);
  sim.stdout?.resume();
  return sim;
}

/**
 * Writes a kubepulse.toml for one simulated cluster into `dir` (embedded PostgreSQL in dir/postgres).
 * `collection` holds [collection] keys; keys left out take the defaults of src/config/schema.ts.
 */
export async function writeCollectorConfig(o: { dir: string; kubeconfig: string; httpPort: number; dbPort: number; collection?: Record<string, string | number> }): Promise<{ config: string; dataDir: string }> {
  const dataDir = join(o.dir, 'postgres');
  const config = join(o.dir, 'kubepulse.toml');
  const collection = Object.entries(o.collection ?? {}).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  await writeFile(config, [
    '[server]', `listen = "127.0.0.1:${o.httpPort}"`,
    '[database]', `data_dir = ${JSON.stringify(dataDir)}`, `port = ${o.dbPort}`,
    '[log]', 'level = "warn"', 'console = "json"', `file = ${JSON.stringify(join(o.dir, 'kubepulse.log'))}`,
    ...(collection.length ? ['[collection]', ...collection] : []),
    '[[clusters]]', 'name = "bench"', `kubeconfig = ${JSON.stringify(o.kubeconfig)}`, 'context = "bench"',
    '',
  ].join('\n'));
  return { config, dataDir };
}

/** `kubepulse run -c <config> --no-watchdog` in its own process, working directory `dir`. */
export function spawnCollector(config: string, dir: string, nodeArgs: string[] = []): ChildProcess {
  const c = spawn(process.execPath, [...nodeArgs, BIN, 'run', '-c', config, '--no-watchdog'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: dir });
  c.stdout?.resume();
  return c;
}

export interface ScrapeStatus { ok: number; failing?: number; cyclesOnTime: number; cyclesLate: number; lateBy?: Record<string, number> }
export interface CollectorStatus {
  clusters: Array<{ nodes: number; pods: number; scrapes: Record<string, ScrapeStatus> }>;
  database?: { spool?: { bytes: number; records: number } };
}

/**
 * Waits until the collector's spool is empty (rows that went to disk while the database was slow, e.g.
 * during the first scrapes of a large cluster, are replayed by then), at most `timeoutMs`. Returns the
 * seconds waited and the spool left (bytes, 0 when drained): a window that starts during a replay
 * measures the replay, not the steady state.
 */
export async function waitForSpoolDrained(port: number, timeoutMs = 600_000): Promise<{ waitedS: number; leftBytes: number }> {
  const start = Date.now();
  for (;;) {
    const bytes = (await collectorStatus(port))?.database?.spool?.bytes ?? 0;
    if (bytes === 0 || Date.now() - start > timeoutMs) return { waitedS: (Date.now() - start) / 1000, leftBytes: bytes };
    await sleep(2000);
  }
}

/** The collector's /api/status, or null while it does not answer. */
export async function collectorStatus(port: number): Promise<CollectorStatus | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/status`);
    return r.ok ? ((await r.json()) as CollectorStatus) : null;
  } catch {
    return null;
  }
}

/**
 * Scrapes that ran to an end (on time, late or failed); cycles skipped because the node's previous scrape
 * still ran, or missed, are not scrapes. Each finished scrape counts in exactly one of these.
 */
export function scrapesDone(st: ScrapeStatus): number {
  const by = st.lateBy ?? {};
  return st.cyclesOnTime + (by.startedLate ?? 0) + (by.finishedLate ?? 0) + (by.failed ?? 0);
}

/**
 * Waits until the collector listed `nodes` nodes and attempted every node once in each of `sources`
 * (a machine that cannot keep up still gets measured, and says so).
 */
export async function waitForFirstScrapes(port: number, nodes: number, sources: string[], collector: ChildProcess, timeoutMs = 1_200_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const c = (await collectorStatus(port))?.clusters[0];
    const attempted = (s: string): number => (c?.scrapes[s]?.ok ?? 0) + (c?.scrapes[s]?.failing ?? 0);
    if (c && c.nodes === nodes && sources.every((s) => attempted(s) >= nodes * 0.99)) return;
    if (collector.exitCode !== null) throw new Error(`collector exited with ${collector.exitCode}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`collector did not reach ${nodes} scraped nodes in ${timeoutMs / 60_000} min: ${JSON.stringify(c?.scrapes)}`);
    await sleep(1000);
  }
}

/** A collector killed before it stopped its embedded PostgreSQL leaves the postmaster running: stop it. */
export async function stopOrphanedPostgres(dir: string): Promise<void> {
  for (const pid of postgresUnder(dir)) {
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

/** A connection to the database of a collector's embedded server (its data folder holds the password). */
async function connectCollectorDb(dataDir: string, port: number): Promise<pg.Client> {
  const password = (await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  const client = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/kubepulse` });
  await client.connect();
  return client;
}

/**
 * Watches the collector's 1-minute rollup passes: `next()` resolves when the next pass has finished (the
 * progress mark of the last 1 m table it fills moved; a pass takes the entities in order). Passes come
 * 5–6 min apart and the mark is polled every 500 ms, so calling next() again right away misses none. A
 * window between two pass ends holds whole passes and lasts whole periods of them.
 */
export class RollupPasses {
  private last: string | null = null;
  private constructor(private readonly client: pg.Client) {}

  static async open(dataDir: string, port: number): Promise<RollupPasses> {
    const w = new RollupPasses(await connectCollectorDb(dataDir, port));
    w.last = await w.read();
    return w;
  }

  private async read(): Promise<string | null> {
    // The last entity whose minutes the pass computes (the others' come with their hour's compaction).
    const marker = rollupTable(ENTITIES.filter((e) => !minutesAtCompaction(e)).at(-1)!, RESOLUTIONS[0]);
    return (await this.client.query<{ d: string }>(`SELECT done_until::text AS d FROM kubepulse.rollup_state WHERE rollup_table = $1`, [marker])).rows[0]?.d ?? null;
  }

  /** Waits for the next pass's end; throws after timeoutMs (no pass: the collector is stuck). */
  async next(timeoutMs = 900_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      const now = await this.read();
      if (now !== this.last) {
        this.last = now;
        return;
      }
      if (Date.now() - start > timeoutMs) throw new Error(`no 1-minute rollup pass ended within ${timeoutMs / 60_000} min`);
      await sleep(500);
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/**
 * The raw metric tables' bytes (all of them: every partition's heap, indexes, TOAST, free-space and
 * visibility maps; rollup tables are derived and not counted) and their non-null metric values — only
 * those of samples with fromMs <= ts < toMs when given: what a window stored, counted after it (no query
 * in the window).
 */
export async function metricStorage(dataDir: string, port: number, fromMs?: number, toMs?: number): Promise<{ bytes: number; values: number }> {
  const client = await connectCollectorDb(dataDir, port);
  try {
    let bytes = 0;
    let values = 0;
    for (const e of ENTITIES) {
      const table = ENTITY_TABLES[e].table;
      // The rows are in <entity>_sample (partitioned) and their keys in <entity>_series; <entity>_metric is a view.
      const size = await client.query<{ b: string }>(
        `SELECT COALESCE(sum(pg_total_relation_size(relid)), 0) + pg_total_relation_size('kubepulse.${seriesTable(e)}') AS b
           FROM pg_partition_tree('kubepulse.${sampleTable(e)}')`,
      );
      const counts = metricColumnsOf(e).map((c) => `count("${c.column}")`).join(' + ');
      const range = fromMs === undefined ? '' : ' WHERE ts >= $1 AND ts < $2';
      const n = await client.query<{ n: string }>(`SELECT COALESCE(${counts}, 0) AS n FROM kubepulse.${table}${range}`, fromMs === undefined ? [] : [new Date(fromMs), new Date(toMs!)]);
      bytes += Number(size.rows[0].b);
      values += Number(n.rows[0].n);
    }
    return { bytes, values };
  } finally {
    await client.end();
  }
}

export function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
