// Renders /metrics/resource (K8S-REFERENCE §8; kubelet pkg/kubelet/metrics/collectors/resource_metrics.go):
// built from the same cpu+memory summary as /stats/summary?only_cpu_and_memory=true, samples stamped with
// the summary's own sample time, start times without a timestamp, stability prefix by version.
import { C } from './container-model.js';
import type { NodeSample } from './sample.js';
import { goFloat, labelValue } from './promfmt.js';

function head(name: string, type: string, stability: string, help: string): string {
  return `# HELP ${name} [${stability}] ${help}\n# TYPE ${name} ${type}\n`;
}

export function renderResource(s: NodeSample): string {
  const f = s.features;
  const stable = f.resourceMetricsStable ? 'STABLE' : 'ALPHA';
  const ts = ` ${Math.floor(s.tickMs / 1000) * 1000}\n`; // the summary `time` has whole seconds
  const cLabels: string[] = [];
  const pLabels: string[] = [];
  for (const p of s.pods) {
    const ns = labelValue(p.view.namespace);
    const pod = labelValue(p.view.name);
    pLabels.push(`namespace="${ns}",pod="${pod}"`);
    for (const c of p.containers) cLabels.push(`container="${labelValue(c.name)}",namespace="${ns}",pod="${pod}"`);
  }
  let cpu = '';
  let mem = '';
  let start = '';
  let swapLimit = '';
  let swap = '';
  let podCpu = '';
  let podMem = '';
  let podSwap = '';
  let ci = 0;
  s.pods.forEach((p, pi) => {
    for (const c of p.containers) {
      const l = cLabels[ci++];
      cpu += `container_cpu_usage_seconds_total{${l}} ${goFloat(c.now[C.cpuNs] / 1e9)}${ts}`;
      mem += `container_memory_working_set_bytes{${l}} ${goFloat(c.mem.workingSetBytes)}${ts}`;
      start += `container_start_time_seconds{${l}} ${goFloat(Math.floor(c.startMs / 1000))}\n`;
      swap += `container_swap_usage_bytes{${l}} 0${ts}`;
      swapLimit += `container_swap_limit_bytes{${l}} 0${ts}`;
    }
    podCpu += `pod_cpu_usage_seconds_total{${pLabels[pi]}} ${goFloat(p.now[C.cpuNs] / 1e9)}${ts}`;
    podMem += `pod_memory_working_set_bytes{${pLabels[pi]}} ${goFloat(p.mem.workingSetBytes)}${ts}`;
    podSwap += `pod_swap_usage_bytes{${pLabels[pi]}} 0${ts}`;
  });
  let out = head('container_cpu_usage_seconds_total', 'counter', stable, 'Cumulative cpu time consumed by the container in core-seconds') + cpu;
  out += head('container_memory_working_set_bytes', 'gauge', stable, 'Current working set of the container in bytes') + mem;
  out += head('container_start_time_seconds', 'gauge', stable, 'Start time of the container since unix epoch in seconds') + start;
  if (f.resourceSwapLimit) out += head('container_swap_limit_bytes', 'gauge', 'ALPHA', 'Current amount of the container swap limit in bytes. Reported only on non-windows systems') + swapLimit;
  if (f.resourceSwap) out += head('container_swap_usage_bytes', 'gauge', 'ALPHA', 'Current amount of the container swap usage in bytes. Reported only on non-windows systems') + swap;
  out += head('node_cpu_usage_seconds_total', 'counter', stable, 'Cumulative cpu time consumed by the node in core-seconds') + `node_cpu_usage_seconds_total ${goFloat(s.node.cpuNs / 1e9)}${ts}`;
  out += head('node_memory_working_set_bytes', 'gauge', stable, 'Current working set of the node in bytes') + `node_memory_working_set_bytes ${goFloat(s.node.mem.workingSetBytes)}${ts}`;
  if (f.resourceSwap) out += head('node_swap_usage_bytes', 'gauge', 'ALPHA', 'Current swap usage of the node in bytes. Reported only on non-windows systems') + `node_swap_usage_bytes 0${ts}`;
  out += head('pod_cpu_usage_seconds_total', 'counter', stable, 'Cumulative cpu time consumed by the pod in core-seconds') + podCpu;
  out += head('pod_memory_working_set_bytes', 'gauge', stable, 'Current working set of the pod in bytes') + podMem;
  if (f.resourceSwap) out += head('pod_swap_usage_bytes', 'gauge', 'ALPHA', 'Current amount of the pod swap usage in bytes. Reported only on non-windows systems') + podSwap;
  if (f.resourceMetricsStable) out += head('resource_scrape_error', 'gauge', 'STABLE', '1 if there was an error while getting container metrics, 0 otherwise') + 'resource_scrape_error 0\n';
  if (f.resourceLegacyScrapeError) {
    const deprecated = f.resourceMetricsStable ? '(Deprecated since 1.29.0) ' : '';
    out += head('scrape_error', 'gauge', 'ALPHA', `${deprecated}1 if there was an error while getting container metrics, 0 otherwise`) + 'scrape_error 0\n';
  }
  return out;
}
