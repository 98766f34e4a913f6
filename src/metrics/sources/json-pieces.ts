// JSON.parse of a large document in pieces: each member of the top-level object, and each element of a
// top-level array member (the summary's `pods`), is parsed from its own short string.
//
// Why: a 30-pod summary is ~140 KB. As one string it is above V8's largest regular heap object (128 KiB),
// so every scrape allocated it in large-object space (fresh pages per object, page faults as it is
// written, freed again at the next GC). In the collector at 1,000 nodes that Buffer→string step cost
// ~1.5 ms of CPU per scrape, more than JSON.parse itself (~0.6 ms); strings of a few KB (one pod each)
// are ordinary young-generation allocations. The split needs only a scan for string and bracket
// boundaries; JSON.parse still validates every piece, and anything the scan does not expect (or an
// invalid document) goes through one plain JSON.parse of the whole, so results and error messages are
// exactly JSON.parse's.
import { isAscii } from 'node:buffer';

/** Below this size one JSON.parse of the whole is cheaper than scanning. */
export const PIECES_FROM_BYTES = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** What the bracket scan looks at; everything else is ORDINARY. */
const ORDINARY = 0;
const QUOTE_CLASS = 1;
const ESCAPE_CLASS = 2;
const OPEN_CLASS = 3;
const CLOSE_CLASS = 4;
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[QUOTE] = QUOTE_CLASS;
BYTE_CLASS[BACKSLASH] = ESCAPE_CLASS;
BYTE_CLASS[OPEN_BRACE] = OPEN_CLASS;
BYTE_CLASS[OPEN_BRACKET] = OPEN_CLASS;
BYTE_CLASS[CLOSE_BRACE] = CLOSE_CLASS;
BYTE_CLASS[CLOSE_BRACKET] = CLOSE_CLASS;

/** The scan met something it does not handle: parse the whole document instead. */
class NotSplittable extends Error {}

export function parseJsonBuffer(buf: Buffer): unknown {
  // ASCII (every kubelet payload in practice) decodes as latin1: one copy, no UTF-8 validation. Piece
  // boundaries are ASCII bytes, so UTF-8 pieces are whole characters either way.
  const encoding: BufferEncoding = isAscii(buf) ? 'latin1' : 'utf8';
  if (buf.length >= PIECES_FROM_BYTES) {
    try {
      return new Scanner(buf, encoding).document();
    } catch (err) {
      if (!(err instanceof NotSplittable) && !(err instanceof SyntaxError)) throw err;
      // Invalid somewhere (or a shape the scan does not split): JSON.parse of the whole says where.
    }
  }
  return JSON.parse(buf.toString(encoding));
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

class Scanner {
  private i = 0;
  constructor(private readonly b: Buffer, private readonly encoding: BufferEncoding) {}

  document(): Record<string, unknown> {
    this.ws();
    this.expect(OPEN_BRACE);
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.b[this.i] === CLOSE_BRACE) this.i++;
    else {
      for (;;) {
        this.ws();
        if (this.b[this.i] !== QUOTE) throw new NotSplittable();
        const keyStart = this.i;
        this.i = this.stringEnd(this.i);
        const key = JSON.parse(this.text(keyStart, this.i)) as string;
        // An own "__proto__" member needs JSON.parse's semantics (assignment would set the prototype).
        if (key === '__proto__') throw new NotSplittable();
        this.ws();
        this.expect(COLON);
        this.ws();
        out[key] = this.b[this.i] === OPEN_BRACKET ? this.arrayInPieces() : this.piece();
        this.ws();
        const sep = this.b[this.i++];
        if (sep === CLOSE_BRACE) break;
        if (sep !== COMMA) throw new NotSplittable();
      }
    }
    this.ws();
    if (this.i !== this.b.length) throw new NotSplittable();
    return out;
  }

  private arrayInPieces(): unknown[] {
    this.expect(OPEN_BRACKET);
    const out: unknown[] = [];
    this.ws();
    if (this.b[this.i] === CLOSE_BRACKET) {
      this.i++;
      return out;
    }
    const signature = this.firstKeySignature();
    if (signature) this.elementsBySignature(signature, out);
    for (;;) {
      this.ws();
      out.push(this.piece());
      this.ws();
      const sep = this.b[this.i++];
      if (sep === CLOSE_BRACKET) return out;
      if (sep !== COMMA) throw new NotSplittable();
    }
  }

  /**
   * The bytes that start the element here when it is an object: `{`, the whitespace after it and its first
   * key, e.g. `{\n   "podRef"` (the kubelet indents its JSON, and writes every pod with the same first key
   * at the same depth). Each element's start is then found by a native search instead of a scan of every
   * byte. Null when the element does not start that way.
   */
  private firstKeySignature(): Buffer | null {
    const b = this.b;
    const at = this.i;
    if (b[at] !== OPEN_BRACE) return null;
    let q = at + 1;
    while (q < b.length && isSpace(b[q])) q++;
    if (b[q] !== QUOTE) return null;
    for (let i = q + 1; i < b.length && i < q + 64; i++) {
      const c = b[i];
      if (c === BACKSLASH) return null;
      if (c === QUOTE) return b.subarray(at, i + 1);
    }
    return null;
  }

  /**
   * Parses the elements from here up to the last one that starts with `signature`, each from the text
   * between two starts (its trailing comma dropped), and leaves the last one to the caller's scan. Safe
   * without knowing where strings and brackets are: JSON values are self-delimiting, so when every piece
   * parses on its own, the pieces are exactly the array's elements; a start found inside a string or a
   * nested object leaves a piece that does not parse (an unclosed string or bracket), and then the whole
   * document is parsed at once.
   */
  private elementsBySignature(signature: Buffer, out: unknown[]): void {
    const b = this.b;
    let start = this.i;
    for (;;) {
      const next = b.indexOf(signature, start + signature.length);
      if (next < 0) break;
      let end = next;
      while (end > start && isSpace(b[end - 1])) end--;
      if (b[end - 1] !== COMMA) throw new NotSplittable();
      out.push(JSON.parse(this.text(start, end - 1)));
      start = next;
    }
    this.i = start;
  }

  /** Parses the value starting here and moves past it. */
  private piece(): unknown {
    const start = this.i;
    this.i = this.valueEnd(start);
    return JSON.parse(this.text(start, this.i));
  }

  private text(start: number, end: number): string {
    return this.b.toString(this.encoding, start, end);
  }

  private expect(byte: number): void {
    if (this.b[this.i] !== byte) throw new NotSplittable();
    this.i++;
  }

  private ws(): void {
    const b = this.b;
    let i = this.i;
    while (i < b.length && isSpace(b[i])) i++;
    this.i = i;
  }

  /**
   * Index after the string whose opening quote is at `at`. A plain loop: the strings are mostly short keys,
   * where a native Buffer#indexOf call costs more than the bytes it skips.
   */
  private stringEnd(at: number): number {
    const b = this.b;
    const n = b.length;
    for (let i = at + 1; i < n; i++) {
      const c = b[i];
      if (c === QUOTE) return i + 1;
      if (c === BACKSLASH) i++; // the escaped character, whatever it is
    }
    throw new NotSplittable();
  }

  /** Index after the value starting at `at` (object, array, string or scalar); JSON.parse checks it. */
  private valueEnd(at: number): number {
    const b = this.b;
    const first = b[at];
    if (first === QUOTE) return this.stringEnd(at);
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      let i = at;
      for (let c = b[i]; c !== undefined && c !== COMMA && c !== CLOSE_BRACE && c !== CLOSE_BRACKET; c = b[++i]);
      if (i === at) throw new NotSplittable();
      return i;
    }
    // One tight loop with the string state inline (a call per string costs more than its bytes).
    let depth = 0;
    let inString = false;
    const n = b.length;
    for (let i = at; i < n; i++) {
      const k = BYTE_CLASS[b[i]];
      if (k === ORDINARY) continue;
      if (inString) {
        if (k === QUOTE_CLASS) inString = false;
        else if (k === ESCAPE_CLASS) i++;
      } else if (k === QUOTE_CLASS) inString = true;
      else if (k === OPEN_CLASS) depth++;
      else if (k === CLOSE_CLASS && --depth === 0) return i + 1;
    }
    throw new NotSplittable();
  }
}
