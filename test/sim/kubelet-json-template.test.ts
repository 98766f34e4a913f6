// TemplatedJson (remembered literals between values) must write exactly what the reference PrettyJson
// writes, for any nesting of objects, arrays and values: random documents from seeded structures, and
// the same writer reused across documents (the remembered trie is process-wide).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrettyJson } from '../../src/sim/kubelet/json-writer.js';
import { TemplatedJson } from '../../src/sim/kubelet/json-template.js';
import { TextWriter } from '../../src/sim/kubelet/text-writer.js';

type Writer = PrettyJson | TemplatedJson;

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

const KEYS = ['name', 'time', 'usageBytes', 'rxBytes', 'psi', 'avg10', 'containers', 'volume'];

/** Writes one random object's members (the same calls on any writer for the same seed). */
function members(j: Writer, r: () => number, depth: number): void {
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const key = KEYS[Math.floor(r() * KEYS.length)]!;
    const kind = Math.floor(r() * (depth < 4 ? 6 : 3));
    if (kind === 0) j.uint(key, Math.floor(r() * 1e12));
    else if (kind === 1) j.float(key, Math.round(r() * 10_000) / 100);
    else if (kind === 2) j.string(key, r() < 0.9 ? `v-${Math.floor(r() * 100)}` : 'needs "escaping"');
    else if (kind === 3 || kind === 4) {
      j.objectField(key);
      members(j, r, depth + 1);
      j.end();
    } else {
      j.arrayField(key);
      const items = Math.floor(r() * 3);
      for (let k = 0; k < items; k++) {
        j.object();
        members(j, r, depth + 2);
        j.end();
      }
      j.endArray();
    }
  }
}

function render(make: (w: TextWriter) => Writer, seed: number): string {
  const w = new TextWriter(1024);
  const j = make(w);
  j.object();
  members(j, rng(seed), 1);
  j.end();
  return w.toString();
}

test('TemplatedJson writes the same bytes as PrettyJson for 400 random documents', () => {
  let nonTrivial = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const expected = render((w) => new PrettyJson(w), seed);
    const actual = render((w) => new TemplatedJson(w), seed);
    assert.equal(actual, expected, `seed ${seed}`);
    if (expected.length > 200) nonTrivial++;
  }
  assert.ok(nonTrivial > 100, `most documents are nested (${nonTrivial})`);
});

test('the reference output is valid JSON in the kubelet layout (one-space indent)', () => {
  const text = render((w) => new TemplatedJson(w), 7);
  assert.doesNotThrow(() => JSON.parse(text));
  assert.ok(text.startsWith('{'));
  assert.equal(render((w) => new TemplatedJson(w), 999), render((w) => new PrettyJson(w), 999));
  assert.equal(JSON.stringify(JSON.parse(render((w) => new TemplatedJson(w), 12)), null, 1), render((w) => new PrettyJson(w), 12).replace(/\[\n *\]/g, '[]'));
});

test('TextWriter.uint writes every integer below 2^53 as String() does (8-digit halves, edges)', () => {
  const w = new TextWriter(64);
  const r = rng(53);
  const values = [0, 1, 9, 10, 99_999_999, 100_000_000, 100_000_001, 1e15, 1e16 - 1, 2 ** 32, 2 ** 53 - 1];
  for (let i = 0; i < 20_000; i++) values.push(Math.floor(r() * 2 ** (r() * 53)));
  for (const v of values) assert.equal(w.reset().uint(v).toString(), String(v), `${v}`);
  assert.equal(w.reset().uint(-3.6).toString(), '-4', 'out-of-range values fall back to String(Math.round(v))');
});

test('TemplatedJson.float writes what String() writes (two-decimal fast path and others)', () => {
  const r = rng(64);
  const values = [0, 0.5, 1, 0.07, 12.07, 99.99, 100, 0.1 + 0.2, 1e-7, 123456.789, 9_999_999.99, 1e21];
  for (let i = 0; i < 20_000; i++) values.push(r() < 0.5 ? Math.round(r() * 10_000) / 100 : r() * 10 ** Math.floor(r() * 12));
  for (const v of values) {
    const w = new TextWriter(64);
    new TemplatedJson(w).object().float('avg10', v).end();
    assert.equal(w.toString(), `{\n "avg10": ${String(v)}\n}`, `${v}`);
  }
});
