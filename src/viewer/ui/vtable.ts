// A virtualized, server-paged table: only the rows in view (plus a margin) are in the DOM, whatever the
// total (150,000 pods render as ~60 rows); pages of rows are fetched on demand and cached while the
// query (filters and sort) stays the same.
import { count, h, morph } from './dom.js';

export type SortDir = 'asc' | 'desc';

export interface Column<R> {
  key: string;
  label: string;
  width: string;
  render: (row: R) => Node | string;
  /** The API's sort key when this column is sortable. */
  sort?: string;
  /** The direction of a first click: names ascending, figures descending (default: by alignment). */
  sortDir?: SortDir;
  align?: 'right';
  /** Header tooltip (what a short label means). */
  title?: string;
}

export interface TableOptions<R> {
  sort?: string;
  dir?: SortDir;
  onSort?: (key: string, dir: SortDir) => void;
  onRow?: (row: R) => string | null;
  height?: string;
  /** Shown in place of the rows when the query matches none (why, and how to widen it). */
  empty?: () => Node | string;
}

export interface Page<R> {
  total: number;
  rows: R[];
}

/** A row element in the DOM, the row it shows (null: a loading placeholder), that row as JSON, and when drawn. */
interface Shown<R> {
  el: HTMLElement;
  row: R | null;
  json: string;
  at: number;
}

const ROW_PX = 28;
const PAGE = 200;
/** An unchanged row is drawn again after this long anyway (its age cell). */
const REDRAW_SAME_MS = 10_000;

export class VTable<R> {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly countEl: HTMLElement;
  private pages = new Map<number, R[]>();
  private loading = new Set<number>();
  private total = 0;
  private generation = 0;
  onVisible?: (rows: R[]) => void;

  private readonly emptyEl = h('div', { class: 'vt-empty', hidden: 'hidden' });
  private scrollTop = 0;
  private viewH = 0;

  constructor(
    private readonly columns: Column<R>[],
    private readonly fetchPage: (offset: number, limit: number) => Promise<Page<R>>,
    private readonly opts: TableOptions<R> = {},
  ) {
    const template = columns.map((c) => c.width).join(' ');
    const head = h('div', { class: 'vt-head', style: `grid-template-columns:${template}` }, ...columns.map((c) => this.header(c)));
    this.spacer = h('div', { class: 'vt-spacer' });
    this.rowsEl = h('div', { class: 'vt-rows' });
    this.body = h('div', { class: 'vt-body', style: `height:${opts.height ?? 'calc(100vh - 190px)'}` }, this.spacer, this.rowsEl, this.emptyEl);
    this.countEl = h('span', { class: 'vt-count' });
    this.el = h('div', { class: 'vt' }, head, this.body);
    this.rowsEl.style.setProperty('--cols', template);
    // The scroll offset and the body's height as the browser last laid them out: read from these, a live
    // update's reload and redraw never force a layout of the page its charts have just changed.
    this.body.addEventListener('scroll', () => {
      this.scrollTop = this.body.scrollTop;
      this.draw();
    });
    new ResizeObserver(() => {
      const hgt = this.body.clientHeight;
      if (hgt === this.viewH) return;
      this.viewH = hgt;
      this.draw();
    }).observe(this.body);
    // A cell cut short by its column shows its whole text on hover (measured only then: no layout cost
    // while drawing).
    this.rowsEl.addEventListener('mouseover', (e) => {
      const cell = (e.target as Element).closest('.vt-td');
      if (cell instanceof HTMLElement && cell.scrollWidth > cell.clientWidth) cell.title = cell.textContent ?? '';
    });
  }

  /** A column header: sortable ones flip direction when clicked again; the arrow shows the order. */
  private header(c: Column<R>): HTMLElement {
    const sorted = c.sort !== undefined && c.sort === this.opts.sort;
    const natural = c.sortDir ?? (c.align === 'right' ? 'desc' : 'asc');
    const dir = sorted ? this.opts.dir ?? natural : null;
    return h('div', {
      class: `vt-th${c.sort ? ' sortable' : ''}${sorted ? ' sorted' : ''}${c.align === 'right' ? ' right' : ''}`,
      'data-sort': c.sort, 'data-dir': dir, title: c.title ?? c.label,
      onclick: c.sort ? () => this.opts.onSort?.(c.sort!, dir ? (dir === 'asc' ? 'desc' : 'asc') : natural) : undefined,
    }, c.label, dir ? (dir === 'asc' ? ' ▴' : ' ▾') : '');
  }

  get counter(): HTMLElement {
    return this.countEl;
  }

  /** Forget cached pages (new data arrived) and redraw what is in view. */
  async reload(): Promise<void> {
    (await this.fetchReload())();
  }

  /**
   * A reload in two steps: fetches the page in view now and answers the function that shows it, so a page
   * can apply its table together with its other answers (one style, layout and paint for the whole update).
   * The rows already shown stay until then: no flicker on live updates.
   */
  async fetchReload(): Promise<() => void> {
    const gen = ++this.generation;
    this.loading.clear();
    const page = this.firstVisiblePage();
    let got: Page<R>;
    try {
      got = await this.fetchPage(page * PAGE, PAGE);
    } catch (e) {
      return () => {
        if (gen === this.generation) this.setText(this.countEl, `error: ${(e as Error).message}`);
      };
    }
    return () => {
      if (gen !== this.generation) return;
      this.total = got.total;
      this.pages = new Map([[page, got.rows]]);
      this.draw();
    };
  }

  private firstVisiblePage(): number {
    return Math.floor(Math.floor(this.scrollTop / ROW_PX) / PAGE);
  }

  private async load(page: number): Promise<void> {
    if (this.loading.has(page)) return;
    this.loading.add(page);
    const gen = this.generation;
    try {
      const p = await this.fetchPage(page * PAGE, PAGE);
      if (gen !== this.generation) return;
      this.total = p.total;
      this.pages.set(page, p.rows);
    } catch (e) {
      this.setText(this.countEl, `error: ${(e as Error).message}`);
      return;
    } finally {
      this.loading.delete(page);
    }
    this.draw();
  }

  /** Writes a text only when it differs: an equal write still replaces the text node and dirties layout. */
  private setText(el: HTMLElement, text: string): void {
    if (el.textContent !== text) el.textContent = text;
  }

  /** The row elements in the DOM by row index, with the row each shows (null: a loading placeholder) as JSON. */
  private shown = new Map<number, Shown<R>>();

  /**
   * Shows the rows in view. A row element stays for its index across reloads: its cells are patched
   * (morph) when its data changed, so live updates keep scroll position, hover and text selection.
   */
  private draw(): void {
    const height = `${this.total * ROW_PX}px`;
    if (this.spacer.style.height !== height) this.spacer.style.height = height;
    this.setText(this.countEl, `${count(this.total)} rows`);
    const empty = this.total === 0 && this.opts.empty !== undefined;
    if (empty) morph(this.emptyEl, this.opts.empty!());
    this.emptyEl.hidden = !empty;
    const viewH = this.viewH || 600;
    const first = Math.max(0, Math.floor(this.scrollTop / ROW_PX) - 10);
    const last = Math.min(this.total, Math.ceil((this.scrollTop + viewH) / ROW_PX) + 10);
    const visible: R[] = [];
    const next = new Map<number, Shown<R>>();
    const now = Date.now();
    for (let i = first; i < last; i++) {
      const page = Math.floor(i / PAGE);
      const rows = this.pages.get(page);
      const old = this.shown.get(i);
      if (!rows) {
        void this.load(page);
        // While a page (re)loads, the row already shown stays rather than flickering to a placeholder.
        next.set(i, old ?? { el: h('div', { class: 'vt-row loading', style: `top:${i * ROW_PX}px` }, '…'), row: null, json: '', at: 0 });
        continue;
      }
      const row = rows[i - page * PAGE];
      if (!row) continue;
      visible.push(row);
      // A live update brings every row anew, most of them as they were: those keep their element as is
      // (re-rendered now and then all the same: an age column moves on without new data).
      if (old?.row === row) {
        next.set(i, old);
        continue;
      }
      const json = JSON.stringify(row);
      const same = old?.row && now - old.at < REDRAW_SAME_MS && old.json === json;
      next.set(i, same && old ? { ...old, row } : { el: this.rowElement(i, row, old?.row ? old.el : null), row, json, at: now });
    }
    for (const [i, s] of this.shown) if (next.get(i)?.el !== s.el) s.el.remove();
    for (const s of next.values()) if (s.el.parentNode !== this.rowsEl) this.rowsEl.append(s.el);
    this.shown = next;
    this.onVisible?.(visible);
  }

  /** The element of row i: `reuse` patched in place when it shows the same kind of row, else a new one. */
  private rowElement(i: number, row: R, reuse: HTMLElement | null): HTMLElement {
    const link = this.opts.onRow?.(row) ?? null;
    const el = reuse && reuse.tagName === (link ? 'A' : 'DIV') ? reuse : h(link ? 'a' : 'div', { class: 'vt-row', style: `top:${i * ROW_PX}px` });
    if (link && el.getAttribute('href') !== link) el.setAttribute('href', link);
    this.columns.forEach((c, j) => {
      const cell = (el.children[j] as HTMLElement | undefined) ?? el.appendChild(h('div', { class: `vt-td${c.align === 'right' ? ' right' : ''}` }));
      const out = c.render(row);
      // Most cells are plain text, most of them unchanged by an update: compared as text, not morphed.
      if (typeof out === 'string' && cell.childNodes.length === 1 && cell.firstChild!.nodeType === Node.TEXT_NODE && cell.firstChild!.nodeValue === out) return;
      morph(cell, out);
    });
    if (reuse && el !== reuse) reuse.replaceWith(el);
    return el;
  }
}
