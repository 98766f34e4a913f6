// Encodes and decodes one column of a history block: the timestamps, or one metric's values, of one
// (series, source, ~1 h) block. Pure: no I/O. PostgreSQL reads the same bytes with the functions in
// decode-sql.ts, so this is a stored format: never change what a written version means; add a version.
//
// FORMAT, version 1 (all multi-byte fixed-size integers big-endian)
//   byte 0   format version = 1
//   byte 1   low 7 bits: column kind
//              0 all null      (no body; an empty column is this with n = 0)
//              1 integer       body: integer body over the m non-null values
//              2 float const   body: 8 bytes IEEE 754 binary64, the value of every non-null row
//              3 float decimal body: byte d (0..22), then integer body over k_i where value_i = k_i / 10^d
//                              (|k_i| < 2^53 and 10^d exact, so one IEEE division gives the value bit for bit
//                              in JS and in PostgreSQL alike)
//              4 float bits    body: 8 bytes IEEE 754 of the first value, then integer body over the m − 1
//                              XORs of each value's bit pattern with the previous one's, as int64
//            bit 7 (0x80): a null bitmap follows
//   bytes 2-3  n, the number of rows (uint16)
//   [bitmap]   ceil(n / 8) bytes; row i is non-null iff bit (i & 7) of byte (i >> 3) is set (least
//              significant bit first: PostgreSQL's get_bit(bytea, i) order). m = number of set bits,
//              or m = n without a bitmap.
//
// Integer body (m values, nothing when m = 0): byte t, the transform, then
//   t = 0 constant     zigzag varint v (every value is v)
//   t = 4 raw          m × int64
//   t = 1 FOR          packed x_i = v_i                       (k = m)
//   t = 2 delta        zigzag varint v_0; packed x_i = v_{i+1} − v_i            (k = m − 1)
//   t = 3 delta-delta  zigzag varint v_0, zigzag varint d_1 = v_1 − v_0;
//                      packed x_i = d_{i+2} − d_{i+1} with d_j = v_j − v_{j−1}  (k = m − 2)
//   packed = zigzag varint base, byte w (0..53), varint e (exception count), and when e > 0: byte pw,
//   byte ew; then an MSB-first bit stream: k fields of w bits holding x_i − base (0 for an exception),
//   e fields of pw bits (exception indexes i, ascending), e fields of ew bits (zigzag(x_i − base)),
//   zero-padded to a byte. Varints are unsigned LEB128; zigzag maps 0, −1, 1, −2 … to 0, 1, 2, 3 …
//
// FORMAT, version 2: version 1's kinds plus
//              5 derived rate  a counter's per-second rate, kept as what the block's counter and ts
//                              columns cannot give (layout and derivation in rate-codec.ts)
//              6 derived rate  the same, derived from the previous row whose counter is present (a
//                              counter with nulls: rate-codec.ts; PostgreSQL reads it from migration 021)
//   Columns of kinds 0-4 are still written as version 1 (the same bytes as ever), so blocks written
//   before version 2 existed decode unchanged; only a derived rate needs a version 2 decoder.
//
// FORMAT, version 3: version 1's layout (header, bitmap) with one more kind
//              7 real decimal  body: byte d (0..9), then integer body over k_i where value_i is the IEEE
//                              binary32 nearest to k_i / 10^d (the double quotient rounded to float4, as
//                              Math.fround and PostgreSQL's float8-to-real cast both round), as a double.
//                              A real column read from decimal text (PSI averages, percentages) holds
//                              such floats, whose doubles are no short decimals (0.12 is 0.1199999973…):
//                              kind 3 missed them and kind 4 took ~7 bytes a value for ~1 here.
//   Only kind 7 is written as version 3; kinds 0-4 stay version 1.
//
// Doubles: NaN is stored as the canonical quiet NaN (PostgreSQL has only one); −0, ±Infinity and
// subnormals round-trip bit for bit. Integers are int64: JS numbers that hold integers (above 2^53 too:
// their exact value is kept) or BigInts.
import { ByteReader, ByteWriter } from './bits.js';
import { readIntBody, writeIntBody, writeIntBodyWords, type IntBody } from './int-body.js';

const HISTORY_CODEC_VERSION = 1;
/** The format version of kind 7 (real decimal). */
const REAL_DECIMAL_VERSION = 3;

/** Rows per block are stored in 16 bits. */
export const MAX_BLOCK_ROWS = 65_535;

const enum Kind {
  AllNull = 0,
  Integer = 1,
  FloatConst = 2,
  FloatDecimal = 3,
  FloatBits = 4,
  RealDecimal = 7,
}
const HAS_NULLS = 0x80;

const INT64_MIN = -(2 ** 63);
const INT64_END = 2 ** 63;
const BIG_INT64_MIN = -(2n ** 63n);
const BIG_INT64_MAX = 2n ** 63n - 1n;
/** 10^0 … 10^22, each exactly representable (literals, not Math.pow, so no rounding doubt). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22];

function checkRows(n: number, what: string): void {
  if (n > MAX_BLOCK_ROWS) throw new RangeError(`history codec: ${what} has ${n} rows, a block holds at most ${MAX_BLOCK_ROWS}`);
}

/** Writes the header for n rows; the bitmap only when some row is null. */
function header(out: ByteWriter, kind: Kind, col: NumberColumn, nulls: number): void {
  const n = col.n;
  const bitmap = nulls > 0 && kind !== Kind.AllNull;
  out.byte(kind === Kind.RealDecimal ? REAL_DECIMAL_VERSION : HISTORY_CODEC_VERSION);
  out.byte(bitmap ? kind | HAS_NULLS : kind);
  out.u16(n);
  if (!bitmap || !col.present) return;
  const present = col.present;
  for (let at = 0; at < n; at += 8) {
    let byte = 0;
    for (let i = at, bit = 1; i < at + 8 && i < n; i++, bit <<= 1) if (present[i]) byte |= bit;
    out.byte(byte);
  }
}

interface Header {
  kind: Kind;
  n: number;
  /** Row index of each non-null value, or null when every row is non-null. */
  rows: number[] | null;
}

function readHeader(r: ByteReader): Header {
  const version = r.byte('format version');
  if (version === 2) throw new Error('history codec: a derived rate column (version 2) decodes only with its counter column and the block\'s times (decodeDerivedRateColumn)');
  if (version !== HISTORY_CODEC_VERSION && version !== REAL_DECIMAL_VERSION) throw new Error(`history codec: unknown format version ${version}`);
  const kindByte = r.byte('column kind');
  const kind = (kindByte & 0x7f) as Kind;
  if (version === REAL_DECIMAL_VERSION ? kind !== Kind.RealDecimal : kind > Kind.FloatBits) {
    throw new Error(`history codec: unknown column kind ${kind} in format version ${version}`);
  }
  const n = r.u16('row count');
  if (!(kindByte & HAS_NULLS)) return { kind, n, rows: null };
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if ((i & 7) === 0) r.byte('null bitmap');
    if (r.buf[r.pos - 1] & (1 << (i & 7))) rows.push(i);
  }
  return { kind, n, rows };
}

/** Spreads the m decoded values over the n rows. */
function expand<T>(h: Header, values: T[]): Array<T | null> {
  if (!h.rows) return values;
  const out = new Array<T | null>(h.n).fill(null);
  for (let j = 0; j < h.rows.length; j++) out[h.rows[j]] = values[j]!;
  return out;
}

// ---------------------------------------------------------------- integers

/**
 * A column as the compactor holds it, without an object or array slot per value: row i is null unless
 * present[i] (present null: no row is). Integer columns hold their int64s as numbers, with `exact` giving
 * the rows whose int64 no JS number holds (values[i] then holds the nearest one).
 */
export interface NumberColumn {
  n: number;
  values: Float64Array;
  present: Uint8Array | null;
  exact?: ReadonlyMap<number, bigint> | null;
}

/** One writer for every column encoded (each is copied out when done; encoders never nest). */
const writer = new ByteWriter(4096);

/** The non-null values of a column, in row order. */
function presentValues(col: NumberColumn): Float64Array {
  const { n, values, present } = col;
  if (!present) return values.subarray(0, n);
  let m = 0;
  for (let i = 0; i < n; i++) m += present[i];
  const out = new Float64Array(m);
  for (let i = 0, j = 0; i < n; i++) if (present[i]) out[j++] = values[i];
  return out;
}

/**
 * Rows 0 … n − 1 of a column given as values and a presence flag per row (the exact int64s beyond 2^53 by
 * row), encoded by the integer or the float codec; null when no row is present (a NULL block column).
 */
export function encodePresentValues(n: number, values: Float64Array, present: Uint8Array, exact: ReadonlyMap<number, bigint> | null, integer: boolean): Uint8Array | null {
  let m = 0;
  for (let r = 0; r < n; r++) m += present[r];
  if (m === 0) return null;
  const col: NumberColumn = { n, values, present: m < n ? present : null, exact };
  return integer ? encodeIntValues(col) : encodeFloatValues(col);
}

/** Encodes an integer column held as a NumberColumn. */
export function encodeIntValues(col: NumberColumn): Uint8Array {
  checkRows(col.n, 'integer column');
  const nums = presentValues(col);
  const out = writer;
  out.reset();
  if (nums.length === 0) {
    header(out, Kind.AllNull, col, col.n);
    return out.done();
  }
  header(out, Kind.Integer, col, col.n - nums.length);
  const exact = col.exact;
  let bigs: bigint[] | undefined;
  // Some int64 no JS number holds: the body is written from BigInts (constant or raw).
  if (exact && exact.size > 0) {
    bigs = [];
    for (let i = 0; i < col.n; i++) if (!col.present || col.present[i]) bigs.push(exact.get(i) ?? BigInt(col.values[i]));
  }
  writeIntBody(out, nums, bigs);
  return out.done();
}

/** Encodes an integer column (SQL bigint). Throws a RangeError naming the row for a non-int64 value. */
export function encodeIntColumn(values: ReadonlyArray<number | bigint | null>): Uint8Array {
  checkRows(values.length, 'integer column');
  const n = values.length;
  const col: NumberColumn = { n, values: new Float64Array(n), present: new Uint8Array(n), exact: null };
  const exact = new Map<number, bigint>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) continue;
    col.present![i] = 1;
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < INT64_MIN || v >= INT64_END) {
        throw new RangeError(`history codec: row ${i} of an integer column holds ${v}, not an int64 integer`);
      }
      col.values[i] = v;
    } else if (typeof v === 'bigint') {
      if (v < BIG_INT64_MIN || v > BIG_INT64_MAX) {
        throw new RangeError(`history codec: row ${i} of an integer column holds ${v}, beyond int64`);
      }
      const asNum = Number(v);
      col.values[i] = asNum;
      if (BigInt(asNum) !== v) exact.set(i, v);
    } else {
      throw new RangeError(`history codec: row ${i} of an integer column holds a ${typeof v}, expected a number, bigint or null`);
    }
  }
  col.exact = exact;
  return encodeIntValues(col);
}

function readIntColumn(bytes: Uint8Array): { h: Header; body: IntBody } {
  const r = new ByteReader(bytes);
  const h = readHeader(r);
  if (h.kind === Kind.AllNull) return { h, body: { nums: [] } };
  if (h.kind !== Kind.Integer) throw new Error(`history codec: expected an integer column, found kind ${h.kind}`);
  return { h, body: readIntBody(r, h.rows ? h.rows.length : h.n) };
}

function allNull(h: Header): null[] {
  return new Array<null>(h.n).fill(null);
}

/** Decodes an integer column to numbers (an int64 no JS number holds comes back as the nearest one). */
export function decodeIntColumn(bytes: Uint8Array): Array<number | null> {
  const { h, body } = readIntColumn(bytes);
  if (h.kind === Kind.AllNull) return allNull(h);
  return expand(h, body.nums ?? body.bigs.map(Number));
}

/** Decodes an integer column to BigInts, exact for every int64. */
export function decodeIntColumnExact(bytes: Uint8Array): Array<bigint | null> {
  const { h, body } = readIntColumn(bytes);
  if (h.kind === Kind.AllNull) return allNull(h);
  return expand(h, body.bigs ?? body.nums.map((v) => BigInt(v)));
}

// ---------------------------------------------------------------- timestamps

/** Encodes sample times (ms since the epoch, integers; ascending compresses best). No nulls. */
export function encodeTimestamps(ms: ArrayLike<number>): Uint8Array {
  for (let i = 0; i < ms.length; i++) {
    if (!Number.isSafeInteger(ms[i])) throw new RangeError(`history codec: timestamp ${i} is ${ms[i]}, not an integer ms epoch`);
  }
  return encodeIntValues({ n: ms.length, values: ms instanceof Float64Array ? ms : Float64Array.from(ms), present: null });
}

export function decodeTimestamps(bytes: Uint8Array): number[] {
  const out = decodeIntColumn(bytes);
  const i = out.indexOf(null);
  if (i >= 0) throw new Error(`history codec: timestamp column has a null at row ${i}`);
  return out as number[];
}

// ---------------------------------------------------------------- doubles

const scratch = new DataView(new ArrayBuffer(8));

function fromBits(b: bigint): number {
  scratch.setBigInt64(0, b);
  return scratch.getFloat64(0);
}

/** The smallest d with every value = k / 10^d for an integer |k| < 2^53, or -1. */
function decimalScale(vs: Float64Array): number {
  let d = 0;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (!Number.isFinite(v) || Object.is(v, -0)) return -1;
    for (;;) {
      const scaled = v * POW10[d];
      if (Math.abs(scaled) >= 2 ** 53) return -1;
      if (Math.round(scaled) / POW10[d] === v) break;
      if (++d >= POW10.length) return -1;
    }
  }
  // A value accepted at a smaller d is almost always exact at the final one too, but not provably so
  // (its scaled product may round differently): check them all at d.
  const scale = POW10[d];
  for (let i = 0; i < vs.length; i++) if (Math.round(vs[i] * scale) / scale !== vs[i]) return -1;
  return d;
}

/** Decimal places a binary32 read from decimal text can need (it has 6–9 significant digits). */
const REAL_DECIMAL_MAX = 9;

/**
 * The smallest d ≤ 9 with every value the binary32 nearest to k / 10^d for an integer |k| < 2^53, or -1
 * (a value no float4, or not such a decimal: noisy rates).
 */
function realDecimalScale(vs: Float64Array): number {
  let d = 0;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (!Number.isFinite(v) || Object.is(v, -0) || Math.fround(v) !== v) return -1;
    for (;;) {
      const k = Math.round(v * POW10[d]);
      if (Math.abs(k) >= 2 ** 53) return -1;
      if (Math.fround(k / POW10[d]) === v) break;
      if (++d > REAL_DECIMAL_MAX) return -1;
    }
  }
  // As in decimalScale: every value checked again at the final d.
  const scale = POW10[d];
  for (let i = 0; i < vs.length; i++) if (Math.fround(Math.round(vs[i] * scale) / scale) !== vs[i]) return -1;
  return d;
}

// A double's bit pattern as two 32-bit words, read through one shared buffer (no BigInt per value).
const wordView = new Float64Array(1);
const words = new Uint32Array(wordView.buffer);
const [HI, LO] = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? [1, 0] : [0, 1];
const CANONICAL_NAN_HI = 0x7ff80000;

/** Encodes a double column held as a NumberColumn, bit for bit (NaN canonical). */
export function encodeFloatValues(col: NumberColumn): Uint8Array {
  checkRows(col.n, 'float column');
  const vs = presentValues(col);
  const m = vs.length;
  const nulls = col.n - m;
  const out = writer;
  out.reset();
  if (m === 0) {
    header(out, Kind.AllNull, col, nulls);
    return out.done();
  }
  const first = vs[0];
  let constant = true;
  // Object.is: the same bits, but for NaN's payload, which is stored canonical anyway.
  for (let i = 1; i < m && constant; i++) constant = Object.is(vs[i], first);
  if (constant) {
    header(out, Kind.FloatConst, col, nulls);
    writeDouble(out, first);
    return out.done();
  }
  // Decimals: the doubles' own (kind 3), else the float4s' nearest (kind 7); both store k of k / 10^d.
  let kind = Kind.FloatDecimal;
  let d = decimalScale(vs);
  if (d < 0) [kind, d] = [Kind.RealDecimal, realDecimalScale(vs)];
  if (d >= 0) {
    header(out, kind, col, nulls);
    out.byte(d);
    const scale = POW10[d];
    writeIntBody(out, vs.map((v) => Math.round(v * scale)));
    return out.done();
  }
  header(out, Kind.FloatBits, col, nulls);
  writeDouble(out, first);
  // XORs of consecutive bit patterns as int64s: numbers while they are safe integers (the usual case),
  // BigInts for the block when one is not.
  const his = new Int32Array(m);
  const los = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    const v = vs[i];
    if (Number.isNaN(v)) {
      his[i] = CANONICAL_NAN_HI;
      los[i] = 0;
    } else {
      wordView[0] = v;
      his[i] = words[HI];
      los[i] = words[LO];
    }
  }
  const xors = new Float64Array(m - 1);
  let safe = true;
  for (let i = 1; i < m; i++) {
    const x = (his[i] ^ his[i - 1]) * 4294967296 + ((los[i] ^ los[i - 1]) >>> 0);
    xors[i - 1] = x;
    if (!Number.isSafeInteger(x)) safe = false;
  }
  if (safe) {
    writeIntBody(out, xors);
  } else {
    // In place: word i becomes the XOR of values i + 1 and i.
    for (let i = 0; i < m - 1; i++) {
      his[i] ^= his[i + 1];
      los[i] ^= los[i + 1];
    }
    writeIntBodyWords(out, his, los, m - 1);
  }
  return out.done();
}

/** A double's IEEE 754 bytes, big-endian (NaN canonical). */
function writeDouble(out: ByteWriter, v: number): void {
  if (Number.isNaN(v)) {
    out.u32(CANONICAL_NAN_HI);
    out.u32(0);
    return;
  }
  wordView[0] = v;
  out.u32(words[HI]);
  out.u32(words[LO]);
}

/** Encodes a double column (SQL double precision), bit for bit (NaN canonical). */
export function encodeFloatColumn(values: ReadonlyArray<number | null>): Uint8Array {
  checkRows(values.length, 'float column');
  return encodeFloatValues(numberColumn(values, 'float'));
}

/** A column of doubles or nulls as a NumberColumn; `what` names the column kind in the error. */
export function numberColumn(values: ReadonlyArray<number | null>, what: string): NumberColumn {
  const n = values.length;
  const col: NumberColumn = { n, values: new Float64Array(n), present: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) continue;
    if (typeof v !== 'number') throw new RangeError(`history codec: row ${i} of a ${what} column holds a ${typeof v}, expected a number or null`);
    col.values[i] = v;
    col.present![i] = 1;
  }
  return col;
}

export function decodeFloatColumn(bytes: Uint8Array): Array<number | null> {
  const r = new ByteReader(bytes);
  const h = readHeader(r);
  const m = h.rows ? h.rows.length : h.n;
  switch (h.kind) {
    case Kind.AllNull:
      return allNull(h);
    case Kind.FloatConst:
      return expand(h, new Array<number>(m).fill(fromBits(r.i64('constant'))));
    case Kind.FloatDecimal: {
      const d = r.byte('decimal scale');
      if (d >= POW10.length) throw new Error(`history codec: decimal scale ${d} beyond 22`);
      const body = readIntBody(r, m);
      const ks = body.nums ?? body.bigs.map(Number);
      const scale = POW10[d];
      return expand(h, ks.map((k) => k / scale));
    }
    case Kind.RealDecimal: {
      const d = r.byte('decimal scale');
      if (d > REAL_DECIMAL_MAX) throw new Error(`history codec: real decimal scale ${d} beyond ${REAL_DECIMAL_MAX}`);
      const body = readIntBody(r, m);
      const ks = body.nums ?? body.bigs.map(Number);
      const scale = POW10[d];
      return expand(h, ks.map((k) => Math.fround(k / scale)));
    }
    case Kind.FloatBits: {
      const first = r.i64('first value');
      const body = readIntBody(r, m - 1);
      const xors = body.bigs ?? body.nums.map((v) => BigInt(v));
      const out = new Array<number>(m);
      let b = first;
      out[0] = fromBits(b);
      for (let i = 1; i < m; i++) out[i] = fromBits((b = BigInt.asIntN(64, b ^ xors[i - 1])));
      return expand(h, out);
    }
    default:
      throw new Error(`history codec: expected a float column, found kind ${h.kind}`);
  }
}
