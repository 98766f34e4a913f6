// The filter bar of the tables, bound to URL parameters. Cluster is a choice among the known clusters;
// namespace matches any part of a name in any case (`sho` finds `shop` and `webshop`), resolved here
// against the known namespaces into the exact names the API takes; a table that matches nothing says
// which filters narrowed it and how to widen them.
import { h } from './dom.js';
import { api, currentRoute, href, setParams } from './state.js';

const FILTER_HINT: Record<string, string> = {
  namespace: 'namespace contains…', workload: 'workload (exact)', node: 'node (exact)', label: 'label key=value', phase: 'phase', search: 'name contains…', role: 'role', kind: 'kind', type: 'Normal | Warning',
};
const FILTER_CHOICES: Record<string, string[]> = {
  phase: ['', 'Running', 'Pending', 'Succeeded', 'Failed'], type: ['', 'Warning', 'Normal'], kind: ['', 'deployment', 'statefulset', 'daemonset', 'job'],
};

/** Known names, fetched once a minute at most (clusters; namespaces per cluster). */
const known = new Map<string, { at: number; names: Promise<string[]> }>();
function knownNames(key: string, load: () => Promise<string[]>): Promise<string[]> {
  const k = known.get(key);
  if (k && Date.now() - k.at < 60_000) return k.names;
  const names = load();
  names.catch(() => known.delete(key));
  known.set(key, { at: Date.now(), names });
  return names;
}
const clusters = (): Promise<string[]> => knownNames('clusters', () => api<string[]>('/api/clusters'));
const namespacesOf = (cluster: string | null): Promise<string[]> => knownNames(`ns:${cluster ?? ''}`, () => api<string[]>('/api/namespaces', { cluster }));

/**
 * The API's `namespace` for what was typed: the namespace of exactly that name, else every namespace
 * containing the text (any case); `none` when no namespace does (the table is then empty, with a hint).
 */
export async function namespaceParam(cluster: string | null, typed: string | null): Promise<{ names?: string; none: boolean }> {
  if (!typed) return { none: false };
  const all = await namespacesOf(cluster);
  const names = new Set<string>();
  for (const part of typed.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (all.includes(part)) names.add(part);
    else for (const n of all) if (n.toLowerCase().includes(part.toLowerCase())) names.add(n);
  }
  return names.size ? { names: [...names].slice(0, 500).join(','), none: false } : { none: true };
}

/** Filter inputs bound to URL parameters (applied on Enter / change). */
export function filterBar(names: string[], counter: HTMLElement): HTMLElement {
  const p = currentRoute().params;
  return h('div', { class: 'filters' }, ...names.map((n) => {
    if (n === 'cluster') return clusterSelect(p.get('cluster') ?? '');
    const choices = FILTER_CHOICES[n];
    if (choices) {
      return h('select', { name: n, onchange: (e: Event) => setParams({ [n]: (e.target as HTMLSelectElement).value }) }, ...choices.map((c) => h('option', { value: c, selected: p.get(n) === c ? 'selected' : undefined }, c || `any ${n}`)));
    }
    const input = h('input', { name: n, placeholder: FILTER_HINT[n] ?? n, value: p.get(n) ?? '', onkeydown: (e: Event) => { if (e instanceof KeyboardEvent && e.key === 'Enter') setParams({ [n]: (e.target as HTMLInputElement).value.trim() }); }, onchange: (e: Event) => setParams({ [n]: (e.target as HTMLInputElement).value.trim() }) });
    if (n !== 'namespace') return input;
    // Suggestions while typing: the known namespaces of the chosen cluster.
    const list = h('datalist', { id: 'namespaces-known' });
    input.setAttribute('list', 'namespaces-known');
    void namespacesOf(p.get('cluster')).then((all) => list.replaceChildren(...all.map((x) => h('option', { value: x }))));
    return h('span', {}, input, list);
  }), counter);
}

function clusterSelect(current: string): HTMLElement {
  const sel = h('select', { name: 'cluster', onchange: (e: Event) => setParams({ cluster: (e.target as HTMLSelectElement).value, namespace: null }) },
    h('option', { value: '' }, 'any cluster'), current ? h('option', { value: current, selected: 'selected' }, current) : null) as HTMLSelectElement;
  void clusters().then((all) => sel.replaceChildren(h('option', { value: '' }, 'any cluster'),
    ...[...new Set([...all, ...(current ? [current] : [])])].sort().map((c) => h('option', { value: c, selected: c === current ? 'selected' : undefined }, c))));
  return sel;
}

/** Why a table is empty: the filters in force, how each matches, and a link without them. */
export function noMatchHint(page: string, names: string[], noNamespace = false): HTMLElement {
  const p = currentRoute().params;
  const active = names.filter((n) => p.get(n));
  return h('div', { class: 'no-match' },
    h('div', {}, active.length ? `Nothing matches ${active.map((n) => `${n} “${p.get(n)}”`).join(', ')}.` : 'Nothing here yet.'),
    noNamespace ? h('div', { class: 'warn' }, `No namespace contains “${p.get('namespace')}”${p.get('cluster') ? ` in ${p.get('cluster')}` : ''}.`) : null,
    h('div', { class: 'muted small' }, 'Namespace and name filters match any part of a name, in any case; node, workload and label match exactly.'),
    active.length ? h('a', { class: 'clear-filters', href: href(page, {}) }, 'clear filters') : null);
}
