// choosePacking (history/int-body.ts) picks the patched frame of reference the format's cost says is
// cheapest, with a search that carries the best window count from one width to the next and stops early.
// Here it must choose exactly what an exhaustive search does — every width, every base, every window
// counted anew — on seeded random sequences of many shapes (flat with outliers, duplicates, negatives,
// noise of every width, values near 2^52), with and without a bit budget: the same base, width,
// exceptions and bytes, hence the same stored bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePacking } from '../../src/store/history/int-body.js';
import { seededRandom } from '../../src/store/history/synthetic.js';

function width(v: number): number {
  return v === 0 ? 0 : v.toString(2).length;
}

function zigzag(x: number): number {
  return x >= 0 ? 2 * x : -2 * x - 1;
}

function varintBytes(v: number): number {
  return Math.max(1, Math.ceil(width(v) / 7));
}

/** Every width and every base tried, windows counted from scratch; the cheapest, the narrowest on a tie. */
function exhaustive(xs: number[], maxBits: number): { base: number; width: number; exceptions: number[]; bytes: number } | null {
  const k = xs.length;
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  if (!Number.isSafeInteger(2 * (hi - lo) + 1) || width(hi - lo) > 53) return null;
  const positionWidth = width(k - 1);
  const bases = [...new Set(xs)].sort((a, b) => a - b);
  let best: { base: number; width: number; exceptions: number[]; bits: number } | null = null;
  for (let w = 0; w <= width(hi - lo); w++) {
    let base = bases[0];
    let most = -1;
    for (const b of bases) {
      const inside = xs.filter((x) => x >= b && x < b + 2 ** w).length;
      if (inside > most) {
        most = inside;
        base = b;
      }
    }
    const exceptions = xs.flatMap((x, i) => (x >= base && x < base + 2 ** w ? [] : [i]));
    let bits = k * w + 8 * varintBytes(zigzag(base));
    if (exceptions.length) {
      const ew = width(Math.max(...exceptions.map((i) => zigzag(xs[i] - base))));
      bits += 16 + 8 * varintBytes(exceptions.length) + exceptions.length * (positionWidth + ew);
    }
    if (!best || bits < best.bits) best = { base, width: w, exceptions, bits };
  }
  if (!best || best.bits > maxBits) return null;
  return { base: best.base, width: best.width, exceptions: best.exceptions, bytes: Math.ceil(best.bits / 8) };
}

function sequences(): number[][] {
  const rnd = seededRandom(15);
  const int = (n: number): number => Math.floor(rnd() * n);
  const out: number[][] = [[0], [5, 5, 5], [-3, 7], [2 ** 52 - 1, 2 ** 52 - 9, 3]];
  for (let c = 0; c < 420; c++) {
    // Mostly short; some long enough for the sort's partitioning, not only its insertion sort.
    const k = c < 400 ? 1 + int(60) : 100 + int(200);
    const spread = 2 ** int(48);
    const offset = int(3) === 0 ? -int(2 ** 40) : int(1000);
    const outliers = int(4);
    const xs = Array.from({ length: k }, () => offset + int(spread));
    // Flat runs, repeats and a few far outliers: the shapes where exceptions pay.
    if (c % 3 === 0) for (let i = 0; i < k; i++) if (rnd() < 0.7) xs[i] = offset;
    for (let o = 0; o < outliers; o++) xs[int(k)] = offset + (rnd() < 0.5 ? -1 : 1) * int(2 ** (10 + int(40)));
    out.push(xs);
  }
  // Ranges under twice the count (the counting sort's): jittered timestamps' deltas, flat gauges.
  for (let c = 0; c < 60; c++) {
    const k = 2 + int(300);
    const base = int(2) === 0 ? 15_000 : -int(2 ** 30);
    out.push(Array.from({ length: k }, () => base + (rnd() < 0.6 ? 0 : int(2 * k))));
  }
  return out;
}

test('choosePacking chooses what an exhaustive search chooses, with and without a bit budget', () => {
  let withExceptions = 0;
  for (const xs of sequences()) {
    const free = exhaustive(xs, Infinity);
    assert.ok(free, `a packing for ${xs.join(',')}`);
    if (free.exceptions.length) withExceptions++;
    for (const maxBits of [Infinity, free.bytes * 8, free.bytes * 8 - 9, 8 * xs.length]) {
      const want = exhaustive(xs, maxBits);
      const got = choosePacking(xs, maxBits);
      const name = `[${xs.join(',')}] within ${maxBits} bits`;
      if (!want) {
        assert.equal(got, null, name);
        continue;
      }
      assert.ok(got, name);
      assert.deepEqual({ base: got.base, width: got.width, exceptions: got.exceptions, bytes: got.bytes }, want, name);
    }
  }
  // The cases must reach the search's interesting part: windows that leave values out.
  assert.ok(withExceptions >= 50, `${withExceptions} sequences packed with exceptions`);
});

test('choosePacking declines offsets beyond 2^53', () => {
  assert.equal(choosePacking([-(2 ** 52), 2 ** 52]), null);
});
