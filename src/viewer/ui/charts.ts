// Time-series charts with uPlot. Which charts exist, their titles, units and lines come with the series
// API's answer (declared with the metrics in src/metrics/definitions.ts); the page only adds bounds
// (allocatable, requests, limits). The answer also says which table answered (raw, 1m or 1h rollup),
// shown on the chart and kept as data attributes for tests and curious users.
import uPlot from 'uplot';
import { bytes, cpu, h, rate } from './dom.js';
import { setParams } from './state.js';
import { throttledShare, yTicks, type ChartUnit, type YTicks } from './chart-math.js';

// The API's answer shape, declared once beside the server code (type-only imports: nothing is bundled).
import type { SeriesResult } from '../series.js';
import type { ChartSpec } from '../chart-declarations.js';
export type { SeriesResult };

export interface Line {
  label: string;
  /** null: a gap in the line; undefined: no sample of this metric there, the line joins across (uPlot). */
  values: Array<number | null | undefined>;
  color?: string;
  /** Drawn dashed (a bound: allocatable, request, limit); a pattern tells bounds of one colour apart. */
  dash?: boolean | number[];
}

const PALETTE = ['#4ea1ff', '#f5a524', '#3ecf8e', '#e5484d', '#b48cff', '#2dd4bf', '#f472b6', '#a3e635', '#fb923c', '#94a3b8'];

/** A flat line (request, limit, allocatable) across the chart. */
export function constant(ts: number[], v: number | null, label: string, color: string): Line | null {
  return v === null || v === undefined ? null : { label, values: ts.map(() => v), color, dash: true };
}

/** A moment marked across a chart (a restart, an OOM kill): epoch seconds, colour and a short label. */
export interface Marker {
  t: number;
  color: string;
  label: string;
}

/** One chart to draw: its title (its identity on the page), the answer it is drawn from and its lines. */
export interface ChartInput {
  title: string;
  res: SeriesResult;
  lines: Line[];
  unit: ChartUnit;
  markers?: Marker[];
}

/**
 * A chart that stays on the page across live updates: new data goes into the existing uPlot (setData);
 * only a change of its lines (a container added, the first sample arriving) rebuilds its plot, in place.
 */
class ChartView {
  readonly el: HTMLElement;
  private readonly head = h('span', { class: 'res' });
  private readonly body = h('div', {});
  private plot: uPlot | null = null;
  private resize: ResizeObserver | null = null;
  /** The lines' labels, colours and dashes: while unchanged, an update only swaps the data. */
  private shape = '';
  private data: uPlot.AlignedData = [[]];
  /** The x range of the latest answer, read by the x scale at every redraw. */
  private range: [number, number] = [0, 0];
  /** The y axis of the latest draw: computed with the y scale's range, read by its ticks and labels. */
  private ticks: YTicks = yTicks('count/s', null);
  /** Drawn over the plot at every redraw (the draw hook reads them), so an update needs no rebuild. */
  private markers: Marker[] = [];
  /** Points drawn on the lines while they are few (read at every redraw: growing past them needs no rebuild). */
  private showPoints = false;

  constructor(input: ChartInput) {
    this.el = h('div', { class: 'chart', 'data-title': input.title },
      h('div', { class: 'chart-head' }, h('span', { class: 'chart-title' }, input.title), this.head), this.body);
    this.update(input);
  }

  /** Brings the chart to `input`; whether that changed what it shows (false: left as drawn). */
  update({ res, lines, unit, markers }: ChartInput): boolean {
    const points = lines.filter((l) => !l.dash).reduce((n, l) => n + l.values.filter((v) => v !== null && v !== undefined).length, 0);
    const range: [number, number] = [Date.parse(res.from) / 1000, Date.parse(res.to) / 1000];
    const data = [res.ts, ...lines.map((l) => l.values)] as uPlot.AlignedData;
    const shown = (markers ?? []).filter((m) => m.t >= range[0] && m.t <= range[1]);
    const shape = points === 0 ? 'empty' : JSON.stringify(lines.map((l) => [l.label, l.color, l.dash]));
    // A live update that brings the same samples, markers and nearly the same range (the window moved on
    // by less than 1% of its span, under a few pixels) leaves the plot as drawn: no redraw, no DOM write.
    // The next answer with a change draws the latest range.
    const moved = Math.max(Math.abs(range[0] - this.range[0]), Math.abs(range[1] - this.range[1]));
    const same = shape === this.shape && this.plot !== null && moved < (range[1] - range[0]) / 100
      && sameData(data, this.data) && sameMarkers(shown, this.markers);
    if (same) return false;
    this.range = range;
    this.showPoints = res.ts.length < 40;
    this.data = data;
    this.markers = shown;
    // Attributes and texts written only when they change: an unchanged write still invalidates style.
    setAttrs(this.el, {
      'data-resolution': res.resolution, 'data-table': res.table, 'data-points': String(points), 'data-from': res.from, 'data-to': res.to,
      'data-markers': String(shown.length), 'data-marker-labels': shown.map((m) => m.label).join('|'),
    });
    const head = res.resolution === 'raw' ? `raw · ${res.bucketS}s` : `${res.resolution} rollup`;
    if (this.head.textContent !== head) {
      this.head.className = `res res-${res.resolution}`;
      this.head.textContent = head;
    }
    if (shape === this.shape) {
      this.plot?.setData(this.data);
      return true;
    }
    this.shape = shape;
    this.destroy();
    if (points === 0) {
      this.body.replaceChildren(h('div', { class: 'chart-empty' }, 'no samples in this range'));
      return true;
    }
    const plotEl = h('div', { class: 'chart-plot' });
    this.body.replaceChildren(plotEl);
    const opts = this.options(lines, unit);
    // Size to the container once it is in the document (with the newest data by then); follow resizes.
    requestAnimationFrame(() => {
      if (this.shape !== shape || this.plot) return;
      const plot = new uPlot({ ...opts, width: Math.max(300, plotEl.clientWidth || 520) }, this.data, plotEl);
      keepEqualLegendTexts(plotEl);
      this.plot = plot;
      this.resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, plotEl.clientWidth), height: 190 }));
      this.resize.observe(plotEl);
    });
    return true;
  }

  private options(lines: Line[], unit: ChartUnit): uPlot.Options {
    const fmt = FORMAT[unit];
    const axis = { stroke: '#8b98a9', grid: { stroke: '#253041', width: 1 }, ticks: { stroke: '#253041' }, font: '11px system-ui' };
    return {
      width: 520,
      height: 190,
      legend: { show: true, live: true },
      // Dragging across the plot selects a time span; it becomes the page's range (in the URL) rather
      // than a zoom of this chart alone, so every chart of the page and a shared link show it.
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: { setSelect: [(u) => this.zoom(u)], draw: [(u) => this.drawMarkers(u)] },
      scales: {
        // The x axis always spans the requested range, so a new object's few points sit at the right edge.
        x: { time: true, range: () => this.range },
        // Usage from zero to a round top: a line's height is its share of the axis.
        y: {
          range: (_u, _min, max) => {
            this.ticks = yTicks(unit, max);
            setAttrs(this.el, { 'data-y-ticks': this.ticks.labels.join('|') });
            return [0, this.ticks.top];
          },
        },
      },
      axes: [axis, { ...axis, size: 84, splits: () => this.ticks.values, values: () => this.ticks.labels }],
      series: [
        {},
        ...lines.map((l, i) => {
          const color = l.color ?? PALETTE[i % PALETTE.length];
          return {
            label: l.label,
            stroke: color,
            width: l.dash ? 1 : 1.5,
            dash: Array.isArray(l.dash) ? l.dash : l.dash ? [5, 4] : undefined,
            fill: l.dash ? undefined : `${color}18`,
            spanGaps: false,
            points: { show: () => !l.dash && this.showPoints, size: 4 },
            value: (_u: uPlot, v: number | null) => fmt(v),
          };
        }),
      ],
    };
  }

  /** Each marker as a vertical line across the plot with its label at the top. */
  private drawMarkers(u: uPlot): void {
    if (this.markers.length === 0) return; // most charts: no font to set, no state to save
    const g = u.ctx;
    const { left, top, width, height } = u.bbox;
    g.save();
    g.font = `${Math.round(10 * devicePixelRatio)}px system-ui`;
    for (const m of this.markers) {
      const x = Math.round(u.valToPos(m.t, 'x', true));
      if (x < left || x > left + width) continue;
      g.strokeStyle = m.color;
      g.fillStyle = m.color;
      g.lineWidth = 1.5 * devicePixelRatio;
      g.setLineDash([]);
      g.beginPath();
      g.moveTo(x, top);
      g.lineTo(x, top + height);
      g.stroke();
      // Left of the line near the right edge, so the label stays inside the plot.
      const w = g.measureText(m.label).width;
      const tx = x + 3 * devicePixelRatio + w > left + width ? x - 3 * devicePixelRatio - w : x + 3 * devicePixelRatio;
      g.fillText(m.label, tx, top + 10 * devicePixelRatio);
    }
    g.restore();
  }

  private zoom(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 4) return;
    const from = u.posToVal(left, 'x');
    const to = u.posToVal(left + width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    setParams({ range: null, from: new Date(from * 1000).toISOString(), to: new Date(to * 1000).toISOString() });
  }

  destroy(): void {
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
    this.resize = null;
  }
}

const NODE_VALUE = Object.getOwnPropertyDescriptor(Node.prototype, 'nodeValue')!;

/**
 * uPlot writes every legend value at every setData, most of them unchanged ("–" while the cursor is
 * elsewhere); Chromium treats an equal write as new text and lays the page out again. Each legend text
 * node gets a nodeValue that leaves an equal value alone.
 */
function keepEqualLegendTexts(plotEl: HTMLElement): void {
  for (const cell of plotEl.querySelectorAll('.u-legend .u-value')) {
    const text = cell.firstChild;
    if (!text) continue;
    Object.defineProperty(text, 'nodeValue', {
      get: () => NODE_VALUE.get!.call(text) as string | null,
      set: (v: string | null) => {
        if (NODE_VALUE.get!.call(text) !== v) NODE_VALUE.set!.call(text, v);
      },
    });
  }
}

/** Sets the attributes that differ from the element's (an equal write would still invalidate its style). */
function setAttrs(el: HTMLElement, attrs: Record<string, string>): void {
  for (const [k, v] of Object.entries(attrs)) if (el.getAttribute(k) !== v) el.setAttribute(k, v);
}

/** Whether two charts' data are equal, value by value (an answer's arrays are new objects every time). */
function sameData(a: uPlot.AlignedData, b: uPlot.AlignedData): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

function sameMarkers(a: Marker[], b: Marker[]): boolean {
  return a.length === b.length && a.every((m, i) => m.t === b[i].t && m.label === b[i].label && m.color === b[i].color);
}

/** The charts of a page, kept by title across refreshes: an update patches each in place. */
export class ChartSet {
  readonly el = h('div', { class: 'charts' });
  private views = new Map<string, ChartView>();

  /** Patches the charts to `inputs`; answers how many of them changed what they show (0: none redrawn). */
  update(inputs: ChartInput[]): number {
    const next = new Map<string, ChartView>();
    let changed = 0;
    inputs.forEach((input, i) => {
      let view = this.views.get(input.title);
      if (view) changed += view.update(input) ? 1 : 0;
      else {
        view = new ChartView(input);
        changed++;
      }
      next.set(input.title, view);
      if (this.el.children[i] !== view.el) this.el.insertBefore(view.el, this.el.children[i] ?? null);
    });
    for (const [title, view] of this.views) {
      if (next.has(title)) continue;
      view.destroy();
      view.el.remove();
      changed++;
    }
    this.views = next;
    return changed;
  }
}

type Series = SeriesResult['series'][number];

function lineLabel(s: Series, label?: string): string {
  return s.group ? `${label ? `${label} ` : ''}${s.group}` : label || s.metric;
}

/** The series' values with its unsampled buckets as undefined, which uPlot draws across instead of as gaps. */
function joined(s: Series): Line['values'] {
  const values: Line['values'] = s.values.slice();
  for (const i of s.unsampled) values[i] = undefined;
  return values;
}

/**
 * The colour of a group (a container, an interface) across every chart of the answer, by its order of
 * appearance: a container's usage, request and limit lines share it.
 */
export function groupColor(res: SeriesResult, group: string): string {
  const groups = [...new Set(res.series.map((s) => s.group).filter((g): g is string => g !== null))];
  const i = groups.indexOf(group);
  return PALETTE[(i < 0 ? groups.length : i) % PALETTE.length];
}

/** Dash patterns of a group's request and limit lines (its colour tells whose they are). */
export const REQUEST_DASH = [6, 4];
export const LIMIT_DASH = [2, 3];

const FORMAT: Record<ChartUnit, (v: number | null) => string> = {
  millicores: cpu,
  bytes,
  'bytes/s': rate,
  percent: (v) => (v === null ? '–' : `${v.toFixed(1)}%`),
  'count/s': (v) => (v === null ? '–' : `${v.toFixed(2)}/s`),
  count: (v) => (v === null ? '–' : String(v)),
  ms: (v) => (v === null ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`),
};

/**
 * The throttling chart as the throttled share of CFS periods per container (throttled periods/s over
 * elapsed periods/s): 30 throttled periods/s says little without the 100 that elapsed.
 */
function throttledShareChart(res: SeriesResult, c: ChartSpec): ChartInput | null {
  if (!c.lines.some((l) => l.series === 'throttled') || !c.lines.some((l) => l.series === 'periods')) return null;
  const lines = res.series.filter((s) => s.metric === 'throttled').map((t): Line => {
    const p = res.series.find((s) => s.metric === 'periods' && s.group === t.group);
    return { label: lineLabel(t), values: throttledShare(joined(t), p ? joined(p) : []), color: t.group ? groupColor(res, t.group) : undefined };
  });
  return { title: 'CPU throttled share (% of CFS periods)', res, lines, unit: 'percent' };
}

/**
 * Every chart the answer declares, in order. `bounds` adds flat lines to the chart holding a series
 * (e.g. `{ cpu: [allocatable] }`); a chart declared hideWhenEmpty is left out while it has no sample.
 */
export function chartsOf(res: SeriesResult, bounds: Record<string, Array<Line | null>> = {}): ChartInput[] {
  const out: ChartInput[] = [];
  for (const c of res.charts) {
    const derived = c.id === 'throttling' ? throttledShareChart(res, c) : null;
    if (derived) {
      out.push(derived);
      continue;
    }
    // One measured metric per group: each line takes its group's colour (several metrics per group,
    // e.g. rx and tx per interface, keep the palette order so they differ).
    const byGroup = c.lines.filter((l) => !l.reference).length === 1;
    const lines = c.lines.flatMap((l) => res.series.filter((s) => s.metric === l.series).map((s): Line => {
      if (l.reference) return { label: lineLabel(s, l.label), values: joined(s), dash: true, color: '#e5484d' };
      return { label: lineLabel(s, l.label), values: joined(s), color: byGroup && s.group ? groupColor(res, s.group) : undefined };
    }));
    if (c.hideWhenEmpty && !lines.some((l) => l.values.some((v) => v !== null && v !== undefined))) continue;
    const all = [...lines, ...c.lines.flatMap((l) => bounds[l.series] ?? [])].filter((l): l is Line => l !== null);
    out.push({ title: c.title, res, lines: all, unit: c.unit });
  }
  return out;
}

/** Sparkline on a small canvas: values 0..100 (percent). */
export function sparkline(points: Array<[number, number | null]>): HTMLElement {
  const c = document.createElement('canvas');
  c.width = 90;
  c.height = 18;
  c.className = 'spark';
  const g = c.getContext('2d');
  if (g && points.length === 1) {
    // One minute of history so far: a level mark instead of nothing.
    const y = 17 - (Math.min(100, points[0][1] ?? 0) / 100) * 16;
    g.fillStyle = '#4ea1ff';
    g.fillRect(80, y - 1, 9, 2);
  }
  if (g && points.length > 1) {
    const t0 = points[0][0];
    const span = Math.max(1, points[points.length - 1][0] - t0);
    g.strokeStyle = '#4ea1ff';
    g.lineWidth = 1.2;
    g.beginPath();
    points.forEach(([t, v], i) => {
      const x = ((t - t0) / span) * 88 + 1;
      const y = 17 - (Math.min(100, v ?? 0) / 100) * 16;
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.stroke();
  }
  return c;
}
