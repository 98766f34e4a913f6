// A derived rate column of a history block (format version 2, kinds 5 and 6; codec.ts documents versions 1 and 2).
// The collector computes a counter's per-second rate at ingest (scrape/rates.ts) as
//   (value − previous value) / ((ts − previous ts) / 1000) × scale,
// and null on an entity's first sample, after a reset (a counter went down, a new start time) or a gap.
// Within a block of one series and one source, the previous sample of row i is row i − 1, so the rate of
// row i ≥ 1 follows from the block's own counter and ts columns; stored in full it was the block's largest
// cost (noisy doubles, ~7 bytes each). So the column keeps only what that derivation cannot give: row 0
// (its previous sample is in the block before) and every row whose stored rate differs from the derived
// one, bit for bit (a reset of another counter of the row, a gap, a sample the block does not hold).
//
// Derivation, the same in TypeScript and in SQL (kp_decode_rate): for row i ≥ 1 with both counter values
// present and c_i ≥ c_{i−1}:  float8(c_i − c_{i−1}) / (float8(t_i − t_{i−1}) / 1000) × scale  (IEEE
// binary64, each operation correctly rounded: the same bits in V8 and in PostgreSQL); otherwise null. The
// encoder uses the form only when every counter value is an integer in [0, 2^53), so the differences are
// exact and nothing overflows in SQL's bigint.
//
// Kind 6 (also version 2) is the same column derived from the previous row whose counter is present
// instead of row i − 1: a summary row with the cAdvisor half joined in (scrape/sample-join.ts) holds
// cAdvisor's counters only every other row when cAdvisor is scraped every 30 s and the summary every 15 s,
// and the collector's rate of such a row is over the 30 s since cAdvisor's previous sample. For row i
// with its counter present, p the last row before i with its counter present, and c_i ≥ c_p:
// float8(c_i − c_p) / (float8(t_i − t_p) / 1000) × scale; otherwise null. The encoder writes kind 6 only
// for a counter column with nulls (without them the two derivations are one, and kind 5's bytes stay).
//
// Layout (big-endian): byte 0 version = 2, byte 1 kind = 5 or 6, bytes 2-3 n (rows), bytes 4-11 scale (IEEE
// 754 binary64), bytes 12-15 L (uint32), then L bytes: an integer column (version 1) of the exception
// rows, ascending, then (when L > 0) a double column (version 1) of their stored values, nulls included.
import { MAX_BLOCK_ROWS, decodeFloatColumn, decodeIntColumn, encodeFloatColumn, encodeIntColumn, numberColumn, type NumberColumn } from './codec.js';

const VERSION = 2;
const KIND_DERIVED_RATE = 5;
/** Derived from the previous row whose counter is present (counters with nulls; see above). */
const KIND_DERIVED_RATE_PRESENT = 6;
const HEAD_BYTES = 16;
/** Above this share of exception rows the plain double column is used (the form would save little). */
const MAX_EXCEPTION_SHARE = 0.25;

type Counter = number | bigint | null;

/**
 * The rates the derivation gives for a counter column (numbers, see derivableCounter) and sample times:
 * from row i − 1 (kind 5), or with `fromPresent` from the previous row whose counter is present (kind 6).
 */
export function deriveRates(counter: ReadonlyArray<number | null>, tsMs: readonly number[], scale: number, fromPresent = false): Array<number | null> {
  const out = new Array<number | null>(counter.length).fill(null);
  let prev = counter.length && counter[0] !== null ? 0 : -1;
  for (let i = 1; i < counter.length; i++) {
    const c = counter[i];
    const j = fromPresent ? prev : i - 1;
    const p = j < 0 ? null : counter[j];
    out[i] = c === null || p === null || c < p ? null : ((c - p) / ((tsMs[i] - tsMs[j]) / 1000)) * scale;
    if (c !== null) prev = i;
  }
  return out;
}

function hasNulls({ n, present }: NumberColumn): boolean {
  if (!present) return false;
  for (let i = 0; i < n; i++) if (!present[i]) return true;
  return false;
}

/** True when every non-null counter value is an integer in [0, 2^53) (what the derivation needs). */
function derivable(counter: NumberColumn): boolean {
  const { n, values, present } = counter;
  for (let i = 0; i < n; i++) {
    if (present && !present[i]) continue;
    const v = values[i];
    if (!Number.isSafeInteger(v) || v < 0) return false;
  }
  return true;
}

/**
 * The derived form of a rate column held as NumberColumns (the rates, their counter; `tsMs` the block's
 * times), or null when it does not apply (a counter value outside [0, 2^53), or too many rows the
 * derivation misses: then the plain double column is the better encoding).
 */
export function encodeDerivedRateValues(
  rates: NumberColumn, counter: NumberColumn, tsMs: ArrayLike<number>, scale: number,
  /** The rates were stored as float4 (SQL real): a derived rate matches when it rounds to the stored one. */
  float4 = false,
): Uint8Array | null {
  const n = rates.n;
  if (counter.n !== n || tsMs.length !== n) {
    throw new Error(`history codec: a rate column of ${n} rows needs a counter and times of as many rows (got ${counter.n} and ${tsMs.length})`);
  }
  if (n > MAX_BLOCK_ROWS) throw new RangeError(`history codec: rate column has ${n} rows, a block holds at most ${MAX_BLOCK_ROWS}`);
  if (!Number.isFinite(scale) || !derivable(counter)) return null;
  const c = counter.values;
  const cp = counter.present;
  const r = rates.values;
  const rp = rates.present;
  const rows: number[] = [];
  const values: Array<number | null> = [];
  const limit = Math.max(2, n * MAX_EXCEPTION_SHARE);
  // Without nulls in the counter, the previous present row is row i − 1: kind 5, as ever.
  const fromPresent = hasNulls(counter);
  let j = -1; // the previous row whose counter is present (kind 6), or i − 1 (kind 5)
  for (let i = 0; i < n; i++) {
    const stored = rp && !rp[i] ? null : r[i];
    // deriveRates, inline: row 0, a null counter on either side or a counter that went down give null.
    const present = !cp || cp[i] === 1;
    const d = !present || j < 0 || (cp && !cp[j]) || c[i] < c[j] ? null : ((c[i] - c[j]) / ((tsMs[i] - tsMs[j]) / 1000)) * scale;
    if (!fromPresent || present) j = i;
    if (Object.is(stored, d) || (float4 && stored !== null && d !== null && Math.fround(stored) === Math.fround(d))) continue;
    rows.push(i);
    values.push(stored);
    if (rows.length > limit) return null;
  }
  const index = rows.length ? encodeIntColumn(rows) : new Uint8Array(0);
  const vals = rows.length ? encodeFloatColumn(values) : new Uint8Array(0);
  const out = new Uint8Array(HEAD_BYTES + index.length + vals.length);
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  out[1] = fromPresent ? KIND_DERIVED_RATE_PRESENT : KIND_DERIVED_RATE;
  view.setUint16(2, n);
  view.setFloat64(4, scale);
  view.setUint32(12, index.length);
  out.set(index, HEAD_BYTES);
  out.set(vals, HEAD_BYTES + index.length);
  return out;
}

/** As a NumberColumn: values that are not numbers (bigints beyond 2^53 and the like) as NaN, never derivable. */
function counterColumn(counter: ReadonlyArray<Counter>): NumberColumn {
  const n = counter.length;
  const col: NumberColumn = { n, values: new Float64Array(n), present: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const v = counter[i];
    if (v === null) continue;
    col.present![i] = 1;
    col.values[i] = typeof v === 'bigint' ? (v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN) : v;
  }
  return col;
}

/** encodeDerivedRateValues for plain arrays. */
export function encodeDerivedRateColumn(
  rates: ReadonlyArray<number | null>, counter: ReadonlyArray<Counter>, tsMs: readonly number[], scale: number, float4 = false,
): Uint8Array | null {
  return encodeDerivedRateValues(numberColumn(rates, 'rate'), counterColumn(counter), tsMs, scale, float4);
}

/** True for a derived rate column (which needs its counter and times to decode). */
export function isDerivedRateColumn(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === VERSION && (bytes[1] === KIND_DERIVED_RATE || bytes[1] === KIND_DERIVED_RATE_PRESENT);
}

/** The rates of a derived rate column, given the block's decoded counter column and sample times. */
export function decodeDerivedRateColumn(bytes: Uint8Array, counter: ReadonlyArray<Counter> | null, tsMs: readonly number[]): Array<number | null> {
  if (!isDerivedRateColumn(bytes) || bytes.length < HEAD_BYTES) throw new Error('history codec: not a derived rate column (version 2, kind 5 or 6)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint16(2);
  const scale = view.getFloat64(4);
  const indexBytes = view.getUint32(12);
  if (!counter) throw new Error('history codec: a derived rate column needs its counter column, which the block does not hold');
  if (counter.length !== n || tsMs.length !== n) {
    throw new Error(`history codec: derived rate column of ${n} rows, its counter has ${counter.length} and the block ${tsMs.length}`);
  }
  if (HEAD_BYTES + indexBytes > bytes.length) throw new Error('history codec: derived rate column truncated in its exception rows');
  const c = counter.map((v) => (v === null ? null : Number(v)));
  const out = deriveRates(c, tsMs, scale, bytes[1] === KIND_DERIVED_RATE_PRESENT);
  if (indexBytes === 0) return out;
  const rows = decodeIntColumn(bytes.subarray(HEAD_BYTES, HEAD_BYTES + indexBytes));
  const values = decodeFloatColumn(bytes.subarray(HEAD_BYTES + indexBytes));
  if (rows.length !== values.length) throw new Error(`history codec: derived rate column has ${rows.length} exception rows and ${values.length} values`);
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j];
    if (r === null || r < 0 || r >= n) throw new Error(`history codec: derived rate exception row ${r} outside the block's ${n} rows`);
    out[r] = values[j];
  }
  return out;
}
