// Plausible history blocks grown from one real kubelet sample, for the codec's tests and its benchmark
// (no production code uses this). A block has 15 s sample times with a few ms of jitter and the odd
// missed scrape, counters that grow by jittered increments at the rate the sample implies, gauges that
// wander (bytes by whole pages, counts by one now and then) or stay put, PSI averages with two decimals,
// and the per-second rate columns the collector derives from the counters (full-precision doubles).
import { isFloatType, metricColumnsOf, metricsOf, type MetricDef } from '../../metrics/definitions.js';

interface SyntheticColumn {
  column: string;
  type: 'int' | 'float';
  values: Array<number | null>;
}

export interface SyntheticBlock {
  ts: number[];
  columns: SyntheticColumn[];
}

/** Park–Miller minimal standard generator: small, seedable, the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let s = seed % 2147483647;
  if (s <= 0) s += 2147483646;
  return () => {
    s = (s * 16807) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

/** Sample times: `step` ms apart ± `jitterMs`, one missed scrape in about every fourth block. */
export function sampleTimes(rnd: () => number, n: number, startMs: number, step = 15_000, jitterMs = 4): number[] {
  const out: number[] = [];
  const gapAt = rnd() < 0.25 ? Math.floor(rnd() * n) : -1;
  let t = startMs;
  for (let i = 0; i < n; i++) {
    out.push(t + Math.round((rnd() * 2 - 1) * jitterMs));
    t += i === gapAt ? 2 * step : step;
  }
  return out;
}

/** A counter from `start`, growing by `perSecond` × elapsed time ± `jitter` (fraction) per sample. */
export function jitteredCounter(rnd: () => number, ts: readonly number[], start: number, perSecond: number, jitter = 0.3): number[] {
  const out = [start];
  for (let i = 1; i < ts.length; i++) {
    const inc = perSecond * ((ts[i] - ts[i - 1]) / 1000) * (1 + (rnd() * 2 - 1) * jitter);
    out.push(out[i - 1] + Math.max(0, Math.round(inc)));
  }
  return out;
}

/** A gauge that moves with probability `pChange` by up to ±`maxStep` units of `unit`. */
export function wanderingGauge(rnd: () => number, n: number, start: number, pChange: number, maxStep: number, unit = 1): number[] {
  const out = [start];
  for (let i = 1; i < n; i++) {
    const step = rnd() < pChange ? Math.round((rnd() * 2 - 1) * maxStep) * unit : 0;
    out.push(Math.max(0, out[i - 1] + step));
  }
  return out;
}

function at(obj: unknown, path: string): number | null {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'number' ? cur : null;
}

/** The first value of a cAdvisor family for the container (labels container="…", pod="…"). */
function cadvisorValue(text: string, def: MetricDef, container: string, pod: string): number | null {
  const src = def.cadvisor;
  if (!src) return null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${src.family}{`)) continue;
    if (!line.includes(`container="${container}"`) || !line.includes(`pod="${pod}"`)) continue;
    if (src.labels && !Object.entries(src.labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    const v = Number(line.slice(line.lastIndexOf('}') + 1).trim().split(/\s+/)[0]);
    return Number.isFinite(v) ? v * (src.scale ?? 1) : null;
  }
  return null;
}

/**
 * A container block of n samples grown from one container of a kubelet summary (plus the cAdvisor text of
 * the same node for the cAdvisor-only columns). Every column of the container table, rates included.
 */
function containerBlock(
  summaryContainer: Record<string, unknown>, podName: string, cadvisorText: string, n: number, seed: number,
): SyntheticBlock {
  const rnd = seededRandom(seed);
  const ts = sampleTimes(rnd, n, Date.parse('2026-06-26T10:00:00Z'));
  const name = String(summaryContainer.name);
  const ageS = Math.max(60, (Date.parse('2026-06-26T10:14:30Z') - Date.parse(String(summaryContainer.startTime))) / 1000);
  const byColumn = new Map<string, SyntheticColumn>();
  const defs = metricsOf('container');
  for (const def of defs) {
    const raw = def.summary ? at(summaryContainer, def.summary) : cadvisorValue(cadvisorText, def, name, podName);
    const type = isFloatType(def.sqlType) ? 'float' : 'int';
    let values: Array<number | null>;
    if (raw === null) values = new Array<number | null>(n).fill(null);
    else if (def.kind === 'counter') {
      const nanocores = at(summaryContainer, 'cpu.usageNanoCores') ?? 0;
      const perSecond = def.column === 'cpu_usage_core_nanoseconds' ? nanocores : raw / ageS;
      const grown = jitteredCounter(rnd, ts, raw, perSecond);
      values = type === 'float' ? grown.map((v) => Math.round(v * 1e6) / 1e6) : grown;
    } else if (type === 'float') {
      // PSI averages: two decimals; an idle container's stay at 0
      values = raw === 0 ? new Array<number>(n).fill(0)
        : wanderingGauge(rnd, n, Math.round(raw * 100), 0.8, 50).map((v) => v / 100);
    } else if (def.unit === 'bytes') {
      const moving = /capacity|max_usage/.test(def.column) ? 0 : /rootfs|logs|swap/.test(def.column) ? 0.1 : 0.7;
      values = wanderingGauge(rnd, n, raw, moving, Math.max(1, Math.round(raw * 0.002 / 4096)), 4096);
    } else if (def.column === 'cpu_usage_nanocores') {
      values = [];
    } else {
      values = wanderingGauge(rnd, n, raw, /inodes|threads_max/.test(def.column) ? 0.02 : 0.03, 1);
    }
    byColumn.set(def.column, { column: def.column, type, values });
  }
  // nanocores and the rates follow the counters (absent on the first sample, as after a restart)
  const cpu = byColumn.get('cpu_usage_core_nanoseconds')!.values;
  byColumn.get('cpu_usage_nanocores')!.values = cpu.map((v, i) =>
    i === 0 || v === null ? null : Math.round(((v - cpu[i - 1]!) / (ts[i] - ts[i - 1])) * 1e6));
  for (const def of defs.filter((d) => d.rate)) {
    const counter = byColumn.get(def.column)!.values;
    const values = counter.map((v, i) =>
      i === 0 || v === null ? null : ((v - counter[i - 1]!) / ((ts[i] - ts[i - 1]) / 1000)) * def.rate!.scale);
    byColumn.set(def.rate!.column, { column: def.rate!.column, type: 'float', values });
  }
  return { ts, columns: metricColumnsOf('container').map((c) => byColumn.get(c.column)!) };
}

/**
 * One block per container of the real summary fixtures (1.22, 1.28, 1.35), each container's values taken
 * from the fixture and grown into `rows` samples; `read` gives a fixture file's text (tests and the codec
 * bench read test/fixtures).
 */
export function fixtureContainerBlocks(read: (file: string) => string, rows: number): SyntheticBlock[] {
  const blocks: SyntheticBlock[] = [];
  for (const version of ['1.22', '1.28', '1.35']) {
    const summary = JSON.parse(read(`summary-nri-${version}.json`)) as {
      pods: Array<{ podRef: { name: string }; containers: Array<Record<string, unknown>> }>;
    };
    const cadvisor = read(`cadvisor-nri-${version}.txt`);
    summary.pods.forEach((pod, p) => pod.containers.forEach((c, k) => {
      blocks.push(containerBlock(c, pod.podRef.name, cadvisor, rows, 1000 * p + k + 1));
    }));
  }
  return blocks;
}
