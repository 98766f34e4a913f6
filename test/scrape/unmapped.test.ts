import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { UnmappedFields } from '../../src/scrape/unmapped.js';
import { decodeSummary } from '../../src/metrics/sources/summary.js';
import { readFixture, setAt } from '../metrics/fixtures.js';

function capture(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { out.push(String(chunk)); cb(); } });
  return { logger: pino({ level: 'info' }, stream), lines: () => out.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('unmapped fields from decoded payloads are logged once each and counted', () => {
  const { logger, lines } = capture();
  const fields = new UnmappedFields(100, logger);
  const doc: unknown = JSON.parse(readFixture('summary-nri-1.16.json').toString('utf8'));
  setAt(doc, 'node.memory.newThing', 5);
  const body = JSON.stringify(doc);
  for (let i = 0; i < 3; i++) {
    const fresh = fields.record('summary', decodeSummary(body).unmapped);
    assert.deepEqual(fresh, i === 0 ? ['node.memory.newThing'] : []);
  }
  const logged = lines();
  assert.equal(logged.length, 1);
  assert.equal(logged[0].path, 'node.memory.newThing');
  assert.equal(logged[0].source, 'summary');
  assert.deepEqual(fields.report(), { counts: { 'summary:node.memory.newThing': 3 }, overflowed: 0 });
});

test('unmapped fields: the table of reported paths is bounded', () => {
  const { logger, lines } = capture();
  const fields = new UnmappedFields(2, logger);
  fields.record('cadvisor', ['a', 'b', 'c', 'd']);
  fields.record('cadvisor', ['a', 'c']);
  assert.equal(lines().length, 2);
  assert.deepEqual(fields.report(), { counts: { 'cadvisor:a': 2, 'cadvisor:b': 1 }, overflowed: 3 });
  assert.throws(() => new UnmappedFields(0, logger), /maxPaths must be a positive integer/);
});
