// The viewer's charts come from the metric declarations: every series reads a declared column in the
// chart's unit, every declared chart has lines, a declaration mistake is refused with its name, and the
// series table of docs/API.md is the generated one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTITY_CHARTS, METRIC_DEFS, metricColumnsOf, type MetricDef } from '../../src/metrics/definitions.js';
import { CHART_SPECS, SERIES_METRICS, buildChartTables, chartsFor, withSeriesTable } from '../../src/viewer/chart-declarations.js';
import { REPO_ROOT } from '../helpers/paths.js';

test('every series reads a stored column of its entity, converted to its chart unit', () => {
  for (const [entity, metrics] of Object.entries(SERIES_METRICS) as Array<[keyof typeof SERIES_METRICS, (typeof SERIES_METRICS)['node']]>) {
    const stored = new Map(metricColumnsOf(entity).map((c) => [c.column, c.unit]));
    for (const [name, m] of Object.entries(metrics)) {
      assert.ok(stored.has(m.column), `${entity}.${name}: ${m.column} is a column of ${entity}`);
      const chart = CHART_SPECS[entity].find((c) => c.lines.some((l) => l.series === name))!;
      assert.equal(m.unit, chart.unit, `${entity}.${name} shown in its chart's unit`);
      assert.equal(m.scale, stored.get(m.column) === m.unit ? 1 : 1e-6, `${entity}.${name}: scale from ${stored.get(m.column)}`);
    }
  }
  assert.deepEqual(SERIES_METRICS.node.cpu, { column: 'cpu_usage_nanocores', scale: 1e-6, unit: 'millicores' });
  assert.deepEqual(SERIES_METRICS.container.throttled.column, 'cpu_cfs_throttled_periods_per_second');
});

test('the declared charts are the ones served, in order, each with lines', () => {
  for (const [entity, decls] of Object.entries(ENTITY_CHARTS)) {
    const specs = CHART_SPECS[entity as keyof typeof CHART_SPECS];
    assert.deepEqual(specs.map((c) => c.title), decls.map((c) => c.title), entity);
    for (const c of specs) assert.ok(c.lines.length > 0, `${entity}.${c.id} has lines`);
  }
  assert.deepEqual(CHART_SPECS.node.find((c) => c.id === 'memory')!.lines, [{ series: 'memory', label: 'working set' }]);
  // Only the requested series: the node page's CPU chart alone when only cpu is asked for.
  assert.deepEqual(chartsFor('node', ['cpu']).map((c) => c.title), ['CPU']);
  assert.deepEqual(chartsFor('node', ['fs_used']).map((c) => c.lines.map((l) => l.series)), [['fs_used']]);
});

test('a chart declaration mistake is refused, naming the metric or chart', () => {
  const base = METRIC_DEFS.find((d) => d.entity === 'node' && d.column === 'memory_working_set_bytes')!;
  const bad = (view: MetricDef['view'], unit?: string): MetricDef[] => [{ ...base, ...(unit ? { unit } : {}), view }];
  const charts = { node: [{ id: 'memory', title: 'Memory', unit: 'bytes' as const }] };
  assert.throws(() => buildChartTables(charts, bad({ series: 'm', chart: 'nope', label: '', from: 'value' })), /node\.memory_working_set_bytes: no chart nope/);
  assert.throws(() => buildChartTables(charts, bad({ series: 'm', chart: 'memory', label: '', from: 'rate' })), /charts a rate but the metric has none/);
  assert.throws(() => buildChartTables(charts, bad({ series: 'm', chart: 'memory', label: '', from: 'value' }, 'seconds')), /no conversion from seconds to bytes/);
  assert.throws(() => buildChartTables(charts, []), /node\.memory: no metric is a line of it/);
  const twice = bad({ series: 'm', chart: 'memory', label: '', from: 'value' });
  assert.throws(() => buildChartTables(charts, [...twice, ...twice]), /series m declared twice/);
});

test('docs/API.md lists the series as declared (node scripts/gen-schema-doc.mjs)', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'API.md'), 'utf8');
  assert.equal(doc, withSeriesTable(doc));
  for (const name of Object.keys(SERIES_METRICS.container)) assert.ok(doc.includes(`\`${name}\``), name);
});
