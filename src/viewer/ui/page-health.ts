// Collector health: does it keep up? Over the picked range (the collector_status history): scrape cycles
// on time and late, scrape latency, ingest rate and lag, queue and spool, event-loop delay. Now: per
// cluster one line for the healthy watches with the exceptions spelled out, the scrape sources, and the
// nodes not reporting.
import { count, h, morph } from './dom.js';
import { api } from './state.js';
import { ChartSet, type ChartInput, type SeriesResult } from './charts.js';
import { rangeParams, type PageView } from './main.js';
import { clusterDown, dbStrip, type ClusterRow, type Overview } from './page-overview.js';
import type { HealthPoint } from '../health-queries.js';
import type { GroupStatus } from '../../group/group-status.js';

/** The collector group's members (docs/GROUP.md): who is alive, what each scrapes and holds. */
function membersTable(g: GroupStatus): HTMLElement {
  return h('div', { class: 'card group' },
    h('div', { class: 'card-head' }, h('b', {}, 'Collector group'), g.fenced ? h('span', { class: 'crit' }, 'this member is fenced: heartbeat overdue') : null,
      h('span', { class: 'muted small' }, `heartbeat ${g.heartbeatIntervalS} s · TTL ${g.ttlS} s · ${g.takeovers} takeovers by this member`)),
    h('table', { class: 'grid members' },
      h('tr', {}, h('th', {}, 'member'), h('th', {}, 'address'), h('th', {}, 'heartbeat'), h('th', {}, 'nodes scraped'), h('th', {}, 'inventory of')),
      ...g.members.map((m) => h('tr', { 'data-member': m.name },
        h('td', {}, m.id === g.memberId ? `${m.name} (this one)` : m.name),
        h('td', { class: 'muted' }, m.httpAddress),
        h('td', { class: m.alive ? '' : 'crit' }, m.alive ? `${m.heartbeatAgeS} s ago` : `dead (${m.heartbeatAgeS} s)`),
        h('td', {}, Object.entries(m.ownedNodes).map(([c, n]) => `${c}: ${count(n)}`).join(' · ') || '–'),
        h('td', {}, m.inventory.join(', ') || '–')))),
    h('table', { class: 'grid leases' },
      h('tr', {}, h('th', {}, 'cluster lease'), h('th', {}, 'holder'), h('th', {}, 'held for'), h('th', {}, 'token'), h('th', {}, 'takeovers')),
      ...g.leases.map((l) => h('tr', {}, h('td', {}, l.cluster), h('td', { class: l.holder && l.expiresInS > 0 ? '' : 'warn' }, l.holderName ?? (l.holder ? l.holder.slice(0, 8) : 'nobody')),
        h('td', {}, l.heldForS === null ? '–' : `${Math.round(l.heldForS)} s`), h('td', {}, l.token), h('td', {}, count(l.takeovers))))));
}

function historyCharts(r: { from: string; to: string; points: HealthPoint[] }): ChartInput[] {
  const ts = r.points.map((p) => Math.floor(Date.parse(p.at) / 1000));
  const gaps = ts.slice(1).map((t, i) => t - ts[i]).sort((a, b) => a - b);
  const res: SeriesResult = { resolution: 'raw', table: 'collector_status', bucketS: gaps[Math.floor(gaps.length / 2)] ?? 0, from: r.from, to: r.to, ts, series: [], charts: [] };
  const line = (label: string, pick: (p: HealthPoint) => number | null, color: string) => ({ label, values: r.points.map(pick), color });
  return [
    { title: 'Scrape cycles per health interval', res, unit: 'count', lines: [line('on time', (p) => p.cyclesOnTime, '#3ecf8e'), line('late', (p) => p.cyclesLate, '#e5484d')] },
    { title: 'Scrape latency (last scrape per node)', res, unit: 'ms', lines: [line('median', (p) => p.scrapeLatencyP50Ms, '#4ea1ff'), line('slowest', (p) => p.scrapeLatencyMaxMs, '#f5a524')] },
    { title: 'Ingest rate (rows stored per second)', res, unit: 'count/s', lines: [line('rows/s', (p) => p.rowsPerSecond, '#4ea1ff')] },
    { title: 'Ingest lag (newest sample behind the report)', res, unit: 'ms', lines: [line('worst cluster', (p) => (p.ingestLagS === null ? null : p.ingestLagS * 1000), '#b48cff')] },
    { title: 'Rows waiting to be written', res, unit: 'count', lines: [line('queue', (p) => p.queueRows, '#f5a524')] },
    { title: 'Database write latency and event-loop delay', res, unit: 'ms', lines: [line('write', (p) => p.writeLatencyMs, '#4ea1ff'), line('event loop p99', (p) => p.eventLoopDelayP99Ms, '#e5484d')] },
  ];
}

/** The watches in one line while all are watching; the others (starting, retrying, failed) each in a row. */
function watchSummary(c: ClusterRow): HTMLElement {
  const ok = c.watches.filter((w) => w.state === 'watching');
  const other = c.watches.filter((w) => w.state !== 'watching');
  const objects = ok.reduce((n, w) => n + w.objects, 0);
  return h('div', { class: 'watches' },
    h('div', { class: `watch-summary ${other.length ? 'warn' : 'ok'}` },
      `${ok.length} of ${c.watches.length} inventory watches watching · ${count(objects)} objects`,
      other.length ? ` · ${other.length} not: ${other.map((w) => w.kind).join(', ')}` : ''),
    other.length ? h('table', { class: 'grid watch-exceptions' },
      h('tr', {}, h('th', {}, 'watch'), h('th', {}, 'state'), h('th', {}, 'objects'), h('th', {}, 'last error')),
      ...other.map((w) => h('tr', { 'data-kind': w.kind }, h('td', {}, w.kind), h('td', { class: 'warn' }, w.state), h('td', {}, count(w.objects)), h('td', { class: 'muted' }, w.lastError ?? '')))) : null,
    h('details', {}, h('summary', { class: 'muted small' }, 'every watch'),
      h('div', { class: 'chips' }, ...c.watches.map((w) => h('span', { class: `chip ${w.state === 'watching' ? '' : 'warn'}` }, `${w.kind} ${count(w.objects)}`)))));
}

export function healthPage(): PageView {
  const now = h('div', {});
  const charts = new ChartSet();
  const root = h('div', { class: 'page health' }, now, h('h3', {}, 'Keeping up, over the range'), charts.el);
  return {
    title: 'Collector health',
    el: root,
    async refresh() {
      const [o, hist, st] = await Promise.all([
        api<Overview>('/api/overview'), api<{ from: string; to: string; points: HealthPoint[] }>('/api/health/history', rangeParams()),
        // Only a collector serves its status (`kubepulse view` alone has none).
        api<{ group?: GroupStatus | null }>('/api/status').catch(() => null),
      ]);
      morph(now,
        dbStrip(o),
        st?.group ? membersTable(st.group) : null,
        ...o.clusters.map((c) => h('div', { class: `card ${clusterDown(c) ? 'down' : ''}`, 'data-cluster': c.name },
          h('div', { class: 'card-head' }, h('b', {}, c.name), h('span', { class: `badge api-${c.api}` }, c.api.toUpperCase()), c.apiError ? h('span', { class: 'crit' }, c.apiError) : null),
          watchSummary(c),
          h('table', { class: 'grid' },
            h('tr', {}, h('th', {}, 'scrape source'), h('th', {}, 'nodes'), h('th', {}, 'ok'), h('th', {}, 'failing'), h('th', {}, 'cycles on time'), h('th', {}, 'late'), h('th', {}, 'latency median / slowest')),
            ...Object.entries(c.scrapes).map(([s, x]) => h('tr', {}, h('td', {}, s), h('td', {}, count(x.nodes)), h('td', {}, count(x.ok)), h('td', { class: x.failing ? 'crit' : '' }, count(x.failing)),
              h('td', {}, count(x.cyclesOnTime ?? null)), h('td', { class: x.cyclesLate ? 'warn' : '' }, count(x.cyclesLate ?? null)),
              h('td', {}, x.latencyMs ? `${x.latencyMs.p50 ?? '–'} / ${x.latencyMs.max ?? '–'} ms` : '–')))),
          c.nodesNotReporting.length ? h('table', { class: 'grid' },
            h('tr', {}, h('th', {}, 'node not reporting'), h('th', {}, 'source'), h('th', {}, 'reason')),
            ...c.nodesNotReporting.slice(0, 50).map((n) => h('tr', {}, h('td', {}, n.node), h('td', {}, n.source), h('td', { class: 'crit' }, n.lastError ?? '')))) : null)),
      );
      charts.update(hist.points.length ? historyCharts(hist) : []);
    },
  };
}
