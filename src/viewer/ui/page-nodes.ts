// Nodes table (virtualized, sortable, filterable, sparklines) and node detail (charts, pods on it now and
// at a chosen past time).
import { age, bytes, count, cpu, drawnParts, fill, h, morph, pctCell, rate } from './dom.js';
import { api, currentRoute, href, setParams } from './state.js';
import { VTable, type Column, type Page, type SortDir } from './vtable.js';
import { ChartSet, chartsOf, constant, sparkline, type SeriesResult } from './charts.js';
import { appendFrom, appendSeries, type SeriesTail } from './series-merge.js';
import { rangeParams, rangeText, type PageView } from './main.js';
import { filterBar, noMatchHint } from './filters.js';
import { podColumns, type PodRow } from './page-pods.js';
import { eventRow, type EventRow } from './events.js';

interface NodeRow {
  cluster: string; name: string; roles: string; ready: boolean; unschedulable: boolean; problems: string[]; pods: number; podsAllocatable: number | null;
  cpuPercent: number | null; memoryPercent: number | null; fsPercent: number | null; cpuMillicores: number | null; memoryBytes: number | null;
  cpuAllocatableMillicores: number | null; memoryAllocatableBytes: number | null;
  cpuRequestsPercent: number | null; cpuLimitsPercent: number | null; memoryRequestsPercent: number | null; memoryLimitsPercent: number | null;
  rxBytesPerSecond: number | null; txBytesPerSecond: number | null; kubeletVersion: string; sampleAt: string | null;
}

/** A node's status as an SRE reads it: readiness, its problems, and whether it is cordoned. */
function nodeStatus(r: NodeRow): HTMLElement {
  const parts = [r.ready ? 'Ready' : 'NotReady', ...r.problems.filter((x) => !x.startsWith('NotReady')), r.unschedulable ? 'Cordoned' : null].filter(Boolean);
  return h('span', { class: !r.ready ? 'crit' : r.problems.length || r.unschedulable ? 'warn' : 'ok' }, parts.join(', '));
}

/** Usage as a bar with the share and the amounts in one unit: "37% 1.5 / 4 cores", "62% 9.8 / 16 GiB". */
function usedCell(p: number | null, used: number | null, of: number | null, unit: 'cpu' | 'bytes'): HTMLElement {
  if (used === null || of === null || of <= 0) return pctCell(p, unit === 'cpu' ? cpu(used) : bytes(used));
  const [div, suffix] = unit === 'cpu' ? [1000, 'cores'] : of >= 1024 ** 3 ? [1024 ** 3, 'GiB'] : [1024 ** 2, 'MiB'];
  const n = (v: number): string => { const x = v / div; return x >= 100 || Number.isInteger(x) ? x.toFixed(0) : x.toFixed(1); };
  return pctCell(p, `${n(used)} / ${n(of)} ${suffix}`);
}

/** Requests and limits as shares of allocatable: "R 45% · L 120%" (limits over 100% are overcommit). */
function reqLimCell(req: number | null, lim: number | null): HTMLElement {
  const pc = (v: number | null): string => (v === null ? '–' : `${v.toFixed(0)}%`);
  return h('span', {}, h('span', { class: req !== null && req > 100 ? 'warn' : '' }, `R ${pc(req)}`), ' · ', h('span', { class: lim !== null && lim > 100 ? 'warn' : 'muted' }, `L ${pc(lim)}`));
}

const sparkCache = new Map<string, { at: number; points: Array<[number, number | null]> }>();

export function nodesPage(): PageView {
  const p = currentRoute().params;
  // The sparklines span the page's range: cached per range, so another range never shows old lines.
  const range = rangeParams();
  const sparkKey = (r: { cluster: string; name: string }): string => `${JSON.stringify(range)} ${r.cluster}/${r.name}`;
  const columns: Column<NodeRow>[] = [
    { key: 'cluster', label: 'Cluster', width: '80px', sort: 'cluster', render: (r) => r.cluster },
    { key: 'name', label: 'Node', width: 'minmax(140px,1.3fr)', sort: 'name', render: (r) => h('span', { class: 'strong' }, r.name) },
    { key: 'roles', label: 'Role', width: '76px', sort: 'role', render: (r) => r.roles || 'worker' },
    { key: 'status', label: 'Status', width: '120px', sort: 'status', sortDir: 'desc', render: nodeStatus },
    { key: 'cpu', label: 'CPU used', width: '150px', sort: 'cpu', sortDir: 'desc', render: (r) => usedCell(r.cpuPercent, r.cpuMillicores, r.cpuAllocatableMillicores, 'cpu') },
    {
      key: 'spark', label: `CPU ${range.range ?? 'range'}`, title: `CPU used over the page's range (${rangeText().replace(/^in /, '')})`, width: '90px', sort: 'cpu', sortDir: 'desc', render: (r) => {
        const cell = h('span', { class: 'spark-cell', 'data-spark': `${r.cluster}/${r.name}` });
        const c = sparkCache.get(sparkKey(r));
        if (c) cell.append(sparkline(c.points));
        return cell;
      },
    },
    { key: 'cpu-rl', label: 'CPU req · lim', title: 'CPU requests and limits of the node\'s pods, as shares of its allocatable', width: '110px', sort: 'cpu_requests', sortDir: 'desc', render: (r) => reqLimCell(r.cpuRequestsPercent, r.cpuLimitsPercent) },
    { key: 'memory', label: 'Memory used', width: '160px', sort: 'memory', sortDir: 'desc', render: (r) => usedCell(r.memoryPercent, r.memoryBytes, r.memoryAllocatableBytes, 'bytes') },
    { key: 'mem-rl', label: 'Mem req · lim', title: 'Memory requests and limits of the node\'s pods, as shares of its allocatable', width: '110px', sort: 'memory_requests', sortDir: 'desc', render: (r) => reqLimCell(r.memoryRequestsPercent, r.memoryLimitsPercent) },
    { key: 'pods', label: 'Pods', width: '64px', sort: 'pods', align: 'right', render: (r) => `${r.pods}${r.podsAllocatable ? `/${r.podsAllocatable}` : ''}` },
    { key: 'net', label: 'Net rx / tx', width: '130px', sort: 'network', sortDir: 'desc', render: (r) => `${rate(r.rxBytesPerSecond)} / ${rate(r.txBytesPerSecond)}` },
    { key: 'fs', label: 'FS', width: '70px', sort: 'filesystem', sortDir: 'desc', render: (r) => pctCell(r.fsPercent) },
    { key: 'sample', label: 'Sample', width: '56px', sort: 'sample', align: 'right', sortDir: 'asc', render: (r) => h('span', { class: r.sampleAt ? '' : 'crit' }, age(r.sampleAt)) },
  ];
  const sort = p.get('sort') ?? 'name';
  const dir = (p.get('dir') as SortDir | null) ?? undefined;
  const table = new VTable<NodeRow>(
    columns,
    (offset, limit) => api<Page<NodeRow>>('/api/nodes', { cluster: p.get('cluster'), search: p.get('search'), role: p.get('role'), sort, dir, offset, limit }),
    {
      sort, dir, onSort: (s, d) => setParams({ sort: s, dir: d }), onRow: (r) => href('node', { cluster: r.cluster, name: r.name }),
      empty: () => noMatchHint('nodes', ['cluster', 'search', 'role']),
    },
  );
  let sparkTimer: ReturnType<typeof setTimeout> | null = null;
  table.onVisible = (rows) => {
    if (sparkTimer) clearTimeout(sparkTimer);
    sparkTimer = setTimeout(() => void loadSparks(rows), 150);
  };
  async function loadSparks(rows: NodeRow[]): Promise<void> {
    const byCluster = new Map<string, string[]>();
    for (const r of rows) {
      const c = sparkCache.get(sparkKey(r));
      if (c && Date.now() - c.at < 30_000) continue;
      (byCluster.get(r.cluster) ?? byCluster.set(r.cluster, []).get(r.cluster)!).push(r.name);
    }
    for (const [cluster, names] of byCluster) {
      const got = await api<Record<string, Array<[number, number | null]>>>('/api/nodes/sparklines', { cluster, nodes: names.slice(0, 200).join(','), ...range });
      for (const n of names) {
        const points = got[n] ?? [];
        sparkCache.set(sparkKey({ cluster, name: n }), { at: Date.now(), points });
        // The row's cell in the DOM (a live update patches rows in place, so look it up, not remember it).
        table.el.querySelector(`[data-spark="${CSS.escape(`${cluster}/${n}`)}"]`)?.replaceChildren(sparkline(points));
      }
    }
  }
  const el = h('div', { class: 'page nodes' }, filterBar(['cluster', 'search', 'role'], table.counter), table.el);
  return { title: 'Nodes', el, refresh: () => table.reload() };
}

interface NodeDetail {
  name: string; roles: string; ready: boolean; internalIp: string; zone: string | null; kubeletVersion: string; containerRuntime: string;
  osImage: string; kernelVersion: string; architecture: string;
  allocatable: { cpuMillicores: number | null; memoryBytes: number | null; pods: number | null };
  capacity: { cpuMillicores: number | null; memoryBytes: number | null; pods: number | null };
  conditions: Array<{ type: string; status: string; reason: string | null; since: string | null }>;
  taints: Array<{ key: string; effect: string }>; interfaces: string[]; deletedAt: string | null;
}

export function nodePage(): PageView {
  const p = currentRoute().params;
  const cluster = p.get('cluster') ?? '';
  const name = p.get('name') ?? '';
  const info = h('div', { class: 'kv-block' });
  const charts = new ChartSet();
  const atBox = h('div', { class: 'card' });
  const events = h('div', { class: 'events own-events' });
  // Sorted like the pods table, both ways on every column (the sort is in the URL too).
  const sort = p.get('sort') ?? 'name';
  const dir = (p.get('dir') as SortDir | null) ?? undefined;
  const pods = new VTable<PodRow>(podColumns().filter((c) => c.key !== 'node' && c.key !== 'cluster'),
    (offset, limit) => api<Page<PodRow>>('/api/pods', { cluster, node: name, sort, dir, offset, limit }),
    { sort, dir, onSort: (s, d) => setParams({ sort: s, dir: d }), onRow: (r) => href('pod', { cluster: r.cluster, namespace: r.namespace, name: r.name }), height: '320px' });
  const el = h('div', { class: 'page node' },
    h('div', { class: 'crumbs' }, h('a', { href: href('nodes', { cluster }) }, `${cluster} / nodes`), ' / ', h('b', {}, name)),
    info, charts.el, h('h3', {}, 'Pods on this node ', pods.counter), pods.el,
    h('h3', {}, 'Events of this node over the range'), events, h('h3', {}, 'What ran on this node at a past time'), atBox);
  const atInput = h('input', { type: 'datetime-local', step: '1', class: 'at-input' }) as HTMLInputElement;
  const atResult = h('div', {});
  const atTime = p.get('at');
  atInput.value = toLocalInput(atTime ? new Date(Number(atTime) || Date.parse(atTime)) : new Date(Date.now() - 600_000));
  const runAt = async (): Promise<void> => {
    const at = new Date(atInput.value);
    const r = await api<{ at: string; pods: Array<{ namespace: string; name: string; phase: string | null; since: string }> }>('/api/node/pods-at', { cluster, name, at: at.toISOString() });
    fill(atResult, h('div', { class: 'muted small' }, `${r.pods.length} pods at ${new Date(r.at).toLocaleString()}`),
      h('div', { class: 'chips' }, ...r.pods.map((x) => h('span', { class: 'chip' }, `${x.namespace}/${x.name}`))));
  };
  atBox.append(h('div', { class: 'row' }, atInput, h('button', { onclick: () => void runAt() }, 'Show pods')), atResult);

  // An answer like the last one leaves its part of the page alone.
  const changed = drawnParts();
  /** The node's object as last fetched. */
  let last: NodeDetail | null = null;
  /** The charts' series as held (appended to by live updates) and the range they were fetched for. */
  let held: { node: SeriesResult; interface: SeriesResult; range: string } | null = null;
  return {
    title: `Node ${name}`,
    el,
    async refresh(only) {
      // New samples alone change the charts and the pods' usage, not the node's object or its events.
      const inventory = !only || only.has('inventory') || !last;
      // Every answer first (the pods table's too), then the whole page patched at once: one style, layout
      // and paint per update, the charts' redraws in the same frame.
      const range = rangeParams();
      // The charts' series in one request; a live update asks only for the newest buckets and appends them.
      const rangeKey = JSON.stringify(range);
      const mine = held?.range === rangeKey ? held : null;
      const after = mine ? appendFrom([mine.node, mine.interface]) : undefined;
      const [n, series, evs, showPods] = await Promise.all([
        inventory ? api<NodeDetail>('/api/node', { cluster, name }) : last!,
        api<{ node: SeriesTail; interface: SeriesTail }>('/api/node/series', { cluster, node: name, ...range, after }),
        inventory ? api<EventRow[]>('/api/events', { cluster, object_kind: 'Node', object_name: name, ...range, limit: 100 }) : null,
        pods.fetchReload(),
      ]);
      last = n;
      const main = appendSeries(mine?.node ?? null, series.node);
      const net = appendSeries(mine?.interface ?? null, series.interface);
      held = { node: main, interface: net, range: rangeKey };
      if (evs && changed('events', [evs, evs.map((e) => age(e.lastTime))])) morph(events, ...(evs.length ? evs.map((e) => eventRow(e, false)) : [h('div', { class: 'muted small' }, `no events of this node ${rangeText()}`)]));
      if (changed('info', n)) morph(info,
        h('div', { class: 'kv' }, kv('status', h('span', { class: n.ready ? 'ok' : 'crit' }, n.deletedAt ? 'deleted' : n.ready ? 'Ready' : 'NotReady')), kv('roles', n.roles || 'worker'),
          kv('CPU', `${cpu(n.allocatable.cpuMillicores)} allocatable of ${cpu(n.capacity.cpuMillicores)}`), kv('memory', `${bytes(n.allocatable.memoryBytes)} of ${bytes(n.capacity.memoryBytes)}`),
          kv('pods max', count(n.allocatable.pods)), kv('kubelet', n.kubeletVersion), kv('runtime', n.containerRuntime), kv('OS', `${n.osImage} · ${n.kernelVersion} · ${n.architecture}`),
          kv('IP', n.internalIp), kv('zone', n.zone ?? '–')),
        h('div', { class: 'chips' }, ...n.conditions.map((c) => h('span', { class: `chip ${(c.type === 'Ready') === (c.status === 'True') ? 'ok' : 'crit'}`, title: c.reason ?? '' }, `${c.type}=${c.status}`)),
          ...n.taints.map((t) => h('span', { class: 'chip warn' }, `taint ${t.key}:${t.effect}`))),
      );
      const ts = main.ts;
      const drew = charts.update([
        ...chartsOf(main, {
          cpu: [constant(ts, n.allocatable.cpuMillicores, 'allocatable', '#e5484d')],
          memory: [constant(ts, n.allocatable.memoryBytes, 'allocatable', '#e5484d')],
        }),
        ...chartsOf(net),
      ]);
      showPods();
      return drew > 0;
    },
  };
}

function kv(k: string, v: Node | string): HTMLElement {
  return h('div', { class: 'kv-item' }, h('span', { class: 'k' }, k), h('span', { class: 'v' }, v));
}

function toLocalInput(d: Date): string {
  const z = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return z.toISOString().slice(0, 19);
}
