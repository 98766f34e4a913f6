// Pretty JSON replayed from recorded templates, for documents whose shape repeats: in the summary every
// pod of the same structure, at every tick, makes the same calls with other values. A fragment (the node
// part, one pod) is first written by the reference writer (PrettyJson) while its calls are recorded; the
// bytes between two values (separators, indentation, keys) are kept as literals packed in 8-byte words.
// Later fragments with the same structure key replay it: every call is checked against the recording (op
// and key, so a departure cannot go unnoticed) and a value call only puts its value in the next slot. When
// the fragment ends, one loop writes literal, value, literal, value … (8-byte stores for literals, four
// digits per store for numbers: slot-bytes.ts). Keeping the writing out of the calls keeps them small
// enough for V8 to inline into the caller, where a number passed to a call that is not inlined is boxed
// (a heap allocation per value), and the writing loop holds its position and buffer in registers.
// Templates are shared by all kubelets of the process (5,000 nodes, one set).
// A call that departs from the recording throws MISMATCH; the caller rewinds and records afresh (nothing
// of a replayed fragment is written before it ends, so there is nothing to undo).
import { PrettyJson } from './json-writer.js';
import type { TextWriter } from './text-writer.js';
import { safe, wordByte, writeHundredths, writeQuoted, writeUint } from './slot-bytes.js';
import { rfc3339, writeRfc3339 } from './rfc3339.js';
import { ARRAY, buildTemplate, CENTS, TIME, END, END_ARRAY, FIELD, FIXED, FLOAT, OBJECT, slotJsonStats, STAMP, STAMP_COUNT, storeTemplate, STRING, templateOf, UINT, type Template } from './slot-templates.js';

export { clearSlotTemplates, slotJsonStats, STAMP_COUNT } from './slot-templates.js';

/** Thrown by a replayed call that departs from the recording; the fragment's writer catches it (see fragment()). */
export const MISMATCH: Error = new Error('slot-json: the fragment departs from its recorded structure');

/** Room kept after every write: a number (≤ 24 bytes), the overrun of an 8-byte store (≤ 7). */
const SLACK = 64;

export class SlotJson {
  // Output: the caller's TextWriter, written through its raw buffer.
  private w: TextWriter | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));
  private pos = 0;
  private cap = 0;
  // Replay: the template's calls, held directly (one load less per call), and the values given so far:
  // numbers and strings by slot (a slot holds one or the other, as its op says).
  private ops: Uint8Array = new Uint8Array(0);
  private keys: Array<string | null> = [];
  private tpl: Template | null = null;
  private i = 0;
  private nums: Float64Array = new Float64Array(256);
  private strs: string[] = new Array<string>(256).fill('');
  private slot = 0;
  // Recording: the reference writer into its own buffer, and the calls made.
  private recording = false;
  private recKey: string | number = '';
  private readonly rw: TextWriter;
  private pj: PrettyJson | null = null;
  private recOps: number[] = [];
  private recKeys: Array<string | null> = [];
  private recLits: Array<[number, number]> = [];
  private cut = 0;
  private strip = 0;
  private fixed: Array<number | string | undefined> = [];
  private recFixed: Array<number | string | undefined> = [];
  private recStamps: number[][] = [];
  /** The document's stamps as text, folded into templates (strings only when safe to write unescaped),
   *  and the numbers of the numeric ones. */
  private stamps: Array<string | null> = new Array<string | null>(STAMP_COUNT).fill(null);
  private stampNums: number[] = new Array<number>(STAMP_COUNT).fill(NaN);

  constructor(recordWriter: TextWriter) {
    this.rw = recordWriter;
  }

  /** Starts writing at w.pos; `stamp0`/`stamp1` are the strings stamp() may fold (e.g. the sample times),
   *  `nums` the values stampUint() may fold as stamps 2, 3, … (non-negative integers below 2^53). */
  start(w: TextWriter, stamp0: string, stamp1: string, nums: readonly number[] = []): void {
    if (nums.length > STAMP_COUNT - 2) throw new Error(`slot-json: at most ${STAMP_COUNT - 2} numeric stamps, got ${nums.length}`);
    this.w = w;
    this.acquire();
    this.stamps[0] = safe(stamp0) ? stamp0 : null;
    this.stamps[1] = safe(stamp1) ? stamp1 : null;
    for (let which = 2; which < STAMP_COUNT; which++) {
      const v = nums[which - 2];
      // Only what uintValue writes as String(v) can be patched as text.
      const ok = v !== undefined && v >= 0 && v < 9007199254740992 && v === Math.floor(v);
      this.stamps[which] = ok ? String(v) : null;
      this.stampNums[which] = ok ? v : NaN;
    }
  }

  /** Ends writing: the TextWriter's position moves past what was written. */
  done(): void {
    this.w!.pos = this.pos;
    this.w = null;
  }

  private acquire(): void {
    const b = this.w!.raw();
    if (b !== this.buf) {
      this.buf = b;
      this.dv = new DataView(b.buffer, b.byteOffset, b.length);
      this.cap = b.length;
    }
    this.pos = this.w!.pos;
  }

  private room(n: number): void {
    this.w!.pos = this.pos;
    this.w!.reserve(n);
    this.acquire();
  }

  /** Writes a string through the TextWriter (rare paths: escaping, unusual numbers). */
  private slow(s: string): void {
    this.w!.pos = this.pos;
    this.w!.str(s);
    this.acquire();
  }

  /** One raw byte between fragments (the comma between array members). */
  byte(c: number): void {
    if (this.pos + SLACK > this.cap) this.room(SLACK);
    this.buf[this.pos++] = c;
  }

  /** Raw bytes between fragments (the document's closing). */
  bytes(src: Uint8Array): void {
    this.w!.pos = this.pos;
    this.w!.bytes(src);
    this.acquire();
  }

  /**
   * Begins a fragment: replays the template recorded under `key`, or records one. `resumeDepth` 0 starts a
   * document; d > 0 continues right after a member at depth d, and the fragment's leading comma is left
   * out (the caller writes separators). Returns the position to rewind to after a MISMATCH.
   */
  begin(key: string | number, resumeDepth: number): number {
    const t = templateOf(key);
    if (t && this.stamped(t)) {
      this.recording = false;
      this.tpl = t;
      this.ops = t.ops;
      this.keys = t.keys;
      this.fixed = t.fixed;
      this.i = 0;
      this.slot = 0;
      if (this.nums.length < t.slotOp.length) {
        this.nums = new Float64Array(t.slotOp.length * 2);
        this.strs = new Array<string>(t.slotOp.length * 2).fill('');
      }
    } else this.record(key, resumeDepth);
    return this.pos;
  }

  /** Brings the template's stamps up to date: the same length is patched in place, another recorded anew. */
  private stamped(t: Template): boolean {
    for (let which = 0; which < STAMP_COUNT; which++) {
      const want = this.stamps[which];
      const have = t.stampText[which];
      const at = t.stampAt[which];
      if (at.length === 0 || want === have) continue;
      if (want === null || want.length !== have.length) return false;
      const bytes = new Uint8Array(t.words.buffer);
      for (let k = 0; k < at.length; k++) {
        const p = at[k];
        for (let c = 0; c < want.length; c++) bytes[wordByte(p + c)] = want.charCodeAt(c);
      }
      t.stampText[which] = want;
    }
    return true;
  }

  /** After a MISMATCH: drops what the fragment wrote and records it afresh under the same key. */
  rerecord(mark: number, key: string | number, resumeDepth: number): void {
    slotJsonStats.mismatches++;
    this.pos = mark;
    this.record(key, resumeDepth);
  }

  private record(key: string | number, resumeDepth: number): void {
    this.recording = true;
    this.recKey = key;
    this.pj = new PrettyJson(this.rw.reset(), resumeDepth);
    this.recOps = [];
    this.recKeys = [];
    this.recLits = [];
    this.recFixed = [];
    this.recStamps = Array.from({ length: STAMP_COUNT }, () => []);
    this.strip = resumeDepth > 0 ? 1 : 0;
    this.cut = this.strip;
  }

  /** Ends the fragment: the replayed tail, or the recorded bytes (and the new template). */
  finish(): void {
    if (!this.recording) {
      const t = this.tpl!;
      if (this.i !== this.ops.length) throw MISMATCH;
      this.writeSlots(t);
      slotJsonStats.replayed++;
      return;
    }
    this.recording = false;
    const rec = this.rw.view();
    if (this.strip && rec[0] !== 44) throw new Error(`slot-json: a resumed fragment must start with a comma, got ${JSON.stringify(String.fromCharCode(rec[0] ?? 0))}`);
    this.bytes(rec.subarray(this.strip));
    slotJsonStats.recorded++;
    const t = buildTemplate(rec, this.cut, { ops: this.recOps, keys: this.recKeys, lits: this.recLits, fixed: this.recFixed, stamps: this.recStamps }, this.stamps);
    if (t) storeTemplate(this.recKey, t);
  }

  // ---- structure ----

  private expect(op: number, key: string | null): void {
    const i = this.i;
    if (this.ops[i] !== op || this.keys[i] !== key) throw MISMATCH;
    this.i = i + 1;
  }

  private note(op: number, key: string | null): void {
    this.recOps.push(op);
    this.recKeys.push(key);
    this.recFixed.push(undefined);
  }

  object(): this {
    if (this.recording) {
      this.pj!.object();
      this.note(OBJECT, null);
    } else this.expect(OBJECT, null);
    return this;
  }

  objectField(key: string): this {
    if (this.recording) {
      this.pj!.objectField(key);
      this.note(FIELD, key);
    } else this.expect(FIELD, key);
    return this;
  }

  arrayField(key: string): this {
    if (this.recording) {
      this.pj!.arrayField(key);
      this.note(ARRAY, key);
    } else this.expect(ARRAY, key);
    return this;
  }

  end(): this {
    if (this.recording) {
      this.pj!.end();
      this.note(END, null);
    } else this.expect(END, null);
    return this;
  }

  endArray(): this {
    if (this.recording) {
      this.pj!.endArray();
      this.note(END_ARRAY, null);
    } else this.expect(END_ARRAY, null);
    return this;
  }

  // ---- values ----

  /** Recording: the key's bytes go to the reference writer, and what was written since the last value
   *  becomes this value's literal. */
  private recordKey(op: number, key: string): void {
    this.pj!.keyed(key);
    this.note(op, key);
    this.recLits.push([this.cut, this.rw.pos]);
  }

  /** Replay: checks a value call; its value goes in the slot this returns. */
  private value(op: number, key: string): number {
    const i = this.i;
    if (this.ops[i] !== op || this.keys[i] !== key) throw MISMATCH;
    this.i = i + 1;
    return this.slot++;
  }

  /** Writes a replayed fragment: each slot's literal, then its value, then the tail. */
  private writeSlots(t: Template): void {
    const { slotOp, litWord, litLen, words } = t;
    const nums = this.nums;
    let buf = this.buf;
    let dv = this.dv;
    let p = this.pos;
    for (let k = 0; k < slotOp.length; k++) {
      const len = litLen[k];
      if (p + len + SLACK > this.cap) {
        this.pos = p;
        this.room(len + SLACK);
        ({ buf, dv, pos: p } = this);
      }
      // The literal in 8-byte stores; the last may run past it (SLACK covers that, the value overwrites it).
      let w = litWord[k];
      const end = p + len;
      for (; p < end; p += 8) dv.setFloat64(p, words[w++], true);
      p = end;
      const op = slotOp[k];
      let text: string | null = null;
      if (op === UINT) {
        const v = nums[k];
        const after = writeUint(dv, buf, p, v);
        if (after >= 0) p = after;
        else text = String(Math.round(v)); // 2^53 and above, or not finite
      } else if (op === CENTS) {
        // A percentage in hundredths: "int.ff" without trailing zeros is what String(c / 100) writes.
        const c = nums[k];
        if (c >= 0 && c < 1e9 && c === Math.floor(c)) p = writeHundredths(dv, buf, p, c);
        else text = String(c / 100);
      } else if (op === TIME) {
        const ms = nums[k];
        const after = writeRfc3339(dv, buf, p, ms);
        if (after >= 0) p = after;
        else text = JSON.stringify(rfc3339(ms));
      } else if (op === FLOAT) {
        // Values with at most two decimals (c / 100 reproduces v exactly) are written as hundredths.
        const v = nums[k];
        const c = Math.round(v * 100);
        if (c >= 0 && c < 1e9 && c / 100 === v) p = writeHundredths(dv, buf, p, c);
        else text = String(v);
      } else {
        const v = this.strs[k];
        if (p + v.length + SLACK > this.cap) {
          this.pos = p;
          this.room(v.length + SLACK);
          ({ buf, dv, pos: p } = this);
        }
        const after = writeQuoted(buf, p, v);
        if (after >= 0) p = after;
        else text = JSON.stringify(v);
      }
      if (text !== null) {
        // Rare (escaping, numbers that are not plain integers or hundredths): through the TextWriter.
        this.pos = p;
        this.slow(text);
        ({ buf, dv, pos: p } = this);
      }
    }
    this.pos = p;
    this.copy(words, t.tailWord, t.tailLen);
  }

  /** n bytes from words[w…] at pos, in 8-byte stores (the last may run past n: SLACK covers it). */
  private copy(words: Float64Array, w: number, n: number): void {
    let p = this.pos;
    if (p + n + SLACK > this.cap) {
      this.room(n + SLACK);
      p = this.pos;
    }
    const end = p + n;
    const dv = this.dv;
    for (; p < end; p += 8) dv.setFloat64(p, words[w++], true);
    this.pos = end;
  }

  uint(key: string, v: number): this {
    if (this.recording) {
      this.recordKey(UINT, key);
      this.pj!.uintValue(v);
      this.cut = this.rw.pos;
    } else this.nums[this.value(UINT, key)] = v;
    return this;
  }

  float(key: string, v: number): this {
    if (this.recording) {
      this.recordKey(FLOAT, key);
      this.pj!.floatValue(v);
      this.cut = this.rw.pos;
    } else this.nums[this.value(FLOAT, key)] = v;
    return this;
  }

  /** The float c / 100 for an integer c (a percentage with two decimals), as float(key, c / 100) writes it,
   *  without dividing and checking. */
  cents(key: string, c: number): this {
    if (this.recording) {
      this.recordKey(CENTS, key);
      this.pj!.floatValue(c / 100);
      this.cut = this.rw.pos;
    } else this.nums[this.value(CENTS, key)] = c;
    return this;
  }

  /** A time in ms, written as rfc3339(ms) between quotes (without making the string, on replay). */
  time(key: string, ms: number): this {
    if (this.recording) {
      this.recordKey(TIME, key);
      this.pj!.stringValue(rfc3339(ms));
      this.cut = this.rw.pos;
    } else this.nums[this.value(TIME, key)] = ms;
    return this;
  }

  string(key: string, v: string): this {
    if (this.recording) {
      this.recordKey(STRING, key);
      this.pj!.stringValue(v);
      this.cut = this.rw.pos;
    } else this.strs[this.value(STRING, key)] = v;
    return this;
  }

  /** A uint the caller expects to be the same in every fragment of this structure (swap 0, one log inode):
   *  folded into the literal; a replay with another value departs (MISMATCH) and is recorded afresh. */
  fixedUint(key: string, v: number): this {
    return this.fixedValue(key, v, true);
  }

  /** A string the caller expects to be the same in every fragment of this structure (an interface name). */
  fixedString(key: string, v: string): this {
    return this.fixedValue(key, v, false);
  }

  private fixedValue(key: string, v: number | string, isUint: boolean): this {
    if (this.recording) {
      this.pj!.keyed(key);
      if (isUint) this.pj!.uintValue(v as number);
      else this.pj!.stringValue(v as string);
      this.note(FIXED, key);
      this.recFixed[this.recFixed.length - 1] = v;
      return this;
    }
    const i = this.i;
    if (this.ops[i] !== FIXED || this.keys[i] !== key || this.fixed[i] !== v) throw MISMATCH;
    this.i = i + 1;
    return this;
  }

  /** One of the document's stamps (start()), e.g. the sample time repeated in every block: folded into the
   *  literal and patched per document, so it costs nothing per field. Other values are ordinary strings. */
  stamp(key: string, v: string, which: 0 | 1): this {
    const op = STAMP + which;
    if (this.recording) {
      if (v !== this.stamps[which]) return this.string(key, v);
      this.pj!.keyed(key);
      this.recStamps[which].push(this.rw.pos + 1); // after the opening quote
      this.pj!.stringValue(v);
      this.note(op, key);
      return this;
    }
    const i = this.i;
    if (this.ops[i] === STRING) return this.string(key, v);
    if (this.ops[i] !== op || this.keys[i] !== key || v !== this.stamps[which]) throw MISMATCH;
    this.i = i + 1;
    return this;
  }

  /** A uint that is one of the document's numeric stamps (start(): `which` 2, 3, …) when it equals it:
   *  folded and patched per document as stamp() does. Any other value is an ordinary uint. */
  stampUint(key: string, v: number, which: number): this {
    const op = STAMP + which;
    if (this.recording) {
      if (v !== this.stampNums[which]) return this.uint(key, v);
      this.pj!.keyed(key);
      this.recStamps[which].push(this.rw.pos);
      this.pj!.uintValue(v);
      this.note(op, key);
      return this;
    }
    const i = this.i;
    if (this.ops[i] === UINT) return this.uint(key, v);
    if (this.ops[i] !== op || this.keys[i] !== key || v !== this.stampNums[which]) throw MISMATCH;
    this.i = i + 1;
    return this;
  }
}
