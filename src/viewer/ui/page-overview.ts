// Overview: every cluster at a glance, and over the picked range (overview-time.ts).
import { age, bytes, count, cpu, h, morph, usageBar } from './dom.js';
import { api, currentRoute, href } from './state.js';
import { rangeParams, type PageView } from './main.js';
import { ChartSet } from './charts.js';
import { changesSection, incidentStrip, namespaceTable, topSection, usageCharts, type ClusterIncidents, type NamespaceFigures, type RecentChanges, type TopLists, type UsageOverTime } from './overview-time.js';

export interface ClusterRow {
  name: string; api: string; apiError: string | null; apiLatencyMs: number | null; version: string | null; collecting: boolean;
  nodes: number; nodesReady: number; nodesReporting: number;
  pods: { running: number; pending: number; failed: number; succeeded: number; total: number };
  cpu: { usedMillicores: number | null; allocatableMillicores: number | null; requestsMillicores: number | null; limitsMillicores: number | null };
  memory: { usedBytes: number | null; allocatableBytes: number | null; requestsBytes: number | null; limitsBytes: number | null };
  lastSampleAt: string | null;
  scrapes: Record<string, { nodes: number; ok: number; failing: number; cyclesOnTime?: number; cyclesLate?: number; latencyMs?: { p50: number | null; max: number | null } }>;
  nodesNotReporting: Array<{ node: string; source: string; lastError: string | null }>;
  watches: Array<{ kind: string; state: string; objects: number; lastError: string | null }>;
}

export interface Overview {
  clusters: ClusterRow[];
  database: { state: string; embedded: boolean; writeLatencyMs: number | null; lastError: string | null; rows: Record<string, number> } | null;
  collector: { uptimeS: number; rssBytes: number; ingest: Record<string, number> } | null;
}

/** Down: the API server is unreachable, or (no collector here) no sample for 3 minutes. */
export function clusterDown(c: ClusterRow): boolean {
  if (c.api === 'unreachable') return true;
  return !c.collecting && (!c.lastSampleAt || Date.now() - Date.parse(c.lastSampleAt) > 180_000);
}

function stat(label: string, value: Node | string, cls = ''): HTMLElement {
  return h('div', { class: `stat ${cls}` }, h('div', { class: 'stat-v' }, value), h('div', { class: 'stat-l' }, label));
}

function clusterCard(c: ClusterRow, inc?: ClusterIncidents): HTMLElement {
  const down = clusterDown(c);
  const spool = c.scrapes ? Object.values(c.scrapes).reduce((n, s) => n + s.failing, 0) : 0;
  return h('div', { class: `card cluster ${down ? 'down' : c.api === 'degraded' ? 'degraded' : ''}`, 'data-cluster': c.name, 'data-api': c.api },
    h('div', { class: 'card-head' },
      h('a', { class: 'cluster-name', href: href('nodes', { cluster: c.name }) }, c.name),
      h('span', { class: `badge api-${c.api}` }, down ? (c.api === 'unreachable' ? 'API DOWN' : 'NO DATA') : c.api.toUpperCase()),
      h('span', { class: 'muted small' }, [c.version, c.apiLatencyMs !== null ? `${c.apiLatencyMs} ms` : null].filter(Boolean).join(' · '))),
    down ? h('div', { class: 'down-banner' }, c.api === 'unreachable' ? `API server unreachable${c.apiError ? `: ${c.apiError}` : ''}` : 'no samples for 3 minutes') : null,
    h('div', { class: 'stats' },
      stat('nodes ready', h('span', {}, h('b', { class: 'nodes-ready' }, count(c.nodesReady)), ` / ${count(c.nodes)}`), c.nodesReady < c.nodes ? 'warn' : ''),
      stat('reporting', `${count(c.nodesReporting)} / ${count(c.nodes)}`, c.nodesReporting < c.nodes ? 'warn' : ''),
      stat('running', h('b', { class: 'pods-running' }, count(c.pods.running))),
      stat('pending', count(c.pods.pending), c.pods.pending ? 'warn' : ''),
      stat('failed', count(c.pods.failed), c.pods.failed ? 'crit' : ''),
      stat('last sample', h('span', { class: 'last-sample', title: c.lastSampleAt ?? '' }, age(c.lastSampleAt)), down ? 'crit' : '')),
    h('div', { class: 'bars' },
      h('div', { class: 'bar-label' }, 'CPU'), usageBar(c.cpu.usedMillicores, c.cpu.requestsMillicores, c.cpu.limitsMillicores, c.cpu.allocatableMillicores, cpu),
      h('div', { class: 'bar-label' }, 'Memory'), usageBar(c.memory.usedBytes, c.memory.requestsBytes, c.memory.limitsBytes, c.memory.allocatableBytes, bytes)),
    incidentStrip(inc),
    h('div', { class: 'card-foot muted small' },
      Object.entries(c.scrapes).map(([src, s]) => `${src} ${s.ok}/${s.nodes} ok`).join(' · ') || 'not collected by this process',
      spool ? h('span', { class: 'crit' }, ` · ${spool} failing`) : null,
      h('a', { href: href('pods', { cluster: c.name }) }, ' pods →'), h('a', { href: href('events', { cluster: c.name, type: 'Warning' }) }, ' warnings →')));
}

/** The pipeline's counters that say whether data flows, in words (the counter's name stays in the tooltip). */
const INGEST_LABELS: Array<[string, string]> = [
  ['rowsQueued', 'rows taken in'], ['inserted', 'rows stored'], ['queuedRows', 'rows waiting to be written'],
  ['rowsSpooled', 'rows spooled to disk'], ['spoolDroppedRows', 'rows dropped (spool full)'], ['failedWrites', 'failed writes'],
];

export function dbStrip(o: Overview): HTMLElement {
  const d = o.database;
  const ingest = o.collector?.ingest ?? {};
  return h('div', { class: 'strip' },
    h('span', { class: `badge db-${d?.state ?? 'unknown'}` }, `DATABASE ${(d?.state ?? 'unknown').toUpperCase()}`),
    d ? h('span', {}, `${d.embedded ? 'embedded' : 'external'} · write ${d.writeLatencyMs ?? '–'} ms`) : null,
    d?.lastError ? h('span', { class: 'crit' }, d.lastError) : null,
    ...INGEST_LABELS.filter(([k]) => ingest[k] !== undefined).map(([k, label]) => h('span', { class: 'muted', title: k, 'data-counter': k }, `${label} ${count(ingest[k])}`)),
    o.collector ? h('span', { class: 'muted' }, `collector up ${age(new Date(Date.now() - o.collector.uptimeS * 1000).toISOString())} · rss ${bytes(o.collector.rssBytes)}`) : h('span', { class: 'muted' }, 'viewer only: no collection in this process'));
}

export function overviewPage(): PageView {
  const cluster = currentRoute().params.get('cluster');
  const head = h('div', {});
  const charts = new ChartSet();
  const top = h('div', {});
  const namespaces = h('div', {});
  const changes = h('div', {});
  const root = h('div', { class: 'page overview' }, head,
    h('h3', {}, 'CPU and memory over the range: used against requests, limits and allocatable'), charts.el,
    h('h3', {}, 'Busiest over the range'), top,
    h('h3', {}, 'Namespaces over the range'), namespaces,
    h('h3', {}, 'Inventory changes in the range'), changes);
  return {
    title: 'Overview',
    el: root,
    async refresh() {
      const q = { cluster, ...rangeParams() };
      const [o, usage, inc, t, ns, ch] = await Promise.all([
        api<Overview>('/api/overview'),
        api<UsageOverTime>('/api/overview/usage', q),
        api<{ clusters: ClusterIncidents[] }>('/api/overview/incidents', q),
        api<TopLists>('/api/overview/top', { ...q, limit: 8 }),
        api<{ rows: NamespaceFigures[] }>('/api/overview/namespaces', q),
        api<RecentChanges>('/api/overview/changes', { ...q, limit: 40 }),
      ]);
      const shown = cluster ? o.clusters.filter((c) => c.name === cluster) : o.clusters;
      const down = shown.filter(clusterDown);
      const incBy = new Map(inc.clusters.map((i) => [i.cluster, i]));
      morph(head,
        dbStrip(o),
        down.length ? h('div', { class: 'alert' }, `${down.length} cluster${down.length > 1 ? 's' : ''} down: ${down.map((c) => c.name).join(', ')}`) : null,
        h('div', { class: 'cards' }, ...[...down, ...shown.filter((c) => !clusterDown(c))].map((c) => clusterCard(c, incBy.get(c.name)))),
        o.clusters.length === 0 ? h('div', { class: 'empty' }, 'No clusters in the database yet.') : null,
      );
      charts.update(usageCharts(usage));
      morph(top, topSection(t));
      morph(namespaces, namespaceTable(ns.rows, !cluster && o.clusters.length > 1));
      changesSection(ch, changes);
    },
  };
}
