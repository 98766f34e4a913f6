// Pretty JSON exactly as the kubelet writes it (go-restful: json.MarshalIndent with a one-space indent,
// "key": value, empty arrays as []), streamed into a TextWriter without building objects.
import type { TextWriter } from './text-writer.js';
import { rfc3339 } from './rfc3339.js';

const SAFE = /^[A-Za-z0-9._:/@+ -]*$/;

/** `,\n<indent>"key": ` (and the variant without the comma) pre-encoded per depth and key: one copy per
 *  field instead of ~25 single-byte writes. Keys are the fixed stats/v1alpha1 field names, so this stays small. */
const KEY_BYTES: Array<Map<string, [Buffer, Buffer]>> = [];

function keyBytes(depth: number, key: string): [Buffer, Buffer] {
  let byKey = KEY_BYTES[depth];
  if (!byKey) KEY_BYTES[depth] = byKey = new Map<string, [Buffer, Buffer]>();
  let pair = byKey.get(key);
  if (!pair) {
    const text = `\n${' '.repeat(depth)}"${key}": `;
    pair = [Buffer.from(text, 'latin1'), Buffer.from(`,${text}`, 'latin1')];
    byKey.set(key, pair);
  }
  return pair;
}

export class PrettyJson {
  private depth = 0;
  /** Whether the container at each depth has no member yet. */
  private readonly empty: boolean[] = [true];

  /** `startDepth` > 0 resumes right after a value written at that depth (every open level has a member). */
  constructor(readonly w: TextWriter, startDepth = 0) {
    this.depth = startDepth;
    for (let d = 0; d <= startDepth; d++) this.empty[d] = startDepth === 0;
  }

  private member(): void {
    if (this.empty[this.depth]) this.empty[this.depth] = false;
    else this.w.byte(44);
    this.w.newline(this.depth);
  }

  /** Writes `"key": ` with its separator and indentation (public for slot-json.ts, which records with it). */
  keyed(key: string): TextWriter {
    const pair = keyBytes(this.depth, key);
    if (this.empty[this.depth]) {
      this.empty[this.depth] = false;
      return this.w.bytes(pair[0]);
    }
    return this.w.bytes(pair[1]);
  }

  private open(c: number): this {
    this.w.byte(c);
    this.empty[++this.depth] = true;
    return this;
  }

  private close(c: number): this {
    const wasEmpty = this.empty[this.depth--];
    if (!wasEmpty) this.w.newline(this.depth);
    this.w.byte(c);
    return this;
  }

  /** Top-level or array-element object. */
  object(): this {
    if (this.depth > 0) this.member();
    return this.open(123);
  }

  objectField(key: string): this {
    this.keyed(key);
    return this.open(123);
  }

  arrayField(key: string): this {
    this.keyed(key);
    return this.open(91);
  }

  end(): this {
    return this.close(125);
  }

  endArray(): this {
    return this.close(93);
  }

  /** uint64 field (rounded, never negative). */
  uint(key: string, v: number): this {
    this.keyed(key);
    this.uintValue(v);
    return this;
  }

  /** float64 field, as Go's encoding/json formats ordinary magnitudes (shortest round-trip digits). */
  float(key: string, v: number): this {
    this.keyed(key);
    this.floatValue(v);
    return this;
  }

  string(key: string, v: string): this {
    this.keyed(key);
    this.stringValue(v);
    return this;
  }

  /** A time (ms since the epoch) as metav1.Time marshals it. */
  time(key: string, ms: number): this {
    return this.string(key, rfc3339(ms));
  }

  /** float(key, c / 100): a two-decimal percentage given in hundredths. */
  cents(key: string, c: number): this {
    return this.float(key, c / 100);
  }

  /** The same as uint() here; the template writer (slot-json.ts) folds such values into its templates. */
  fixedUint(key: string, v: number): this {
    return this.uint(key, v);
  }

  /** The same as string() here (see fixedUint). */
  fixedString(key: string, v: string): this {
    return this.string(key, v);
  }

  /** The same as string() here; the template writer patches these (the sample times) into its templates. */
  stamp(key: string, v: string, _which: 0 | 1): this {
    return this.string(key, v);
  }

  /** The same as uint() here; the template writer patches these (node-wide numbers) into its templates. */
  stampUint(key: string, v: number, _which: number): this {
    return this.uint(key, v);
  }

  // The value halves of uint/float/string (after keyed()): the one definition of how values are written,
  // which slot-json.ts records templates with and its fast paths are tested against.

  uintValue(v: number): void {
    this.w.jsonUint(v);
  }

  floatValue(v: number): void {
    this.w.str(String(v));
  }

  /** The last string found to need no escaping: the tick's time string repeats in every block. */
  private lastSafe = '';

  stringValue(v: string): void {
    if (v === this.lastSafe || SAFE.test(v)) {
      this.lastSafe = v;
      this.w.byte(34).str(v).byte(34);
    } else this.w.str(JSON.stringify(v));
  }
}
