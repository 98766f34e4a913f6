// The integer body of a history column (layout in codec.ts): m non-null int64 values as a constant, as
// patched frame-of-reference bit packing of the values, of their deltas or of their deltas of deltas
// (whichever is smallest for this block), or as raw 8-byte words when no packed form stays exact.
//
// Why frame of reference rather than varints: PostgreSQL must decode the blocks without an extension, and
// a fixed bit width per block turns "the i-th value" into one substring of a bit string, so the SQL decoder
// stays set-based (generate_series + window sums) instead of a byte-by-byte PL/pgSQL loop. "Patched": the
// few values outside the chosen window (a counter reset, a gap in the timestamps, the one change in a
// gauge that is otherwise flat) go to an exception list, so they do not widen every other value.
//
// Arithmetic is on JS numbers; every derived quantity is checked to be a safe integer, which makes each
// subtraction exact and lets the decoder's additions land exactly on the original values (integers above
// 2^53 that JS numbers can hold still round-trip, their deltas being small). A block where that fails
// falls back to raw words written from BigInt.
import { BitReader, BitWriter, ByteReader, ByteWriter, bitWidth, unzigzag, zigzag } from './bits.js';

const enum Transform {
  Const = 0,
  For = 1,
  Delta = 2,
  DeltaOfDelta = 3,
  Raw64 = 4,
}

interface Packing {
  base: number;
  width: number;
  /** Indexes (into the transformed sequence) of values outside [base, base + 2^width). */
  exceptions: number[];
  positionWidth: number;
  exceptionWidth: number;
  bytes: number;
}

const MAX_WIDTH = 53;

function varintBytes(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/**
 * Sorts a[lo, hi) ascending (numbers, no NaN). Float64Array.prototype.sort took ~70 ns a value on the
 * compactor's few-hundred-value columns, most of its packing search; a three-way quicksort (columns
 * repeat values a lot) with insertion sort for short runs takes a fraction of it. Past a depth that
 * only adversarial input reaches, the built-in sort finishes the range.
 */
function sortRange(a: Float64Array, lo: number, hi: number, depth = 0): void {
  while (hi - lo > 24) {
    if (depth++ > 40) {
      a.subarray(lo, hi).sort();
      return;
    }
    // Median of three as the pivot.
    const x = a[lo];
    const y = a[(lo + hi) >>> 1];
    const z = a[hi - 1];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // a[lo, lt) < pivot, a[lt, i) = pivot, a(gt, hi) > pivot.
    let lt = lo;
    let i = lo;
    let gt = hi - 1;
    while (i <= gt) {
      const v = a[i];
      if (v < pivot) {
        a[i++] = a[lt];
        a[lt++] = v;
      } else if (v > pivot) {
        a[i] = a[gt];
        a[gt--] = v;
      } else {
        i++;
      }
    }
    // Recurse into the smaller side, loop on the larger (stack depth stays logarithmic).
    if (lt - lo < hi - gt - 1) {
      sortRange(a, lo, lt, depth);
      lo = gt + 1;
    } else {
      sortRange(a, gt + 1, hi, depth);
      hi = lt;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Sorted copies of the sequences choosePacking sizes (a block holds at most 65,535 rows). */
let sortScratch = new Float64Array(1024);
/** Counts per value for countingSort (all zero between calls). */
let countScratch = new Uint16Array(1024);

/**
 * Sorts k integers whose range hi − lo is under 2k into `sorted` by counting them: the deltas of
 * timestamps and of slowly moving gauges, the values of a counter that barely moves. Two linear passes
 * instead of the quicksort's k log k compares. Counts fit 16 bits: a block holds at most 65,535 values.
 */
function countingSort(sorted: Float64Array, k: number, lo: number, hi: number): void {
  const range = hi - lo + 1;
  if (countScratch.length < range) countScratch = new Uint16Array(Math.max(range, 2 * countScratch.length));
  const counts = countScratch;
  for (let i = 0; i < k; i++) counts[sorted[i] - lo]++;
  let at = 0;
  for (let v = 0; v < range; v++) {
    for (let c = counts[v]; c > 0; c--) sorted[at++] = lo + v;
    counts[v] = 0;
  }
}

/**
 * The cheapest patched frame of reference for xs, or null when an offset would not be a safe integer or
 * none fits in `maxBits` (another transform already does: the search stops at the first width whose
 * packed values alone would take more, since the cost only grows with the width from there). Of equal
 * costs the narrowest width wins; a width's window is the earliest of those holding the most values.
 */
export function choosePacking(xs: ArrayLike<number>, maxBits = Infinity): Packing | null {
  const k = xs.length;
  if (sortScratch.length < k) sortScratch = new Float64Array(Math.max(k, 2 * sortScratch.length));
  const sorted = sortScratch.subarray(0, k);
  // Counters and times come ascending already: sorting is skipped for them.
  let ascending = true;
  let lo = xs[0];
  let hi = lo;
  sorted[0] = lo;
  for (let i = 1; i < k; i++) {
    const x = xs[i];
    if (x < sorted[i - 1]) ascending = false;
    if (x < lo) lo = x;
    else if (x > hi) hi = x;
    sorted[i] = x;
  }
  if (!ascending) {
    if (hi - lo < 2 * k) countingSort(sorted, k, lo, hi);
    else sortRange(sorted, 0, k);
  }
  if (!Number.isSafeInteger(2 * (hi - lo) + 1)) return null;
  const fullWidth = bitWidth(hi - lo);
  if (fullWidth > MAX_WIDTH) return null;
  const positionWidth = bitWidth(k - 1);
  let bestBits = Infinity;
  let bestBase = 0;
  let bestWidth = -1;
  // The most values a window of the current width holds: never fewer than at the width before, so each
  // width's scan starts from it and only asks whether a window holds one more (O(k) a width, one compare
  // a step), rather than sizing every window anew.
  let count = 1;
  // An upper bound on the count at the width being sized: a window of width w + 1 is two of width w, so
  // it holds at most twice the count at w; below fullWidth no window holds both lo and hi.
  let countBound = k - 1;
  for (let width = 0, span = 1; width <= fullWidth; width++, span *= 2) {
    // Every width from here on costs at least k × width bits plus a one-byte base: no better than the
    // best so far (equal never replaces it) nor within maxBits.
    const limit = Math.min(bestBits, maxBits + 1);
    if (k * width + 8 >= limit) break;
    if (width < fullWidth) {
      // Skip a width whose cost cannot reach the limit even with the fewest exceptions the bound allows:
      // base, count and exception widths of a byte at least, each exception its position plus at least
      // ewMin bits (an exception beyond the window's top is hi, more than 2^(width+1) in zigzag; with
      // only lo below it, the window ends at hi, so lo lies more than hi − lo − 2^width below the base).
      const ewMin = Math.min(fullWidth, bitWidth(2 * (hi - lo) - 2 * span + 1));
      if (k * width + 32 + (k - countBound) * (positionWidth + ewMin) >= limit) {
        countBound = Math.min(k - 1, 2 * countBound);
        continue;
      }
    }
    let start = -1;
    for (let a = 0; a + count <= k; a++) {
      if (start < 0 && sorted[a + count - 1] - sorted[a] < span) start = a;
      while (a + count < k && sorted[a + count] - sorted[a] < span) {
        count++;
        start = a;
      }
    }
    const base = sorted[start];
    const lastIn = start + count - 1;
    const nExc = k - count;
    let bits = k * width;
    if (nExc > 0) {
      const lowZ = start > 0 ? zigzag(lo - base) : 0;
      const highZ = lastIn < k - 1 ? zigzag(hi - base) : 0;
      bits += 16 + 8 * varintBytes(nExc) + nExc * (positionWidth + bitWidth(Math.max(lowZ, highZ)));
    }
    bits += 8 * varintBytes(zigzag(base));
    if (bits < bestBits) {
      bestBits = bits;
      bestBase = base;
      bestWidth = width;
    }
    if (nExc === 0) break;
    countBound = Math.min(k - 1, 2 * count);
  }
  if (bestWidth < 0 || bestBits > maxBits) return null;
  const base = bestBase;
  const width = bestWidth;
  const span = 2 ** width;
  const exceptions: number[] = [];
  let maxZ = 0;
  for (let i = 0; i < k; i++) {
    const off = xs[i] - base;
    if (off < 0 || off >= span) {
      exceptions.push(i);
      maxZ = Math.max(maxZ, zigzag(off));
    }
  }
  return { base, width, exceptions, positionWidth, exceptionWidth: bitWidth(maxZ), bytes: Math.ceil(bestBits / 8) };
}

/** Scratch for a body's deltas and deltas of deltas (writeIntBody does not nest). */
const deltaScratch = [new Float64Array(1024), new Float64Array(1024)];

/** The differences of consecutive values (in scratch `slot`), or null when one is not a safe integer. */
function differences(vs: ArrayLike<number>, slot: number): Float64Array | null {
  if (deltaScratch[slot].length < vs.length) deltaScratch[slot] = new Float64Array(Math.max(vs.length, 2 * deltaScratch[slot].length));
  const out = deltaScratch[slot].subarray(0, vs.length - 1);
  for (let i = 1; i < vs.length; i++) {
    const d = vs[i] - vs[i - 1];
    if (!Number.isSafeInteger(d)) return null;
    out[i - 1] = d;
  }
  return out;
}

function allSafe(vs: ArrayLike<number>): boolean {
  for (let i = 0; i < vs.length; i++) if (!Number.isSafeInteger(vs[i])) return false;
  return true;
}

/**
 * Writes m = values.length non-null integers. `exact` replaces `values` when some value is an int64 that no
 * JS number holds exactly (given as BigInt by the caller): such a block is stored constant or raw.
 */
export function writeIntBody(out: ByteWriter, values: ArrayLike<number>, exact?: readonly bigint[]): void {
  const m = exact ? exact.length : values.length;
  if (m === 0) return;
  if (exact) {
    if (exact.every((v) => v === exact[0])) {
      out.byte(Transform.Const);
      out.zigzag(exact[0]);
    } else {
      out.byte(Transform.Raw64);
      for (const v of exact) out.i64(v);
    }
    return;
  }
  const first = values[0];
  let constant = true;
  for (let i = 1; i < m && constant; i++) constant = values[i] === first;
  if (constant) {
    out.byte(Transform.Const);
    out.zigzag(BigInt(first));
    return;
  }
  // The smallest of frame of reference, deltas and deltas of deltas, the earlier one on a tie. Deltas
  // (usually the narrowest) are sized first, so the others' searches stop once they cannot win: a
  // later transform must take fewer bytes, an earlier one no more.
  let best: Packing | null = null;
  let bestT = Transform.Raw64 as Transform;
  let bestXs: ArrayLike<number> = values;
  const consider = (t: Transform, xs: ArrayLike<number> | null, earlier: boolean): void => {
    if (!xs || xs.length === 0) return;
    const maxBits = best ? 8 * (earlier ? best.bytes : best.bytes - 1) : Infinity;
    const p = choosePacking(xs, maxBits);
    if (p && (!best || p.bytes < best.bytes || (earlier && p.bytes === best.bytes))) {
      best = p;
      bestT = t;
      bestXs = xs;
    }
  };
  const deltas = differences(values, 0);
  consider(Transform.Delta, deltas, false);
  const deltas2 = deltas && m >= 3 ? differences(deltas, 1) : null;
  consider(Transform.DeltaOfDelta, deltas2, false);
  if (allSafe(values)) consider(Transform.For, values, true);
  const p = best as Packing | null;
  if (!p) {
    out.byte(Transform.Raw64);
    for (let i = 0; i < m; i++) out.i64(BigInt(values[i]));
    return;
  }
  const xs = bestXs;
  out.byte(bestT);
  if (bestT !== Transform.For) out.zigzag(BigInt(first));
  if (bestT === Transform.DeltaOfDelta) out.zigzag(BigInt(deltas![0]));
  out.zigzag(BigInt(p.base));
  out.byte(p.width);
  out.varint(p.exceptions.length);
  if (p.exceptions.length > 0) {
    out.byte(p.positionWidth);
    out.byte(p.exceptionWidth);
  }
  const bits = new BitWriter(out);
  const span = 2 ** p.width;
  for (let i = 0; i < xs.length; i++) {
    const off = xs[i] - p.base;
    bits.write(off >= 0 && off < span ? off : 0, p.width);
  }
  for (const i of p.exceptions) bits.write(i, p.positionWidth);
  for (const i of p.exceptions) bits.write(zigzag(xs[i] - p.base), p.exceptionWidth);
  bits.flush();
}

/**
 * Writes m int64s given as high (signed) and low 32-bit words, as writeIntBody does for values no JS
 * number holds (constant or raw), without a BigInt per value.
 */
export function writeIntBodyWords(out: ByteWriter, hi: Int32Array, lo: Uint32Array, m: number): void {
  if (m === 0) return;
  let constant = true;
  for (let i = 1; i < m && constant; i++) constant = hi[i] === hi[0] && lo[i] === lo[0];
  if (constant) {
    out.byte(Transform.Const);
    out.zigzag((BigInt(hi[0]) << 32n) | BigInt(lo[0]));
    return;
  }
  out.byte(Transform.Raw64);
  for (let i = 0; i < m; i++) {
    out.u32(hi[i] >>> 0);
    out.u32(lo[i]);
  }
}

/** Decoded body: numbers, or BigInts for the constant and raw forms (which may hold any int64). */
export type IntBody = { nums: number[]; bigs?: undefined } | { bigs: bigint[]; nums?: undefined };

export function readIntBody(r: ByteReader, m: number): IntBody {
  if (m === 0) return { nums: [] };
  const t = r.byte('integer transform') as Transform;
  switch (t) {
    case Transform.Const:
      return { bigs: new Array<bigint>(m).fill(r.zigzag('constant')) };
    case Transform.Raw64: {
      const bigs = new Array<bigint>(m);
      for (let i = 0; i < m; i++) bigs[i] = r.i64('raw value');
      return { bigs };
    }
    case Transform.For:
    case Transform.Delta:
    case Transform.DeltaOfDelta:
      return { nums: readPacked(r, m, t) };
    default:
      throw new Error(`history codec: unknown integer transform ${t as number}`);
  }
}

function readPacked(r: ByteReader, m: number, t: Transform): number[] {
  const v0 = t === Transform.For ? 0 : Number(r.zigzag('first value'));
  const d1 = t === Transform.DeltaOfDelta ? Number(r.zigzag('first delta')) : 0;
  const base = Number(r.zigzag('frame base'));
  const width = r.byte('bit width');
  const nExc = r.varint('exception count');
  const positionWidth = nExc > 0 ? r.byte('position width') : 0;
  const exceptionWidth = nExc > 0 ? r.byte('exception width') : 0;
  if (width > MAX_WIDTH || positionWidth > 16 || exceptionWidth > MAX_WIDTH) {
    throw new Error(`history codec: bad bit widths ${width}/${positionWidth}/${exceptionWidth}`);
  }
  const k = t === Transform.For ? m : t === Transform.Delta ? m - 1 : m - 2;
  const bits = new BitReader(r.buf, r.pos);
  const xs = new Array<number>(k);
  for (let i = 0; i < k; i++) xs[i] = base + bits.read(width);
  if (nExc > 0) {
    const pos = new Array<number>(nExc);
    for (let j = 0; j < nExc; j++) pos[j] = bits.read(positionWidth);
    for (let j = 0; j < nExc; j++) {
      if (pos[j] >= k) throw new Error(`history codec: exception position ${pos[j]} beyond ${k} values`);
      xs[pos[j]] = base + unzigzag(bits.read(exceptionWidth));
    }
  }
  r.pos = bits.endByte();
  if (t === Transform.For) return xs;
  const out = new Array<number>(m);
  out[0] = v0;
  let v = v0;
  if (t === Transform.Delta) {
    for (let i = 0; i < k; i++) out[i + 1] = v += xs[i];
    return out;
  }
  let d = d1;
  out[1] = v += d;
  for (let i = 0; i < k; i++) out[i + 2] = v += d += xs[i];
  return out;
}
