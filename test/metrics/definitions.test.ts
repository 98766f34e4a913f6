import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ENTITIES, ENTITY_TABLES, METRIC_DEFS, emptyMetricRows, entityKeyOf, identityColumnsOf, metricColumnsOf, rowFactory,
} from '../../src/metrics/definitions.js';
import { IGNORED_CADVISOR_FAMILIES } from '../../src/metrics/sources/cadvisor-families.js';
import { fixtureNames, readFixture } from './fixtures.js';

test('definitions: snake_case unique columns, a rate for every counter, keys framed by cluster_id and ts', () => {
  for (const entity of ENTITIES) {
    const table = ENTITY_TABLES[entity];
    assert.equal(table.entity, entity);
    assert.equal(table.keys[0].column, 'cluster_id');
    assert.equal(table.keys[table.keys.length - 1].column, 'ts');
    const columns = [...table.keys.map((k) => k.column), ...table.attributes.map((a) => a.column),
      ...metricColumnsOf(entity).map((c) => c.column)];
    assert.equal(new Set(columns).size, columns.length, `${entity}: duplicate column`);
    for (const c of columns) assert.match(c, /^[a-z][a-z0-9_]*$/, `${entity}.${c}`);
    assert.deepEqual(Object.keys(rowFactory(entity)()), [...identityColumnsOf(entity), ...metricColumnsOf(entity).map((c) => c.column)]);
  }
  // One empty list per entity, and fresh lists on every call: a shared list would carry one scrape's rows
  // into the next.
  const a = emptyMetricRows();
  const b = emptyMetricRows();
  assert.deepEqual(Object.keys(a), [...ENTITIES]);
  for (const entity of ENTITIES) {
    assert.deepEqual(a[entity], [], entity);
    assert.notEqual(a[entity], b[entity], `${entity}: a new list per call`);
  }
  a.node.push({ node: 'n' });
  assert.deepEqual(b.node, []);
  for (const d of METRIC_DEFS) {
    assert.ok(d.summary || d.cadvisor || d.resource, `${d.entity}.${d.column} has a source`);
    assert.equal(d.kind === 'counter', Boolean(d.rate), `${d.entity}.${d.column}: counters and only counters have a rate`);
  }
  assert.equal(entityKeyOf('container', { pod_uid: 'u', container: 'c', ts: new Date(0) }), 'u\u001fc');
});

test('definitions: every cAdvisor family in the fixtures is either mapped or ignored with a reason', () => {
  const mapped = new Set(METRIC_DEFS.map((d) => d.cadvisor?.family).filter(Boolean));
  for (const name of fixtureNames('cadvisor-')) {
    const families = new Set(readFixture(name).toString('utf8').split('\n')
      .filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
    for (const f of families) {
      assert.ok(mapped.has(f) || IGNORED_CADVISOR_FAMILIES[f], `${name}: ${f}`);
      assert.ok(!(mapped.has(f) && IGNORED_CADVISOR_FAMILIES[f]), `${f} both mapped and ignored`);
    }
  }
});
