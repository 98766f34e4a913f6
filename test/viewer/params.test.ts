// The viewer's query-parameter parsing and the range → table choice, on plain values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketSeconds, grainFor, optEnum, optInt, optLabel, optName, timeRange } from '../../src/viewer/params.js';
import { parseMetricList, rollupSeriesSql } from '../../src/viewer/series.js';

const u = (q: string): URL => new URL(`http://x/api?${q}`);
const NOW = Date.parse('2026-01-10T12:00:00Z');

test('named ranges get the grain of samples, minutes or hours', () => {
  const pick = (range: string): string => grainFor(timeRange(u(`range=${range}`), NOW));
  assert.deepEqual(['15m', '1h', '6h', '24h', '7d', '30d'].map(pick), ['raw', 'raw', '1m', '1m', '1h', '1h']);
  const custom = timeRange(u('from=2026-01-01T00:00:00Z&to=2026-01-01T02:00:00Z'), NOW);
  assert.equal(custom.to.getTime() - custom.from.getTime(), 7_200_000);
  assert.equal(grainFor(custom), 'raw');
});

test('charts get at most a few hundred buckets, never finer than the grain', () => {
  const week = timeRange(u('range=7d'), NOW);
  assert.equal(bucketSeconds(week, '1h'), 3600 * Math.ceil(7 * 86400 / 360 / 3600));
  const q = timeRange(u('range=15m'), NOW);
  assert.ok(900 / bucketSeconds(q, 'raw') <= 360);
  assert.equal(bucketSeconds(timeRange(u('range=24h'), NOW), '1m'), 240);
  const s = rollupSeriesSql({ entity: 'node', clusterId: 1, node: 'n1', metrics: ['cpu', 'memory'], range: week }, '1h');
  assert.equal(s.table, 'node_metric_1h');
  assert.equal(s.bucketS, 3600);
  assert.match(s.sql, /FROM kubepulse\.node_metric_1h /);
  assert.match(s.sql, /avg\(cpu_usage_nanocores_avg\)/);
  assert.ok(!s.sql.includes('n1'), 'values travel as parameters');
  assert.equal(rollupSeriesSql({ entity: 'container', clusterId: 1, podUid: 'u', metrics: ['cpu'], range: timeRange(u('range=24h'), NOW) }, '1m').table, 'container_metric_1m+container_metric_1m_block');
});

test('bad parameters are refused with a message naming the parameter', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => timeRange(u('range=2w'), NOW), /parameter range: expected one of 15m, 1h/],
    [() => timeRange(u('from=yesterday'), NOW), /parameter from: expected an ISO 8601 time/],
    [() => timeRange(u('from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'), NOW), /parameter to: expected a time after from/],
    [() => timeRange(u('to=2026-01-01T00:00:00Z'), NOW), /parameter from: required/],
    [() => optName(u("cluster=x' OR 1=1 --"), 'cluster'), /parameter cluster: expected a Kubernetes name/],
    [() => optInt(u('limit=5000'), 'limit', 1, 1000, 200), /parameter limit: expected an integer from 1 to 1000, got "5000"/],
    [() => optInt(u('offset=1e3'), 'offset', 0, 10, 0), /parameter offset/],
    [() => optEnum(u('sort=ram'), 'sort', ['name', 'cpu'], 'name'), /parameter sort: expected one of name, cpu/],
    [() => optLabel(u('label=app'), 'label'), /parameter label: expected key=value/],
    [() => parseMetricList('node', 'cpu,disk'), /parameter metrics: unknown metric "disk" for node/],
  ];
  for (const [f, re] of cases) {
    assert.throws(f, (e: Error & { statusCode?: number }) => re.test(e.message) && e.statusCode === 400, re.source);
  }
  assert.deepEqual(optLabel(u('label=app.kubernetes.io/name%3Dweb'), 'label'), { key: 'app.kubernetes.io/name', value: 'web' });
  assert.equal(optInt(u(''), 'limit', 1, 1000, 200), 200);
});
