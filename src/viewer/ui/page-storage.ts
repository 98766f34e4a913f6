// Storage (pod volumes and PVCs with their usage) and autoscalers (HPAs: replicas against their bounds,
// targets against current values, and current vs desired replicas over the page's range).
import { age, bytes, count, h, morph, pctCell } from './dom.js';
import { api, currentRoute, href } from './state.js';
import { ChartSet, type SeriesResult } from './charts.js';
import { rangeParams, type PageView } from './main.js';
import { filterBar, namespaceParam, noMatchHint } from './filters.js';
import type { HpaTarget } from '../storage-queries.js';

export interface VolumeRow {
  cluster: string; podUid: string; namespace: string; pod: string; node: string | null; volume: string; pvc: string | null; sampleAt: string;
  usedBytes: number | null; capacityBytes: number | null; usedPercent: number | null; inodesUsedPercent: number | null;
}
interface PvcRow {
  cluster: string; namespace: string; name: string; phase: string | null; storageClass: string | null; requestBytes: number | null; capacityBytes: number | null;
  accessModes: string[]; mountedBy: string | null; usedBytes: number | null; volumeCapacityBytes: number | null; usedPercent: number | null; createdAt: string | null;
}
interface HpaRow {
  cluster: string; namespace: string; name: string; targetKind: string | null; targetName: string | null; minReplicas: number | null; maxReplicas: number | null;
  currentReplicas: number | null; desiredReplicas: number | null; atMax: boolean; targets: HpaTarget[];
}

const STORAGE_FILTERS = ['cluster', 'namespace', 'search'];

/** The pod volumes' table (the storage page, and a pod's own volumes on its page). */
export function volumeTable(rows: VolumeRow[], withPod: boolean): HTMLElement {
  return h('table', { class: 'grid volumes' },
    h('tr', {}, ...[withPod ? 'pod' : null, 'volume', 'PVC', 'used', 'capacity', 'inodes used', 'sample'].filter(Boolean).map((x) => h('th', {}, x))),
    ...rows.map((v) => h('tr', { 'data-volume': v.volume },
      withPod ? h('td', {}, h('a', { href: href('pod', { cluster: v.cluster, namespace: v.namespace, name: v.pod }) }, `${v.namespace}/${v.pod}`)) : null,
      h('td', { class: 'strong' }, v.volume), h('td', {}, v.pvc ?? '–'),
      h('td', { class: 'vol-used' }, pctCell(v.usedPercent, bytes(v.usedBytes))), h('td', {}, bytes(v.capacityBytes)),
      h('td', {}, pctCell(v.inodesUsedPercent)), h('td', { class: 'muted' }, age(v.sampleAt)))));
}

export function storagePage(): PageView {
  const p = currentRoute().params;
  const counter = h('span', { class: 'vt-count' });
  const vols = h('div', {});
  const claims = h('div', {});
  return {
    title: 'Storage',
    el: h('div', { class: 'page storage' }, filterBar(STORAGE_FILTERS, counter),
      h('h3', {}, 'Persistent volume claims'), claims, h('h3', {}, 'Pod volumes (latest sample, fullest first)'), vols),
    async refresh() {
      const ns = await namespaceParam(p.get('cluster'), p.get('namespace'));
      const q = { cluster: p.get('cluster'), namespace: ns.names, search: p.get('search') };
      const [v, c] = ns.none ? [[], []] : await Promise.all([api<VolumeRow[]>('/api/volumes', q), api<PvcRow[]>('/api/pvcs', q)]);
      counter.textContent = `${c.length} claims · ${v.length} volumes`;
      morph(claims, c.length ? h('table', { class: 'grid pvcs' },
        h('tr', {}, ...['cluster', 'namespace', 'claim', 'phase', 'class', 'requested', 'provisioned', 'used', 'mounted by', 'access'].map((x) => h('th', {}, x))),
        ...c.map((x) => h('tr', { 'data-pvc': x.name },
          h('td', {}, x.cluster), h('td', {}, x.namespace), h('td', { class: 'strong' }, x.name),
          h('td', { class: x.phase === 'Bound' ? 'ok' : 'warn' }, x.phase ?? '–'), h('td', {}, x.storageClass ?? '–'),
          h('td', {}, bytes(x.requestBytes)), h('td', {}, bytes(x.capacityBytes)),
          h('td', { class: 'pvc-used' }, x.usedBytes === null ? h('span', { class: 'muted' }, 'not mounted') : pctCell(x.usedPercent, `${bytes(x.usedBytes)} of ${bytes(x.volumeCapacityBytes)}`)),
          h('td', {}, x.mountedBy ? h('a', { href: href('pod', { cluster: x.cluster, namespace: x.namespace, name: x.mountedBy }) }, x.mountedBy) : '–'),
          h('td', { class: 'muted' }, x.accessModes.join(', '))))) : noMatchHint('storage', STORAGE_FILTERS, ns.none));
      morph(vols, v.length ? volumeTable(v, true) : h('div', { class: 'muted small' }, 'no volume samples in the last 5 minutes'));
    },
  };
}

/** An HPA's replicas over the range as step lines on the chart's own grid (the change log's states). */
function historyChart(hpa: string, r: { from: string; to: string; points: Array<{ at: string; current: number | null; desired: number | null }> }) {
  const from = Date.parse(r.from) / 1000;
  const to = Date.parse(r.to) / 1000;
  const stepS = Math.max(1, Math.ceil((to - from) / 300));
  const ts: number[] = [];
  for (let t = from; t <= to; t += stepS) ts.push(t);
  const at = (t: number, key: 'current' | 'desired'): number | null => {
    let v: number | null = null;
    for (const pt of r.points) if (Date.parse(pt.at) / 1000 <= t) v = pt[key];
    return v;
  };
  const res: SeriesResult = { resolution: 'raw', table: 'change_log', bucketS: stepS, from: r.from, to: r.to, ts, series: [], charts: [] };
  return { title: `${hpa} · replicas`, res, unit: 'count' as const, lines: [
    { label: 'current', values: ts.map((t) => at(t, 'current')), color: '#4ea1ff' },
    { label: 'desired', values: ts.map((t) => at(t, 'desired')), color: '#f5a524', dash: [6, 4] },
  ] };
}

export function hpasPage(): PageView {
  const p = currentRoute().params;
  const counter = h('span', { class: 'vt-count' });
  const list = h('div', {});
  const charts = new ChartSet();
  const chosen = p.get('hpa');
  return {
    title: 'Autoscalers',
    el: h('div', { class: 'page hpas' }, filterBar(STORAGE_FILTERS, counter), list, chosen ? h('h3', {}, `Replicas of ${chosen} over the range`) : null, charts.el),
    async refresh() {
      const ns = await namespaceParam(p.get('cluster'), p.get('namespace'));
      const rows = ns.none ? [] : await api<HpaRow[]>('/api/hpas', { cluster: p.get('cluster'), namespace: ns.names, search: p.get('search') });
      counter.textContent = `${rows.length} autoscalers`;
      morph(list, rows.length ? h('table', { class: 'grid hpa-table' },
        h('tr', {}, ...['cluster', 'namespace', 'autoscaler', 'target', 'current / desired', 'min – max', 'targets (now / target)'].map((x) => h('th', {}, x))),
        ...rows.map((x) => h('tr', { 'data-hpa': x.name, class: chosen === `${x.namespace}/${x.name}` ? 'chosen' : '' },
          h('td', {}, x.cluster), h('td', {}, x.namespace),
          h('td', { class: 'strong' }, h('a', { href: href('hpas', { cluster: x.cluster, namespace: p.get('namespace'), search: p.get('search'), hpa: `${x.namespace}/${x.name}`, hpa_cluster: x.cluster }) }, x.name)),
          h('td', {}, x.targetName ? h('a', { href: href('pods', { cluster: x.cluster, namespace: x.namespace, workload: x.targetName }) }, `${x.targetKind?.toLowerCase() ?? ''}/${x.targetName}`) : '–'),
          h('td', { class: `replicas ${x.currentReplicas !== x.desiredReplicas ? 'warn' : x.atMax ? 'crit' : 'ok'}` }, `${count(x.currentReplicas)} / ${count(x.desiredReplicas)}`),
          h('td', { class: x.atMax ? 'crit' : '' }, `${count(x.minReplicas)} – ${count(x.maxReplicas)}${x.atMax ? ' (at max)' : ''}`),
          h('td', { class: 'hpa-targets' }, x.targets.map((t) => `${t.metric} ${t.current ?? '?'} / ${t.target ?? '?'}`).join(' · ') || '–')))) : noMatchHint('hpas', STORAGE_FILTERS, ns.none));
      if (chosen) {
        const [namespace, name] = chosen.split('/');
        const r = await api<{ from: string; to: string; points: Array<{ at: string; current: number | null; desired: number | null }> }>('/api/hpa/history',
          { cluster: p.get('hpa_cluster') ?? p.get('cluster'), namespace, name, ...rangeParams() });
        charts.update([historyChart(chosen, r)]);
      }
    },
  };
}

