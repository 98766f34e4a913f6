// SlotJson (templates recorded with PrettyJson, replayed with numeric slots) must write exactly what the
// reference PrettyJson writes: random documents whose structure and values come from separate seeds, so
// that the same structure replays with other values, and several structures share one key, so that a
// replay departs from its template and is recorded afresh. Number and string formatting on their own too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrettyJson } from '../src/kubelet/json-writer.js';
import { MISMATCH, SlotJson, slotJsonStats } from '../src/kubelet/slot-json.js';
import { TextWriter } from '../src/kubelet/text-writer.js';
import { rfc3339, writeRfc3339 } from '../src/kubelet/rfc3339.js';

type Writer = PrettyJson | SlotJson;

/** A small seeded PRNG (mulberry32) so that every run checks the same documents. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAST_A = '2026-06-26T06:00:10Z';
const FAST_B = '2026-06-26T06:00:00Z';
const KEYS = ['name', 'time', 'usageBytes', 'rxBytes', 'psi', 'avg10', 'containers', 'volume'];
const ODD_UINTS = [0, 1, 9, 10, 99, 100, 9999, 10_000, 99_999_999, 100_000_000, 123_456_789_012, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 1.5, 2.5, 7.49, -3, -0, NaN, Infinity, -Infinity];
const ODD_FLOATS = [0, -0, 0.01, 0.1, 0.07, 0.5, 1, 1.1, 12.34, 99.99, 100, 1234567.89, 1 / 3, 2 / 3, 1e-7, 1e21, 123456789.12, -1.5, NaN];
/** Times (ms) at calendar edges, before 1970, with milliseconds, and outside the years 0–9999. */
const ODD_TIMES = [0, -1, 951_782_400_000, 951_868_799_999, 4_107_542_399_999, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, 1_782_453_610_123];
const ODD_STRINGS = ['', 'web-1', FAST_A, FAST_B, 'needs "escaping"', 'back\\slash', 'tab\there', 'ünïcode', 'new\nline', 'a'.repeat(300), '2026-06-26T06:00:11Z'];

/** The two stamps of a document (sample times), different for every value set. */
function stamps(valueSeed: number): [string, string] {
  const s = String(valueSeed % 60).padStart(2, '0');
  return [`2026-06-26T06:01:${s}Z`, `2026-06-26T06:01:00Z`];
}

/** The four numeric stamps of a document (node-wide numbers): other values for every value set, each of a
 *  fixed width so that templates are patched rather than recorded afresh. */
function numStamps(valueSeed: number): number[] {
  return [100_000_000_000 + ((valueSeed * 7919) % 900_000_000_000), 1_000_000 + ((valueSeed * 104_729) % 9_000_000), 10 + (valueSeed % 90), valueSeed % 10];
}

/** Writes one random object's members: the structure from `shape`, the values from `value`. */
function members(j: Writer, shape: () => number, value: () => number, depth: number, st: [string, string], nums: number[]): void {
  const n = Math.floor(shape() * 6);
  for (let i = 0; i < n; i++) {
    const key = KEYS[Math.floor(shape() * KEYS.length)];
    const kind = Math.floor(shape() * (depth < 4 ? 9 : 6));
    if (kind === 5) {
      const r = shape();
      if (r < 0.4) {
        const which = Math.floor(shape() * 4);
        j.stampUint(key, nums[which], 2 + which);
      } else {
        const which = r < 0.7 ? 0 : 1;
        j.stamp(key, st[which], which);
      }
    } else if (kind === 6) {
      if (shape() < 0.5) j.fixedUint(key, Math.floor(shape() * 1e6));
      else j.fixedString(key, shape() < 0.9 ? 'eth0' : 'needs "escaping"');
    } else if (kind === 7) {
      j.cents(key, value() < 0.1 ? [0, 1, 10, 100, 9999, 10_000, NaN, -1, 2.5][Math.floor(value() * 9)] : Math.round(value() * 10_000));
    } else if (kind === 0) {
      const r = value();
      j.uint(key, r < 0.2 ? ODD_UINTS[Math.floor(value() * ODD_UINTS.length)] : Math.floor(value() * 10 ** Math.floor(value() * 16)));
    } else if (kind === 1) {
      const r = value();
      j.float(key, r < 0.3 ? ODD_FLOATS[Math.floor(value() * ODD_FLOATS.length)] : r < 0.9 ? Math.round(value() * 10_000) / 100 : value() * 1000);
    } else if (kind === 2) {
      // Times share the string kind's share of the structure: a start time is written as a string.
      if (shape() < 0.3) j.time(key, value() < 0.1 ? ODD_TIMES[Math.floor(value() * ODD_TIMES.length)] : Math.floor(value() * 4_102_444_800_000));
      else {
        const r = value();
        j.string(key, r < 0.5 ? ODD_STRINGS[Math.floor(value() * ODD_STRINGS.length)] : `v-${Math.floor(value() * 100)}`);
      }
    } else if (kind === 3 || kind === 4) {
      j.objectField(key);
      members(j, shape, value, depth + 1, st, nums);
      j.end();
    } else {
      j.arrayField(key);
      const items = Math.floor(shape() * 3);
      for (let k = 0; k < items; k++) {
        j.object();
        members(j, shape, value, depth + 2, st, nums);
        j.end();
      }
      j.endArray();
    }
  }
}

function doc(j: Writer, shapeSeed: number, valueSeed: number): void {
  j.object();
  members(j, rng(shapeSeed), rng(valueSeed), 1, stamps(valueSeed), numStamps(valueSeed));
  j.end();
}

function reference(shapeSeed: number, valueSeed: number): string {
  const w = new TextWriter(1024);
  doc(new PrettyJson(w), shapeSeed, valueSeed);
  return w.toString();
}

const slots = new SlotJson(new TextWriter(256));

function replayed(key: string, shapeSeed: number, valueSeed: number): string {
  const w = new TextWriter(64); // small: the writer must grow it mid-fragment
  slots.start(w, ...stamps(valueSeed), numStamps(valueSeed));
  const mark = slots.begin(key, 0);
  try {
    doc(slots, shapeSeed, valueSeed);
    slots.finish();
  } catch (err) {
    if (err !== MISMATCH) throw err;
    slots.rerecord(mark, key, 0);
    doc(slots, shapeSeed, valueSeed);
    slots.finish();
  }
  slots.done();
  return w.toString();
}

test('SlotJson writes the same bytes as PrettyJson: 60 structures × 8 value sets, recorded then replayed', () => {
  const before = { ...slotJsonStats };
  for (let shape = 1; shape <= 60; shape++) {
    for (let values = 1; values <= 8; values++) {
      assert.equal(replayed(`shape-${shape}`, shape, 1000 * shape + values), reference(shape, 1000 * shape + values), `shape ${shape} values ${values}`);
    }
  }
  assert.equal(slotJsonStats.recorded - before.recorded, 60, 'each structure recorded once');
  assert.equal(slotJsonStats.replayed - before.replayed, 60 * 7, 'then replayed');
  assert.equal(slotJsonStats.mismatches - before.mismatches, 0);
});

test('a replay that departs from its template (structures sharing a key) is rewound and recorded afresh', () => {
  const before = slotJsonStats.mismatches;
  for (let round = 0; round < 3; round++) {
    for (let shape = 200; shape < 230; shape++) {
      assert.equal(replayed('shared', shape, shape + round), reference(shape, shape + round), `shape ${shape} round ${round}`);
    }
  }
  assert.ok(slotJsonStats.mismatches - before > 50, `departures were noticed (${slotJsonStats.mismatches - before})`);
});

test('numeric stamps: folded when equal to the document\'s number, patched per document, ordinary uints otherwise', () => {
  const write = (j: Writer, nums: number[], values: number[]) => {
    j.object();
    for (let b = 0; b < 3; b++) {
      j.objectField('rootfs').stamp('time', FAST_A, 0).stampUint('availableBytes', values[0], 2).uint('usedBytes', 4096 * b).stampUint('inodes', values[1], 3).end();
    }
    j.end();
  };
  const cases: Array<{ nums: number[]; values: number[] }> = [
    { nums: [123_456_789_012, 6_553_600], values: [123_456_789_012, 6_553_600] }, // recorded
    { nums: [123_456_000_000, 6_553_601], values: [123_456_000_000, 6_553_601] }, // same widths: patched
    { nums: [99_000, 6_553_601], values: [99_000, 6_553_601] }, // another width: recorded afresh
    { nums: [99_000, 6_553_601], values: [42, 6_553_601] }, // not the document's number: departs, recorded with a uint
    { nums: [99_001, 7], values: [42, 7] }, // replays the uint, stamp 3 recorded afresh
    { nums: [NaN, -1], values: [5, -1] }, // numbers that cannot be stamps: ordinary uints
  ];
  const before = { ...slotJsonStats };
  for (const [n, c] of cases.entries()) {
    const ref = new TextWriter(64);
    write(new PrettyJson(ref), c.nums, c.values);
    const out = new TextWriter(64);
    slots.start(out, FAST_A, FAST_B, c.nums);
    const mark = slots.begin('num-stamps', 0);
    try {
      write(slots, c.nums, c.values);
      slots.finish();
    } catch (err) {
      if (err !== MISMATCH) throw err;
      slots.rerecord(mark, 'num-stamps', 0);
      write(slots, c.nums, c.values);
      slots.finish();
    }
    slots.done();
    assert.equal(out.toString(), ref.toString(), `case ${n}`);
  }
  // Replayed: case 1 (patched in place). Recorded: cases 0, 2 (new width), 3 (after departing), 4 (new
  // width of stamp 3), 5 (no stamps).
  assert.equal(slotJsonStats.replayed - before.replayed, 1, 'the same widths were patched and replayed');
  assert.equal(slotJsonStats.mismatches - before.mismatches, 1, 'a value other than the stamp departed');
  assert.equal(slotJsonStats.recorded - before.recorded, 5);
  assert.throws(() => slots.start(new TextWriter(64), FAST_A, FAST_B, [1, 2, 3, 4, 5]), /at most 4 numeric stamps/);
});

test('uint and float values are formatted as PrettyJson formats them, across magnitudes and edge cases', () => {
  const uints: number[] = [...ODD_UINTS];
  for (let p = 0; p <= 16; p++) for (const d of [-1, 0, 1]) uints.push(10 ** p + d);
  const r = rng(7);
  for (let i = 0; i < 5000; i++) uints.push(Math.floor(r() * 2 ** 53), Math.floor(r() * 10 ** Math.floor(r() * 12)));
  const floats: number[] = [...ODD_FLOATS];
  for (let c = 0; c <= 20_000; c += 7) floats.push(c / 100, Math.round(Math.min(100, (c / 200) * 0.9) * 80) / 100);
  for (let i = 0; i < 2000; i++) floats.push(r() * 100, r() * 1e9);
  const write = (j: Writer) => {
    j.object();
    for (const v of uints) j.uint('u', v);
    for (const v of floats) j.float('f', v);
    j.end();
  };
  const w = new TextWriter(64);
  write(new PrettyJson(w));
  const expected = w.toString();
  for (let pass = 0; pass < 2; pass++) { // record, then replay
    const out = new TextWriter(64);
    slots.start(out, FAST_A, FAST_B);
    slots.begin('numbers', 0);
    write(slots);
    slots.finish();
    slots.done();
    assert.equal(out.toString(), expected, `pass ${pass}`);
  }
  // The reference writes uint64 as Go does for these (rounded, never negative) and floats as String().
  assert.match(expected, /"u": 9007199254740992,/);
  assert.match(expected, /"u": 2,\n "u": 3,\n "u": 7,\n "u": 0,\n "u": 0,/); // 1.5, 2.5, 7.49, -3, -0
  assert.match(expected, /"f": 0.07,/);
  assert.match(expected, /"f": 1e-7,/);
});

test('times are written as rfc3339() writes them (whole seconds, UTC), straight into the buffer', () => {
  const r = rng(3339);
  const times = [...ODD_TIMES];
  for (let i = 0; i < 20_000; i++) times.push(Math.floor((r() - 0.2) * 5e12), Math.floor(r() * 4_102_444_800) * 1000);
  for (const ms of times) {
    const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
    assert.equal(rfc3339(ms), iso.replace('.000Z', 'Z'), `${ms}`);
    const buf = Buffer.alloc(32);
    const end = writeRfc3339(new DataView(buf.buffer), buf, 1, ms);
    if (iso.length === 24) assert.equal(buf.toString('latin1', 1, end), JSON.stringify(rfc3339(ms)), `${ms}`);
    else assert.equal(end, -1, `${ms}: a year outside 0–9999 is left to the caller (${iso})`);
  }
  assert.equal(rfc3339(951_782_400_000), '2000-02-29T00:00:00Z');
  assert.equal(rfc3339(-1), '1969-12-31T23:59:59Z');
});

test('the reference output is valid JSON in the kubelet layout (one-space indent, empty arrays as [])', () => {
  for (const seed of [7, 12, 999]) assert.doesNotThrow(() => JSON.parse(reference(seed, seed).replace(/: NaN/g, ': null')));
  const w = new TextWriter(64);
  new PrettyJson(w).object().objectField('node').string('nodeName', 'n1').arrayField('interfaces').endArray()
    .arrayField('pods').object().uint('rxBytes', 5).end().endArray().end().end();
  const obj = { node: { nodeName: 'n1', interfaces: [], pods: [{ rxBytes: 5 }] } };
  assert.equal(w.toString(), JSON.stringify(obj, null, 1));
});

test('TextWriter.uint writes every integer below 2^53 as String() does (8-digit halves, edges)', () => {
  const w = new TextWriter(64);
  const r = rng(53);
  const values = [0, 1, 9, 10, 99_999_999, 100_000_000, 100_000_001, 1e15, 1e16 - 1, 2 ** 32, 2 ** 53 - 1];
  for (let i = 0; i < 20_000; i++) values.push(Math.floor(r() * 2 ** (r() * 53)));
  for (const v of values) assert.equal(w.reset().uint(v).toString(), String(v), `${v}`);
  assert.equal(w.reset().uint(-3.6).toString(), '-4', 'out-of-range values fall back to String(Math.round(v))');
});
