// A live page's charts grow by appending: the series API answers only the buckets from a given start on
// (`after`, answered as `since`), and this puts them after the buckets the page already holds, dropping
// those the range has left. Kept free of the DOM so node tests can check it.
import type { SeriesResult } from '../series.js';

/** A series answer that may hold only its newest buckets: `since` is where they start (null: all of them). */
export type SeriesTail = SeriesResult & { since?: number | null };

/**
 * How far back an update asks again: a sample may be stored a while after its time (a kubelet's stats
 * are up to its housekeeping interval old, summary and cAdvisor rows arrive apart), so the last minute
 * of buckets is fetched anew rather than only the newest one.
 */
const REFETCH_S = 60;

/** The `after` to ask with for the answers held (epoch seconds), or undefined to ask for the whole range. */
export function appendFrom(held: ReadonlyArray<SeriesResult | null>): number | undefined {
  let newest = Infinity;
  for (const h of held) {
    if (!h || h.ts.length === 0) continue;
    newest = Math.min(newest, h.ts[h.ts.length - 1]);
  }
  return newest === Infinity ? undefined : newest - REFETCH_S;
}

type Series = SeriesResult['series'][number];
const key = (metric: string, group: string | null): string => `${metric}\u0000${group ?? ''}\u0000${group === null ? 0 : 1}`;

/**
 * The held answer brought up to date with `got`: the held buckets before `got.since` that are still in
 * the range, then `got`'s. Laid out as a whole answer of the range would be (every metric with every
 * group, groups sorted), so colours and lines stay where they were. A whole answer, or one of another
 * bucket width or resolution, replaces the held one.
 */
export function appendSeries(held: SeriesResult | null, got: SeriesTail): SeriesResult {
  const since = got.since ?? null;
  const { since: _drop, ...answer } = got;
  if (since === null || !held || held.bucketS !== got.bucketS || held.resolution !== got.resolution) return answer;
  const fromS = Date.parse(got.from) / 1000;
  // The held buckets that overlap the range and come before the new answer's first.
  let first = 0;
  while (first < held.ts.length && held.ts[first] + held.bucketS <= fromS) first++;
  let end = first;
  while (end < held.ts.length && held.ts[end] < since) end++;
  const kept = held.ts.slice(first, end);
  const ts = kept.concat(got.ts);
  const oldBy = new Map(held.series.map((s) => [key(s.metric, s.group), s]));
  const newBy = new Map(got.series.map((s) => [key(s.metric, s.group), s]));
  const metrics = [...new Set([...got.series, ...held.series].map((s) => s.metric))];
  const groups = [...new Set([...held.series, ...got.series].map((s) => s.group))];
  const series: Series[] = [];
  const reported = new Set<string | null>();
  for (const metric of metrics) {
    for (const group of groups) {
      const o = oldBy.get(key(metric, group));
      const n = newBy.get(key(metric, group));
      const unit = (n ?? o)!.unit;
      const values = (o ? o.values.slice(first, end) : new Array<number | null>(kept.length).fill(null))
        .concat(n ? n.values : new Array<number | null>(got.ts.length).fill(null));
      const unsampled = [
        ...(o ? o.unsampled.filter((i) => i >= first && i < end).map((i) => i - first) : []),
        ...(n ? n.unsampled.map((i) => i + kept.length) : []),
      ];
      if (unsampled.length || values.some((v) => v !== null)) reported.add(group);
      series.push({ metric, group, unit, values, unsampled });
    }
  }
  // A group that reported nothing left in the range is gone from it, as from a whole answer.
  const sorted = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  const order = groups.filter((g) => reported.has(g)).sort(sorted);
  const byMetric = (s: Series): number => metrics.indexOf(s.metric) * (order.length + 1) + order.indexOf(s.group);
  return { ...answer, table: held.table, ts, series: series.filter((s) => reported.has(s.group)).sort((a, b) => byMetric(a) - byMetric(b)) };
}
