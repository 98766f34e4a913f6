// Side by side with Prometheus (issue 15, "Metrics at Prometheus's cost"): one simulated cluster (own
// process; 100 nodes × 30 pods by default) scraped at the same time by
// - kubepulse: `kubepulse run` (own process, embedded PostgreSQL) collecting summary and cAdvisor, both
//   every 15 s, through the API-server proxy;
// - Prometheus: Debian's build (scripts/fetch-prometheus.sh unpacks it into .cache/prometheus when it is
//   missing), bound to 127.0.0.1, TSDB in a temporary folder, scraping every node's cAdvisor through the same
//   API-server proxy (/api/v1/nodes/<node>/proxy/metrics/cadvisor, bearer token and CA from the simulator's
//   kubeconfig) every 15 s. Debian's build has no kubernetes_sd, so the targets are a file_sd list, one per
//   node, and a relabel puts the node's proxy path into __metrics_path__ (what the usual kubernetes_sd
//   "role: node" cAdvisor job does). Prometheus scrapes nothing else (not even itself) and has no rules.
// After both scraped every node once and two more cycles of warm-up, a window of whole 1-minute rollup
// periods is measured (KUBEPULSE_BENCH_PROM_PASSES, default 2: from the end of one of kubepulse's 1 m
// rollup passes to the end of the second after it, ~10–12 min; a fixed 480 s window held one pass or
// two, which moved kubepulse's PostgreSQL CPU by a third):
// - CPU: utime+stime+cutime+cstime (/proc/<pid>/stat) of the collector process, of every postgres process
//   under it (postmaster and backends, exited backends included: harness.postgresCpuSeconds) and of
//   Prometheus, read at the window's start and end;
// - values stored: kubepulse — the non-null metric columns of the raw metric tables, counted at the start
//   and the end of the window (the difference is what the window wrote; rollups are derived, not counted,
//   but their CPU is in PostgreSQL's); Prometheus — prometheus_tsdb_head_samples_appended_total from its
//   own /metrics, at the start and the end;
// - bytes at rest: kubepulse — the raw metric tables' size (heap, indexes, TOAST, maps; every partition)
//   at the end minus at the start, ÷ the values the window wrote; Prometheus — a short run never leaves the
//   head (the first compaction comes once the head spans 3 h), so two figures: the head as it is on disk
//   (WAL + chunks_head) ÷ every sample appended since start, and a compacted block — the TSDB snapshot API
//   (admin API on) writes the head out as a block (index + chunks, Gorilla-compressed) — ÷ its numSamples.
//   The block is what Prometheus keeps at rest; a 2 h block amortises its index over more samples than a
//   run of minutes does, so the figure is an upper bound of the compacted size.
// Then the collector and Prometheus stop and the hourly work kubepulse's maintenance does for the data
// (the 1 h rollup, the compaction into history blocks) is measured (bench/hourly-work.ts) on one whole hour
// of the same simulated world ingested at accelerated time by the collector's pipeline — in steady state
// every compacted partition is a whole hour — and, for comparison, on the run's own partial hours; the
// whole hour's CPU per value is added to the window's for each value the window stored.
// Figures (suffix _<N>_nodes): prometheus_cpu_ratio (kubepulse CPU µs per stored value, hourly work
// included ÷ Prometheus CPU µs per stored sample, same run), kubepulse_hourly_us_per_value, prometheus_cpu_us_per_sample, kubepulse_cpu_us_per_value, the CPU ms per node
// per 15 s of each side, the values per node per 15 s of each side, kubepulse_bytes_per_value,
// prometheus_bytes_per_sample (compacted block), prometheus_block_chunk_bytes_per_sample (its chunks alone)
// and prometheus_head_bytes_per_sample.
// The simulator serves both; its CPU is in neither side. Prometheus's compaction and head truncation do not
// happen in a window this short, nor kubepulse's retention: each side's steady per-sample cost (with
// kubepulse's hourly work measured apart, below).
// Environment: KUBEPULSE_BENCH_PROM_NODES (default 100), KUBEPULSE_BENCH_PROM_PASSES (default 2).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figure.js';
import { measureFullHour, measureHourlyWork, type HourlyWork } from './hourly-work.js';
import { configureLogging } from '../src/log.js';
import { SIM_SEED, RollupPasses, collectorStatus, metricStorage, postgresCpuSeconds, procTimes, REPO_ROOT, round, sleep, spawnCollector, startSimProcess, stopChild, stopOrphanedPostgres, waitForFirstScrapes, writeCollectorConfig, scrapesDone, type ScrapeStatus } from './harness.js';
import { freePort } from '../test/helpers/pg.js';

const INTERVAL_S = 15;
const PODS_PER_NODE = 30;
const PROMETHEUS_BIN = join(REPO_ROOT, '.cache/prometheus/usr/bin/prometheus');

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${JSON.stringify(text)}: expected a positive whole number`);
  return n;
}

/** The unpacked Debian binary; fetched on first use. */
function prometheusBinary(): string {
  if (!existsSync(PROMETHEUS_BIN)) execFileSync('sh', [join(REPO_ROOT, 'scripts/fetch-prometheus.sh')], { stdio: 'inherit' });
  if (!existsSync(PROMETHEUS_BIN)) throw new Error(`scripts/fetch-prometheus.sh left no ${PROMETHEUS_BIN}`);
  return PROMETHEUS_BIN;
}

interface ApiAccess { server: string; token: string; caPem: string }

/** Server, token and CA of the simulator's kubeconfig (packages/sim/src/kubeconfig.ts writes them JSON-quoted). */
function apiAccess(kubeconfigText: string): ApiAccess {
  const field = (key: string): string => {
    const m = new RegExp(`^\\s*${key}: (".*")$`, 'm').exec(kubeconfigText);
    if (!m) throw new Error(`simulator kubeconfig: no ${key}`);
    return JSON.parse(m[1]) as string;
  };
  return { server: field('server'), token: field('token'), caPem: Buffer.from(field('certificate-authority-data'), 'base64').toString('utf8') };
}

/** Node names as the API server lists them. */
function listNodes(a: ApiAccess): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(`${a.server}/api/v1/nodes`, { ca: a.caPem, headers: { authorization: `Bearer ${a.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET /api/v1/nodes: HTTP ${res.statusCode}`));
        const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items: Array<{ metadata: { name: string } }> };
        resolve(list.items.map((n) => n.metadata.name));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** prometheus.yml: one cAdvisor job over file_sd targets (JSON strings are valid YAML scalars). */
function prometheusConfig(o: { tokenFile: string; caFile: string; targetsFile: string }): string {
  const q = JSON.stringify;
  return [
    'global:', `  scrape_interval: ${INTERVAL_S}s`, '  scrape_timeout: 10s',
    'scrape_configs:',
    '  - job_name: kubernetes-cadvisor', '    scheme: https',
    '    authorization:', `      credentials_file: ${q(o.tokenFile)}`,
    '    tls_config:', `      ca_file: ${q(o.caFile)}`,
    '    file_sd_configs:', `      - files: [${q(o.targetsFile)}]`,
    '    relabel_configs:',
    '      - source_labels: [__meta_node_name]', '        target_label: __metrics_path__', "        replacement: '/api/v1/nodes/${1}/proxy/metrics/cadvisor'",
    '      - source_labels: [__meta_node_name]', '        target_label: instance',
    '',
  ].join('\n');
}

/** One file_sd target per node, all at the API server; the node name rides in a __meta_ label. */
function fileSdTargets(server: string, nodes: string[]): string {
  const host = new URL(server).host;
  return JSON.stringify(nodes.map((n) => ({ targets: [host], labels: { __meta_node_name: n } })));
}

async function startPrometheus(bin: string, o: { config: string; tsdb: string; port: number }): Promise<{ proc: ChildProcess; output: () => string }> {
  const proc = spawn(bin, [
    `--config.file=${o.config}`, `--storage.tsdb.path=${o.tsdb}`, `--web.listen-address=127.0.0.1:${o.port}`,
    '--web.enable-admin-api', '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString('utf8')).slice(-8000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}: ${out.slice(-800)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${o.port}/-/ready`)).ok) return { proc, output: () => out };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus not ready within 60 s: ${out.slice(-800)}`);
    await sleep(250);
  }
}

/** Sum of every series of one metric family on Prometheus's own /metrics. */
async function promOwnMetric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      seen = true;
    }
  }
  if (!seen) throw new Error(`prometheus /metrics has no ${name}`);
  return sum;
}

interface TargetHealth { up: number; scraped: number; total: number; lastError: string }

async function targetHealth(port: number): Promise<TargetHealth> {
  const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/targets?state=active`)).json()) as {
    data: { activeTargets: Array<{ health: string; lastError: string; lastScrape: string }> };
  };
  const t = body.data.activeTargets;
  return {
    up: t.filter((x) => x.health === 'up').length,
    scraped: t.filter((x) => x.health !== 'unknown').length,
    total: t.length,
    lastError: t.find((x) => x.lastError)?.lastError ?? '',
  };
}

/** Bytes of every file under `path` (their sizes, as `du --apparent-size` counts). */
function treeBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + treeBytes(join(path, name)), 0);
}

/** Writes the head out as a block via the snapshot API; its size and sample count. */
async function snapshotBlock(port: number, tsdb: string): Promise<{ bytes: number; chunkBytes: number; indexBytes: number; samples: number; blocks: number }> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
  if (!r.ok) throw new Error(`prometheus snapshot: HTTP ${r.status} ${await r.text()}`);
  const name = ((await r.json()) as { data: { name: string } }).data.name;
  const dir = join(tsdb, 'snapshots', name);
  let samples = 0;
  let blocks = 0;
  let chunkBytes = 0;
  let indexBytes = 0;
  for (const block of readdirSync(dir)) {
    const meta = JSON.parse(readFileSync(join(dir, block, 'meta.json'), 'utf8')) as { stats: { numSamples: number } };
    samples += meta.stats.numSamples;
    chunkBytes += treeBytes(join(dir, block, 'chunks'));
    indexBytes += treeBytes(join(dir, block, 'index'));
    blocks++;
  }
  return { bytes: treeBytes(dir), chunkBytes, indexBytes, samples, blocks };
}

/** What the Prometheus server runs with, for the method text. */
async function promFlag(port: number, flag: string): Promise<string> {
  const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/status/flags`)).json()) as { data: Record<string, string> };
  return body.data[flag] ?? '?';
}

/** CPU s of a process and its reaped children. */
function processCpu(pid: number): number {
  const t = procTimes(pid);
  if (!t) throw new Error(`process ${pid} ended during the measurement`);
  return t.cpuS + t.reapedChildrenCpuS;
}

interface SideBySide {
  nodes: number; seconds: number;
  collectorS: number; postgresS: number; prometheusS: number;
  kpValues: number; kpBytes: number;
  promSamples: number; headBytes: number; samplesSinceStart: number;
  block: Awaited<ReturnType<typeof snapshotBlock>>;
  targets: TargetHealth; walCompression: string; version: string;
  kpCycles: Record<string, { onTime: number; finished: number; due: number }>;
  promScrapes: number;
  /** The hourly work on the run's own (partial) hours, and on a whole hour of the same world. */
  hourly: HourlyWork;
  fullHour: HourlyWork;
}

async function runSideBySide(nodes: number, rollupPasses: number): Promise<SideBySide> {
  const bin = prometheusBinary();
  const dir = await mkdtemp(join(tmpdir(), 'kp-bench-prometheus-'));
  await chmod(dir, 0o711); // the embedded postgres user must traverse it when we run as root
  const kubeconfig = join(dir, 'kubeconfig');
  let sim: ChildProcess | null = null;
  let collector: ChildProcess | null = null;
  let prometheus: { proc: ChildProcess; output: () => string } | null = null;
  try {
    sim = await startSimProcess({ nodes, podsPerNode: PODS_PER_NODE, kubeconfig });
    const access = apiAccess(await readFile(kubeconfig, 'utf8'));
    const nodeNames = await listNodes(access);
    if (nodeNames.length !== nodes) throw new Error(`simulator lists ${nodeNames.length} nodes, expected ${nodes}`);
    const tokenFile = join(dir, 'token');
    const caFile = join(dir, 'ca.pem');
    const targetsFile = join(dir, 'targets.json');
    const promConfig = join(dir, 'prometheus.yml');
    const tsdb = join(dir, 'prometheus-tsdb');
    await writeFile(tokenFile, access.token, { mode: 0o600 });
    await writeFile(caFile, access.caPem);
    await writeFile(targetsFile, fileSdTargets(access.server, nodeNames));
    await writeFile(promConfig, prometheusConfig({ tokenFile, caFile, targetsFile }));

    const httpPort = await freePort();
    const dbPort = await freePort();
    const promPort = await freePort();
    const { config, dataDir } = await writeCollectorConfig({ dir, kubeconfig, httpPort, dbPort, collection: { summary_interval: `${INTERVAL_S}s`, cadvisor_interval: `${INTERVAL_S}s` } });
    collector = spawnCollector(config, dir);
    prometheus = await startPrometheus(bin, { config: promConfig, tsdb, port: promPort });
    const promPid = prometheus.proc.pid!;
    const kpPid = collector.pid!;

    await waitForFirstScrapes(httpPort, nodes, ['summary', 'cadvisor'], collector);
    const deadline = Date.now() + 300_000;
    for (let h = await targetHealth(promPort); h.total < nodes || h.scraped < h.total; h = await targetHealth(promPort)) {
      if (prometheus.proc.exitCode !== null) throw new Error(`prometheus exited with ${prometheus.proc.exitCode}: ${prometheus.output().slice(-800)}`);
      if (Date.now() > deadline) throw new Error(`prometheus scraped ${h.scraped} of ${h.total} targets in 5 min (${h.lastError})`);
      await sleep(1000);
    }
    // On a loaded machine a first scrape can time out: every target must be up at once before the window.
    for (let h = await targetHealth(promPort); h.up < nodes; h = await targetHealth(promPort)) {
      if (Date.now() > deadline) throw new Error(`prometheus: ${h.up} of ${nodes} targets up after 5 min: ${h.lastError}`);
      await sleep(1000);
    }
    await sleep(2 * INTERVAL_S * 1000); // warm-up: two more cycles (series created, pools and heaps grown)

    const passes = await RollupPasses.open(dataDir, dbPort);
    let stored0: Awaited<ReturnType<typeof metricStorage>>;
    let before: Awaited<ReturnType<typeof read>>;
    let after: Awaited<ReturnType<typeof read>>;
    const read = async () => ({
      at: performance.now(),
      collector: processCpu(kpPid), postgres: postgresCpuSeconds(kpPid), prometheus: processCpu(promPid),
      samples: await promOwnMetric(promPort, 'prometheus_tsdb_head_samples_appended_total'),
      // One observation per scrape of a target (the time since its previous one): scrapes done.
      promScrapes: await promOwnMetric(promPort, 'prometheus_target_interval_length_seconds_count'),
      scrapes: (await collectorStatus(httpPort))!.clusters[0].scrapes,
    });
    try {
      await passes.next();
      // Counting the stored values costs PostgreSQL CPU: count before the window's CPU reading and after its end.
      stored0 = await metricStorage(dataDir, dbPort);
      before = await read();
      for (let p = 0; p < rollupPasses; p++) await passes.next();
      after = await read();
    } finally {
      await passes.close();
    }
    const stored1 = await metricStorage(dataDir, dbPort);

    const targets = await targetHealth(promPort);
    const headBytes = treeBytes(join(tsdb, 'wal')) + treeBytes(join(tsdb, 'chunks_head'));
    const block = await snapshotBlock(promPort, tsdb);
    const cycles = (s: string) => {
      const a: ScrapeStatus = after.scrapes[s];
      const b: ScrapeStatus = before.scrapes[s];
      return { onTime: a.cyclesOnTime - b.cyclesOnTime, finished: scrapesDone(a) - scrapesDone(b), due: a.cyclesOnTime - b.cyclesOnTime + a.cyclesLate - b.cyclesLate };
    };
    const fields = {
      targets,
      walCompression: await promFlag(promPort, 'storage.tsdb.wal-compression'),
      version: execFileSync(bin, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim(),
    };
    // The hourly work (1 h rollup, compaction) on the run's own data, once both have stopped.
    await stopChild(prometheus.proc);
    prometheus = null;
    await stopChild(collector, 120_000);
    collector = null;
    const hourly = await measureHourlyWork(dataDir, dbPort);
    // And on one whole hour of the same world (seed, nodes, pods), as every partition is in steady state.
    const fullHour = await measureFullHour({ dataDir: join(dir, 'full-hour'), port: await freePort(), nodes, podsPerNode: PODS_PER_NODE, seed: SIM_SEED });
    return {
      nodes,
      seconds: (after.at - before.at) / 1000,
      collectorS: after.collector - before.collector,
      postgresS: after.postgres - before.postgres,
      prometheusS: after.prometheus - before.prometheus,
      kpValues: stored1.values - stored0.values,
      kpBytes: stored1.bytes - stored0.bytes,
      promSamples: after.samples - before.samples,
      samplesSinceStart: after.samples,
      headBytes,
      block,
      ...fields,
      kpCycles: { summary: cycles('summary'), cadvisor: cycles('cadvisor') },
      promScrapes: after.promScrapes - before.promScrapes,
      hourly,
      fullHour,
    };
  } finally {
    if (prometheus) await stopChild(prometheus.proc);
    if (collector) await stopChild(collector, 120_000);
    await stopOrphanedPostgres(dir);
    if (sim) await stopChild(sim);
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  }
}

export async function run(): Promise<Figures> {
  const nodes = envNumber('KUBEPULSE_BENCH_PROM_NODES', 100);
  const rollupPasses = envNumber('KUBEPULSE_BENCH_PROM_PASSES', 2);
  const r = await runSideBySide(nodes, rollupPasses);
  if (r.kpValues <= 0 || r.promSamples <= 0) throw new Error(`nothing stored in the window: kubepulse ${r.kpValues} values, Prometheus ${r.promSamples} samples`);
  const intervals = r.seconds / INTERVAL_S;
  // The hourly work's CPU per value, measured on a whole hour of the same world after the run
  // (bench/hourly-work.ts measureFullHour), counted for each value the window stored: the window's CPU per
  // value + that. The same work on the run's own partial hours is reported beside it.
  const perValue = (h: HourlyWork): number => ((h.rollupCpuS + h.compactCpuS) * 1e6) / h.values;
  const hourlyUs = perValue(r.fullHour);
  const kpS = r.collectorS + r.postgresS + (hourlyUs * r.kpValues) / 1e6;
  const kpUs = (kpS * 1e6) / r.kpValues;
  const promUs = (r.prometheusS * 1e6) / r.promSamples;
  const sfx = `${nodes}_nodes`;
  const setup = `simulator (own process) at ${nodes} nodes x ${PODS_PER_NODE} pods scraped at the same time by kubepulse run (own process, embedded PostgreSQL; summary and cAdvisor every ${INTERVAL_S} s through the API-server proxy; ${JSON.stringify(r.kpCycles)} node scrapes on time / finished / due in the window) and by ${r.version} (cAdvisor of every node through the same proxy every ${INTERVAL_S} s, file_sd targets + __metrics_path__ relabel, TSDB in a temp folder; ${r.targets.up}/${r.targets.total} targets up at the end, ${r.promScrapes} scrapes in the window of ${Math.round((r.seconds / INTERVAL_S) * nodes)} due, from prometheus_target_interval_length_seconds_count); ${round(r.seconds, 1)} s window after every node was scraped once by both and 2 cycles of warm-up, from the end of one of kubepulse's 1-minute rollup passes to the end of the ${['next', 'second after it', 'third after it'][rollupPasses - 1] ?? `${rollupPasses}th after it`} (whole rollup periods)`;
  const work = (h: HourlyWork): string => `${h.rows} raw rows, ${h.values} values: 1 h rollup of node and pod ${round(h.rollupCpuS, 2)} s + compaction into ${h.blocks} history blocks with the minute blocks of every entity and the 1-hour rollup of the others ${round(h.compactCpuS, 2)} s (reading and encoding ${round(h.compactJsS, 2)} s, PostgreSQL ${round(h.compactPgS, 2)} s) CPU = ${round(perValue(h), 3)} µs per value`;
  const hourly = `the hourly work (bench/hourly-work.ts), measured once the run stopped on one whole hour of the same simulated world (name, seed ${SIM_SEED}, ${nodes} nodes x ${PODS_PER_NODE} pods) ingested at accelerated time by the collector's pipeline into a fresh embedded server (${work(r.fullHour)}); on the run's own partial hours, whose blocks are shorter: ${work(r.hourly)}`;
  const kpCpu = `collector process ${round(r.collectorS, 2)} s + PostgreSQL ${round(r.postgresS, 2)} s (postmaster and every backend, exited ones included) CPU in the window (/proc/<pid>/stat utime+stime+cutime+cstime) + ${round((hourlyUs * r.kpValues) / 1e6, 2)} s for ${hourly}`;
  const kpValues = `${r.kpValues} values stored in the window (non-null metric columns of the raw metric tables, counted at the window's start and end)`;
  const promCpu = `Prometheus ${round(r.prometheusS, 2)} s CPU in the window (/proc/<pid>/stat utime+stime+cutime+cstime)`;
  const promSamples = `${r.promSamples} samples appended in the window (prometheus_tsdb_head_samples_appended_total, start to end, from its own /metrics; nothing else is scraped)`;
  const perNode = (cpuS: number): number => round((cpuS * 1000) / nodes / intervals, 3);
  return {
    [`prometheus_cpu_ratio_${sfx}`]: { value: round(kpUs / promUs, 2), unit: 'ratio', method: `${setup}: kubepulse CPU µs per stored value (${round(kpUs, 3)}) / Prometheus CPU µs per stored sample (${round(promUs, 3)}), same run; ${kpCpu}, ${kpValues}; ${promCpu}, ${promSamples}` },
    [`kubepulse_hourly_us_per_value_${sfx}`]: { value: round(hourlyUs, 3), unit: 'µs/value', method: `${setup}: ${hourly}` },
    [`kubepulse_cpu_us_per_value_${sfx}`]: { value: round(kpUs, 3), unit: 'µs/value', method: `${setup}: ${kpCpu} x 1e6 / ${kpValues}` },
    [`prometheus_cpu_us_per_sample_${sfx}`]: { value: round(promUs, 3), unit: 'µs/sample', method: `${setup}: ${promCpu} x 1e6 / ${promSamples}` },
    [`kubepulse_cpu_ms_per_node_per_15s_${sfx}`]: { value: perNode(kpS), unit: 'ms', method: `${setup}: ${kpCpu} x 1000 / ${nodes} nodes / ${round(intervals, 2)} intervals of ${INTERVAL_S} s` },
    [`prometheus_cpu_ms_per_node_per_15s_${sfx}`]: { value: perNode(r.prometheusS), unit: 'ms', method: `${setup}: ${promCpu} x 1000 / ${nodes} nodes / ${round(intervals, 2)} intervals of ${INTERVAL_S} s` },
    [`kubepulse_values_per_node_per_15s_${sfx}`]: { value: Math.round(r.kpValues / nodes / intervals), unit: 'values', method: `${setup}: ${kpValues} / ${nodes} nodes / ${round(intervals, 2)} intervals (summary + the cAdvisor values kubepulse keeps)` },
    [`prometheus_samples_per_node_per_15s_${sfx}`]: { value: Math.round(r.promSamples / nodes / intervals), unit: 'samples', method: `${setup}: ${promSamples} / ${nodes} nodes / ${round(intervals, 2)} intervals (every cAdvisor series)` },
    [`kubepulse_bytes_per_value_${sfx}`]: { value: round(r.kpBytes / r.kpValues, 2), unit: 'bytes', method: `${setup}: growth of the raw metric tables in the window (heap, indexes, TOAST, maps, every partition; ${r.kpBytes} bytes) / ${kpValues}` },
    // Issue 15's name for the same figure: the raw window's bytes per value, indexes included.
    raw_bytes_per_value: { value: round(r.kpBytes / r.kpValues, 2), unit: 'bytes', method: `${setup}: growth of the raw metric tables in the window (heap, indexes, TOAST, maps, every partition; ${r.kpBytes} bytes) / ${kpValues}` },
    [`prometheus_bytes_per_sample_${sfx}`]: { value: round(r.block.bytes / r.block.samples, 3), unit: 'bytes', method: `${setup}: at the end the head (everything since start) written out as a compacted block by the TSDB snapshot API (${r.block.blocks} block(s), ${r.block.bytes} bytes: index ${r.block.indexBytes}, Gorilla-compressed chunks ${r.block.chunkBytes}, meta and tombstones the rest) / its numSamples (${r.block.samples}); a 2 h block amortises its index (series labels) over more samples, so this is an upper bound for compacted storage (see prometheus_block_chunk_bytes_per_sample for the chunks alone); the simulator's values and timestamps set how well the chunks compress` },
    [`prometheus_block_chunk_bytes_per_sample_${sfx}`]: { value: round(r.block.chunkBytes / r.block.samples, 3), unit: 'bytes', method: `${setup}: the chunks of that snapshot block alone (${r.block.chunkBytes} bytes, without the index: what the block tends to per sample as its series grow longer) / its numSamples (${r.block.samples})` },
    [`prometheus_head_bytes_per_sample_${sfx}`]: { value: round(r.headBytes / r.samplesSinceStart, 3), unit: 'bytes', method: `${setup}: the head on disk at the end (WAL + chunks_head, ${r.headBytes} bytes, WAL compression ${r.walCompression}; no block compacted yet: the first comes once the head spans 3 h) / every sample appended since start (${r.samplesSinceStart})` },
  };
}

// Run directly: node dist/bench/prometheus.js (KUBEPULSE_BENCH_PROM_PASSES=1 for a shorter run)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // The hourly work starts an embedded server in this process: its log lines must not mix with the JSON.
  configureLogging({ level: 'error', console: 'json' });
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
