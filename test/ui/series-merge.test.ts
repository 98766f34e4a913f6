// Live charts grow by appending (src/viewer/ui/series-merge.ts): the newest buckets of an answer go after
// those held, the ones the range has left are dropped, and the result is laid out as a whole answer of the
// range would be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFrom, appendSeries, type SeriesTail } from '../../src/viewer/ui/series-merge.js';
import type { SeriesResult } from '../../src/viewer/series.js';

type Line = SeriesResult['series'][number];
const iso = (s: number): string => new Date(s * 1000).toISOString();

function answer(fromS: number, toS: number, ts: number[], series: Line[], since?: number | null): SeriesTail {
  return { resolution: 'raw', table: 'interface_metric', bucketS: 3, from: iso(fromS), to: iso(toS), ts, series, charts: [], ...(since === undefined ? {} : { since }) };
}
const line = (metric: string, group: string | null, values: Array<number | null>, unsampled: number[] = []): Line => ({ metric, group, unit: 'bytes/s', values, unsampled });

test('the newest buckets replace the held ones from `since` and follow the older ones; buckets before the range go', () => {
  const held = answer(1000, 1900, [999, 1002, 1005, 1008], [line('rx', 'eth0', [1, 2, 3, 4], [1])]);
  // The range moved on by 6 s: bucket 999 ends at 1002, before the new start 1004.
  const got = answer(1004, 1906, [1005, 1008, 1011], [line('rx', 'eth0', [30, 40, 50], [2])], 1005);
  const merged = appendSeries(held, got);
  assert.deepEqual(merged.ts, [1002, 1005, 1008, 1011]);
  assert.deepEqual(merged.series, [line('rx', 'eth0', [2, 30, 40, 50], [0, 3])]);
  assert.equal(merged.from, iso(1004), 'the answer\'s range');
  assert.equal('since' in merged, false, 'a whole answer again');
});

test('a group that appears gets nulls before; one that reported nothing left in the range is gone', () => {
  const held = answer(1000, 1900, [1002, 1005], [line('rx', 'eth0', [1, 2]), line('rx', 'eth1', [5, null]), line('tx', 'eth0', [3, 4]), line('tx', 'eth1', [6, null])]);
  const got = answer(1003, 1903, [1005, 1008], [line('rx', 'eth0', [2, 7]), line('rx', 'eth2', [null, 9]), line('tx', 'eth0', [4, 8]), line('tx', 'eth2', [null, 10])], 1005);
  // Still in range (1002 + 3 > 1003): eth1 keeps its line.
  const merged = appendSeries(held, got);
  assert.deepEqual(merged.series.map((s) => `${s.metric}/${s.group}`), ['rx/eth0', 'rx/eth1', 'rx/eth2', 'tx/eth0', 'tx/eth1', 'tx/eth2'], 'every metric with every group, groups sorted');
  assert.deepEqual(merged.series.find((s) => s.metric === 'rx' && s.group === 'eth2')!.values, [null, null, 9]);
  assert.deepEqual(merged.series.find((s) => s.metric === 'tx' && s.group === 'eth1')!.values, [6, null, null]);
  // Later: 1002 has left the range, and with it eth1's only sample.
  const later = appendSeries(merged, answer(1006, 1906, [1008], [line('rx', 'eth0', [7]), line('rx', 'eth2', [9]), line('tx', 'eth0', [8]), line('tx', 'eth2', [10])], 1008));
  assert.deepEqual(later.ts, [1005, 1008]);
  assert.deepEqual(later.series.map((s) => `${s.metric}/${s.group}`), ['rx/eth0', 'rx/eth2', 'tx/eth0', 'tx/eth2']);
});

test('a whole answer, another bucket width or nothing held: the answer as it is', () => {
  const held = answer(1000, 1900, [1002], [line('rx', null, [1])]);
  const whole = answer(1000, 1903, [1005], [line('rx', null, [2])], null);
  assert.deepEqual(appendSeries(held, whole).ts, [1005]);
  const wider = { ...answer(1000, 1903, [1005], [line('rx', null, [2])], 1005), bucketS: 6 };
  assert.deepEqual(appendSeries(held, wider).ts, [1005]);
  assert.deepEqual(appendSeries(null, answer(1000, 1903, [1005], [line('rx', null, [2])], 1005)).ts, [1005]);
});

test('an update asks again from a minute before the newest bucket both answers hold', () => {
  assert.equal(appendFrom([answer(0, 900, [600, 603], []), answer(0, 900, [597], [])]), 537);
  assert.equal(appendFrom([answer(0, 900, [], []), null]), undefined, 'nothing held: the whole range');
});
