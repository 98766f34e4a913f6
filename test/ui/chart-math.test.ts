// The viewer's chart arithmetic (src/viewer/ui/chart-math.ts): y axes from zero with round ticks in one
// unit per axis, and the throttled share of CFS periods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceStep, throttledShare, yTicks } from '../../src/viewer/ui/chart-math.js';

const GiB = 1024 ** 3;

test('round steps: 1, 2, 2.5 or 5 times a power of ten', () => {
  assert.equal(niceStep(10), 2.5);
  assert.equal(niceStep(55.9), 20);
  assert.equal(niceStep(0.9), 0.25);
  assert.equal(niceStep(4000), 1000);
});

test('a memory axis reaching 55.9 GiB: from 0 in round GiB steps, one unit, a round top', () => {
  const t = yTicks('bytes', 55.9 * GiB);
  assert.deepEqual(t.labels, ['0 GiB', '20 GiB', '40 GiB', '60 GiB']);
  assert.equal(t.values[0], 0);
  assert.equal(t.top, 60 * GiB);
  assert.ok(t.top >= 55.9 * GiB);
});

test('a CPU axis reaching 10 cores is labelled in cores throughout (no "0m" beside "10 cores")', () => {
  const t = yTicks('millicores', 9_400);
  assert.deepEqual(t.labels, ['0.0 cores', '2.5 cores', '5.0 cores', '7.5 cores', '10.0 cores']);
  assert.equal(t.top, 10_000);
  assert.deepEqual(yTicks('millicores', 370).labels, ['0m', '100m', '200m', '300m', '400m']);
});

test('rates, percentages and empty charts', () => {
  assert.deepEqual(yTicks('bytes/s', 3.3 * 1024 ** 2).labels, ['0 MiB/s', '1 MiB/s', '2 MiB/s', '3 MiB/s', '4 MiB/s']);
  assert.deepEqual(yTicks('percent', 37).labels, ['0%', '10%', '20%', '30%', '40%']);
  const empty = yTicks('millicores', null);
  assert.equal(empty.values[0], 0);
  assert.ok(empty.top > 0, 'an empty chart still has an axis');
  assert.deepEqual(yTicks('percent', 0).labels.at(-1), '10.0%');
});

test('throttled share: throttled periods over elapsed periods, in percent', () => {
  assert.deepEqual(throttledShare([5, 0, null, 3, 12], [10, 10, 10, 0, 10]), [50, 0, null, null, 100]);
  assert.deepEqual(throttledShare([2.5, undefined], [10, 10]), [25, null]);
});
