// A reusable ASCII text builder over one growing Buffer. Rendering a 110-pod cAdvisor page (~6 MB) by
// string concatenation makes V8 build and later flatten a rope of ~200,000 pieces, which costs more than
// parsing the page; writing bytes into one scratch buffer and slicing it into a string once is ~10× faster.
// Renders are synchronous, so one scratch buffer per process is safe to share.
import { goFloat } from './promfmt.js';

const MINUS = 45;
const ZERO = 48;

export class TextWriter {
  private buf: Buffer;
  pos = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Starts a new text, keeping the buffer. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** Starts a new text in `buf` (e.g. a recycled body slab, so the page needs no copy afterwards); if the
   *  text outgrows it, the writer moves on to a larger buffer of its own (raw() then returns that one). */
  useBuffer(buf: Buffer): this {
    this.buf = buf;
    this.pos = 0;
    return this;
  }

  /** Makes room for `n` more bytes after `pos` (for writers that fill the buffer themselves, see raw()). */
  reserve(n: number): this {
    if (this.pos + n > this.buf.length) this.grow(n);
    return this;
  }

  /** The underlying buffer (replaced when it grows): bytes [0, pos) are the text. */
  raw(): Buffer {
    return this.buf;
  }

  private grow(need: number): void {
    let size = Math.max(64, this.buf.length * 2);
    while (size < this.pos + need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends an ASCII string (labels, keys, names). */
  str(s: string): this {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    if (n > 24) {
      this.pos += this.buf.write(s, this.pos, n, 'latin1');
    } else {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
    }
    return this;
  }

  byte(c: number): this {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = c;
    return this;
  }

  /** A newline followed by `depth` spaces (pretty JSON). */
  newline(depth: number): this {
    if (this.pos + depth + 1 > this.buf.length) this.grow(depth + 1);
    const b = this.buf;
    b[this.pos++] = 10;
    for (let i = 0; i < depth; i++) b[this.pos++] = 32;
    return this;
  }

  /** A non-negative integer below 2^53, written digit by digit (no string allocation). Large values are
   *  split into 8-digit halves so that the digit loops run on small integers (int32 arithmetic). */
  uint(v: number): this {
    if (v < 0 || v >= 9007199254740992 || v !== Math.floor(v)) return this.str(String(Math.round(v)));
    if (this.pos + 16 > this.buf.length) this.grow(16);
    if (v < 100_000_000) {
      this.smallUint(v);
      return this;
    }
    const hi = Math.floor(v / 100_000_000);
    const lo = v - hi * 100_000_000;
    if (hi < 100_000_000) this.smallUint(hi);
    else {
      const top = Math.floor(hi / 100_000_000);
      this.smallUint(top);
      this.eightDigits(hi - top * 100_000_000);
    }
    this.eightDigits(lo);
    return this;
  }

  /** v < 10^8, no leading zeros. */
  private smallUint(v: number): void {
    const b = this.buf;
    let digits = 1;
    for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
    let p = this.pos + digits;
    this.pos = p;
    let x = v;
    do {
      const q = (x / 10) | 0;
      b[--p] = ZERO + (x - q * 10);
      x = q;
    } while (x > 0);
  }

  /** v < 10^8 as exactly 8 digits (leading zeros). */
  private eightDigits(v: number): void {
    const b = this.buf;
    let p = this.pos + 8;
    this.pos = p;
    let x = v;
    for (let i = 0; i < 8; i++) {
      const q = (x / 10) | 0;
      b[--p] = ZERO + (x - q * 10);
      x = q;
    }
  }

  /** An integer for JSON (uint64 on the wire: rounded, never negative). */
  jsonUint(v: number): this {
    return this.uint(v > 0 ? Math.round(v) : 0);
  }

  /** Pre-encoded bytes (label sets cached per row). */
  bytes(src: Uint8Array): this {
    const n = src.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    if (n > 48) {
      this.buf.set(src, this.pos);
      this.pos += n;
      return this;
    }
    // Short pieces (JSON keys, label sets of one row) copy faster in a loop than through TypedArray.set.
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = src[i];
    this.pos = p;
    return this;
  }

  /** A float as Go's Prometheus encoder writes it (strconv 'g', shortest): integers without strings. */
  promFloat(v: number): this {
    if (v !== Math.floor(v) || v >= 9007199254740992 || v <= -9007199254740992) return this.str(goFloat(v));
    if (v < 0) {
      this.byte(MINUS);
      v = -v;
    }
    if (v < 1e6) return this.uint(v);
    // d.ddde+XX: write the digits, then move all but the first one right by one for the point.
    const start = this.pos;
    this.uint(v);
    const b = this.buf;
    const exp = this.pos - start - 1;
    let end = this.pos;
    while (end > start + 1 && b[end - 1] === ZERO) end--;
    if (this.pos + 6 > b.length) this.grow(6);
    if (end > start + 1) {
      b.copyWithin(start + 2, start + 1, end);
      b[start + 1] = 46; // '.'
      end++;
    }
    b[end++] = 101; // 'e'
    b[end++] = 43; // '+'
    if (exp < 10) b[end++] = ZERO;
    this.pos = end;
    return this.uint(exp);
  }

  /** The text written so far, without copying (valid until the next write or reset). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the text as bytes (for callers that write to a socket: no string round trip). */
  toBuffer(): Buffer {
    // Not Buffer.from(subarray): on Node 20 that copies a Uint8Array element by element (fromArrayLike),
    // which cost more than rendering the page; Buffer.copy is a memcpy (still ~20% faster on 22 and 24).
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  toString(): string {
    return this.buf.toString('latin1', 0, this.pos);
  }
}

/** The process-wide scratch writer (renders are synchronous and never nest). */
export const scratch = new TextWriter();
