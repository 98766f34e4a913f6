// Benchmark of the simulated kubelet's rendering against what the collector does with the same bytes: one
// 110-pod node (the kubelet's default max-pods), a new housekeeping tick per request so nothing is served
// from cache. Issue 4 asks that rendering stay "a small fraction of what the collector spends on the same
// payload" (≤ 0.25×), so that benchmarks of the collector measure the collector; it allows the simulator
// its own process so that both can be measured apart, and that is how this bench measures them, as every
// other bench runs them:
// - the simulator side, a child process, renders a run of pages when asked and times each (process CPU
//   time);
// - the collector side, this process, makes the same pages beforehand (same seed and clock: the child's
//   hashes of its bodies are checked against them), then times, per page, decodeSummary (or
//   decodeCadvisorText) and the collector's whole in-process work on it: KubeletPipeline.ingest (decode,
//   rate state, row stamping and queueing) and the binary COPY encoding of every row it queued (the
//   database write replaced by that encoding alone; the HTTP fetch and PostgreSQL's work are not counted,
//   so this still understates what the collector spends). Each page is first copied into a reused buffer,
//   as a socket read leaves it in cache.
// The two sides take turns, ROUNDS times: the child renders a run while this process waits, then this
// process does its work on the run's pages while the child waits (after a short pause each, for the other
// side's GC threads to finish). Each side is measured alone, within seconds of the other. A side's figure
// is its best round (the lowest median of a round), the same rule for both sides: on this machine a run
// of the same pages in the same process takes 0.8 ms per page in one round and 1.3 in the next, depending
// on what else the two cores are doing (they share caches, and perhaps one physical core: another busy
// process made every round ~1.6× slower). For the same reason the sides do not run at the same time. Not in one process either: process CPU
// time includes V8's helper threads, and a render timed after a decode paid for GC work the decoder's
// garbage started (the page took twice as long after the collector's pipeline as after nothing), a cost
// no deployment has.
//
// A second measure is the simulator's cost at scale, as bench/collector.ts drives it: 1,500 kubelets of
// 30-pod nodes each asked for /stats/summary once per round, 15 s of simulated time apart, so every request
// is a new tick of a kubelet whose previous sample is no longer cached (the cold path).
import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figure.js';
import { createKubelet } from '@kubepulse/sim/kubelet';
import { makeFakeNodeView } from '@kubepulse/sim/kubelet/fake-view';
import { decodeSummary } from '../src/metrics/sources/summary.js';
import { decodeCadvisorText } from '../src/metrics/sources/cadvisor.js';
import type { KubeletBytesResponse, SimKubelet } from '@kubepulse/sim/kubelet';
import { KubeletPipeline } from '../src/scrape/kubelet-pipeline.js';
import type { Database } from '../src/store/database.js';
import type { KubeletSource } from '../src/scrape/kubelet-fetch.js';
import type { Entity } from '../src/metrics/definitions.js';
import { binaryCopyEncoder } from '../src/store/copy-binary.js';
import { metricColumns } from '../src/store/schema.js';

const PODS = 110;
const RUNS = 60;
const WARMUP_RUNS = 15;
const HOUSEKEEPING_MS = 10_000;
/** The many-node loop: kubelets, pods per node (bench/collector.ts), scrape interval, measured rounds. */
const MANY_NODES = 1500;
const MANY_PODS = 30;
const MANY_INTERVAL_MS = 15_000;
const MANY_ROUNDS = 4;
const SIMULATOR_SIDE = '--simulator-side';
/** Turns of each side (after the child's first run, which warms its code and names its pages). */
const ROUNDS = 4;
/** Pause before each turn, so that the other side's GC threads are done. */
const SETTLE_MS = 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** Per-round medians of a side, and the best of them (the figure: see the header). */
interface Rounds {
  best: number;
  medians: number[];
}

function rounds(perRound: number[][]): Rounds {
  const medians = perRound.map(median);
  return { best: Math.min(...medians), medians };
}

/** CPU time (user + system) of fn in ms; system time counts: page faults on fresh memory are real cost. */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Process CPU time (ms) of an async step that does nothing else while it runs. */
async function cpuMsAsync(fn: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

type PageKind = 'fresh' | 'pageOnly';

/**
 * One run of requests to a new simulated kubelet, the same on both sides: per iteration a page on a new
 * tick ('fresh': tick sample + render into the response body's recycled memory), then a page whose tick
 * /metrics/resource already computed ('pageOnly': a collector scraping several endpoints of a node shares
 * the tick), to tell sample cost from rendering cost. `page` makes the request with `serve` and releases it;
 * `atMs` is the kubelet's clock then (the scrape time the collector side gives its pipeline).
 */
function requestRun(path: string, page: (kind: PageKind, iteration: number, serve: () => KubeletBytesResponse, atMs: number) => void): void {
  const bootMs = Date.parse('2026-06-26T00:00:00Z');
  const view = makeFakeNodeView({ seed: 1, podCount: PODS, bootMs, kubernetesVersion: '1.35', cpuCores: 32, memoryBytes: 128 * 1024 ** 3 });
  let nowMs = bootMs + 6 * 3_600_000;
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: () => nowMs, housekeepingMs: HOUSEKEEPING_MS });
  const serve = () => kubelet.serveBytes(path);
  try {
    for (let i = 0; i < RUNS + WARMUP_RUNS; i++) {
      nowMs += HOUSEKEEPING_MS;
      page('fresh', i, serve, nowMs);
      nowMs += HOUSEKEEPING_MS;
      kubelet.serveBytes('/metrics/resource').release();
      page('pageOnly', i, serve, nowMs);
    }
  } finally {
    kubelet.dispose();
  }
}

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

interface RenderRound {
  fresh: number[];
  pageOnly: number[];
  /** Hashes of the measured fresh pages, in order (first round only). */
  hashes: string[];
}

/** The child: renders a run whenever asked ('run'), replying with its CPU times per page; exits on 'stop'. */
function simulatorSide(path: string): void {
  let round = 0;
  process.on('message', (m) => {
    if (m === 'stop') {
      process.disconnect();
      return;
    }
    const r: RenderRound = { fresh: [], pageOnly: [], hashes: [] };
    requestRun(path, (kind, i, serve) => {
      let out: KubeletBytesResponse | undefined;
      const ms = cpuMs(() => {
        out = serve();
      });
      if (i >= WARMUP_RUNS) {
        r[kind].push(ms);
        if (kind === 'fresh' && round === 0) r.hashes.push(sha1(out!.body));
      }
      out!.release(); // as the HTTP server does once the response is written
    });
    round++;
    process.send!(r);
  });
}

/** The collector's in-process work on one payload: KubeletPipeline.ingest, then the COPY encoding of the rows
 *  it queued (the database write replaced by the encoding: the bytes are made and dropped). */
function collectorSide(source: KubeletSource, intervalMs: number): { spend(body: Buffer, atMs: number): Promise<void>; rows(): number; close(): Promise<void> } {
  const fakeDb = { pool: {}, partitions: null, state: 'connected', noteWrite: () => undefined } as unknown as Database;
  const encoders = new Map<Entity, (rows: Array<Record<string, unknown>>) => Buffer>();
  let rows = 0;
  const pipeline = new KubeletPipeline(fakeDb, null, {
    write: async (_pool, entity, list) => {
      let encode = encoders.get(entity);
      if (!encode) encoders.set(entity, (encode = binaryCopyEncoder(metricColumns(entity))));
      encode(list);
      rows += list.length;
      return { inserted: list.length, duplicates: 0 };
    },
  });
  return {
    async spend(body, atMs) {
      await pipeline.ingest({ clusterId: 1, cluster: 'bench', node: 'node-0', source, body, scrapedAt: new Date(atMs), intervalMs });
      await pipeline.writer.flush();
    },
    rows: () => rows,
    close: () => pipeline.flush(), // stops its timers
  };
}

interface Measured {
  render: Rounds;
  /** the page alone, its tick already computed */
  renderOnly: Rounds;
  decode: Rounds;
  collector: Rounds;
  rowsPerPayload: number;
  bytes: number;
}

async function measure(path: string, source: KubeletSource, decode: (body: Buffer, atMs: number) => unknown): Promise<Measured> {
  // The same pages as the child will render, made before it starts.
  const bodies: Buffer[] = [];
  const scrapedAtMs: number[] = [];
  requestRun(path, (kind, i, serve, atMs) => {
    const out = serve();
    if (kind === 'fresh' && i >= WARMUP_RUNS) {
      bodies.push(Buffer.from(out.body));
      scrapedAtMs.push(atMs);
    }
    out.release();
  });
  const child = fork(fileURLToPath(import.meta.url), [SIMULATOR_SIDE, path], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const renderRun = () => new Promise<RenderRound>((resolve, reject) => {
    child.once('message', (m) => resolve(m as RenderRound));
    void exited.then((code) => reject(new Error(`sim-kubelet bench: the simulator side exited (${code})`)));
    child.send('run');
  });
  try {
    const hashes = (await renderRun()).hashes; // the first run warms the child's code, and names its pages
    const differing = bodies.findIndex((b, i) => sha1(b) !== hashes[i]);
    if (hashes.length !== bodies.length || differing >= 0) throw new Error(`sim-kubelet bench: the simulator side rendered other bytes (page ${differing} of ${bodies.length})`);
    // Each page is first copied into a reused buffer (untimed), as a socket read leaves it in cache.
    const hot = Buffer.alloc(Math.max(...bodies.map((b) => b.length)));
    const renders: RenderRound[] = [];
    const decodes: number[][] = [];
    const collectors: number[][] = [];
    let rows = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await settle();
      renders.push(await renderRun());
      await settle();
      // A new pipeline per round: its rate state has seen none of these pages (fresh pages are two ticks apart).
      const collector = collectorSide(source, 2 * HOUSEKEEPING_MS);
      const roundDecodes: number[] = [];
      const roundCollectors: number[] = [];
      decodes.push(roundDecodes);
      collectors.push(roundCollectors);
      for (let i = 0; i < bodies.length; i++) {
        const atMs = scrapedAtMs[i];
        const body = hot.subarray(0, bodies[i].copy(hot));
        roundDecodes.push(cpuMs(() => decode(body, atMs)));
        bodies[i].copy(hot); // into cache again for the pipeline, after the decoder's own work
        roundCollectors.push(await cpuMsAsync(() => collector.spend(body, atMs)));
      }
      rows = collector.rows();
      await collector.close();
    }
    return {
      render: rounds(renders.map((r) => r.fresh)),
      renderOnly: rounds(renders.map((r) => r.pageOnly)),
      decode: rounds(decodes),
      collector: rounds(collectors),
      rowsPerPayload: rows / bodies.length,
      bytes: bodies[0].length,
    };
  } finally {
    if (child.connected) child.send('stop');
    await exited;
  }
}

interface ManyMeasured {
  /** Mean CPU ms per summary request over the measured rounds (GC included: it is part of the cost). */
  perRequestMs: number;
  /** Per-round means, for the spread. */
  roundsMs: number[];
  /** decodeSummary of one of those bodies (median of 30), and its size. */
  decodeMs: number;
  bytes: number;
}

/** The simulator's CPU per /stats/summary request at scale (see the header): many kubelets, each asked once
 *  per round, so no sample survives in the cache until its kubelet's next request. */
function measureMany(): ManyMeasured {
  const bootMs = Date.parse('2026-06-26T00:00:00Z');
  let nowMs = bootMs + 6 * 3_600_000;
  const kubelets: SimKubelet[] = [];
  for (let n = 0; n < MANY_NODES; n++) {
    const view = makeFakeNodeView({ seed: 1 + n, podCount: MANY_PODS, bootMs, kubernetesVersion: '1.35' });
    kubelets.push(createKubelet(() => view, { containerRestarted() {} }, { now: () => nowMs, housekeepingMs: HOUSEKEEPING_MS }));
  }
  let body: Buffer = Buffer.alloc(0);
  const round = (): number => {
    nowMs += MANY_INTERVAL_MS;
    const ms = cpuMs(() => {
      for (const k of kubelets) {
        const r = k.serveBytes('/stats/summary');
        body = r.body;
        r.release();
      }
    });
    return ms / kubelets.length;
  };
  round(); // warm-up: first samples, templates, slabs
  const roundsMs: number[] = [];
  for (let r = 0; r < MANY_ROUNDS; r++) roundsMs.push(round());
  const last = Buffer.from(body); // the last body's slab may be reused: keep a copy to decode
  for (const k of kubelets) k.dispose();
  const decodes: number[] = [];
  for (let i = 0; i < 30; i++) decodes.push(cpuMs(() => decodeSummary(last)));
  return { perRequestMs: roundsMs.reduce((a, b) => a + b, 0) / roundsMs.length, roundsMs, decodeMs: median(decodes), bytes: last.length };
}

export async function run(): Promise<Figures> {
  const summary = await measure('/stats/summary', 'summary', (b) => decodeSummary(b));
  const cadvisor = await measure('/metrics/cadvisor', 'cadvisor', (b, atMs) => decodeCadvisorText(b, { nodeName: 'node-0', scrapeTime: new Date(atMs) }));
  const many = measureMany();
  const mib = (n: number) => (n / 1024 / 1024).toFixed(2);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const ms = (r: Rounds) => `${r.best.toFixed(2)} ms (round medians ${r.medians.map((x) => x.toFixed(2)).join(', ')})`;
  const page = (m: Measured, what: string) =>
    `${RUNS} /${what} requests per round to one simulated kubelet of a 110-pod Kubernetes 1.35 node (${mib(m.bytes)} MiB), a new housekeeping tick each (tick sample + render into the response body's recycled memory; no cache), in the simulator's own process, taking turns with this one's work on the same pages (${ROUNDS} rounds; best round median)`;
  const sides = (m: Measured, decoder: string) =>
    `the collector side, in its own process in the turns between, takes ${ms(m.decode)} for ${decoder} of the same bytes and ${ms(m.collector)} for its whole in-process work on them (KubeletPipeline.ingest — decode, rates, row queue — plus the binary COPY encoding of its ${m.rowsPerPayload.toFixed(0)} rows; HTTP fetch and PostgreSQL not counted)`;
  const ratio = (a: Rounds, b: Rounds) => round2(a.best / b.best);
  return {
    sim_summary_render_ms_110_pods: {
      value: round2(summary.render.best),
      unit: 'ms',
      method: `CPU time of ${page(summary, 'stats/summary')}: ${ms(summary.render)}; with the tick's sample already computed (shared with other endpoints) the page alone takes ${ms(summary.renderOnly)}; ${sides(summary, 'decodeSummary')}.`,
    },
    sim_summary_render_vs_collector: {
      value: ratio(summary.render, summary.collector),
      unit: 'ratio',
      method: `Simulator render of /stats/summary (sim_summary_render_ms_110_pods) / the collector's in-process CPU on the same bytes (KubeletPipeline.ingest plus the COPY encoding of its rows, ${summary.collector.best.toFixed(2)} ms; HTTP fetch and PostgreSQL not counted), each the best of ${ROUNDS} round medians, both sides in their own processes taking turns; target ≤ 0.25 (issue 4: "a small fraction of what the collector spends on the same payload").`,
    },
    sim_summary_render_vs_decode: {
      value: ratio(summary.render, summary.decode),
      unit: 'ratio',
      method: `Simulator render of /stats/summary / the collector's decodeSummary of the same bytes (${summary.decode.best.toFixed(2)} ms), measured as sim_summary_render_vs_collector; the decoder is the smaller part of what the collector spends on a payload.`,
    },
    sim_cadvisor_render_ms_110_pods: {
      value: round2(cadvisor.render.best),
      unit: 'ms',
      method: `CPU time of ${page(cadvisor, 'metrics/cadvisor')}: ${ms(cadvisor.render)}; with the tick's sample already computed the page alone takes ${ms(cadvisor.renderOnly)}; ${sides(cadvisor, 'decodeCadvisorText')}.`,
    },
    sim_cadvisor_render_vs_collector: {
      value: ratio(cadvisor.render, cadvisor.collector),
      unit: 'ratio',
      method: `As sim_summary_render_vs_collector for /metrics/cadvisor (collector ${cadvisor.collector.best.toFixed(2)} ms, ${cadvisor.rowsPerPayload.toFixed(0)} rows per payload); target ≤ 0.25.`,
    },
    sim_cadvisor_render_vs_decode: {
      value: ratio(cadvisor.render, cadvisor.decode),
      unit: 'ratio',
      method: `Simulator render of /metrics/cadvisor / the collector's decodeCadvisorText of the same bytes (${cadvisor.decode.best.toFixed(2)} ms), measured as sim_summary_render_vs_collector.`,
    },
    sim_summary_cpu_ms_30_pods_1500_nodes: {
      value: round2(many.perRequestMs),
      unit: 'ms',
      method: `Mean process CPU time (GC included) per /stats/summary request over ${MANY_ROUNDS} rounds in which each of ${MANY_NODES} simulated kubelets of 30-pod Kubernetes 1.35 nodes (makeFakeNodeView, as bench/collector.ts sizes them) is asked once, ${MANY_INTERVAL_MS / 1000} s of simulated time apart, after a warm-up round: every request is a new tick whose previous sample is no longer cached. Rounds: ${many.roundsMs.map((x) => x.toFixed(2)).join(', ')} ms. The collector's decodeSummary of one such body (${(many.bytes / 1024).toFixed(0)} KiB) takes ${many.decodeMs.toFixed(2)} ms (median of 30), a ratio of ${(many.perRequestMs / many.decodeMs).toFixed(2)}.`,
    },
  };
}

// The simulator side (a child of measure()), or `node dist/bench/sim-kubelet.js` on its own.
if (process.argv[2] === SIMULATOR_SIDE) {
  simulatorSide(process.argv[3]);
} else if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (err) => { console.error(err); process.exit(1); });
}
