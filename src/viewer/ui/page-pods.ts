// Pods table (filters: cluster, namespace, workload, node, label, phase, search) and pod detail with
// per-container charts against requests and limits, CPU throttling, restarts with reasons, volumes.
import { age, bytes, count, cpu, drawnParts, h, morph } from './dom.js';
import { api, currentRoute, href, setParams } from './state.js';
import { VTable, type Column, type Page, type SortDir } from './vtable.js';
import { ChartSet, LIMIT_DASH, REQUEST_DASH, chartsOf, groupColor, type Line, type Marker, type SeriesResult } from './charts.js';
import { appendFrom, appendSeries, type SeriesTail } from './series-merge.js';
import type { PodLifecycle } from '../lifecycle-queries.js';
import { volumeTable, type VolumeRow } from './page-storage.js';
import { rangeParams, rangeText, type PageView } from './main.js';
import { filterBar, namespaceParam, noMatchHint } from './filters.js';
import { eventRow, type EventRow } from './events.js';

export interface PodRow {
  cluster: string; uid: string; namespace: string; name: string; node: string | null; phase: string; ready: boolean; restarts: number | null;
  workloadKind: string | null; workloadName: string | null; createdAt: string | null; cpuMillicores: number | null; memoryBytes: number | null;
  cpuRequestMillicores: number | null; cpuLimitMillicores: number | null; memoryRequestBytes: number | null; memoryLimitBytes: number | null;
  /** App containers, those ready, and the status reason (CrashLoopBackOff, OOMKilled, Completed…) when one says more than the phase. */
  containers: number; containersReady: number; reason: string | null;
}

const phaseClass = (p: string): string => (p === 'Running' ? 'ok' : p === 'Pending' ? 'warn' : p === 'Failed' ? 'crit' : 'muted');
const BAD_REASONS = new Set(['CrashLoopBackOff', 'OOMKilled', 'Error', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'CreateContainerError', 'ContainerCannotRun', 'DeadlineExceeded', 'Evicted']);

function podStatus(r: PodRow): HTMLElement {
  const text = r.reason ?? r.phase;
  const cls = r.reason === 'Completed' ? 'muted' : r.reason && BAD_REASONS.has(r.reason) ? 'crit' : r.reason ? 'warn' : phaseClass(r.phase);
  return h('span', { class: `pod-status ${cls}` }, text);
}

/** Usage as a share of a request or limit; near or over a limit is what throttles (CPU) or kills (memory). */
function shareOf(used: number | null, of: number | null, killsAt100: boolean): HTMLElement | string {
  if (used === null || of === null || of <= 0) return '–';
  const p = (100 * used) / of;
  return h('span', { class: p >= 90 ? (killsAt100 ? 'crit' : 'warn') : '' }, `${p.toFixed(p < 10 ? 1 : 0)}%`);
}

export function podColumns(): Column<PodRow>[] {
  return [
    { key: 'cluster', label: 'Cluster', width: '70px', sort: 'cluster', render: (r) => r.cluster },
    { key: 'namespace', label: 'Namespace', width: '96px', sort: 'namespace', render: (r) => r.namespace },
    { key: 'name', label: 'Pod', width: 'minmax(140px,2fr)', sort: 'name', render: (r) => h('span', { class: 'strong pod-name' }, r.name) },
    { key: 'status', label: 'Status', width: '110px', sort: 'status', render: podStatus },
    { key: 'ready', label: 'Ready', width: '48px', sort: 'ready', render: (r) => h('span', { class: r.containersReady < r.containers ? 'warn' : '' }, `${r.containersReady}/${r.containers}`) },
    { key: 'node', label: 'Node', width: 'minmax(80px,1fr)', sort: 'node', render: (r) => r.node ?? '–' },
    { key: 'workload', label: 'Workload', width: 'minmax(80px,1fr)', sort: 'workload', render: (r) => (r.workloadName ? `${r.workloadKind?.toLowerCase() ?? ''}/${r.workloadName}` : '–') },
    { key: 'cpu', label: 'CPU', width: '60px', sort: 'cpu', align: 'right', render: (r) => cpu(r.cpuMillicores) },
    { key: 'cpu-rl', label: 'CPU req / lim', width: '92px', sort: 'cpu_requests', align: 'right', render: (r) => `${cpu(r.cpuRequestMillicores)} / ${cpu(r.cpuLimitMillicores)}` },
    { key: 'cpu-r', label: '%CPU/R', title: 'CPU used, % of the pod\'s CPU request', width: '60px', sort: 'cpu_of_request', align: 'right', render: (r) => shareOf(r.cpuMillicores, r.cpuRequestMillicores, false) },
    { key: 'cpu-l', label: '%CPU/L', title: 'CPU used, % of the pod\'s CPU limit (throttled near 100%)', width: '60px', sort: 'cpu_of_limit', align: 'right', render: (r) => shareOf(r.cpuMillicores, r.cpuLimitMillicores, false) },
    { key: 'memory', label: 'Mem', width: '76px', sort: 'memory', align: 'right', render: (r) => bytes(r.memoryBytes) },
    { key: 'mem-rl', label: 'Mem req / lim', width: '120px', sort: 'memory_requests', align: 'right', render: (r) => `${bytes(r.memoryRequestBytes)} / ${bytes(r.memoryLimitBytes)}` },
    { key: 'mem-r', label: '%MEM/R', title: 'Memory used (working set), % of the pod\'s memory request', width: '60px', sort: 'memory_of_request', align: 'right', render: (r) => shareOf(r.memoryBytes, r.memoryRequestBytes, false) },
    { key: 'mem-l', label: '%MEM/L', title: 'Memory used (working set), % of the pod\'s memory limit (OOM-killed at 100%)', width: '60px', sort: 'memory_of_limit', align: 'right', render: (r) => shareOf(r.memoryBytes, r.memoryLimitBytes, true) },
    { key: 'restarts', label: 'Rst', title: 'Restarts', width: '36px', sort: 'restarts', align: 'right', render: (r) => h('span', { class: r.restarts ? 'warn' : '' }, count(r.restarts)) },
    { key: 'age', label: 'Age', width: '42px', sort: 'age', align: 'right', sortDir: 'asc', render: (r) => age(r.createdAt) },
  ];
}

const POD_FILTERS = ['cluster', 'namespace', 'workload', 'node', 'label', 'phase', 'search'];

export function podsPage(): PageView {
  const p = currentRoute().params;
  const sort = p.get('sort') ?? 'name';
  const dir = (p.get('dir') as SortDir | null) ?? undefined;
  let noNamespace = false;
  const table = new VTable<PodRow>(podColumns(),
    async (offset, limit) => {
      const ns = await namespaceParam(p.get('cluster'), p.get('namespace'));
      noNamespace = ns.none;
      if (ns.none) return { total: 0, rows: [] };
      return api<Page<PodRow>>('/api/pods', {
        cluster: p.get('cluster'), namespace: ns.names, node: p.get('node'), workload: p.get('workload'), label: p.get('label'),
        phase: p.get('phase'), search: p.get('search'), sort, dir, offset, limit,
      });
    },
    {
      sort, dir, onSort: (s, d) => setParams({ sort: s, dir: d }), onRow: (r) => href('pod', { cluster: r.cluster, namespace: r.namespace, name: r.name }),
      empty: () => noMatchHint('pods', POD_FILTERS, noNamespace),
    });
  const el = h('div', { class: 'page pods' }, filterBar(POD_FILTERS, table.counter), table.el);
  return { title: 'Pods', el, refresh: () => table.reload() };
}

interface ContainerInfo {
  name: string; type: string; image: string; ready: boolean; restarts: number | null; state: string; stateReason: string | null; stateSince: string | null;
  lastTerminationReason: string | null; lastTerminationExitCode: number | null; lastTerminatedAt: string | null;
  cpuRequestMillicores: number | null; cpuLimitMillicores: number | null; memoryRequestBytes: number | null; memoryLimitBytes: number | null;
}
interface PodDetail {
  uid: string; namespace: string; name: string; node: string | null; phase: string; qosClass: string; workloadKind: string | null; workloadName: string | null;
  podIp: string | null; ready: boolean; restarts: number | null; createdAt: string | null; deletedAt: string | null; serviceAccount: string | null;
  labels: Record<string, string>; volumes: Array<{ name: string; type: string }>; containers: ContainerInfo[];
}

export function podPage(): PageView {
  const p = currentRoute().params;
  const cluster = p.get('cluster') ?? '';
  const namespace = p.get('namespace') ?? '';
  const name = p.get('name') ?? '';
  const info = h('div', { class: 'kv-block' });
  const charts = new ChartSet();
  const note = h('div', {});
  const volumes = h('div', {});
  const containers = h('div', {});
  const events = h('div', { class: 'events own-events' });
  const el = h('div', { class: 'page pod' },
    h('div', { class: 'crumbs' }, h('a', { href: href('pods', { cluster, namespace }) }, `${cluster} / ${namespace}`), ' / ', h('b', {}, name)),
    info, note, charts.el, h('h3', {}, 'Containers'), containers, h('h3', {}, 'Volumes'), volumes, h('h3', {}, 'Events of this pod over the range'), events);
  /** The pod's object and its life (restarts, first and last sample) as last fetched, with the events. */
  let last: { d: PodDetail; life: PodLifecycle } | null = null;
  /** The charts' series as held (appended to by live updates) and the range they were fetched for. */
  let held: { container: SeriesResult; pod: SeriesResult; range: string } | null = null;
  // An answer like the last one leaves its part of the page alone.
  const changed = drawnParts();
  return {
    title: `Pod ${name}`,
    el,
    async refresh(only) {
      // New samples alone change the charts and the volumes' usage: the pod's object, its restarts and
      // its events come from the inventory, so a live update on samples does not ask for them again. (A
      // finished pod, charted over its lifetime, gets no new samples.)
      const inventory = !only || only.has('inventory') || !last;
      let d: PodDetail;
      let life: PodLifecycle;
      if (inventory || !last) {
        d = await api<PodDetail>('/api/pod', { cluster, namespace, name });
        life = await api<PodLifecycle>('/api/pod/lifecycle', { cluster, pod_uid: d.uid });
      } else ({ d, life } = last);
      last = { d, life };
      const lifetime = lifetimeRange(d, life);
      const range = lifetime ?? rangeParams();
      // The charts' series appended to: a live update asks only for the newest buckets.
      const rangeKey = JSON.stringify([d.uid, range]); // a pod recreated under its name is another
      const mine = held?.range === rangeKey ? held : null;
      const [got, gotPod, evs, vols] = await Promise.all([
        api<SeriesTail>('/api/series', { entity: 'container', cluster, pod_uid: d.uid, ...range, after: mine ? appendFrom([mine.container]) : undefined }),
        api<SeriesTail>('/api/series', { entity: 'pod', cluster, pod_uid: d.uid, ...range, after: mine ? appendFrom([mine.pod]) : undefined }),
        inventory ? api<EventRow[]>('/api/events', { cluster, namespace, object_kind: 'Pod', object_name: name, ...range, limit: 100 }) : null,
        api<VolumeRow[]>('/api/volumes', { cluster, pod_uid: d.uid }),
      ]);
      const s = appendSeries(mine?.container ?? null, got);
      const pod = appendSeries(mine?.pod ?? null, gotPod);
      held = { container: s, pod, range: rangeKey };
      if (changed('note', [lifetime, life.firstSampleAt, life.lastSampleAt])) {
        morph(note, lifetime ? h('div', { class: 'lifetime-note' }, `This pod has finished: the charts show its lifetime, from its first sample (${new Date(life.firstSampleAt!).toLocaleString()}) to its last (${new Date(life.lastSampleAt!).toLocaleString()}). Drag across a chart or pick a custom range to see another span.`) : null);
      }
      if (changed('volumes', vols)) morph(volumes, vols.length ? volumeTable(vols, false) : h('div', { class: 'muted small' }, 'no volume samples in the last 5 minutes'));
      if (evs && changed('events', [evs, evs.map((e) => age(e.lastTime))])) morph(events, ...(evs.length ? evs.map((e) => eventRow(e, false)) : [h('div', { class: 'muted small' }, `no events of this pod ${lifetime ? 'in its lifetime' : rangeText()}`)]));
      // The ages ("deleted 3m ago", the last termination's) move on with the clock: redrawn when they read differently.
      const ages = [d.deletedAt, d.createdAt, ...d.containers.map((c) => c.lastTerminatedAt)].map((x) => age(x));
      if (changed('info', [d, ages])) morph(info,
        h('div', { class: 'kv' },
          kvi('phase', h('span', { class: d.deletedAt ? 'crit' : phaseClass(d.phase) }, d.deletedAt ? `deleted ${age(d.deletedAt)} ago` : d.phase)),
          kvi('node', d.node ? h('a', { href: href('node', { cluster, name: d.node }) }, d.node) : '–'),
          kvi('workload', d.workloadName ? h('a', { href: href('pods', { cluster, namespace, workload: d.workloadName }) }, `${d.workloadKind}/${d.workloadName}`) : '–'),
          kvi('QoS', d.qosClass), kvi('IP', d.podIp ?? '–'), kvi('restarts', count(d.restarts)), kvi('age', age(d.createdAt)), kvi('service account', d.serviceAccount ?? '–')),
        h('div', { class: 'chips' }, ...Object.entries(d.labels).slice(0, 20).map(([k, v]) => h('a', { class: 'chip', href: href('pods', { cluster, label: `${k}=${v}` }) }, `${k}=${v}`)),
          ...d.volumes.map((v) => h('span', { class: 'chip vol' }, `vol ${v.name} (${v.type})`))),
      );
      const ts = s.ts;
      const limitLines = (metric: 'cpu' | 'memory'): Line[] => d.containers.flatMap((c) => {
        const out: Line[] = [];
        const req = metric === 'cpu' ? c.cpuRequestMillicores : c.memoryRequestBytes;
        const lim = metric === 'cpu' ? c.cpuLimitMillicores : c.memoryLimitBytes;
        // In the container's own colour: with several containers, whose request is whose stays clear.
        const color = groupColor(s, c.name);
        if (req !== null) out.push({ label: `${c.name} request`, values: ts.map(() => req), dash: REQUEST_DASH, color });
        if (lim !== null) out.push({ label: `${c.name} limit`, values: ts.map(() => lim), dash: LIMIT_DASH, color });
        return out;
      });
      const markers = life.markers.map((m): Marker => ({
        t: Date.parse(m.at) / 1000, color: m.kind === 'oom' ? '#e5484d' : '#f5a524',
        label: `${m.kind === 'oom' ? 'OOM' : m.count > 1 ? `${m.count} restarts` : 'restart'}${m.container ? ` ${m.container}` : ''}`,
      }));
      const drew = charts.update([...chartsOf(s, { cpu: limitLines('cpu'), memory: limitLines('memory') }), ...chartsOf(pod)].map((c) => ({ ...c, markers })));
      if (changed('containers', [d.containers, ages])) morph(containers, h('table', { class: 'grid' },
        h('tr', {}, ...['container', 'state', 'ready', 'restarts', 'last termination', 'CPU req / lim', 'memory req / lim', 'image'].map((x) => h('th', {}, x))),
        ...d.containers.map((c) => h('tr', {},
          h('td', { class: 'strong' }, c.name, c.type !== 'container' ? h('span', { class: 'muted' }, ` (${c.type})`) : ''),
          h('td', { class: c.state === 'running' ? 'ok' : 'warn' }, `${c.state}${c.stateReason ? ` (${c.stateReason})` : ''}`),
          h('td', {}, c.ready ? '✓' : '✗'),
          h('td', { class: c.restarts ? 'warn' : '' }, count(c.restarts)),
          h('td', { class: c.lastTerminationReason ? 'crit' : 'muted' }, c.lastTerminationReason ? `${c.lastTerminationReason} (exit ${c.lastTerminationExitCode ?? '?'}) ${age(c.lastTerminatedAt)} ago` : '–'),
          h('td', {}, `${cpu(c.cpuRequestMillicores)} / ${cpu(c.cpuLimitMillicores)}`),
          h('td', {}, `${bytes(c.memoryRequestBytes)} / ${bytes(c.memoryLimitBytes)}`),
          h('td', { class: 'muted small' }, c.image)))));
      return drew > 0;
    },
  };
}

/**
 * A finished pod (deleted, Succeeded or Failed) is charted over its lifetime, from its first sample to
 * its last, unless the URL asks for a custom range: a recent range would show empty panels.
 */
function lifetimeRange(d: PodDetail, life: PodLifecycle): Record<string, string> | null {
  const finished = d.deletedAt !== null || d.phase === 'Succeeded' || d.phase === 'Failed';
  if (!finished || currentRoute().params.get('from') || !life.firstSampleAt || !life.lastSampleAt) return null;
  const from = Date.parse(life.firstSampleAt) - 60_000;
  const to = Math.max(Date.parse(life.lastSampleAt) + 60_000, from + 5 * 60_000);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function kvi(k: string, v: Node | string): HTMLElement {
  return h('div', { class: 'kv-item' }, h('span', { class: 'k' }, k), h('span', { class: 'v' }, v));
}
