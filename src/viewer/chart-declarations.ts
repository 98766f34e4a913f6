// The viewer's charts and the series they are drawn from, derived from the metric declarations
// (ENTITY_CHARTS and each MetricDef's `view` in src/metrics/definitions.ts). The series API answers with
// the charts its series form, so the browser bundle holds no list of metrics: a chart is added by
// declaring it there. Pure: declarations in, lookup tables and documentation text out.
import { replaceRegion } from '../util/doc-regions.js';
import { ENTITY_CHARTS, METRIC_DEFS, type DisplayUnit, type Entity, type MetricDef } from '../metrics/definitions.js';

/** A chartable series: the stored column and the factor from its stored unit to the chart's unit. */
export interface SeriesMetric {
  column: string;
  scale: number;
  unit: DisplayUnit;
}

interface ChartLine {
  series: string;
  label: string;
  reference?: boolean;
}

/** What the browser draws: one chart of an entity, its lines named by series. */
export interface ChartSpec {
  id: string;
  title: string;
  unit: DisplayUnit;
  hideWhenEmpty?: boolean;
  lines: ChartLine[];
}

export type SeriesEntity = 'node' | 'pod' | 'container' | 'interface';

/** The factor from a stored unit to a displayed one; a pair not listed is a declaration mistake. */
const CONVERSIONS: Record<string, number> = { 'nanocores->millicores': 1e-6 };

function scaleOf(stored: string, shown: DisplayUnit, where: string): number {
  if (stored === shown) return 1;
  const f = CONVERSIONS[`${stored}->${shown}`];
  if (f === undefined) throw new Error(`chart declaration ${where}: no conversion from ${stored} to ${shown}`);
  return f;
}

/** The series and chart tables from chart and metric declarations (exported so tests can feed it mistakes). */
export function buildChartTables(declared: typeof ENTITY_CHARTS, defs: MetricDef[]): {
  metrics: Record<SeriesEntity, Record<string, SeriesMetric>>; charts: Record<SeriesEntity, ChartSpec[]>;
} {
  const metrics = {} as Record<SeriesEntity, Record<string, SeriesMetric>>;
  const charts = {} as Record<SeriesEntity, ChartSpec[]>;
  for (const [entity, decls] of Object.entries(declared) as Array<[SeriesEntity, NonNullable<(typeof ENTITY_CHARTS)[Entity]>]>) {
    const viewed = defs.filter((d): d is MetricDef & { view: NonNullable<MetricDef['view']> } => d.entity === entity && d.view !== undefined);
    metrics[entity] = {};
    charts[entity] = decls.map((c) => ({ ...c, lines: [] }));
    for (const d of viewed) {
      const where = `${entity}.${d.column}`;
      const chart = charts[entity].find((c) => c.id === d.view.chart);
      if (!chart) throw new Error(`chart declaration ${where}: no chart ${d.view.chart} declared for ${entity}`);
      if (Object.hasOwn(metrics[entity], d.view.series)) throw new Error(`chart declaration ${where}: series ${d.view.series} declared twice`);
      const rate = d.view.from === 'rate' ? d.rate : undefined;
      if (d.view.from === 'rate' && !rate) throw new Error(`chart declaration ${where}: charts a rate but the metric has none`);
      metrics[entity][d.view.series] = {
        column: rate ? rate.column : d.column,
        scale: scaleOf(rate ? rate.unit : d.unit, chart.unit, where),
        unit: chart.unit,
      };
      chart.lines.push({ series: d.view.series, label: d.view.label, ...(d.view.reference ? { reference: true } : {}) });
    }
    for (const c of charts[entity]) if (c.lines.length === 0) throw new Error(`chart declaration ${entity}.${c.id}: no metric is a line of it`);
  }
  return { metrics, charts };
}

const BUILT = buildChartTables(ENTITY_CHARTS, METRIC_DEFS);

/** Per entity, every series name the API accepts and how it is read. */
export const SERIES_METRICS: Record<SeriesEntity, Record<string, SeriesMetric>> = BUILT.metrics;

/** Per entity, the charts in page order. */
export const CHART_SPECS: Record<SeriesEntity, ChartSpec[]> = BUILT.charts;

/** The charts made only of the requested series (lines of others left out; charts left empty dropped). */
export function chartsFor(entity: SeriesEntity, series: string[]): ChartSpec[] {
  const wanted = new Set(series);
  return CHART_SPECS[entity]
    .map((c) => ({ ...c, lines: c.lines.filter((l) => wanted.has(l.series)) }))
    .filter((c) => c.lines.length > 0);
}

/** The Markdown table of docs/API.md listing each entity's series (between its generated-region markers). */
function renderSeriesTable(): string {
  const rows = (Object.keys(CHART_SPECS) as SeriesEntity[]).map((entity) => {
    const cells = CHART_SPECS[entity].map((c) => `${c.lines.map((l) => `\`${l.series}\``).join(', ')} (${c.title}; ${c.unit})`);
    return `| ${entity} | ${cells.join('; ')} |`;
  });
  return ['| entity | metrics (chart; unit) |', '|---|---|', ...rows].join('\n');
}

/** docs/API.md with its series table regenerated; the prose around it is left as written. */
export function withSeriesTable(apiDoc: string): string {
  return replaceRegion(apiDoc, 'docs/API.md', 'series', 'src/viewer/chart-declarations.ts', renderSeriesTable());
}
