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
 */
export interface RateWave {
  base: number;
  dAmp: number;
  dPhase: number;
  wAmp: number;
  wPeriodS: number;
  wPhase: number;
  /** Jitter as a fraction (0..0.9) of the smallest possible one-tick increment; keeps counters monotonic. */
  jitter: number;
  /** Seed of the per-tick jitter stream. */
  noiseSeed: number;
  /** The integral at the last two start times asked (a container's and its pod's start) and at the last
   *  end time (a container's own counters and its pod's are evaluated at the same tick): asked every tick
   *  while the wave's model is reused, and two cosines each. NaN = none yet. */
  memoS0: number;
  memoV0: number;
  memoS1: number;
  memoV1: number;
  memoT: number;
  memoTV: number;
}

/** Antiderivative of the smooth part of the rate, t in seconds (relative to any fixed epoch). */
export function waveIntegral(w: RateWave, tS: number): number {
  const wd = TWO_PI / DAY_S;
  const ww = TWO_PI / w.wPeriodS;
  return w.base * (tS - (w.dAmp / wd) * Math.cos(wd * tS + w.dPhase) - (w.wAmp / ww) * Math.cos(ww * tS + w.wPhase));
}

/** The smooth rate at t (for gauges that follow the same load, e.g. memory). */
export function waveAt(w: RateWave, tS: number): number {
  return w.base * (1 + w.dAmp * Math.sin((TWO_PI / DAY_S) * tS + w.dPhase) + w.wAmp * Math.sin((TWO_PI / w.wPeriodS) * tS + w.wPhase));
}

/**
 * Counter value at tick time tS (tick index k) for an incarnation started at startS: integral of the
 * smooth rate since start plus jitter·(smallest one-tick increment)·noise(k). Because the jitter is below
 * the smallest increment over a full tick, the counter never decreases from one tick to the next.
 */
export function counterAt(w: RateWave, startS: number, tS: number, k: number, tickS: number): number {
  if (tS <= startS) return 0;
  let end: number;
  if (w.memoT === tS) end = w.memoTV;
  else {
    end = waveIntegral(w, tS);
    w.memoT = tS;
    w.memoTV = end;
  }
  const smooth = end - startIntegral(w, startS);
  const minStep = w.base * (1 - w.dAmp - w.wAmp) * tickS;
  const jitter = w.jitter * minStep * unit(w.noiseSeed, k);
  // During the first tick of an incarnation the smooth part may be smaller than the jitter; cap it.
  return smooth + Math.min(jitter, smooth);
}

/** waveIntegral(w, startS), remembered for the wave's last two start times. */
function startIntegral(w: RateWave, startS: number): number {
  if (w.memoS0 === startS) return w.memoV0;
  if (w.memoS1 === startS) return w.memoV1;
  const v = waveIntegral(w, startS);
  // The newest in front, the older one second (a container start and its pod start alternate).
  w.memoS1 = w.memoS0;
  w.memoV1 = w.memoV0;
  w.memoS0 = startS;
  w.memoV0 = v;
  return v;
}

/** Epoch used for all series so that t stays a moderate number (1.6e9 s ≈ 2020-09-13). */
export const SERIES_EPOCH_S = 1_600_000_000;

export function makeWave(seed: number, stream: number, base: number, shape: { dAmp: number; wAmp: number; wPeriodS: [number, number]; jitter: number }, dayPhase: number): RateWave {
  return {
    base,
    dAmp: shape.dAmp,
    dPhase: dayPhase,
    wAmp: shape.wAmp,
    wPeriodS: between(seed, stream + 1, shape.wPeriodS[0], shape.wPeriodS[1]),
    wPhase: between(seed, stream + 2, 0, TWO_PI),
    jitter: shape.jitter,
    noiseSeed: hash32(seed, stream + 3),
    memoS0: NaN,
    memoV0: NaN,
    memoS1: NaN,
    memoV1: NaN,
    memoT: NaN,
    memoTV: NaN,
  };
}
