import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromParseError, PromTextParser, parsePromStream, parsePromText, type PromSample } from '../../src/metrics/sources/prom-text.js';
import { fixtureNames, readFixture } from './fixtures.js';

function collect(text: string | Buffer): { samples: PromSample[]; types: Map<string, string>; help: Map<string, string> } {
  const samples: PromSample[] = [];
  const p = parsePromText(text, (s) => samples.push({ ...s, labels: { ...s.labels } }));
  return { samples, types: p.types, help: p.help };
}

test('prom text: HELP/TYPE, escapes in label values, NaN/±Inf, timestamps, CRLF, no final newline', () => {
  const { samples, types, help } = collect([
    '# HELP m_total A \\\\ help\\nline',
    '# TYPE m_total counter',
    '# a plain comment',
    'm_total{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",} 1.5e+03 1700000000123',
    'm_total{empty=""} NaN',
    'gauge_x +Inf\r',
    'gauge_y -Inf 5',
    '  ',
    'last 42',
  ].join('\n'));
  assert.equal(types.get('m_total'), 'counter');
  assert.equal(help.get('m_total'), 'A \\ help\nline');
  assert.deepEqual(samples[0], {
    name: 'm_total', labels: { path: 'C:\\dir', quote: 'say "hi"', nl: 'a\nb' }, value: 1500, timestampMs: 1700000000123,
  });
  assert.ok(Number.isNaN(samples[1].value));
  assert.deepEqual(samples[1].labels, { empty: '' });
  assert.equal(samples[2].value, Infinity);
  assert.equal(samples[2].timestampMs, null);
  assert.equal(samples[3].value, -Infinity);
  assert.equal(samples[3].timestampMs, 5);
  assert.deepEqual(samples[4], { name: 'last', labels: {}, value: 42, timestampMs: null });
  assert.equal(samples.length, 5);
});

test('prom text: chunks splitting lines and multi-byte characters anywhere give the same samples', async () => {
  const text = Buffer.from('a{l="héllo wörld ✓"} 1 10\nb{l="x"} 2\n# TYPE c gauge\nc 3\n');
  const whole = collect(text).samples;
  for (let size = 1; size <= 7; size++) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
    const got: PromSample[] = [];
    await parsePromStream(chunks, (s) => got.push({ ...s, labels: { ...s.labels } }));
    assert.deepEqual(got, whole, `chunk size ${size}`);
  }
  assert.equal(whole[0].labels.l, 'héllo wörld ✓');
});

test('prom text: malformed lines name the line and the problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['ok 1\n{a="b"} 1\n', /^line 2: expected a metric name/],
    ['m{a} 1\n', /^line 1: expected '=' after label a/],
    ['m{a=b} 1\n', /^line 1: expected '"' to open the value of label a/],
    ['m{a="b"}1\n', /^line 1: expected a space before the value/],
    ['m{a="b"} x\n', /^line 1: expected a number value/],
    ['m 1 2.5\n', /^line 1: expected an integer ms timestamp/],
    ['m{a="b" 1\n', /^line 1: /],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parsePromText(text, () => {}), (err: unknown) => err instanceof PromParseError && re.test(err.message), text);
  }
  assert.throws(() => parsePromText('x'.repeat(100), () => {}, { maxLineChars: 50 }), /line too long/);
});

test('prom text: wantFamily skips other families before their labels', () => {
  const seen: string[] = [];
  const asked: string[] = [];
  const p = parsePromText('keep{a="1"} 1\nskip{this is not even valid 2\nkeep 3\n', (s) => seen.push(`${s.name}=${s.value}`), {
    wantFamily: (name) => { asked.push(name); return name === 'keep'; },
  });
  assert.deepEqual(seen, ['keep=1', 'keep=3']);
  assert.deepEqual(asked, ['keep', 'skip', 'keep']);
  assert.equal(p.samples, 2);
});

test('prom text: lines with one label text share one labels object; quotes, braces and trailing commas in it', () => {
  const seen: PromSample[] = [];
  parsePromText([
    'a{id="/x",v="q\\"} y"} 1',
    'b{id="/x",v="q\\"} y"} 2',
    'b{id="/x",v="q\\\\"} 3',
    'c{id="/x",v="q\\\\"} 4',
    'c{id="/x",} 5',
    'd{id="/x",} 6',
    'd{} 7',
  ].join('\n'), (s) => seen.push(s));
  assert.deepEqual(seen.map((s) => s.labels), [
    { id: '/x', v: 'q"} y' }, { id: '/x', v: 'q"} y' }, { id: '/x', v: 'q\\' }, { id: '/x', v: 'q\\' },
    { id: '/x' }, { id: '/x' }, {},
  ]);
  assert.equal(seen[0].labels, seen[1].labels, 'an escaped quote before "} does not end the label text');
  assert.equal(seen[2].labels, seen[3].labels, 'an escaped backslash before the quote does');
  assert.notEqual(seen[1].labels, seen[2].labels);
  assert.deepEqual(seen.map((s) => s.value), [1, 2, 3, 4, 5, 6, 7]);
});

test('prom text: a run of lines of an unwanted family is skipped and counted', () => {
  const names: string[] = [];
  const asked: string[] = [];
  const p = parsePromText('x_a{l="1"} 1\nx_a{l="2"} 2\nx_ab 3\ny 4\nx_a 5\n', (s) => names.push(s.name), {
    wantFamily: (n) => { asked.push(n); return n !== 'x_a'; },
  });
  assert.deepEqual(names, ['x_ab', 'y'], 'x_ab is not x_a although it starts like it');
  assert.deepEqual(asked, ['x_a', 'x_ab', 'y', 'x_a'], 'asked once per run of one name');
  assert.equal(p.skipped, 3);
  assert.equal(p.samples, 2);
});

test('prom text: values equal what Number() reads, across forms and magnitudes', () => {
  const texts = ['0', '-0', '1', '+7', '.5', '5.', '1.5e+03', '1e-7', '-1.5E-10', '4.2983424e+07', '1.791311e+09', '123456789012345',
    '1234567890123456', '12345678901234567890', '0.30000000000000004', '9.999999999999999e+22', '1e22', '1e23', '1e400',
    '2.2250738585072014e-308', '0x10', 'Infinity', '0.000001234', '00012.50'];
  // Deterministic pseudo-random values in the forms Go's strconv writes ('g', shortest) and others.
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let k = 0; k < 3000; k++) {
    const v = Math.floor(rnd() * 1e9) * 10 ** (Math.floor(rnd() * 40) - 20);
    texts.push(String(v), v.toExponential(Math.floor(rnd() * 16)), v.toFixed(Math.floor(rnd() * 12)), (rnd() * 1e12).toPrecision(1 + Math.floor(rnd() * 17)));
  }
  const got: number[] = [];
  parsePromText(texts.map((t, i) => `m{i="${i}"} ${t}`).join('\n'), (s) => got.push(s.value));
  assert.equal(got.length, texts.length);
  for (let i = 0; i < texts.length; i++) assert.ok(Object.is(got[i], Number(texts[i])), `${texts[i]}: ${got[i]} vs ${Number(texts[i])}`);
});

test('prom text: label sets that differ in one byte anywhere are told apart', () => {
  // Same length, same start and end: a label cache that looked at only part of a text would mix them up.
  const base = 'a'.repeat(200);
  const ids = [base, ...Array.from({ length: 200 }, (_, p) => `${base.slice(0, p)}b${base.slice(p + 1)}`)];
  const lines = [...ids, ...ids].map((id, i) => `m{id="${id}",x="1"} ${i}`);
  const seen: PromSample[] = [];
  parsePromText(lines.join('\n'), (s) => seen.push(s));
  assert.equal(seen.length, 2 * ids.length);
  seen.forEach((s, i) => assert.equal(s.labels.id, ids[i % ids.length], `line ${i}`));
  assert.equal(seen[0].labels, seen[ids.length].labels, 'the first text met is remembered and shared');
});

test('prom text: a family whose label sets come in another order, or differ by a byte, is not matched by position', () => {
  // The cache first compares a line's label text with the previous family's at the same position.
  const ids = Array.from({ length: 50 }, (_, i) => `/kubepods/pod${String(i).padStart(4, '0')}${'x'.repeat(120)}`);
  const shifted = [...ids.slice(1), ids[0]];
  const oneByte = ids.map((id, i) => (i % 7 === 3 ? `${id.slice(0, 40)}y${id.slice(41)}` : id));
  const families = { a: ids, b: ids, c: shifted, d: oneByte };
  const text = Object.entries(families).map(([f, list]) => list.map((id, i) => `${f}{id="${id}"} ${i}`).join('\n')).join('\n');
  const seen: PromSample[] = [];
  parsePromText(text, (s) => seen.push(s));
  const expected = Object.values(families).flat();
  assert.equal(seen.length, expected.length);
  seen.forEach((s, i) => assert.equal(s.labels.id, expected[i], `line ${i} (${s.name})`));
  assert.equal(seen[ids.length].labels, seen[0].labels, 'the same text at the same position shares its labels');
});

/** Every sample and count a parse gives, labels copied (the parser shares label objects). */
function parseAll(input: string | Buffer | Buffer[], opts: { wantFamily?: (name: string) => boolean } = {}) {
  const samples: PromSample[] = [];
  const p = new PromTextParser((s) => samples.push({ ...s, labels: { ...s.labels } }), opts);
  for (const chunk of Array.isArray(input) ? input : [input]) p.push(chunk);
  p.end();
  return { samples, skipped: p.skipped, count: p.samples, types: Object.fromEntries(p.types) };
}

test('prom text: real cAdvisor payloads give the same samples and counts whole, in chunks of any size and as a string', () => {
  const want = (name: string) => name.includes('memory') || name.endsWith('_total') || name === 'machine_cpu_cores';
  for (const name of fixtureNames('cadvisor-')) {
    const body = readFixture(name);
    const whole = parseAll(body, { wantFamily: want });
    assert.ok(whole.count > 100 && whole.skipped > 100, `${name}: both kinds of families (${whole.count} parsed, ${whole.skipped} skipped)`);
    const lines = body.toString('utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    assert.equal(whole.count + whole.skipped, lines.length, `${name}: every sample line parsed or skipped`);
    assert.equal(whole.count, lines.filter((l) => want(/^[^{ ]+/.exec(l)![0])).length, `${name}: the wanted lines`);
    assert.deepEqual(parseAll(body.toString('utf8'), { wantFamily: want }), whole, `${name}: as a string`);
    for (const size of [1, 7, 300, 4096, 65537]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
      assert.deepEqual(parseAll(chunks, { wantFamily: want }), whole, `${name}: chunks of ${size} bytes`);
    }
  }
});

test('prom text: a skipped family\'s run ends at the first line of another name, with or without comments before it', () => {
  const text = [
    '# TYPE skip_me counter',
    'skip_me{a="1"} 1',
    'skip_me{a="2"} 2',
    'skip_me_not{a="3"} 3', // no HELP/TYPE: another family that starts like the skipped one
    'skip_me 4',
    '  skip_me{a="5"} 5', // leading blanks: still the skipped family
    'skip_me{a="6"} 6\r',
    '',
    'keep{a="7"} 7',
    'skip_me{a="8"} 8',
    'keep 9',
  ].join('\n');
  for (const input of [Buffer.from(text), text]) {
    const r = parseAll(input, { wantFamily: (n) => n !== 'skip_me' });
    assert.deepEqual(r.samples.map((s) => `${s.name}=${s.value}`), ['skip_me_not=3', 'keep=7', 'keep=9']);
    assert.equal(r.skipped, 6);
  }
});

test('prom text: an error after skipped lines names its line', () => {
  const text = '# HELP s help\n# TYPE s gauge\ns{a="1"} 1\ns{a="2"} 2\n\nk{a="1"} 1\nk{a="2" 2\n';
  for (const input of [Buffer.from(text), text]) {
    assert.throws(() => parseAll(input, { wantFamily: (n) => n === 'k' }), (err: unknown) => err instanceof PromParseError && err.line === 7, String(input));
  }
});

test('prom text: label values holding braces and quotes next to the value, and timestamps at the edges of exact', () => {
  const r = parseAll([
    'm{a="}"} 1 -5',
    'm{a="x\\"}"} 2 9007199254740991',
    'm{a="x\\\\"} 3 0',
    'm{a="{}"} 4 123456789012345',
  ].join('\n'));
  assert.deepEqual(r.samples.map((s) => [s.labels.a, s.value, s.timestampMs]), [
    ['}', 1, -5], ['x"}', 2, 9007199254740991], ['x\\', 3, 0], ['{}', 4, 123456789012345],
  ]);
  for (const ts of ['9007199254740993', '1.5', '+5', '5x']) {
    assert.throws(() => parseAll(`m 1 ${ts}\n`), /expected an integer ms timestamp/, ts);
  }
});

test('prom text: comments off leaves help and types empty and the samples as they were', () => {
  const body = readFixture(fixtureNames('cadvisor-').at(-1)!);
  const samples: PromSample[] = [];
  const p = new PromTextParser((s) => samples.push(s), { comments: false });
  p.push(body);
  p.end();
  assert.equal(p.types.size + p.help.size, 0);
  const full = parseAll(body);
  assert.ok(full.samples.length > 1000 && Object.keys(full.types).length > 10);
  assert.deepEqual(samples.map((s) => [s.name, s.value, s.timestampMs]), full.samples.map((s) => [s.name, s.value, s.timestampMs]));
});
