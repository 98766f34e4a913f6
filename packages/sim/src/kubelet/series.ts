// Deterministic, closed-form series for the simulated kubelets. Every cumulative counter is the integral
// of a smooth positive rate (diurnal wave + a faster wave) plus a bounded per-tick jitter, so a counter can
// be evaluated at any tick without stepping through the ticks in between (5,000 kubelets, no timers), and
// the rate shown at a tick is exactly the counter delta over that tick divided by its length.

const TWO_PI = Math.PI * 2;
export const DAY_S = 86_400;

/** 32-bit integer hash (xorshift-multiply); pure and fast, used to derive seeds and per-tick noise. */
export function hash32(a: number, b = 0): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) from a seed and a stream index. */
export function unit(seed: number, stream: number): number {
  return hash32(seed, stream) / 4294967296;
}

/** Seeded value in [lo, hi). */
export function between(seed: number, stream: number, lo: number, hi: number): number {
  return lo + (hi - lo) * unit(seed, stream);
}

/** A stable 32-bit seed from a string (FNV-1a), for uids and names. */
export function seedOf(text: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return hash32(h >>> 0, salt);
}

/**
 * A positive rate r(t) = base · (1 + dAmp·sin(2πt/day + dPhase) + wAmp·sin(2πt/wPeriod + wPhase)) with a
 * closed-form integral, plus a jitter term added to the counter at each tick (see counterAt).
 * dAmp + wAmp < 1 keeps the rate strictly positive.
 *
 * Held in a plain array of doubles indexed by the W constants, not in an object: V8 keeps an array's
 * doubles unboxed in one backing store, where an object's fractional fields each get a heap box of their
 * own (a wave would cost a dozen allocations; a tick makes five per container).
 */
export type RateWave = number[];

export const W = {
  base: 0, dAmp: 1, dPhase: 2, wAmp: 3, wPeriodS: 4, wPhase: 5,
  /** Jitter as a fraction (0..0.9) of the smallest possible one-tick increment; keeps counters monotonic. */
  jitter: 6,
  /** Seed of the per-tick jitter stream. */
  noiseSeed: 7,
  /** The integral at the last two start times asked (a container's and its pod's start) and at the last
   *  end time (a container's own counters and its pod's are evaluated at the same tick): asked every tick
   *  while the wave's model is reused, and two cosines each. NaN = none yet. */
  memoS0: 8, memoV0: 9, memoS1: 10, memoV1: 11, memoT: 12, memoTV: 13,
} as const;

/** Antiderivative of the smooth part of the rate, t in seconds (relative to any fixed epoch). */
export function waveIntegral(w: RateWave, tS: number): number {
  const wd = TWO_PI / DAY_S;
  const ww = TWO_PI / w[W.wPeriodS];
  return w[W.base] * (tS - (w[W.dAmp] / wd) * Math.cos(wd * tS + w[W.dPhase]) - (w[W.wAmp] / ww) * Math.cos(ww * tS + w[W.wPhase]));
}

/** The smooth rate at t (for gauges that follow the same load, e.g. memory). */
export function waveAt(w: RateWave, tS: number): number {
  return w[W.base] * (1 + w[W.dAmp] * Math.sin((TWO_PI / DAY_S) * tS + w[W.dPhase]) + w[W.wAmp] * Math.sin((TWO_PI / w[W.wPeriodS]) * tS + w[W.wPhase]));
}

/**
 * Counter value at tick time tS (tick index k) for an incarnation started at startS: integral of the
 * smooth rate since start plus jitter·(smallest one-tick increment)·noise(k). Because the jitter is below
 * the smallest increment over a full tick, the counter never decreases from one tick to the next.
 */
export function counterAt(w: RateWave, startS: number, tS: number, k: number, tickS: number): number {
  if (tS <= startS) return 0;
  let end: number;
  if (w[W.memoT] === tS) end = w[W.memoTV]!;
  else {
    end = waveIntegral(w, tS);
    w[W.memoT] = tS;
    w[W.memoTV] = end;
  }
  const smooth = end - startIntegral(w, startS);
  const minStep = w[W.base] * (1 - w[W.dAmp] - w[W.wAmp]) * tickS;
  const jitter = w[W.jitter] * minStep * unit(w[W.noiseSeed], k);
  // During the first tick of an incarnation the smooth part may be smaller than the jitter; cap it.
  return smooth + Math.min(jitter, smooth);
}

/** waveIntegral(w, startS), remembered for the wave's last two start times. */
function startIntegral(w: RateWave, startS: number): number {
  if (w[W.memoS0] === startS) return w[W.memoV0];
  if (w[W.memoS1] === startS) return w[W.memoV1];
  const v = waveIntegral(w, startS);
  // The newest in front, the older one second (a container start and its pod start alternate).
  w[W.memoS1] = w[W.memoS0]!;
  w[W.memoV1] = w[W.memoV0]!;
  w[W.memoS0] = startS;
  w[W.memoV0] = v;
  return v;
}

/** Epoch used for all series so that t stays a moderate number (1.6e9 s ≈ 2020-09-13). */
export const SERIES_EPOCH_S = 1_600_000_000;

export function makeWave(seed: number, stream: number, base: number, shape: { dAmp: number; wAmp: number; wPeriodS: [number, number]; jitter: number }, dayPhase: number): RateWave {
  // In W order; the memo slots start as NaN (never equal to a time).
  return [
    base, shape.dAmp, dayPhase, shape.wAmp,
    between(seed, stream + 1, shape.wPeriodS[0], shape.wPeriodS[1]),
    between(seed, stream + 2, 0, TWO_PI),
    shape.jitter, hash32(seed, stream + 3),
    NaN, NaN, NaN, NaN, NaN, NaN,
  ];
}
