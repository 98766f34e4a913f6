// Byte-level helpers of slot-json.ts: literals packed in 8-byte words, and numbers and strings written
// straight into a buffer (four digits per store), each exactly as PrettyJson writes the same value.

/** Literal words are written with little-endian 8-byte stores, so byte j of a word's text sits where the
 *  little-endian serialisation of the double puts it: in memory order on a little-endian host (x64, arm64),
 *  reversed within the word on a big-endian one. (A constant byte order lets V8 emit a plain store.) */
const LE_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Where the text byte at offset o of a word array lives in the words' memory. */
export function wordByte(o: number): number {
  return LE_HOST ? o : (o & ~7) | (7 - (o & 7));
}

/** "0000".."9999" as little-endian 32-bit stores (40 KB): four digits per store. */
export const QUADS = new Uint32Array(10_000);
for (let i = 0; i < 10_000; i++) {
  const d = [(i / 1000) | 0, ((i / 100) | 0) % 10, ((i / 10) | 0) % 10, i % 10];
  QUADS[i] = ((48 + d[0]) | ((48 + d[1]) << 8) | ((48 + d[2]) << 16) | ((48 + d[3]) << 24)) >>> 0;
}

/** The characters PrettyJson writes without JSON.stringify (its SAFE pattern). */
const SAFE_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/@+ -') SAFE_CHAR[c.charCodeAt(0)] = 1;

/** Whether PrettyJson writes the string as is between quotes (its SAFE pattern). */
export function safe(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || SAFE_CHAR[c] === 0) return false;
  }
  return true;
}

/** Eight bytes of text as one float64 (no 8-byte run of JSON literal text is a NaN: its bytes are < 0x7f).
 *  Each piece [start, end) of src starts at a word of its own, padded with spaces; null if a byte is not ASCII. */
export function packWords(src: Uint8Array, pieces: Array<[number, number]>): { words: Float64Array; at: number[] } | null {
  let total = 0;
  for (const [s, e] of pieces) total += Math.ceil((e - s) / 8);
  const words = new Float64Array(total);
  const bytes = new Uint8Array(words.buffer);
  bytes.fill(32);
  const at: number[] = [];
  let w = 0;
  for (const [s, e] of pieces) {
    for (let i = s; i < e; i++) {
      if (src[i] >= 0x7f) return null; // keys are ASCII; anything else is not replayed
      bytes[wordByte(w * 8 + i - s)] = src[i]!;
    }
    at.push(w);
    w += Math.ceil((e - s) / 8);
  }
  return { words, at };
}

// The writers below may store up to 3 bytes past what they return: the caller keeps room after pos.

/** x < 10^8, integer, no leading zeros; returns the position after it. */
export function writeSmall(dv: DataView, pos: number, x: number): number {
  if (x < 10_000) {
    const d = x < 100 ? (x < 10 ? 1 : 2) : x < 1000 ? 3 : 4;
    // The leading zeros shifted out; the store's zero bytes past the digits are overwritten later.
    dv.setUint32(pos, QUADS[x] >>> ((4 - d) << 3), true);
    return pos + d;
  }
  const hi = (x / 10_000) | 0;
  const d = hi < 100 ? (hi < 10 ? 1 : 2) : hi < 1000 ? 3 : 4;
  dv.setUint32(pos, QUADS[hi] >>> ((4 - d) << 3), true);
  dv.setUint32(pos + d, QUADS[x - hi * 10_000], true);
  return pos + d + 4;
}

/** x < 10^8 as exactly eight digits. */
export function writeEight(dv: DataView, pos: number, x: number): number {
  const hi = (x / 10_000) | 0;
  dv.setUint32(pos, QUADS[hi], true);
  dv.setUint32(pos + 4, QUADS[x - hi * 10_000], true);
  return pos + 8;
}

/** A uint as TextWriter.jsonUint writes it (rounded, never negative); -1 (nothing written that counts)
 *  for 2^53 and above and non-finite values, which the caller writes with String(). */
export function writeUint(dv: DataView, buf: Uint8Array, pos: number, v: number): number {
  const x = v > 0 ? Math.round(v) : 0;
  if (x === 0) {
    buf[pos] = 48;
    return pos + 1;
  }
  if (x < 100_000_000) return writeSmall(dv, pos, x);
  if (x < 9007199254740992) {
    const hi = Math.floor(x / 100_000_000); // < 10^8 since x < 2^53
    return writeEight(dv, writeSmall(dv, pos, hi), x - hi * 100_000_000);
  }
  return -1;
}

/** "int.ff" without trailing zeros for an integer 0 ≤ c < 10^9: the shortest round-trip form of c / 100,
 *  which is what String(c / 100) writes. */
export function writeHundredths(dv: DataView, buf: Uint8Array, pos: number, c: number): number {
  if (c === 0) {
    buf[pos] = 48;
    return pos + 1;
  }
  const int = Math.floor(c / 100);
  const frac = c - int * 100;
  let p = writeSmall(dv, pos, int);
  if (frac !== 0) {
    const tens = (frac / 10) | 0;
    buf[p++] = 46;
    buf[p++] = 48 + tens;
    if (frac !== tens * 10) buf[p++] = 48 + frac - tens * 10;
  }
  return p;
}

/** `"v"` when every character is in PrettyJson's safe set; -1 (nothing written that counts) otherwise, and
 *  the caller writes JSON.stringify(v) as PrettyJson does. Needs v.length + 2 bytes of room. */
export function writeQuoted(buf: Uint8Array, pos: number, v: string): number {
  const n = v.length;
  let p = pos;
  buf[p++] = 34;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || SAFE_CHAR[c] === 0) return -1;
    buf[p++] = c;
  }
  buf[p++] = 34;
  return p;
}
