// Decoder throughput, measured side by side in one process:
// - summary_decode_vs_json_parse: our decodeSummary (JSON.parse + walk + unmapped check) against plain
//   JSON.parse of the same bytes (target ≥ 0.7, issue 6), on a 110-pod summary (the kubelet's max-pods)
//   built by replicating the 1.35 fixture's pods with new UIDs;
// - summary_decode_mib_s, cadvisor_decode_mib_s: absolute throughputs (the cAdvisor figure on the 1.35
//   fixture, 1.4 MB / 4,621 samples, parse + map to rows);
// - rates_rows_per_s: the counter → rate stage on successive samples of the 110-pod summary.
// Runs alternate (parse, decode, decode, parse, …) so machine noise hits both sides alike; each figure is
// the median of many rounds of process CPU time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeSummary } from '../src/metrics/sources/summary.js';
import { decodeCadvisorText } from '../src/metrics/sources/cadvisor.js';
import { RateTracker } from '../src/scrape/rates.js';
import type { Figures } from './figure.js';
import { fixture } from '../test/helpers/paths.js';
import type { SummaryDoc, SummaryPod } from '../test/helpers/summary-doc.js';

const ROUNDS = 60;
const RUNS_PER_ROUND = 8;


/** The 1.35 summary with its pods replicated (new UIDs and names) up to `pods` pods. */
export function buildSummary(pods: number): Buffer {
  const doc = JSON.parse(readFileSync(fixture('summary-nri-1.35.json'), 'utf8')) as SummaryDoc;
  const source = doc.pods;
  const out: SummaryPod[] = [];
  for (let i = 0; out.length < pods; i++) {
    const p = structuredClone(source[i % source.length]);
    p.podRef.uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    p.podRef.name = `${p.podRef.name}-${i}`;
    out.push(p);
  }
  doc.pods = out;
  return Buffer.from(JSON.stringify(doc));
}

/**
 * CPU time (user + system, this process) per run in ns. CPU time rather than wall time because the
 * benchmark machine is shared: waiting for a core is not decoding cost.
 */
function timeNs(fn: () => void, runs: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) fn();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / runs;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const MIB = 1024 * 1024;

export async function run(): Promise<Figures> {
  const summary = buildSummary(110);
  const parse = (): void => { JSON.parse(summary.toString('utf8')); };
  const decode = (): void => { decodeSummary(summary); };
  for (let i = 0; i < 20; i++) { parse(); decode(); } // warm up the JIT
  const ratios: number[] = [];
  const decodeNs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let p: number;
    let d: number;
    if (round % 2 === 0) {
      p = timeNs(parse, RUNS_PER_ROUND);
      d = timeNs(decode, RUNS_PER_ROUND);
    } else {
      d = timeNs(decode, RUNS_PER_ROUND);
      p = timeNs(parse, RUNS_PER_ROUND);
    }
    ratios.push(p / d);
    decodeNs.push(d);
  }

  const cadvisor = readFileSync(fixture('cadvisor-nri-1.35.txt'));
  const opts = { nodeName: 'bench', scrapeTime: new Date() };
  const cad = (): void => { decodeCadvisorText(cadvisor, opts); };
  for (let i = 0; i < 10; i++) cad();
  const cadNs: number[] = [];
  for (let round = 0; round < 30; round++) cadNs.push(timeNs(cad, 4));

  // Rate stage: successive samples of the same 110-pod node, 10 s apart, through one tracker.
  const text = summary.toString('utf8');
  const samples = 40;
  const rates = new RateTracker({ intervalMs: 10_000, source: 'summary' });
  let rateRows = 0;
  let rateNs = 0;
  for (let i = 0; i < samples; i++) {
    const shifted = text.replace(/"time":"([^"]+)"/g, (_, t: string) => `"time":"${new Date(Date.parse(t) + i * 10_000).toISOString()}"`);
    const decoded = decodeSummary(shifted);
    const rows = Object.values(decoded.rows).reduce((n, list) => n + list.length, 0);
    const ns = timeNs(() => rates.apply(1, decoded.rows, decoded.startTimes), 1);
    if (i >= 5) { rateRows += rows; rateNs += ns; } // after warm-up
  }

  const summaryMiB = (summary.length / MIB).toFixed(2);
  return {
    summary_decode_vs_json_parse: {
      value: Number(median(ratios).toFixed(3)),
      unit: 'ratio',
      method: `decodeSummary (JSON.parse + row walk + unmapped check) vs JSON.parse(buf.toString()) of the same `
        + `${summaryMiB} MiB 110-pod summary (1.35 fixture pods replicated with new UIDs), alternating, `
        + `median of ${ROUNDS} rounds × ${RUNS_PER_ROUND} runs of CPU time; 1 = as fast as JSON.parse alone`,
    },
    summary_decode_mib_s: {
      value: Number((summary.length / MIB / (median(decodeNs) / 1e9)).toFixed(1)),
      unit: 'MiB/s',
      method: `decodeSummary on the ${summaryMiB} MiB 110-pod summary, median of ${ROUNDS} rounds × ${RUNS_PER_ROUND} runs (CPU time), one thread`,
    },
    rates_rows_per_s: {
      value: Math.round(rateRows / (rateNs / 1e9)),
      unit: 'rows/s',
      method: `RateTracker.apply on ${samples - 5} successive decoded 110-pod summaries 10 s apart (after 5 warm-up), `
        + 'rows (node, pods, containers, volumes, interfaces) per CPU second, one thread',
    },
    cadvisor_decode_mib_s: {
      value: Number((cadvisor.length / MIB / (median(cadNs) / 1e9)).toFixed(1)),
      unit: 'MiB/s',
      method: `decodeCadvisorText (streaming Prometheus text parse + mapping to rows) on the 1.35 fixture `
        + `(${(cadvisor.length / MIB).toFixed(2)} MiB, 4,621 samples), median of 30 rounds × 4 runs (CPU time), one thread`,
    },
  };
}

// `node dist/bench/decode.js` prints the figures on their own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (err) => { console.error(err); process.exit(1); });
}
