// The arithmetic of the charts, kept free of the DOM so node tests can check it: y axes from zero to a
// round top with round steps, every tick in one display unit (never "0m" beside "10 cores" nor
// "55.9 / 37.3 GiB"), and the throttled share of CFS periods.

/** The units the series API declares for a chart (DisplayUnit in src/metrics/definitions.ts). */
/** Plus `count` and `ms` for the viewer's own charts (an autoscaler's replicas, the collector's latencies). */
export type ChartUnit = 'millicores' | 'bytes' | 'bytes/s' | 'percent' | 'count/s' | 'count' | 'ms';

export interface YTicks {
  /** Tick positions in the series' own unit, from 0 to `top`. */
  values: number[];
  labels: string[];
  /** The axis' top (the y scale's max): the last tick. */
  top: number;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
/** The axis of a chart without any positive value still spans something readable. */
const EMPTY_TOP: Record<ChartUnit, number> = { millicores: 100, bytes: 1024 ** 2, 'bytes/s': 1024, percent: 10, 'count/s': 1, count: 1, ms: 10 };

/** The display unit for an axis reaching `top`: the divisor from the series' unit and its suffix. */
function displayUnit(unit: ChartUnit, top: number): { div: number; suffix: string } {
  if (unit === 'millicores') return top >= 1000 ? { div: 1000, suffix: ' cores' } : { div: 1, suffix: 'm' };
  if (unit === 'percent') return { div: 1, suffix: '%' };
  if (unit === 'count/s') return { div: 1, suffix: '/s' };
  if (unit === 'count') return { div: 1, suffix: '' };
  if (unit === 'ms') return top >= 10_000 ? { div: 1000, suffix: ' s' } : { div: 1, suffix: ' ms' };
  let p = 0;
  while (top / 1024 ** p >= 1024 && p < BYTE_UNITS.length - 1) p++;
  return { div: 1024 ** p, suffix: ` ${BYTE_UNITS[p]}${unit === 'bytes/s' ? '/s' : ''}` };
}

/** A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` steps over `span`. */
export function niceStep(span: number, count = 4): number {
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

function decimalsOf(step: number): number {
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 6;
}

/** The y axis of a usage chart whose largest value is `max`: from zero, round steps, one unit. */
export function yTicks(unit: ChartUnit, max: number | null | undefined): YTicks {
  const top0 = max !== null && max !== undefined && Number.isFinite(max) && max > 0 ? max : EMPTY_TOP[unit];
  const { div, suffix } = displayUnit(unit, top0);
  const step = niceStep(top0 / div);
  const steps = Math.ceil(top0 / div / step - 1e-9);
  const decimals = decimalsOf(step);
  const values: number[] = [];
  const labels: string[] = [];
  for (let i = 0; i <= steps; i++) {
    values.push(i * step * div);
    labels.push(`${(i * step).toFixed(decimals)}${suffix}`);
  }
  return { values, labels, top: steps * step * div };
}

/**
 * The share (%) of CFS periods in which the cgroup was throttled, per bucket: throttled periods/s over
 * elapsed periods/s. Null where either is missing or no period elapsed (nothing ran against the quota).
 */
export function throttledShare(throttled: ReadonlyArray<number | null | undefined>, periods: ReadonlyArray<number | null | undefined>): Array<number | null> {
  return throttled.map((t, i) => {
    const p = periods[i];
    if (t === null || t === undefined || p === null || p === undefined || p <= 0) return null;
    return Math.min(100, (100 * t) / p);
  });
}
