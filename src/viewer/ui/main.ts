// The viewer's browser entry: layout (nav, time-range picker, live indicator), the router over the URL
// hash, and the live stream (server-sent events) that refreshes the page in view when new samples or
// inventory changes arrive. EventSource reconnects by itself after the server restarts.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { h } from './dom.js';
import { currentRoute, href, initToken, setParams, withToken } from './state.js';
import { overviewPage } from './page-overview.js';
import { healthPage } from './page-health.js';
import { nodePage, nodesPage } from './page-nodes.js';
import { podPage, podsPage } from './page-pods.js';
import { eventsPage, workloadsPage } from './page-misc.js';
import { hpasPage, storagePage } from './page-storage.js';
import { bindSearchKey, searchBox } from './search.js';

/** What a live event says changed: new samples, inventory (change log) rows, clusters' API health. */
export type LiveKind = 'samples' | 'inventory' | 'health';

export interface PageView {
  title: string;
  el: HTMLElement;
  /**
   * Brings the page up to date. `only`: the live events since the last refresh, when nothing else asked
   * for one (a page may skip the requests whose answers those cannot change); absent: everything.
   * A page with charts answers whether the refresh drew new data into them (named in its User Timing).
   */
  refresh(only?: ReadonlySet<LiveKind>): Promise<boolean | void>;
}

const PAGES: Record<string, () => PageView> = {
  overview: overviewPage, nodes: nodesPage, node: nodePage, pods: podsPage, pod: podPage,
  workloads: workloadsPage, events: eventsPage, health: healthPage, storage: storagePage, hpas: hpasPage,
};
const NAV: Array<[string, string]> = [['overview', 'Overview'], ['nodes', 'Nodes'], ['pods', 'Pods'], ['workloads', 'Workloads'], ['storage', 'Storage'], ['hpas', 'Autoscalers'], ['events', 'Events'], ['health', 'Collector health']];
const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'];

/** The time range of the URL as API parameters. */
export function rangeParams(): Record<string, string> {
  const p = currentRoute().params;
  if (p.get('from')) return { from: p.get('from')!, ...(p.get('to') ? { to: p.get('to')! } : {}) };
  return { range: p.get('range') ?? '15m' };
}

/** The URL's time range in words, for the pages' counts: "in the last 15m", "from 12/6 10:00 to 11:00". */
export function rangeText(): string {
  const p = currentRoute().params;
  const from = p.get('from');
  if (!from) return `in the last ${p.get('range') ?? '15m'}`;
  const to = p.get('to');
  return `from ${new Date(from).toLocaleString()} to ${to ? new Date(to).toLocaleString() : 'now'}`;
}

function rangePicker(): HTMLElement {
  const p = currentRoute().params;
  const custom = Boolean(p.get('from'));
  const active = custom ? '' : p.get('range') ?? '15m';
  const from = h('input', { type: 'datetime-local', class: 'range-from', value: custom ? localInput(p.get('from')!) : '' }) as HTMLInputElement;
  const to = h('input', { type: 'datetime-local', class: 'range-to', value: custom && p.get('to') ? localInput(p.get('to')!) : '' }) as HTMLInputElement;
  return h('div', { class: 'range' },
    ...RANGES.map((r) => h('button', { class: `range-btn${r === active ? ' active' : ''}`, 'data-range': r, onclick: () => setParams({ range: r, from: null, to: null }) }, r)),
    h('details', { class: `custom${custom ? ' active' : ''}` }, h('summary', {}, 'custom'),
      h('div', { class: 'custom-box' }, from, to, h('button', { onclick: () => from.value && setParams({ range: null, from: new Date(from.value).toISOString(), to: to.value ? new Date(to.value).toISOString() : null }) }, 'apply'))));
}

function localInput(iso: string): string {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

const liveDot = h('span', { class: 'live connecting', title: 'live updates' }, 'connecting');
// The search box lives as long as the page: a route change replaces the nav and the range picker around
// it, never the box (a query typed while a navigation lands would go to a box about to be dropped).
let nav = h('nav', {});
let range = h('div', { class: 'range' });
const brand = h('a', { class: 'brand' }, h('span', { class: 'logo' }, '◆'), 'kubepulse');
const header = h('header', {}, brand, nav, searchBox(), range, liveDot);
const main = h('main', {});
const errorBar = h('div', { class: 'error-bar', hidden: 'hidden' });
let view: PageView | null = null;
let viewKey = '';
let refreshing: Promise<void> | null = null;
let again = false;
/** The live events a coming refresh answers; null: a refresh of everything (a new page, the timer, a reconnect). */
let pending: Set<LiveKind> | null = null;

/** Marks each refresh in the browser's User Timing (DevTools' timings; bench/viewer-live.ts reads them). */
const MARK = 'kubepulse-refresh';

/** Asks for a refresh answering these live events (none given: a refresh of everything). */
function refresh(kinds?: Iterable<LiveKind>): Promise<void> {
  if (!kinds) pending = null;
  else if (pending) for (const k of kinds) pending.add(k);
  return runRefresh();
}

async function runRefresh(): Promise<void> {
  if (refreshing) {
    again = true; // coalesce bursts of live events into one more refresh
    return refreshing;
  }
  const v = view;
  const only = pending;
  pending = new Set();
  refreshing = (async () => {
    performance.mark(`${MARK}-start`);
    let drew: boolean | void = false;
    try {
      drew = await v?.refresh(only ?? undefined);
      errorBar.hidden = true;
    } catch (e) {
      errorBar.textContent = (e as Error).message;
      errorBar.hidden = false;
    }
    // Named after what it answered and whether its charts got new data: "kubepulse-refresh samples",
    // "kubepulse-refresh samples new-data", "kubepulse-refresh all". Recorded (in DevTools and traces)
    // when made; cleared at once, or a page open for days would keep them all.
    const name = `${MARK} ${only ? [...only].sort().join('+') : 'all'}${drew === true ? ' new-data' : ''}`;
    performance.measure(name, `${MARK}-start`);
    performance.clearMarks(`${MARK}-start`);
    performance.clearMeasures(name);
  })();
  await refreshing;
  refreshing = null;
  if (again) {
    again = false;
    // Another page came meanwhile: draw it now; the same page: a little later, after the burst.
    if (v === view) await new Promise((r) => setTimeout(r, 300));
    void runRefresh();
  }
}

function route(): void {
  const r = currentRoute();
  const key = location.hash;
  if (key === viewKey && view) return;
  viewKey = key;
  const make = PAGES[r.page] ?? overviewPage;
  view = make();
  document.title = `${view.title} · kubepulse`;
  const newNav = h('nav', {}, ...NAV.map(([page, label]) => h('a', { href: href(page, { cluster: r.params.get('cluster') }), class: page === r.page || page === `${r.page}s` ? 'active' : '' }, label)));
  const newRange = rangePicker();
  brand.setAttribute('href', href('overview'));
  nav.replaceWith(newNav);
  range.replaceWith(newRange);
  [nav, range] = [newNav, newRange];
  main.replaceChildren(view.el);
  void refresh();
}

function connectLive(): void {
  const es = new EventSource(withToken('/api/live'));
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastMs = 0;
  // Inventory changes show within a second; new samples (at 5,000 nodes some node reports every moment)
  // redraw at most every 5 s, well inside one collection interval.
  let kinds: Set<LiveKind> | null = new Set();
  const soon = (minGapMs: number, kind?: LiveKind) => (): void => {
    if (kind) kinds?.add(kind);
    else kinds = null;
    if (timer) return;
    const wait = Math.max(250, minGapMs - (Date.now() - lastMs));
    timer = setTimeout(() => {
      timer = null;
      lastMs = Date.now();
      const these = kinds;
      kinds = new Set();
      void refresh(these ?? undefined);
    }, wait);
  };
  es.addEventListener('open', () => {
    liveDot.className = 'live on';
    liveDot.textContent = 'live';
  });
  es.addEventListener('hello', soon(0)); // after a reconnect, catch up
  es.addEventListener('samples', soon(5000, 'samples'));
  for (const ev of ['inventory', 'health'] as const) es.addEventListener(ev, soon(1000, ev));
  es.addEventListener('error', () => {
    liveDot.className = 'live off';
    liveDot.textContent = 'reconnecting';
  });
}

initToken();
document.getElementById('app')!.append(header, errorBar, main);
window.addEventListener('hashchange', route);
bindSearchKey();
route();
connectLive();
// Ages ("12s ago") and the down-detection without samples move on even when nothing arrives.
setInterval(() => void refresh(), 15_000);
