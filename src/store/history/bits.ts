// Byte and bit level writers/readers for the history block codec (codec.ts documents the format).
// Bit streams are MSB-first so that PostgreSQL can read them with `substring(varbit from … for …)` after
// one `('x' || encode(bytes, 'hex'))::varbit`; header integers are LEB128 varints (zigzag when signed),
// read once per column by the SQL decoder.

const TWO_32 = 2 ** 32;

/** Appends bytes into a growing buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  /** `capacity`: the bytes expected, so a column is written without growing its buffer on the way. */
  constructor(capacity = 64) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Starts over (the bytes done() gave out are copies). */
  reset(): void {
    this.length = 0;
  }

  byte(b: number): void {
    if (this.length === this.buf.length) this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  u16(v: number): void {
    this.byte(v >>> 8);
    this.byte(v & 0xff);
  }

  /** Two's complement 64-bit big-endian. */
  i64(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.u32(Number(u >> 32n));
    this.u32(Number(u & 0xffffffffn));
  }

  /** A 32-bit word big-endian (the high or low half of an int64 or a double's bit pattern). */
  u32(v: number): void {
    this.room(4);
    const b = this.buf;
    const at = this.length;
    b[at] = v >>> 24;
    b[at + 1] = (v >>> 16) & 0xff;
    b[at + 2] = (v >>> 8) & 0xff;
    b[at + 3] = v & 0xff;
    this.length += 4;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(v: number): void {
    while (v >= 128) {
      this.byte((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    this.byte(v);
  }

  /** Zigzag LEB128 of a safe integer (the same bytes as zigzag(BigInt(v))). */
  zigzagNumber(v: number): void {
    // Beyond 2^52 the zigzag value may not be a double exactly: BigInt then.
    if (v < 2 ** 52 && v > -(2 ** 52)) this.varint(v >= 0 ? 2 * v : -2 * v - 1);
    else this.zigzag(BigInt(v));
  }

  /** Zigzag LEB128 of any int64 value. */
  zigzag(v: bigint): void {
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (z >= 128n) {
      this.byte(Number(z & 127n) | 128);
      z >>= 7n;
    }
    this.byte(Number(z));
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Reads what ByteWriter wrote; every read checks bounds so a truncated column fails with a clear error. */
export class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new Error(`history codec: column truncated reading ${what} at byte ${this.pos} of ${this.buf.length}`);
    }
  }

  byte(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  i64(what: string): bigint {
    this.need(8, what);
    let u = 0n;
    for (let i = 0; i < 8; i++) u = (u << 8n) | BigInt(this.buf[this.pos++]);
    return BigInt.asIntN(64, u);
  }

  varint(what: string): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte(what);
      v += (b & 127) * scale;
      if (b < 128) return v;
      scale *= 128;
      if (scale > 2 ** 49) throw new Error(`history codec: varint too long reading ${what}`);
    }
  }

  zigzag(what: string): bigint {
    let z = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte(what);
      z |= BigInt(b & 127) << shift;
      if (b < 128) break;
      shift += 7n;
      if (shift > 63n) throw new Error(`history codec: zigzag varint too long reading ${what}`);
    }
    return BigInt.asIntN(64, (z >> 1n) ^ -(z & 1n));
  }
}

/** MSB-first bit packing of non-negative safe integers of up to 53 bits each. */
export class BitWriter {
  /** Pending bits (fewer than 8 between writes, so with 24 more they fit an unsigned 32-bit word). */
  private acc = 0;
  private nacc = 0;
  constructor(private readonly out: ByteWriter) {}

  write(v: number, w: number): void {
    if (w > 24) {
      const hi = Math.floor(v / 16777216);
      this.write(hi, w - 24);
      v -= hi * 16777216;
      w = 24;
    }
    if (w === 0) return;
    let acc = ((this.acc << w) | v) >>> 0;
    let nacc = this.nacc + w;
    while (nacc >= 8) {
      nacc -= 8;
      this.out.byte(acc >>> nacc);
      acc &= (1 << nacc) - 1;
    }
    this.acc = acc;
    this.nacc = nacc;
  }

  /** Pads the last byte with zero bits. */
  flush(): void {
    if (this.nacc > 0) this.write(0, 8 - this.nacc);
  }
}

export class BitReader {
  private bit: number;
  constructor(private readonly buf: Uint8Array, byteOffset: number) {
    this.bit = byteOffset * 8;
  }

  read(w: number): number {
    if (w === 0) return 0;
    if (this.bit + w > this.buf.length * 8) throw new Error('history codec: column truncated inside its bit stream');
    let v = 0;
    let left = w;
    while (left > 0) {
      const byte = this.buf[this.bit >>> 3];
      const avail = 8 - (this.bit & 7);
      const take = Math.min(avail, left);
      const chunk = (byte >>> (avail - take)) & ((1 << take) - 1);
      v = v * 2 ** take + chunk;
      left -= take;
      this.bit += take;
    }
    return v;
  }

  /** Byte position after the stream (rounded up). */
  endByte(): number {
    return Math.ceil(this.bit / 8);
  }
}

/** Bits needed for a non-negative safe integer (0 for 0). */
export function bitWidth(v: number): number {
  if (v < TWO_32) return 32 - Math.clz32(v);
  return 32 + (32 - Math.clz32(Math.floor(v / TWO_32)));
}

export function zigzag(x: number): number {
  return x >= 0 ? 2 * x : -2 * x - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}
