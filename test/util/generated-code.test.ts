import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generated, prop } from '../../src/util/generated-code.js';

test('a generated property access reads the named property, whatever characters the name holds', () => {
  // Names come from the declarations, but the quoting must hold for any text: no way out of the literal.
  const names = ['cpu_usage', 'a"b', "c'd", 'e\\', 'f\nline', '}); throw 1; ({', '\u2028'];
  const obj = Object.fromEntries(names.map((n, i) => [n, i]));
  for (const [i, n] of names.entries()) {
    const read = generated<(o: Record<string, number>) => number>(`function read(o) { return ${prop('o', n)}; }`);
    assert.equal(read(obj), i, n);
  }
});

test('bindings are in the generated function\'s scope and nothing else of the caller is', () => {
  const add = generated<(x: number) => number>('function add(x) { return x + k + (typeof names === "undefined" ? 0 : 100); }', { k: 2 });
  assert.equal(add(1), 3);
});
