// Benchmark of the simulated kubelet's rendering: one 110-pod node (the kubelet's default max-pods), a new
// housekeeping tick per request so nothing is served from cache, median of many runs. The yardstick is
// what a collector must at least spend on the same bytes (JSON.parse for the summary; splitting the text
// into samples for cAdvisor), so that benchmarks of the collector measure the collector.
import type { Figures } from './figure.js';
import { createKubelet } from '../src/sim/kubelet/index.js';
import { makeFakeNodeView } from '../src/sim/kubelet/fake-view.js';

const PODS = 110;
const RUNS = 60;
const HOUSEKEEPING_MS = 10_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Renders `path` on a fresh tick RUNS times (after a warm-up) and, right after each render, runs the
 * yardstick on the same bytes, so that both see the same machine load; returns both medians.
 */
function renderRuns(path: string, yardstick: (body: string) => unknown): { renderMs: number; bytesMs: number; yardstickMs: number; bytes: number } {
  const bootMs = Date.parse('2026-06-26T00:00:00Z');
  const view = makeFakeNodeView({ seed: 1, podCount: PODS, bootMs, kubernetesVersion: '1.35', cpuCores: 32, memoryBytes: 128 * 1024 ** 3 });
  let nowMs = bootMs + 6 * 3_600_000;
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: () => nowMs, housekeepingMs: HOUSEKEEPING_MS });
  let body = '';
  const renders: number[] = [];
  const byteRenders: number[] = [];
  const yardsticks: number[] = [];
  for (let i = 0; i < RUNS + 10; i++) {
    nowMs += HOUSEKEEPING_MS;
    const renderMs = timeMs(() => {
      body = kubelet.serve(path).body;
    });
    const yardstickMs = timeMs(() => yardstick(body));
    nowMs += HOUSEKEEPING_MS;
    const bytesMs = timeMs(() => kubelet.serveBytes(path));
    if (i >= 10) {
      byteRenders.push(bytesMs);
      renders.push(renderMs);
      yardsticks.push(yardstickMs);
    }
  }
  kubelet.dispose();
  return { renderMs: median(renders), bytesMs: median(byteRenders), yardstickMs: median(yardsticks), bytes: body.length };
}

/** The least a Prometheus text consumer does: split lines, find name, labels and value of each sample. */
function splitPromSamples(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line.charCodeAt(0) === 35) continue;
    const close = line.lastIndexOf('}');
    const name = close < 0 ? line.slice(0, line.indexOf(' ')) : line.slice(0, line.indexOf('{'));
    const labels = close < 0 ? [] : line.slice(name.length + 1, close).split('",');
    const from = close < 0 ? name.length + 1 : close + 2;
    const end = line.indexOf(' ', from);
    const value = Number(line.slice(from, end < 0 ? undefined : end));
    if (labels.length >= 0 && value >= 0 && name) n++;
  }
  return n;
}

export async function run(): Promise<Figures> {
  const summary = renderRuns('/stats/summary', (b) => JSON.parse(b));
  const cadvisor = renderRuns('/metrics/cadvisor', splitPromSamples);
  const mib = (n: number) => (n / 1024 / 1024).toFixed(2);
  return {
    sim_summary_render_ms_110_pods: {
      value: Math.round(summary.renderMs * 100) / 100,
      unit: 'ms',
      method: `Median of ${RUNS} /stats/summary requests to one simulated kubelet (tick sample + pretty JSON, a new housekeeping tick each time so no cache) of a 110-pod Kubernetes 1.35 node (${mib(summary.bytes)} MiB); JSON.parse of the same bytes, timed right after each render, takes ${summary.yardstickMs.toFixed(2)} ms (median); serveBytes() (same page as a Buffer, no JS string) takes ${summary.bytesMs.toFixed(2)} ms.`,
    },
    sim_cadvisor_render_ms_110_pods: {
      value: Math.round(cadvisor.renderMs * 100) / 100,
      unit: 'ms',
      method: `Median of ${RUNS} /metrics/cadvisor requests (tick sample + Prometheus text, new tick each time, no cache) of the same 110-pod 1.35 node (${mib(cadvisor.bytes)} MiB); merely splitting the same text into name, labels and value per sample, timed right after each render, takes ${cadvisor.yardstickMs.toFixed(2)} ms (median); serveBytes() takes ${cadvisor.bytesMs.toFixed(2)} ms.`,
    },
  };
}

// Allow `node dist/bench/sim-kubelet.js` on its own.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)));
}
