import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PIECES_FROM_BYTES, parseJsonBuffer } from '../../src/metrics/sources/json-pieces.js';
import { fixtureNames, readFixture } from './fixtures.js';

/** Pads a JSON object document past the piece threshold with a long string member at the end. */
function padded(text: string): Buffer {
  const close = text.lastIndexOf('}');
  const sep = /\{\s*$/.test(text.slice(0, close)) ? '' : ',';
  return Buffer.from(`${text.slice(0, close)}${sep}"zz_pad":"${'p'.repeat(PIECES_FROM_BYTES)}"${text.slice(close)}`, 'utf8');
}

function parseError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
}

for (const name of fixtureNames('summary-')) {
  test(`json-pieces: summary fixture ${name} parses exactly as JSON.parse`, () => {
    const body = padded(readFixture(name).toString('utf8'));
    assert.ok(body.length >= PIECES_FROM_BYTES);
    const want = JSON.parse(body.toString('utf8')) as { pods?: unknown[] };
    assert.deepEqual(parseJsonBuffer(body), want);
    assert.ok(Array.isArray(want.pods) && want.pods.length > 0, 'the fixture has pods to split');
  });
}

test('json-pieces: strings with quotes, backslashes, brackets and non-ASCII stay intact', () => {
  const doc = {
    a: 'brace } bracket ] quote " backslash \\ end\\',
    'key "with" quote': ['x]', { y: '}{' }, '\\"', 'ümlaut – ✓ 😀'],
    pods: [{ n: 1, s: '\\\\' }, [], {}, 'str,ing', -1.5e3, true, false, null],
    empty: {},
    nested: { deep: [[[{ z: ']' }]]] },
  };
  for (const space of [0, 2]) {
    const body = padded(JSON.stringify(doc, null, space));
    assert.deepEqual(parseJsonBuffer(body), JSON.parse(body.toString('utf8')), `indent ${space}`);
  }
});

test('json-pieces: element starts found inside strings or nested objects do not cut elements', () => {
  const pod = (i: number, extra: Record<string, unknown> = {}) => ({ podRef: { name: `p${i}` }, n: i, ...extra });
  const doc = {
    node: { nodeName: 'n' },
    pods: [
      pod(0),
      pod(1, { note: '},{"podRef":{"name":"fake"}}' }),
      pod(2, { nested: [{ podRef: 'inner' }, { podRef: { x: [1, 2] } }] }),
      { other: 'first key differs' },
      pod(3),
      pod(4, { trailing: '{"podRef":' }),
    ],
    after: [{ podRef: 'in a later member' }],
  };
  for (const space of [0, 1]) {
    const body = padded(JSON.stringify(doc, null, space));
    assert.deepEqual(parseJsonBuffer(body), JSON.parse(body.toString('utf8')), `indent ${space}`);
  }
});

test('json-pieces: shapes it does not split still parse as JSON.parse does', () => {
  for (const text of [
    `[1,2,3,"${'x'.repeat(PIECES_FROM_BYTES)}"]`,
    `  \n\t{}  ${' '.repeat(PIECES_FROM_BYTES)}`,
    `"${'s'.repeat(PIECES_FROM_BYTES)}"`,
    `{"__proto__":{"polluted":1},"pad":"${'p'.repeat(PIECES_FROM_BYTES)}"}`,
  ]) {
    const body = Buffer.from(text);
    const got = parseJsonBuffer(body) as Record<string, unknown>;
    assert.deepEqual(got, JSON.parse(text));
    if (text.includes('__proto__')) {
      assert.equal(Object.getPrototypeOf(got), Object.prototype, '__proto__ stays an own member');
      assert.ok(Object.hasOwn(got, '__proto__'));
    }
  }
});

test('json-pieces: invalid documents fail with JSON.parse\'s own error', () => {
  const good = padded(JSON.stringify({ node: { a: 1 }, pods: [{ b: 2 }, { c: 3 }] })).toString('utf8');
  for (const bad of [
    good.replace('"b":2', '"b":'), // invalid inside a piece
    good.replace('},{', '} {'), // missing comma between elements
    good.replace('"node":', '"node"'), // missing colon
    good + ' trailing', // garbage after the document
    good.slice(0, -2), // truncated
    good.replace('"zz_pad":"', '"zz_pad":"\\'), // string escape swallowing the quote
  ]) {
    const body = Buffer.from(bad);
    assert.equal(parseError(() => parseJsonBuffer(body)), parseError(() => JSON.parse(bad)));
    assert.notEqual(parseError(() => JSON.parse(bad)), 'no error', 'the case is really invalid');
  }
});
