// Time-series charts with uPlot. Which charts exist, their titles, units and lines come with the series
// API's answer (declared with the metrics in src/metrics/definitions.ts); the page only adds bounds
// (allocatable, requests, limits). The answer also says which table answered (raw, 1m or 1h rollup),
// shown on the chart and kept as data attributes for tests and curious users.
import uPlot from 'uplot';
import { bytes, cpu, h, rate } from './dom.js';

// The API's answer shape, declared once beside the server code (type-only imports: nothing is bundled).
import type { SeriesResult } from '../series.js';
import type { ChartSpec } from '../chart-declarations.js';
export type { SeriesResult };

export interface Line {
  label: string;
  /** null: a gap in the line; undefined: no sample of this metric there, the line joins across (uPlot). */
  values: Array<number | null | undefined>;
  color?: string;
  dash?: boolean;
}

const PALETTE = ['#4ea1ff', '#f5a524', '#3ecf8e', '#e5484d', '#b48cff', '#2dd4bf', '#f472b6', '#a3e635', '#fb923c', '#94a3b8'];

/** A flat line (request, limit, allocatable) across the chart. */
export function constant(ts: number[], v: number | null, label: string, color: string): Line | null {
  return v === null || v === undefined ? null : { label, values: ts.map(() => v), color, dash: true };
}

/** One chart to draw: its title (its identity on the page), the answer it is drawn from and its lines. */
export interface ChartInput {
  title: string;
  res: SeriesResult;
  lines: Line[];
  fmt: (v: number | null) => string;
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

  constructor(input: ChartInput) {
    this.el = h('div', { class: 'chart', 'data-title': input.title },
      h('div', { class: 'chart-head' }, h('span', { class: 'chart-title' }, input.title), this.head), this.body);
    this.update(input);
  }

  update({ res, lines, fmt }: ChartInput): void {
    const points = lines.filter((l) => !l.dash).reduce((n, l) => n + l.values.filter((v) => v !== null && v !== undefined).length, 0);
    this.el.dataset.resolution = res.resolution;
    this.el.dataset.table = res.table;
    this.el.dataset.points = String(points);
    this.head.className = `res res-${res.resolution}`;
    this.head.textContent = res.resolution === 'raw' ? `raw · ${res.bucketS}s` : `${res.resolution} rollup`;
    this.range = [Date.parse(res.from) / 1000, Date.parse(res.to) / 1000];
    this.data = [res.ts, ...lines.map((l) => l.values)] as uPlot.AlignedData;
    const shape = points === 0 ? 'empty' : JSON.stringify(lines.map((l) => [l.label, l.color, l.dash, res.ts.length < 40]));
    if (shape === this.shape) {
      this.plot?.setData(this.data);
      return;
    }
    this.shape = shape;
    this.destroy();
    if (points === 0) {
      this.body.replaceChildren(h('div', { class: 'chart-empty' }, 'no samples in this range'));
      return;
    }
    const plotEl = h('div', { class: 'chart-plot' });
    this.body.replaceChildren(plotEl);
    const opts = this.options(lines, fmt, res.ts.length < 40);
    // Size to the container once it is in the document (with the newest data by then); follow resizes.
    requestAnimationFrame(() => {
      if (this.shape !== shape || this.plot) return;
      const plot = new uPlot({ ...opts, width: Math.max(300, plotEl.clientWidth || 520) }, this.data, plotEl);
      this.plot = plot;
      this.resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, plotEl.clientWidth), height: 190 }));
      this.resize.observe(plotEl);
    });
  }

  private options(lines: Line[], fmt: (v: number | null) => string, showPoints: boolean): uPlot.Options {
    return {
      width: 520,
      height: 190,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      // The x axis always spans the requested range, so a new object's few points sit at the right edge.
      scales: { x: { time: true, range: () => this.range } },
      axes: [
        { stroke: '#8b98a9', grid: { stroke: '#253041', width: 1 }, ticks: { stroke: '#253041' }, font: '11px system-ui' },
        { stroke: '#8b98a9', grid: { stroke: '#253041', width: 1 }, ticks: { stroke: '#253041' }, size: 84, font: '11px system-ui', values: (_u, vals) => vals.map((v) => fmt(v)) },
      ],
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.label,
          stroke: l.color ?? PALETTE[i % PALETTE.length],
          width: l.dash ? 1 : 1.5,
          dash: l.dash ? [5, 4] : undefined,
          fill: l.dash ? undefined : `${l.color ?? PALETTE[i % PALETTE.length]}18`,
          spanGaps: false,
          points: { show: !l.dash && showPoints, size: 4 },
          value: (_u: uPlot, v: number | null) => fmt(v),
        })),
      ],
    };
  }

  destroy(): void {
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
    this.resize = null;
  }
}

/** The charts of a page, kept by title across refreshes: an update patches each in place. */
export class ChartSet {
  readonly el = h('div', { class: 'charts' });
  private views = new Map<string, ChartView>();

  update(inputs: ChartInput[]): void {
    const next = new Map<string, ChartView>();
    inputs.forEach((input, i) => {
      let view = this.views.get(input.title);
      if (view) view.update(input);
      else view = new ChartView(input);
      next.set(input.title, view);
      if (this.el.children[i] !== view.el) this.el.insertBefore(view.el, this.el.children[i] ?? null);
    });
    for (const [title, view] of this.views) {
      if (next.has(title)) continue;
      view.destroy();
      view.el.remove();
    }
    this.views = next;
  }
}

/** The lines of one metric of a series result, one per group (container, interface) or one in all. */
function linesOf(res: SeriesResult, metric: string, label?: string): Line[] {
  return res.series.filter((s) => s.metric === metric).map((s) => ({ label: s.group ? `${label ? `${label} ` : ''}${s.group}` : label || metric, values: joined(s) }));
}

/** The series' values with its unsampled buckets as undefined, which uPlot draws across instead of as gaps. */
function joined(s: SeriesResult['series'][number]): Line['values'] {
  const values: Line['values'] = s.values.slice();
  for (const i of s.unsampled) values[i] = undefined;
  return values;
}

const FORMAT: Record<ChartSpec['unit'], (v: number | null) => string> = {
  millicores: cpu,
  bytes,
  'bytes/s': rate,
  percent: (v) => (v === null ? '–' : `${v.toFixed(1)}%`),
  'count/s': (v) => (v === null ? '–' : `${v.toFixed(2)}/s`),
};

/**
 * Every chart the answer declares, in order. `bounds` adds flat lines to the chart holding a series
 * (e.g. `{ cpu: [allocatable] }`); a chart declared hideWhenEmpty is left out while it has no sample.
 */
export function chartsOf(res: SeriesResult, bounds: Record<string, Array<Line | null>> = {}): ChartInput[] {
  const out: ChartInput[] = [];
  for (const c of res.charts) {
    const lines = c.lines.flatMap((l) => linesOf(res, l.series, l.label).map((x) => (l.reference ? { ...x, dash: true, color: '#e5484d' } : x)));
    if (c.hideWhenEmpty && !lines.some((l) => l.values.some((v) => v !== null && v !== undefined))) continue;
    const all = [...lines, ...c.lines.flatMap((l) => bounds[l.series] ?? [])].filter((l): l is Line => l !== null);
    out.push({ title: c.title, res, lines: all, fmt: FORMAT[c.unit] ?? String });
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
