// The template store of slot-json.ts: the ops a fragment's recording is made of, how a recording becomes a
// template (literals packed in 8-byte words, where each value's literal and each stamp's text sit), and the
// process-wide bounded store that all kubelets share.
import { packWords } from './slot-bytes.js';

export const OBJECT = 1;
export const FIELD = 2;
export const ARRAY = 3;
export const END = 4;
export const END_ARRAY = 5;
// Value ops (UINT … STRING): each is a slot of the template, written after its literal.
export const UINT = 6;
export const FLOAT = 7;
/** A float given in hundredths (SlotJson.cents). */
export const CENTS = 8;
/** A time given in ms, written as metav1.Time (SlotJson.time). */
export const TIME = 9;
export const STRING = 10;
/** Folded into the literal: a value the same in every fragment of the template (checked on replay). */
export const FIXED = 11;
/** Folded into the literal and patched when it changes: one of the document's stamps (STAMP + which). */
export const STAMP = 12;
/** Stamps per document: two strings (the sample times), then numbers the same in every block (a node's
 *  filesystem size, free bytes and inodes, repeated in every container's rootfs and logs). */
export const STAMP_COUNT = 6;

export interface Template {
  ops: Uint8Array;
  keys: Array<string | null>;
  /** Per value slot (the value ops in order): its op, and the literal written before it (first word, bytes). */
  slotOp: Uint8Array;
  litWord: Int32Array;
  litLen: Int32Array;
  words: Float64Array;
  tailWord: number;
  tailLen: number;
  /** The FIXED values, by op. */
  fixed: Array<number | string | undefined>;
  /** Where each stamp's text sits in the words' bytes, and the text there now (by stamp). */
  stampAt: Int32Array[];
  stampText: string[];
}

/** What a recording noted, per call: op, key, the literal before each value ([start, end) in the recorded
 *  bytes), FIXED values; and per stamp, where its text starts in the recorded bytes. */
export interface Recording {
  ops: number[];
  keys: Array<string | null>;
  lits: Array<[number, number]>;
  fixed: Array<number | string | undefined>;
  stamps: number[][];
}

/**
 * The template of a recorded fragment: `rec` holds its bytes, `tailFrom` where the bytes after the last
 * value start, `stampText` the document's stamps as folded (null: not folded). Null when a literal is not
 * ASCII (such a fragment is simply recorded every time).
 */
export function buildTemplate(rec: Uint8Array, tailFrom: number, r: Recording, stampText: Array<string | null>): Template | null {
  const pieces: Array<[number, number]> = [...r.lits, [tailFrom, rec.length]];
  const packed = packWords(rec, pieces);
  if (!packed) return null;
  // A stamp's text lies inside one literal piece: its place in the packed words.
  const stampAt = r.stamps.map((offsets) => Int32Array.from(offsets, (o) => {
    const k = pieces.findIndex(([s, e]) => o >= s && o < e);
    return packed.at[k] * 8 + (o - pieces[k][0]);
  }));
  const slots = r.lits.length;
  const slotOp = Uint8Array.from(r.ops.filter((op) => op >= UINT && op <= STRING));
  if (slotOp.length !== slots) throw new Error(`slot-json: ${slotOp.length} value calls recorded ${slots} literals`);
  const litWord = Int32Array.from(packed.at.slice(0, slots));
  const litLen = Int32Array.from(r.lits, ([s, e]) => e - s);
  return {
    ops: Uint8Array.from(r.ops), keys: r.keys, slotOp, litWord, litLen, words: packed.words,
    tailWord: packed.at[slots], tailLen: rec.length - tailFrom, fixed: r.fixed,
    stampAt, stampText: stampText.map((text) => text ?? ''),
  };
}

/** Bounds on the process-wide template store; beyond them it starts over (the summary needs a few dozen). */
const MAX_TEMPLATES = 4096;
const MAX_TEMPLATE_BYTES = 32 * 1024 * 1024;
/** Keyed by the caller's structure key (a string, or a number that is cheaper to hash). */
const templates = new Map<string | number, Template>();
let templateBytes = 0;

/** Counters for tests and benchmarks: how often fragments were recorded, replayed, or departed. */
export const slotJsonStats = { recorded: 0, replayed: 0, mismatches: 0, templates: () => templates.size };

/** Forgets every template (tests). */
export function clearSlotTemplates(): void {
  templates.clear();
  templateBytes = 0;
}

export function templateOf(key: string | number): Template | undefined {
  return templates.get(key);
}

export function storeTemplate(key: string | number, t: Template): void {
  const size = t.words.byteLength + t.ops.length * 16;
  const old = templates.get(key);
  if (old) templateBytes -= old.words.byteLength + old.ops.length * 16;
  if (templates.size >= MAX_TEMPLATES || templateBytes + size > MAX_TEMPLATE_BYTES) clearSlotTemplates();
  templates.set(key, t);
  templateBytes += size;
}
