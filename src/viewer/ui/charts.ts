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

function chart(title: string, res: SeriesResult, lines: Array<Line | null>, fmt: (v: number | null) => string): HTMLElement {
  const kept = lines.filter((l): l is Line => l !== null);
  const points = kept.filter((l) => !l.dash).reduce((n, l) => n + l.values.filter((v) => v !== null && v !== undefined).length, 0);
  const box = h('div', { class: 'chart', 'data-title': title, 'data-resolution': res.resolution, 'data-table': res.table, 'data-points': points });
  const head = h('div', { class: 'chart-head' }, h('span', { class: 'chart-title' }, title),
    h('span', { class: `res res-${res.resolution}` }, res.resolution === 'raw' ? `raw · ${res.bucketS}s` : `${res.resolution} rollup`));
  box.append(head);
  if (points === 0) {
    box.append(h('div', { class: 'chart-empty' }, 'no samples in this range'));
    return box;
  }
  const plotEl = h('div', { class: 'chart-plot' });
  box.append(plotEl);
  const opts: uPlot.Options = {
    width: 520,
    height: 190,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    // The x axis always spans the requested range, so a new object's few points sit at the right edge.
    scales: { x: { time: true, range: () => [Date.parse(res.from) / 1000, Date.parse(res.to) / 1000] } },
    axes: [
      { stroke: '#8b98a9', grid: { stroke: '#253041', width: 1 }, ticks: { stroke: '#253041' }, font: '11px system-ui' },
      { stroke: '#8b98a9', grid: { stroke: '#253041', width: 1 }, ticks: { stroke: '#253041' }, size: 84, font: '11px system-ui', values: (_u, vals) => vals.map((v) => fmt(v)) },
    ],
    series: [
      {},
      ...kept.map((l, i) => ({
        label: l.label,
        stroke: l.color ?? PALETTE[i % PALETTE.length],
        width: l.dash ? 1 : 1.5,
        dash: l.dash ? [5, 4] : undefined,
        fill: l.dash ? undefined : `${l.color ?? PALETTE[i % PALETTE.length]}18`,
        spanGaps: false,
        points: { show: !l.dash && res.ts.length < 40, size: 4 },
        value: (_u: uPlot, v: number | null) => fmt(v),
      })),
    ],
  };
  const data = [res.ts, ...kept.map((l) => l.values)] as uPlot.AlignedData;
  // Size to the container once it is in the document; follow later resizes.
  requestAnimationFrame(() => {
    const plot = new uPlot({ ...opts, width: Math.max(300, plotEl.clientWidth || 520) }, data, plotEl);
    new ResizeObserver(() => plot.setSize({ width: Math.max(300, plotEl.clientWidth), height: 190 })).observe(plotEl);
  });
  return box;
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
export function chartsOf(res: SeriesResult, bounds: Record<string, Array<Line | null>> = {}): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const c of res.charts) {
    const lines = c.lines.flatMap((l) => linesOf(res, l.series, l.label).map((x) => (l.reference ? { ...x, dash: true, color: '#e5484d' } : x)));
    if (c.hideWhenEmpty && !lines.some((l) => l.values.some((v) => v !== null && v !== undefined))) continue;
    out.push(chart(c.title, res, [...lines, ...c.lines.flatMap((l) => bounds[l.series] ?? [])], FORMAT[c.unit] ?? String));
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
