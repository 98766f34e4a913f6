// Workloads (replicas, aggregate usage, pods) and the events stream (warnings first).
import { age, bytes, count, cpu, h, morph } from './dom.js';
import { api, currentRoute, href, setParams } from './state.js';
import { VTable, type Page, type SortDir } from './vtable.js';
import { rangeParams, rangeText, type PageView } from './main.js';
import { filterBar, namespaceParam, noMatchHint } from './filters.js';
import { eventRow, type EventRow } from './events.js';

interface WorkloadRow {
  cluster: string; kind: string; namespace: string; name: string; desired: number | null; ready: number | null; pods: number; running: number;
  cpuMillicores: number | null; memoryBytes: number | null; cpuRequestMillicores: number | null; createdAt: string | null;
  cpuPerPodMillicores: number | null; cpuOfRequestsPercent: number | null; memoryOfRequestsPercent: number | null;
}

/** "38% of req": usage over the requests of the same pods; over 100% the workload asks for too little. */
function ofRequests(p: number | null): HTMLElement {
  return h('span', { class: `of-req ${p !== null && p > 100 ? 'warn' : ''}` }, p === null ? '–' : `${p.toFixed(p < 10 ? 1 : 0)}%`);
}

export function workloadsPage(): PageView {
  const p = currentRoute().params;
  const sort = p.get('sort') ?? 'cluster';
  const dir = (p.get('dir') as SortDir | null) ?? undefined;
  let noNamespace = false;
  const table = new VTable<WorkloadRow>([
    { key: 'cluster', label: 'Cluster', width: '100px', sort: 'cluster', render: (r) => r.cluster },
    { key: 'kind', label: 'Kind', width: '110px', sort: 'kind', render: (r) => r.kind },
    { key: 'namespace', label: 'Namespace', width: '140px', sort: 'namespace', render: (r) => r.namespace },
    { key: 'name', label: 'Name', width: 'minmax(200px,2fr)', sort: 'name', render: (r) => h('span', { class: 'strong' }, r.name) },
    { key: 'ready', label: 'Ready / desired', width: '120px', align: 'right', sort: 'ready', sortDir: 'asc', render: (r) => h('span', { class: r.ready !== null && r.desired !== null && r.ready < r.desired ? 'warn' : 'ok' }, `${count(r.ready)} / ${count(r.desired)}`) },
    { key: 'pods', label: 'Pods (running)', width: '110px', align: 'right', sort: 'pods', render: (r) => `${r.pods} (${r.running})` },
    { key: 'cpu', label: 'CPU per pod / req', title: 'Mean CPU of a pod against one pod\'s request', width: '140px', align: 'right', sort: 'cpu', render: (r) => `${cpu(r.cpuPerPodMillicores)} / ${cpu(r.cpuRequestMillicores)}` },
    { key: 'cpu-r', label: '%CPU/R', title: 'CPU used by the pods, % of their summed requests', width: '70px', align: 'right', sort: 'cpu_of_requests', render: (r) => ofRequests(r.cpuOfRequestsPercent) },
    { key: 'mem', label: 'Memory', width: '90px', align: 'right', sort: 'memory', render: (r) => bytes(r.memoryBytes) },
    { key: 'mem-r', label: '%MEM/R', title: 'Memory used by the pods, % of their summed requests', width: '70px', align: 'right', sort: 'memory_of_requests', render: (r) => ofRequests(r.memoryOfRequestsPercent) },
    { key: 'age', label: 'Age', width: '60px', align: 'right', sort: 'age', sortDir: 'asc', render: (r) => age(r.createdAt) },
  ], async (offset, limit) => {
    const ns = await namespaceParam(p.get('cluster'), p.get('namespace'));
    noNamespace = ns.none;
    if (ns.none) return { total: 0, rows: [] };
    return api<Page<WorkloadRow>>('/api/workloads', { cluster: p.get('cluster'), namespace: ns.names, kind: p.get('kind'), search: p.get('search'), sort, dir, offset, limit });
  }, { sort, dir, onSort: (s, d) => setParams({ sort: s, dir: d }), onRow: (r) => href('pods', { cluster: r.cluster, namespace: r.namespace, workload: r.name }), empty: () => noMatchHint('workloads', ['cluster', 'namespace', 'kind', 'search'], noNamespace) });
  return { title: 'Workloads', el: h('div', { class: 'page workloads' }, filterBar(['cluster', 'namespace', 'kind', 'search'], table.counter), table.el), refresh: () => table.reload() };
}

export function eventsPage(): PageView {
  const p = currentRoute().params;
  const list = h('div', { class: 'events' });
  const counter = h('span', { class: 'vt-count' });
  return {
    title: 'Events',
    el: h('div', { class: 'page events-page' }, filterBar(['cluster', 'namespace', 'type', 'search'], counter), list),
    async refresh() {
      const ns = await namespaceParam(p.get('cluster'), p.get('namespace'));
      const rows = ns.none ? [] : await api<EventRow[]>('/api/events', { cluster: p.get('cluster'), namespace: ns.names, type: p.get('type'), search: p.get('search'), ...rangeParams(), limit: 500 });
      counter.textContent = `${rows.length} events seen ${rangeText()}`;
      morph(list, ...(rows.length ? rows.map((e) => eventRow(e)) : [noMatchHint('events', ['cluster', 'namespace', 'type', 'search'], ns.none),
        h('div', { class: 'muted small range-hint' }, `No event was seen ${rangeText()}; a longer range (the picker above) reaches older ones.`)]));
    },
  };
}
