import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import {
  decodeFloatColumn, decodeIntColumn, decodeIntColumnExact, decodeTimestamps, encodeFloatColumn, encodeIntColumn,
  encodeTimestamps,
} from '../../src/store/history/codec.js';
import { HISTORY_DECODE_SQL } from '../../src/store/history/decode-sql.js';
import {
  fixtureContainerBlocks, jitteredCounter, sampleTimes, seededRandom, wanderingGauge,
} from '../../src/store/history/synthetic.js';
import { useDecoderSession } from '../helpers/decoder-session.js';
import { fixture } from '../helpers/paths.js';

type IntValue = number | bigint | null;
type FloatValue = number | null;

/** Every column the tests encode, kept to check PostgreSQL's decoding of the same bytes at the end. */
const intCases: Array<{ name: string; values: IntValue[] }> = [];
const floatCases: Array<{ name: string; values: FloatValue[] }> = [];
const tsCases: Array<{ name: string; values: number[] }> = [];

function exactOf(v: IntValue): bigint | null {
  return v === null ? null : BigInt(v);
}

function roundTripInt(name: string, values: IntValue[]): Uint8Array {
  const bytes = encodeIntColumn(values);
  assert.deepEqual(decodeIntColumnExact(bytes), values.map(exactOf), `${name}: exact decode`);
  // through BigInt: an integer column has no −0 (it decodes as 0, like PostgreSQL's bigint)
  assert.deepEqual(decodeIntColumn(bytes), values.map((v) => (v === null ? null : Number(BigInt(v)))), `${name}: number decode`);
  intCases.push({ name, values });
  return bytes;
}

function sameFloat(a: FloatValue, b: FloatValue): boolean {
  return a === null || b === null ? a === b : Object.is(a, b);
}

function roundTripFloat(name: string, values: FloatValue[]): Uint8Array {
  const bytes = encodeFloatColumn(values);
  const got = decodeFloatColumn(bytes);
  assert.equal(got.length, values.length, `${name}: length`);
  values.forEach((v, i) => assert.ok(sameFloat(got[i], v), `${name}[${i}]: ${got[i]} instead of ${v}`));
  floatCases.push({ name, values });
  return bytes;
}

const N = 240;
const T0 = Date.parse('2026-06-26T10:00:00Z');

describe('integer columns round-trip exactly', () => {
  test('empty, one value, constants and all-null columns', () => {
    assert.equal(roundTripInt('empty', []).length, 4);
    roundTripInt('one', [42]);
    roundTripInt('one negative', [-7]);
    assert.ok(roundTripInt('constant', new Array<number>(N).fill(123_456_789)).length <= 10, 'a constant column is a few bytes');
    assert.ok(roundTripInt('zeros', new Array<number>(N).fill(0)).length <= 6);
    assert.equal(roundTripInt('all null', new Array<null>(N).fill(null)).length, 4);
  });

  test('counters with resets, negative values, gaps and steps', () => {
    const rnd = seededRandom(7);
    const ts = sampleTimes(rnd, N, T0);
    const counter = jitteredCounter(rnd, ts, 5_000_000, 12_345);
    const reset = counter.map((v, i) => (i < 100 ? v : v - counter[100] + 17));
    roundTripInt('counter', counter);
    roundTripInt('counter with reset', reset);
    roundTripInt('negative walk', wanderingGauge(rnd, N, 0, 0.9, 1000).map((v, i) => v - 500 * i));
    roundTripInt('one step', Array.from({ length: N }, (_, i) => (i < 120 ? 4096 : 8192)));
    roundTripInt('quadratic', Array.from({ length: N }, (_, i) => i * i * 1000 + (i % 3)));
    roundTripInt('two values', [5, -5]);
    roundTripInt('negative zero', [-0, 0, -0]);
    roundTripInt('three values', [1, 10, 1_000_000]);
  });

  test('values beyond 2^53, up to the int64 limits', () => {
    const big = 2 ** 62;
    roundTripInt('doubles above 2^53', Array.from({ length: N }, (_, i) => big + i * 4096));
    roundTripInt('node counter after months', jitteredCounter(seededRandom(3), sampleTimes(seededRandom(4), N, T0), 5.5e17, 64e9));
    roundTripInt('int64 extremes', [-(2n ** 63n), 2n ** 63n - 1n, 0, -1, 2n ** 53n + 1n, null]);
    roundTripInt('huge constant', new Array<bigint>(10).fill(2n ** 63n - 1n));
    roundTripInt('mixed sign huge', [2 ** 62, -(2 ** 62), 2 ** 62, null, 3]);
  });

  test('nulls anywhere: first, last, runs, a single non-null', () => {
    const rnd = seededRandom(11);
    const base = jitteredCounter(rnd, sampleTimes(rnd, N, T0), 10, 100);
    roundTripInt('first null', base.map((v, i) => (i === 0 ? null : v)));
    roundTripInt('last null', base.map((v, i) => (i === N - 1 ? null : v)));
    roundTripInt('null runs', base.map((v, i) => (i % 50 < 10 ? null : v)));
    roundTripInt('one non-null', base.map((v, i) => (i === 77 ? v : null)));
    roundTripInt('nulls in 9 rows', [null, 1, null, 2, null, 3, null, 4, null]);
  });

  test('bad input is refused with the row named', () => {
    assert.throws(() => encodeIntColumn([1, 2.5]), /row 1 .* 2\.5/);
    assert.throws(() => encodeIntColumn([2 ** 63]), /row 0 .* not an int64/);
    assert.throws(() => encodeIntColumn([1, 2n ** 64n]), /row 1 .* beyond int64/);
    assert.throws(() => encodeIntColumn(['7' as unknown as number]), /row 0 .* string/);
    assert.throws(() => encodeIntColumn(new Array<number>(70_000).fill(1)), /at most 65535/);
    assert.throws(() => decodeIntColumn(new Uint8Array([9, 1, 0, 1])), /unknown format version 9/);
    assert.throws(() => decodeIntColumn(encodeIntColumn([1, 5, 9, 100]).slice(0, 7)), /truncated/);
    assert.throws(() => decodeIntColumn(encodeFloatColumn([0.5, 1.5])), /expected an integer column/);
    assert.throws(() => encodeTimestamps([1, 1.5]), /timestamp 1 is 1\.5/);
  });

  test('random columns (fixed seed): shapes, magnitudes and nulls', () => {
    const rnd = seededRandom(20261206);
    for (let c = 0; c < 200; c++) {
      const n = Math.floor(rnd() * 300);
      const magnitude = 2 ** Math.floor(rnd() * 62);
      const pNull = rnd() < 0.5 ? 0 : rnd();
      const shape = Math.floor(rnd() * 4);
      const values: IntValue[] = [];
      let v = Math.round((rnd() * 2 - 1) * magnitude);
      for (let i = 0; i < n; i++) {
        if (shape === 0) v = Math.round((rnd() * 2 - 1) * magnitude);
        else if (shape === 1) v += Math.round(rnd() * Math.min(magnitude, 2 ** 40));
        else if (shape === 2 && rnd() < 0.1) v += Math.round((rnd() * 2 - 1) * 1000);
        else if (shape === 3) v = rnd() < 0.05 ? 0 : v + 1;
        if (Math.abs(v) >= 2 ** 63) v = 0;
        values.push(rnd() < pNull ? null : v);
      }
      roundTripInt(`random ${c} (shape ${shape}, n ${n})`, values);
    }
  });
});

describe('timestamps', () => {
  test('15 s samples with jitter and gaps round-trip in about half a byte each', () => {
    const ts = sampleTimes(seededRandom(5), N, T0);
    const bytes = encodeTimestamps(ts);
    assert.deepEqual(decodeTimestamps(bytes), ts);
    assert.ok(bytes.length < N, `${bytes.length} bytes for ${N} timestamps`);
    tsCases.push({ name: 'jittered', values: ts });
    const gaps = Array.from({ length: N }, (_, i) => T0 + i * 15_000 + (i > 100 ? 3_600_000 : 0));
    assert.deepEqual(decodeTimestamps(encodeTimestamps(gaps)), gaps);
    tsCases.push({ name: 'hour gap', values: gaps }, { name: 'empty', values: [] }, { name: 'one', values: [T0] });
    assert.throws(() => decodeTimestamps(encodeIntColumn([1, null])), /null at row 1/);
  });
});

describe('double columns round-trip bit for bit', () => {
  test('special values: ±0, NaN, ±Infinity, subnormals, extremes', () => {
    roundTripFloat('specials', [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308,
      1.7976931348623157e308, -1.7976931348623157e308, null, 0.1, 1 / 3]);
    roundTripFloat('negative zero constant', new Array<number>(20).fill(-0));
    roundTripFloat('NaN constant', new Array<number>(20).fill(NaN));
    roundTripFloat('zero and negative zero', [0, -0, 0, -0]);
    assert.throws(() => encodeFloatColumn([1, 'x' as unknown as number]), /row 1 of a float column holds a string/);
  });

  test('every binary exponent, normal and subnormal', () => {
    const values: number[] = [];
    for (let e = -1074; e <= 1023; e++) values.push(2 ** e * (e > -1023 ? 1.6180339887498949 : 1));
    roundTripFloat('all exponents', values);
    roundTripFloat('all exponents negated', values.map((v) => -v));
  });

  test('decimals (PSI averages, percentages) and noisy rates', () => {
    const rnd = seededRandom(99);
    const psi = wanderingGauge(rnd, N, 1234, 0.8, 50).map((v) => v / 100);
    const psiBytes = roundTripFloat('psi avg10', psi);
    assert.ok(psiBytes.length < 2 * N, `two-decimal gauge: ${psiBytes.length} bytes for ${N} values`);
    roundTripFloat('constant 0.12', new Array<number>(N).fill(0.12));
    roundTripFloat('micro-seconds as seconds', jitteredCounter(rnd, sampleTimes(rnd, N, T0), 1, 1000).map((v) => v / 1e6));
    roundTripFloat('rates', Array.from({ length: N }, () => 100 * rnd()));
    roundTripFloat('rates with nulls', Array.from({ length: N }, (_, i) => (i % 7 === 0 ? null : 1e-3 * rnd())));
    roundTripFloat('large decimals', [1e15 + 0.5, 123456789.123, -0.000001, 1e22, 1e21 + 1]);
    roundTripFloat('all null', new Array<null>(N).fill(null));
  });

  test('real columns read from decimal text (PSI averages, percentages) pack as their decimals', () => {
    const rnd = seededRandom(7);
    // What a PSI average is once stored in a real column: the float4 nearest its two-decimal text.
    const psi = wanderingGauge(rnd, N, 1234, 0.8, 50).map((v) => Math.fround(v / 100));
    const psiBytes = roundTripFloat('psi avg10 as float4', psi);
    assert.equal(psiBytes[0], 3, 'format version 3 (real decimal)');
    assert.ok(psiBytes.length < 1.5 * N, `two-decimal float4 gauge: ${psiBytes.length} bytes for ${N} values`);
    roundTripFloat('one decimal with nulls', Array.from({ length: N }, (_, i) => (i % 5 === 0 ? null : Math.fround(Math.round(rnd() * 1000) / 10))));
    roundTripFloat('nine decimals', Array.from({ length: N }, () => Math.fround(Math.round(rnd() * 1e6) / 1e9)));
    roundTripFloat('large float4 integers and decimals', [16777216, 3.4028234663852886e38, 1e-9, 123456.7, -98.25].map(Math.fround));
    // Any float4 of moderate size is the nearest to a decimal of ≤ 9 places (9 significant digits
    // identify a float4): noisy rates too, in fewer bytes than their doubles' bit patterns would take.
    const noisy = Array.from({ length: N }, () => Math.fround(rnd() * 1000));
    const noisyBytes = roundTripFloat('noisy float4 rates', noisy);
    assert.equal(noisyBytes[0], 3);
    assert.ok(noisyBytes.length < 5 * N, `noisy float4s: ${noisyBytes.length} bytes for ${N} values`);
    // A double that is no float4 beside them: the double kinds.
    assert.notEqual(roundTripFloat('a double among float4s', [...psi.slice(0, 10), 0.1 + 0.2])[0], 3);
    roundTripFloat('float4 specials', [Math.fround(0.1), -0, 0, Math.fround(1e-45)]);
  });

  test('random columns (fixed seed) of mixed doubles', () => {
    const rnd = seededRandom(424242);
    const view = new DataView(new ArrayBuffer(8));
    for (let c = 0; c < 100; c++) {
      const n = Math.floor(rnd() * 260);
      const kind = Math.floor(rnd() * 3);
      const values: FloatValue[] = [];
      for (let i = 0; i < n; i++) {
        if (rnd() < 0.1) values.push(null);
        else if (kind === 0) values.push(Math.round(rnd() * 10_000) / 10 ** Math.floor(rnd() * 6));
        else if (kind === 1) values.push((rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20));
        else {
          view.setUint32(0, Math.floor(rnd() * 2 ** 32));
          view.setUint32(4, Math.floor(rnd() * 2 ** 32));
          values.push(view.getFloat64(0)); // any bit pattern: NaNs, infinities, subnormals included
        }
      }
      roundTripFloat(`random ${c} (kind ${kind}, n ${n})`, values);
    }
  });
});


describe('realistic blocks grown from the kubelet fixtures', () => {
  test('every column of every container block round-trips', () => {
    const blocks = fixtureContainerBlocks((file) => readFileSync(fixture(file), 'utf8'), N);
    assert.ok(blocks.length >= 10, `${blocks.length} container blocks from the fixtures`);
    let values = 0;
    let bytes = 0;
    blocks.forEach((b, i) => {
      bytes += encodeTimestamps(b.ts).length;
      for (const col of b.columns) {
        const name = `fixture block ${i} ${col.column}`;
        bytes += (col.type === 'int' ? roundTripInt(name, col.values) : roundTripFloat(name, col.values)).length;
        values += col.values.length;
      }
      tsCases.push({ name: `fixture block ${i}`, values: b.ts });
    });
    // The codec must at least beat plain 8-byte values on real-looking data; the target is a bench figure.
    assert.ok(bytes < values * 8, `${bytes} bytes for ${values} values`);
  });
});

describe('PostgreSQL decodes the same bytes to the same values', () => {
  const session = useDecoderSession(HISTORY_DECODE_SQL);
  let client: pg.Client;
  before(() => {
    client = session();
  });

  /** Decodes every column in one query (text, so bigint and double stay exact on the way back). */
  async function decodeAll(fn: string, columns: Uint8Array[]): Promise<Array<Array<string | null>>> {
    const res = await client.query<{ v: Array<string | null> }>(
      `SELECT kubepulse.${fn}(b)::text[] AS v FROM unnest($1::bytea[]) WITH ORDINALITY u(b, o) ORDER BY o`,
      [columns.map((c) => Buffer.from(c))],
    );
    return res.rows.map((r) => r.v);
  }

  test('kp_decode_int equals the exact TypeScript decode', async () => {
    assert.ok(intCases.length > 100);
    const got = await decodeAll('kp_decode_int', intCases.map((c) => encodeIntColumn(c.values)));
    intCases.forEach((c, i) => {
      assert.deepEqual(got[i].map((v) => (v === null ? null : BigInt(v))), c.values.map(exactOf), c.name);
    });
  });

  test('kp_decode_float equals the TypeScript decode bit for bit', async () => {
    assert.ok(floatCases.length > 50);
    const got = await decodeAll('kp_decode_float', floatCases.map((c) => encodeFloatColumn(c.values)));
    floatCases.forEach((c, i) => {
      const row = got[i];
      assert.equal(row.length, c.values.length, c.name);
      // PostgreSQL prints the shortest text that reads back as the same double (extra_float_digits = 1)
      row.forEach((v, j) => assert.ok(sameFloat(v === null ? null : Number(v), c.values[j]), `${c.name}[${j}]: ${v} vs ${c.values[j]}`));
    });
  });

  test('kp_decode_ts returns the same instants', async () => {
    const res = await client.query<{ v: string[] }>(
      `SELECT ARRAY(SELECT (extract(epoch FROM t) * 1000)::bigint FROM unnest(kubepulse.kp_decode_ts(b)) WITH ORDINALITY x(t, o) ORDER BY o)::text[] AS v
       FROM unnest($1::bytea[]) WITH ORDINALITY u(b, o) ORDER BY o`,
      [tsCases.map((c) => Buffer.from(encodeTimestamps(c.values)))],
    );
    tsCases.forEach((c, i) => assert.deepEqual(res.rows[i].v.map(Number), c.values, c.name));
  });

  test('a block unnests into rows, nulls where a column is missing or stored as NULL', async () => {
    const ts = [T0, T0 + 15_000, T0 + 30_000];
    // timestamptz arrives as a Date, bigint as text, double precision as a number
    const res = await client.query<{ t: Date; a: string | null; f: number | null; g: number | null }>(
      `SELECT t, a, f, g FROM unnest(kubepulse.kp_decode_ts($1), kubepulse.kp_decode_int($2),
                                     kubepulse.kp_decode_float($3), kubepulse.kp_decode_float($4)) AS r(t, a, f, g)`,
      [Buffer.from(encodeTimestamps(ts)), Buffer.from(encodeIntColumn([1, null, 3])), Buffer.from(encodeFloatColumn([0.5, 0.25, null])), null],
    );
    assert.deepEqual(res.rows.map((r) => [r.t.getTime(), r.a, r.f, r.g]), [[ts[0], '1', 0.5, null], [ts[1], null, 0.25, null], [ts[2], '3', null, null]]);
  });

  test('bad bytes fail with a clear error', async () => {
    await assert.rejects(client.query(`SELECT kubepulse.kp_decode_int('\\x09010001'::bytea)`), /unknown format version 9/);
    await assert.rejects(client.query(`SELECT kubepulse.kp_decode_int($1)`, [Buffer.from(encodeFloatColumn([0.5, 1]))]), /not an integer column/);
    await assert.rejects(client.query(`SELECT kubepulse.kp_decode_float('\\x01'::bytea)`), /too short/);
  });
});
