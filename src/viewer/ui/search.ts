// The header's global search: `/` focuses it; typing lists pods, nodes, workloads and namespaces whose
// name contains the text (any case, every cluster); Enter opens the first, arrows move, Escape closes.
import { h } from './dom.js';
import { api, href } from './state.js';
import type { SearchHit } from '../search-queries.js';

function hitHref(x: SearchHit): string {
  if (x.kind === 'pod') return href('pod', { cluster: x.cluster, namespace: x.namespace, name: x.name });
  if (x.kind === 'node') return href('node', { cluster: x.cluster, name: x.name });
  if (x.kind === 'workload') return href('pods', { cluster: x.cluster, namespace: x.namespace, workload: x.name });
  return href('pods', { cluster: x.cluster, namespace: x.name });
}

export function searchBox(): HTMLElement {
  const input = h('input', { class: 'global-search', type: 'search', placeholder: 'Search pods, nodes, workloads…  /', 'aria-label': 'search' }) as HTMLInputElement;
  const list = h('div', { class: 'search-results', hidden: 'hidden' });
  let asked = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  let active = 0;
  const links = (): HTMLAnchorElement[] => [...list.querySelectorAll('a')];
  const mark = (): void => links().forEach((a, i) => a.classList.toggle('active', i === active));
  const close = (): void => {
    list.hidden = true;
  };
  const run = async (): Promise<void> => {
    const text = input.value.trim();
    asked = text;
    if (!text) return close();
    const hits = await api<SearchHit[]>('/api/search', { q: text, limit: 6 });
    if (asked !== text) return; // a newer query is on its way
    active = 0;
    list.replaceChildren(...(hits.length ? hits.map((x) => h('a', { class: `hit kind-${x.kind}`, href: hitHref(x), onclick: close },
      h('span', { class: 'hit-kind' }, x.kind), h('span', { class: 'hit-name' }, x.namespace ? `${x.namespace}/${x.name}` : x.name),
      h('span', { class: 'muted small' }, [x.cluster, x.detail].filter(Boolean).join(' · ')))) : [h('div', { class: 'muted small no-hit' }, `nothing named like “${text}”`)]));
    list.hidden = false;
    mark();
  };
  input.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), 150);
  });
  input.addEventListener('keydown', (e) => {
    const all = links();
    if (e.key === 'Escape') {
      close();
      input.blur();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % Math.max(1, all.length);
      mark();
    } else if (e.key === 'Enter' && all[active]) {
      location.hash = all[active].getAttribute('href')!;
      close();
      input.blur();
    }
  });
  // Late enough for a click on a hit to land first; not when the box has the focus again by then (a new
  // query typed right after Enter would otherwise have its list closed under it).
  input.addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== input) close();
  }, 200));
  return h('div', { class: 'search' }, input, list);
}

/** `/` anywhere but in a text field jumps to the search box. */
export function bindSearchKey(): void {
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement | null;
    if (e.key !== '/' || t?.closest('input, textarea, select')) return;
    const box = document.querySelector<HTMLInputElement>('.global-search');
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
}
