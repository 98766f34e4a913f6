// metrics.k8s.io/v1beta1 (what metrics-server serves), so that `kubectl top nodes|pods` works against the
// simulator: usage comes from each kubelet's own cpu+memory summary, as metrics-server's does.
import type { World } from '../model/world.js';
import type { Kubelets } from '../kubelets.js';
import { notFound } from './status.js';

interface CpuMem { time?: string; usageNanoCores?: number; workingSetBytes?: number }

/** The part of a kubelet's cpu+memory summary (stats/v1alpha1) that metrics-server reads. */
interface CpuMemSummary {
  node: { cpu?: CpuMem; memory?: CpuMem };
  pods?: Array<{ podRef: { name: string; namespace: string }; cpu?: CpuMem; containers?: Array<{ name: string; cpu?: CpuMem; memory?: CpuMem }> }>;
}

function usage(cpu: CpuMem | undefined, memory: CpuMem | undefined): Record<string, string> {
  return { cpu: `${Math.round(cpu?.usageNanoCores ?? 0)}n`, memory: `${Math.round((memory?.workingSetBytes ?? 0) / 1024)}Ki` };
}

function summaryOf(kubelets: Kubelets, node: string): CpuMemSummary | undefined {
  const r = kubelets.kubelet(node)?.serve('/stats/summary?only_cpu_and_memory=true');
  if (!r || r.status !== 200) return undefined;
  return JSON.parse(r.body) as CpuMemSummary;
}

/** Serves /apis/metrics.k8s.io/v1beta1/{nodes[/name] | [namespaces/{ns}/]pods[/name]}; undefined = not this API. */
export function metricsApi(world: World, kubelets: Kubelets, pathname: string): unknown {
  const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?(nodes|pods)(?:\/([^/]+))?$/.exec(pathname);
  if (!m) return undefined;
  const [, namespace, resource, name] = m;
  if (resource === 'nodes') {
    const names = name ? [name] : [...world.nodes.keys()];
    const items = [];
    for (const n of names) {
      const s = summaryOf(kubelets, n);
      if (!s) continue;
      items.push({ metadata: { name: n, creationTimestamp: new Date().toISOString() }, timestamp: s.node.cpu?.time, window: '10s', usage: usage(s.node.cpu, s.node.memory) });
    }
    if (name) {
      if (!items[0]) throw notFound('nodes', name, 'metrics.k8s.io');
      return { kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...items[0] };
    }
    return { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
  }
  // Pods: only the nodes running pods of the namespace are asked.
  const nodes = new Set<string>();
  for (const p of world.podsByUid.values()) if (p.nodeName && (!namespace || p.metadata.namespace === namespace)) nodes.add(p.nodeName);
  const items = [];
  for (const n of nodes) {
    const s = summaryOf(kubelets, n);
    if (!s) continue;
    for (const p of s.pods ?? []) {
      if (namespace && p.podRef.namespace !== namespace) continue;
      if (name && p.podRef.name !== name) continue;
      items.push({
        metadata: { name: p.podRef.name, namespace: p.podRef.namespace, creationTimestamp: new Date().toISOString() },
        timestamp: p.cpu?.time ?? s.node.cpu?.time, window: '10s',
        containers: (p.containers ?? []).map((c) => ({ name: c.name, usage: usage(c.cpu, c.memory) })),
      });
    }
  }
  if (name) {
    if (!items[0]) throw notFound('pods', name, 'metrics.k8s.io');
    return { kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...items[0] };
  }
  return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}
