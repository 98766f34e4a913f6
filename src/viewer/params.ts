// Query parameters of the viewer API, parsed once into typed values. Every parameter is checked against
// an explicit shape; a bad one is a 400 whose message names the parameter and what was expected.
import { RequestError } from '../server/http-server.js';

function bad(param: string, expected: string, got: string): RequestError {
  return new RequestError(400, `query parameter ${param}: expected ${expected}, got ${JSON.stringify(got.slice(0, 80))}`);
}

/** Kubernetes names and label values: DNS-ish text, bounded length (no quotes, no SQL). */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,252}$/;

export function optName(u: URL, param: string): string | undefined {
  const v = u.searchParams.get(param);
  if (v === null || v === '') return undefined;
  if (!NAME_RE.test(v)) throw bad(param, 'a Kubernetes name (letters, digits, . _ - : /, at most 253)', v);
  return v;
}

/** One or more names, comma-separated (a multi-select filter): each checked as optName checks one. */
export function optNames(u: URL, param: string): string[] | undefined {
  const v = u.searchParams.get(param);
  if (v === null || v === '') return undefined;
  const names = v.split(',');
  if (names.length > 500) throw bad(param, 'at most 500 comma-separated names', v);
  for (const n of names) if (!NAME_RE.test(n)) throw bad(param, 'Kubernetes names, comma-separated (letters, digits, . _ - : /, at most 253 each)', n);
  return names;
}

export function reqName(u: URL, param: string): string {
  const v = optName(u, param);
  if (v === undefined) throw new RequestError(400, `query parameter ${param}: required`);
  return v;
}

/** Free-text filter: any printable text up to 100 characters (used only as a bound LIKE parameter). */
export function optSearch(u: URL, param: string): string | undefined {
  const v = u.searchParams.get(param);
  if (v === null || v === '') return undefined;
  // eslint-disable-next-line no-control-regex -- rejecting control characters is what this pattern is for
  if (v.length > 100 || /[\u0000-\u001f]/.test(v)) throw bad(param, 'printable text of at most 100 characters', v);
  return v;
}

export function optInt(u: URL, param: string, min: number, max: number, dflt: number): number {
  const v = u.searchParams.get(param);
  if (v === null || v === '') return dflt;
  if (!/^-?\d{1,15}$/.test(v) || Number(v) < min || Number(v) > max) throw bad(param, `an integer from ${min} to ${max}`, v);
  return Number(v);
}

export function optEnum<T extends string>(u: URL, param: string, allowed: readonly T[], dflt: T): T {
  const v = u.searchParams.get(param);
  if (v === null || v === '') return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw bad(param, `one of ${allowed.join(', ')}`, v);
  return v as T;
}

/** `key=value` label selector (one pair): the pods table's label filter. */
export function optLabel(u: URL, param: string): { key: string; value: string } | undefined {
  const v = u.searchParams.get(param);
  if (v === null || v === '') return undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9._/-]{0,252})=([A-Za-z0-9._-]{0,63})$/.exec(v);
  if (!m) throw bad(param, 'key=value (a Kubernetes label)', v);
  return { key: m[1], value: m[2] };
}

/** An instant: ISO 8601 or epoch milliseconds. */
export function parseInstant(param: string, v: string): Date {
  const ms = /^\d{10,14}$/.test(v) ? Number(v) : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw bad(param, 'an ISO 8601 time or epoch milliseconds', v);
  return new Date(ms);
}

function optInstant(u: URL, param: string): Date | undefined {
  const v = u.searchParams.get(param);
  if (v === null || v === '') return undefined;
  return parseInstant(param, v);
}

/** Named relative ranges of the time-range picker, in milliseconds. */
const RANGES_MS = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
} as const;
type RangeName = keyof typeof RANGES_MS;

export interface TimeRange {
  from: Date;
  to: Date;
}

/** Maximum span of any query: the longest retention anyone keeps rollups for, bounded. */
const MAX_SPAN_MS = 400 * 86_400_000;

/** `range=15m|1h|…|30d` (relative to now) or `from=…&to=…` (custom); default the last 15 minutes. */
export function timeRange(u: URL, nowMs: number = Date.now()): TimeRange {
  const from = optInstant(u, 'from');
  const to = optInstant(u, 'to');
  if (from || to) {
    if (!from) throw new RequestError(400, 'query parameter from: required when to is given');
    const end = to ?? new Date(nowMs);
    if (end.getTime() <= from.getTime()) throw bad('to', 'a time after from', u.searchParams.get('to') ?? '');
    if (end.getTime() - from.getTime() > MAX_SPAN_MS) throw bad('from', 'a range of at most 400 days', u.searchParams.get('from') ?? '');
    return { from, to: end };
  }
  const name = optEnum(u, 'range', Object.keys(RANGES_MS) as RangeName[], '15m');
  return { from: new Date(nowMs - RANGES_MS[name]), to: new Date(nowMs) };
}

/**
 * What a chart's values are averaged from: `raw` the samples themselves (raw rows and the decoded history
 * blocks they were compacted into, value for value), `1m` / `1h` a rollup table.
 */
export type Resolution = 'raw' | '1m' | '1h';

/**
 * The grain of a range's chart, which fixes its bucket width (bucketSeconds): samples up to 3 hours
 * (≤ 720 samples per series at 15 s), minutes up to 2 days (≤ 2,880), hours beyond (7 days → 168
 * points, 30 days → 720). It is also the rollup read where the samples no longer reach (series.ts):
 * the 1-minute one for a grain finer than an hour.
 */
export function grainFor(r: TimeRange): Resolution {
  const span = r.to.getTime() - r.from.getTime();
  if (span <= 3 * 3_600_000) return 'raw';
  if (span <= 2 * 86_400_000) return '1m';
  return '1h';
}

/** Bucket width for a chart of at most ~maxPoints points over the range, never finer than the grain. */
export function bucketSeconds(r: TimeRange, grain: Resolution, maxPoints = 360): number {
  const span = (r.to.getTime() - r.from.getTime()) / 1000;
  const floor = grain === 'raw' ? 1 : grain === '1m' ? 60 : 3600;
  const want = Math.ceil(span / maxPoints);
  return Math.max(floor, Math.ceil(want / floor) * floor);
}
