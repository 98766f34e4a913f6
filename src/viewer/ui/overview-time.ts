// The overview's sections over the page's time range: each cluster's CPU and memory used against
// requests, limits and allocatable (charts), the range's warnings, OOM kills and restarts, the busiest
// pods, nodes and namespaces, every namespace's figures, and what changed in the inventory.
import { age, bytes, count, cpu, h, morph } from './dom.js';
import { href } from './state.js';
import { LIMIT_DASH, REQUEST_DASH, type ChartInput, type SeriesResult } from './charts.js';
import type { UsageOverTime } from '../overview-queries.js';
import type { TopLists, NamespaceFigures, TopPod } from '../top-queries.js';
import type { ClusterIncidents, RecentChanges } from '../change-queries.js';

export type { UsageOverTime, TopLists, NamespaceFigures, ClusterIncidents, RecentChanges };

/** The usage answer as the chart code's input (it reads the range, bucket and table from it). */
function asSeries(u: UsageOverTime): SeriesResult {
  return { resolution: u.rollup ? (u.rollup.endsWith('1h') ? '1h' : '1m') : 'raw', table: u.rollup ? `${u.rollup}+raw` : 'raw', bucketS: u.bucketS, from: u.from, to: u.to, ts: u.ts, series: [], charts: [] };
}

/** Two charts per cluster: CPU and memory, used (filled) against requests, limits and allocatable. */
export function usageCharts(u: UsageOverTime): ChartInput[] {
  const res = asSeries(u);
  return u.clusters.flatMap((c) => [
    {
      title: `${c.name} · CPU`, res, unit: 'millicores' as const, lines: [
        { label: 'used', values: c.cpuUsed, color: '#4ea1ff' },
        { label: 'requests', values: c.cpuRequests, color: '#f5a524', dash: REQUEST_DASH },
        { label: 'limits', values: c.cpuLimits, color: '#b48cff', dash: LIMIT_DASH },
        { label: 'allocatable', values: c.cpuAllocatable, color: '#e5484d', dash: true },
      ],
    },
    {
      title: `${c.name} · Memory`, res, unit: 'bytes' as const, lines: [
        { label: 'used', values: c.memoryUsed, color: '#3ecf8e' },
        { label: 'requests', values: c.memoryRequests, color: '#f5a524', dash: REQUEST_DASH },
        { label: 'limits', values: c.memoryLimits, color: '#b48cff', dash: LIMIT_DASH },
        { label: 'allocatable', values: c.memoryAllocatable, color: '#e5484d', dash: true },
      ],
    },
  ]);
}

/** The range's warnings, OOM kills and restarts of one cluster, each linking to where to look. */
export function incidentStrip(i: ClusterIncidents | undefined): HTMLElement | null {
  if (!i) return null;
  return h('div', { class: 'incidents', 'data-cluster': i.cluster },
    h('a', { class: `inc ${i.warnings ? 'warn' : ''}`, 'data-kind': 'warnings', href: href('events', { cluster: i.cluster, type: 'Warning' }) }, h('b', {}, count(i.warnings)), ' warnings'),
    h('a', { class: `inc ${i.oomKills ? 'crit' : ''}`, 'data-kind': 'oom', href: href('events', { cluster: i.cluster, search: 'OOM' }) }, h('b', {}, count(i.oomKills)), ' OOM kills'),
    h('a', { class: `inc ${i.restarts ? 'warn' : ''}`, 'data-kind': 'restarts', href: href('pods', { cluster: i.cluster, sort: 'restarts' }) }, h('b', {}, count(i.restarts)), ` restarts (${count(i.podsRestarted)} pods)`),
    i.warningReasons.length ? h('span', { class: 'muted small' }, i.warningReasons.map((r) => `${r.reason} ×${r.count}`).join(' · ')) : null);
}

const podLink = (p: TopPod): string => href('pod', { cluster: p.cluster, namespace: p.namespace, name: p.name });
const pct = (v: number): string => `${v.toFixed(v < 10 ? 1 : 0)}%`;

function topList(title: string, rows: Array<{ label: string; link: string; value: string; title?: string }>): HTMLElement {
  return h('div', { class: 'top-list', 'data-list': title },
    h('div', { class: 'top-title' }, title),
    rows.length ? h('ol', {}, ...rows.map((r) => h('li', {}, h('a', { href: r.link, title: r.title ?? r.label }, r.label), h('span', { class: 'top-v' }, r.value))))
      : h('div', { class: 'muted small' }, 'none in this range'));
}

/** The top-N lists: pods, nodes and namespaces by CPU, memory, restarts and throttling over the range. */
export function topSection(t: TopLists): HTMLElement {
  // Over several clusters a node or namespace name alone is ambiguous (node-0000 in each): say whose.
  const clusters = new Set([...Object.values(t.nodes), ...Object.values(t.namespaces)].flat().map((x) => x.cluster));
  const whose = (cluster: string, name: string): string => (clusters.size > 1 ? `${cluster} · ${name}` : name);
  const pods = (rows: TopPod[], fmt: (v: number) => string) => rows.map((p) => ({ label: `${p.namespace}/${p.name}`, link: podLink(p), value: fmt(p.value), title: `${p.cluster} · ${p.namespace}/${p.name}` }));
  const nss = (rows: TopLists['namespaces']['cpu'], fmt: (v: number) => string) => rows.map((n) => ({ label: whose(n.cluster, n.namespace), link: href('pods', { cluster: n.cluster, namespace: n.namespace }), value: fmt(n.value), title: `${n.cluster} · ${n.namespace}` }));
  const nodes = (rows: TopLists['nodes']['cpu'], fmt: (v: number) => string) => rows.map((n) => ({ label: whose(n.cluster, n.name), title: `${n.cluster} · ${n.name}`, link: href('node', { cluster: n.cluster, name: n.name }), value: `${fmt(n.value)}${n.percent !== null ? ` · ${pct(n.percent)}` : ''}` }));
  return h('div', { class: 'top-grid' },
    topList('Pods by CPU', pods(t.pods.cpu, cpu)), topList('Pods by memory', pods(t.pods.memory, bytes)),
    topList('Pods by restarts', pods(t.pods.restarts, count)), topList('Pods by CPU throttling', pods(t.pods.throttling, pct)),
    topList('Nodes by CPU', nodes(t.nodes.cpu, cpu)), topList('Nodes by memory', nodes(t.nodes.memory, bytes)),
    topList('Namespaces by CPU', nss(t.namespaces.cpu, cpu)), topList('Namespaces by memory', nss(t.namespaces.memory, bytes)),
    topList('Namespaces by restarts', nss(t.namespaces.restarts, count)), topList('Namespaces by throttling', nss(t.namespaces.throttling, pct)));
}

/** Every namespace: average usage over the range against its pods' requests and limits now. */
export function namespaceTable(rows: NamespaceFigures[], showCluster: boolean): HTMLElement {
  const of = (used: number | null, by: number | null): string => (used !== null && by ? ` (${pct((100 * used) / by)})` : '');
  return h('table', { class: 'grid ns-table' },
    h('tr', {}, ...[showCluster ? 'cluster' : null, 'namespace', 'pods', 'CPU avg', 'CPU req / lim', 'memory avg', 'memory req / lim', 'throttled', 'restarts'].filter(Boolean).map((x) => h('th', {}, x))),
    ...rows.map((n) => h('tr', { 'data-namespace': n.namespace },
      showCluster ? h('td', {}, n.cluster) : null,
      h('td', {}, h('a', { href: href('pods', { cluster: n.cluster, namespace: n.namespace }) }, n.namespace)),
      h('td', {}, count(n.pods)),
      h('td', { class: 'ns-cpu' }, `${cpu(n.cpuMillicores)}${of(n.cpuMillicores, n.cpuRequestsMillicores)}`),
      h('td', {}, `${cpu(n.cpuRequestsMillicores)} / ${cpu(n.cpuLimitsMillicores)}`),
      h('td', {}, `${bytes(n.memoryBytes)}${of(n.memoryBytes, n.memoryRequestsBytes)}`),
      h('td', {}, `${bytes(n.memoryRequestsBytes)} / ${bytes(n.memoryLimitsBytes)}`),
      h('td', { class: n.throttledPercent !== null && n.throttledPercent > 25 ? 'warn' : '' }, n.throttledPercent === null ? '–' : pct(n.throttledPercent)),
      h('td', { class: n.restarts ? 'warn' : '' }, count(n.restarts)))));
}

/** What changed in the inventory over the range: counts per kind and the newest changes. */
export function changesSection(c: RecentChanges, into: HTMLElement): HTMLElement {
  const link = (r: RecentChanges['rows'][number]): string | null =>
    r.kind === 'pod' ? href('pod', { cluster: r.cluster, namespace: r.namespace, name: r.name }) : r.kind === 'node' ? href('node', { cluster: r.cluster, name: r.name }) : null;
  return morph(into,
    h('div', { class: 'chips' }, ...c.counts.slice(0, 16).map((x) => h('span', { class: `chip op-${x.op}` }, `${x.kind} ${x.op} ×${count(x.count)}`))),
    c.rows.length ? h('div', { class: 'changes' }, ...c.rows.map((r) => {
      const l = link(r);
      const what = `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      return h('div', { class: `change op-${r.op}` },
        h('span', { class: 'muted', title: r.at ?? '' }, age(r.at)), h('span', { class: 'op' }, r.op),
        l ? h('a', { href: l, title: what }, what) : h('span', { title: what }, what),
        h('span', { class: 'muted small' }, r.fields.join(', ')));
    })) : h('div', { class: 'muted small' }, 'no inventory changes in this range')) as HTMLElement;
}
