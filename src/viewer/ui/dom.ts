// Tiny DOM helpers and formatters for the viewer (no framework: the pages are small and the tables are
// virtualized by hand in vtable.ts).
type Child = Node | string | number | null | undefined | false;
/** An attribute's value (null, undefined and false leave it out) or, for on* keys, an event handler. */
type AttrValue = string | number | boolean | null | undefined | ((e: Event) => void);

export function h(tag: string, attrs: Record<string, AttrValue> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = String(v);
    else if (k === 'style') el.setAttribute('style', String(v));
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function bytes(b: number | null | undefined): string {
  if (b === null || b === undefined || !Number.isFinite(b)) return '–';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = Math.abs(b);
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${b < 0 ? '-' : ''}${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${u[i]}`;
}

export function rate(b: number | null | undefined): string {
  return b === null || b === undefined ? '–' : `${bytes(b)}/s`;
}

export function cpu(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '–';
  return m >= 1000 ? `${(m / 1000).toFixed(m >= 10_000 ? 0 : 2)} cores` : `${m.toFixed(0)}m`;
}

function pct(p: number | null | undefined): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '–' : `${p.toFixed(p < 10 ? 1 : 0)}%`;
}

/** One formatter for every count: toLocaleString builds a new one per call (slow in table cells). */
const COUNT = new Intl.NumberFormat('en-US');

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : COUNT.format(n);
}

export function age(iso: string | null | undefined, nowMs = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** A horizontal usage bar: used (solid) with requests and limits as markers, all against a capacity. */
export function usageBar(used: number | null, requests: number | null, limits: number | null, capacity: number | null, fmt: (v: number | null) => string): HTMLElement {
  const cap = capacity && capacity > 0 ? capacity : null;
  const w = (v: number | null): number => (cap && v !== null ? Math.min(100, (100 * v) / cap) : 0);
  const level = w(used) > 90 ? 'crit' : w(used) > 75 ? 'warn' : 'ok';
  return h('div', { class: 'ubar' },
    h('div', { class: 'ubar-track' },
      h('div', { class: `ubar-fill ${level}`, style: `width:${w(used)}%` }),
      requests !== null && cap ? h('div', { class: 'ubar-mark req', style: `left:${w(requests)}%`, title: `requests ${fmt(requests)}` }) : null,
      limits !== null && cap ? h('div', { class: 'ubar-mark lim', style: `left:${w(limits)}%`, title: `limits ${fmt(limits)}` }) : null),
    h('div', { class: 'ubar-text' },
      h('b', {}, cap && used !== null ? pct((100 * used) / cap) : '–'), ` ${fmt(used)} of ${fmt(cap)}`,
      h('span', { class: 'muted' }, ` · req ${cap && requests !== null ? pct((100 * requests) / cap) : '–'} · lim ${cap && limits !== null ? pct((100 * limits) / cap) : '–'}`)));
}

/** A share as a bar with its figure; `detail` (the amounts) follows the percentage. */
export function pctCell(p: number | null, detail?: string): HTMLElement {
  const level = p === null ? '' : p > 90 ? 'crit' : p > 75 ? 'warn' : 'ok';
  return h('div', { class: 'pcell' }, h('div', { class: `pcell-bar ${level}`, style: `width:${Math.min(100, p ?? 0)}%` }),
    h('span', {}, h('b', {}, pct(p)), detail ? h('span', { class: 'pcell-detail' }, ` ${detail}`) : null));
}

/**
 * Brings `el`'s children to `children` by changing only what differs: a node equal to its replacement is
 * kept, an element of the same tag gets its attributes and children patched in place. Live updates use it
 * so that a refresh moves no scroll position, drops no text selection and re-creates no chart. The kept
 * elements keep their own event listeners: use it for content whose handlers do not depend on the data.
 */
export function morph(el: Element, ...children: Child[]): Element {
  const next = children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
  next.forEach((n, i) => {
    const old = el.childNodes[i];
    if (!old) el.append(n);
    else if (old.isEqualNode(n)) return;
    else if (old.nodeType === Node.TEXT_NODE && n.nodeType === Node.TEXT_NODE) old.nodeValue = n.nodeValue;
    else if (old instanceof Element && n instanceof Element && old.tagName === n.tagName && !(old instanceof HTMLCanvasElement)) {
      for (const a of [...old.attributes]) if (!n.hasAttribute(a.name)) old.removeAttribute(a.name);
      for (const a of [...n.attributes]) if (old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
      morph(old, ...n.childNodes);
    } else el.replaceChild(n, old);
  });
  while (el.childNodes.length > next.length) el.lastChild!.remove();
  return el;
}

/**
 * What a page last drew of each of its parts, as JSON: `changed(part, answer)` is false for an answer
 * like the last one, and a live update leaves that part alone (no DOM work, no style invalidation).
 */
export function drawnParts(): (part: string, answer: unknown) => boolean {
  const drawn = new Map<string, string>();
  return (part, answer) => {
    const json = JSON.stringify(answer);
    if (drawn.get(part) === json) return false;
    drawn.set(part, json);
    return true;
  };
}

/** replaceChildren that skips null/false children (conditional sections). */
export function fill(el: HTMLElement, ...children: Child[]): HTMLElement {
  el.replaceChildren(...children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return el;
}
