// Derived rate columns (rate-codec.ts): the rates the collector stored come back bit for bit from the
// counter and the sample times, in TypeScript and in PostgreSQL (kp_decode_rate), whatever the shape of
// the counter column (packed deltas, nulls, deltas of deltas) and wherever the stored rate is not the
// derivation's (first row, resets, gaps).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { encodeFloatColumn, encodeIntColumn, encodeTimestamps } from '../../src/store/history/codec.js';
import { HISTORY_DECODE_SQL } from '../../src/store/history/decode-sql.js';
import { RATE_DECODE_SQL } from '../../src/store/history/decode-rate-sql.js';
import {
  decodeDerivedRateColumn, deriveRates, encodeDerivedRateColumn, isDerivedRateColumn,
} from '../../src/store/history/rate-codec.js';
import { jitteredCounter, sampleTimes, seededRandom } from '../../src/store/history/synthetic.js';
import { useDecoderSession } from '../helpers/decoder-session.js';

const T0 = Date.parse('2026-06-26T10:00:00Z');
const N = 240;

interface Case {
  name: string;
  rates: Array<number | null>;
  counter: Array<number | null>;
  ts: number[];
  scale: number;
}

/** The collector's formula (scrape/rates.ts), null on the first sample and where a counter went down. */
function collectorRates(counter: Array<number | null>, ts: number[], scale: number, previous: number | null): Array<number | null> {
  return counter.map((v, i) => {
    const p = i === 0 ? previous : counter[i - 1];
    const prevTs = i === 0 ? ts[0] - 15_000 : ts[i - 1];
    if (v === null || p === null || v < p) return null;
    return ((v - p) / ((ts[i] - prevTs) / 1000)) * scale;
  });
}

function cases(): Case[] {
  const rnd = seededRandom(7);
  const out: Case[] = [];
  for (let k = 0; k < 6; k++) {
    const ts = sampleTimes(rnd, N, T0 + k * 3_600_000, 15_000, k * 400);
    const counter: Array<number | null> = jitteredCounter(rnd, ts, 1e9 * (k + 1), 2e7 * (k + 1));
    const scale = [1e-6, 1, 1e-3][k % 3];
    out.push({ name: `steady ${k}`, counter, ts, scale, rates: collectorRates(counter, ts, scale, (counter[0] as number) - 12345) });
  }
  const ts = sampleTimes(rnd, N, T0, 15_000, 1500);
  const reset = jitteredCounter(rnd, ts, 5e11, 1e6).map((v, i) => (i >= 120 ? v - 5e11 + 10 : v));
  out.push({ name: 'reset mid-block', counter: reset, ts, scale: 1e-6, rates: collectorRates(reset, ts, 1e-6, null) });
  const holes = jitteredCounter(rnd, ts, 1e6, 5e3).map((v, i) => (i % 37 === 5 || i === 0 ? null : v));
  out.push({ name: 'nulls in the counter', counter: holes, ts, scale: 1, rates: collectorRates(holes, ts, 1, null) });
  const flat = new Array<number>(N).fill(42);
  out.push({ name: 'constant counter', counter: flat, ts, scale: 1, rates: collectorRates(flat, ts, 1, 42) });
  const regular = Array.from({ length: N }, (_, i) => T0 + i * 15_000);
  const quadratic = regular.map((_, i) => 1000 + i * i * 3);
  out.push({ name: 'deltas of deltas', counter: quadratic, ts: regular, scale: 1e-9, rates: collectorRates(quadratic, regular, 1e-9, 990) });
  // The collector's gap rule (a rate nulled after a long pause) and another counter's reset nulling this rate.
  const gapped = collectorRates(out[0].counter, out[0].ts, 1e-6, null).map((v, i) => (i === 77 || i === 150 ? null : v));
  out.push({ name: 'rates the derivation does not give', counter: out[0].counter, ts: out[0].ts, scale: 1e-6, rates: gapped });
  out.push({ name: 'one row', counter: [5], ts: [T0], scale: 1, rates: [0.5] });
  // cAdvisor's half joined into the summary's rows: its counter on every other row (30 s against 15 s), its
  // rate over the 30 s since its own previous sample.
  const everyOther = jitteredCounter(rnd, ts, 3e9, 4e7).map((v, i) => (i % 2 === 1 ? null : v));
  const presentRates = everyOther.map((v, i) => {
    if (v === null || i < 2) return null;
    const p = everyOther[i - 2] as number;
    return v < p ? null : ((v - p) / ((ts[i] - ts[i - 2]) / 1000)) * 1e-6;
  });
  out.push({ name: 'counter on every other row', counter: everyOther, ts, scale: 1e-6, rates: presentRates });
  return out;
}

const CASES = cases();

function same(a: number | null, b: number | null): boolean {
  return a === null || b === null ? a === b : Object.is(a, b);
}

describe('derived rate columns in TypeScript', () => {
  test('every case is stored in the derived form and decodes bit for bit', () => {
    for (const c of CASES) {
      const bytes = encodeDerivedRateColumn(c.rates, c.counter, c.ts, c.scale);
      assert.ok(bytes && isDerivedRateColumn(bytes), `${c.name}: derived form`);
      const got = decodeDerivedRateColumn(bytes, c.counter, c.ts);
      c.rates.forEach((v, i) => assert.ok(same(got[i], v), `${c.name}[${i}]: ${got[i]} instead of ${v}`));
    }
  });

  test('rates stored as float4 (real columns) are derived too, and decode to the float4 they were', () => {
    for (const c of CASES) {
      const stored = c.rates.map((v) => (v === null ? null : Math.fround(v)));
      const bytes = encodeDerivedRateColumn(stored, c.counter, c.ts, c.scale, true);
      assert.ok(bytes && isDerivedRateColumn(bytes), `${c.name}: derived form`);
      const got = decodeDerivedRateColumn(bytes, c.counter, c.ts).map((v) => (v === null ? null : Math.fround(v)));
      stored.forEach((v, i) => assert.ok(same(got[i], v), `${c.name}[${i}]: ${got[i]} instead of ${v}`));
      // Compared as doubles, the float4s would all be exceptions: the column would fall back to plain floats.
      if (c.rates.filter((v) => v !== null && Math.fround(v) !== v).length > 3) {
        assert.equal(encodeDerivedRateColumn(stored, c.counter, c.ts, c.scale), null, `${c.name}: not derived as doubles`);
      }
    }
  });

  test('a steady counter\'s rates cost a few bytes per block instead of ~7 per value', () => {
    const c = CASES[0];
    const derived = encodeDerivedRateColumn(c.rates, c.counter, c.ts, c.scale)!;
    assert.ok(derived.length < 40, `${derived.length} bytes`);
    assert.ok(encodeFloatColumn(c.rates).length > 5 * N);
  });

  test('falls back to the plain double column when derivation does not apply', () => {
    const c = CASES[0];
    const noise = c.rates.map((v, i) => (v === null ? null : v + (i % 3)));
    assert.equal(encodeDerivedRateColumn(noise, c.counter, c.ts, c.scale), null, 'mostly different rates');
    const huge = c.counter.map((v) => (v === null ? null : BigInt(v) + 2n ** 60n));
    assert.equal(encodeDerivedRateColumn(c.rates, huge, c.ts, c.scale), null, 'counter beyond 2^53');
    assert.throws(() => encodeDerivedRateColumn(c.rates, c.counter.slice(1), c.ts, c.scale), /counter and times of as many rows/);
  });

  test('the derivation is the collector\'s formula', () => {
    assert.deepEqual(deriveRates([100, 400, 300, null, 500], [0, 15_000, 30_000, 45_000, 61_000], 2), [null, 40, null, null, null]);
    // Kind 6: from the previous row whose counter is present.
    assert.deepEqual(deriveRates([100, 400, 300, null, 500], [0, 15_000, 30_000, 45_000, 61_000], 2, true), [null, 40, null, null, 12.903225806451612]);
    assert.deepEqual(deriveRates([null, 100, null, 160], [0, 15_000, 30_000, 45_000], 1, true), [null, null, null, 2]);
  });

  test("a counter on every other row (a joined row's cAdvisor half) is derived from its previous present row, for a few bytes", () => {
    const c = CASES.find((x) => x.name === 'counter on every other row')!;
    const derived = encodeDerivedRateColumn(c.rates, c.counter, c.ts, c.scale)!;
    assert.equal(derived[1], 6, 'kind 6');
    assert.ok(derived.length < 40, `${derived.length} bytes`);
    // Without nulls the bytes are kind 5's, as before kind 6 existed.
    assert.equal(encodeDerivedRateColumn(CASES[0].rates, CASES[0].counter, CASES[0].ts, CASES[0].scale)![1], 5);
  });

  test('bad input fails with a clear error', () => {
    const c = CASES[0];
    const bytes = encodeDerivedRateColumn(c.rates, c.counter, c.ts, c.scale)!;
    assert.throws(() => decodeDerivedRateColumn(bytes, null, c.ts), /needs its counter column/);
    assert.throws(() => decodeDerivedRateColumn(bytes, c.counter.slice(1), c.ts), /its counter has 239/);
    assert.throws(() => decodeDerivedRateColumn(encodeFloatColumn([1]), c.counter, c.ts), /not a derived rate column/);
  });
});

describe('PostgreSQL derives the same rates (kp_decode_rate)', () => {
  const session = useDecoderSession([...HISTORY_DECODE_SQL, ...RATE_DECODE_SQL]);
  let client: pg.Client;
  before(() => {
    client = session();
  });

  async function decode(rate: Uint8Array | null, counter: Array<number | null>, ts: number[]): Promise<Array<number | null> | null> {
    // text, so that every double comes back as the shortest text that reads back as the same double
    const r = await client.query<{ v: Array<string | null> | null }>('SELECT kubepulse.kp_decode_rate($1, $2, $3)::text[] AS v', [
      rate && Buffer.from(rate), Buffer.from(encodeIntColumn(counter)), Buffer.from(encodeTimestamps(ts)),
    ]);
    return r.rows[0].v && r.rows[0].v.map((x) => (x === null ? null : Number(x)));
  }

  test('every case, fast path (packed deltas) and general path alike', async () => {
    for (const c of CASES) {
      const got = await decode(encodeDerivedRateColumn(c.rates, c.counter, c.ts, c.scale), c.counter, c.ts);
      assert.equal(got!.length, c.rates.length, c.name);
      c.rates.forEach((v, i) => assert.ok(same(got![i], v), `${c.name}[${i}]: ${got![i]} instead of ${v}`));
    }
  });

  test('a rate column written before the derived form (version 1) decodes as it is; NULL stays NULL', async () => {
    const c = CASES[0];
    const got = await decode(encodeFloatColumn(c.rates), c.counter, c.ts);
    c.rates.forEach((v, i) => assert.ok(same(got![i], v), `[${i}]`));
    assert.equal(await decode(null, c.counter, c.ts), null);
  });

  test('a derived column read without its counter, or as a plain double column, fails naming the decoder', async () => {
    const c = CASES[0];
    const bytes = Buffer.from(encodeDerivedRateColumn(c.rates, c.counter, c.ts, c.scale)!);
    await assert.rejects(client.query('SELECT kubepulse.kp_decode_rate($1, NULL, $2)', [bytes, Buffer.from(encodeTimestamps(c.ts))]), /needs its counter column/);
    await assert.rejects(client.query('SELECT kubepulse.kp_decode_float($1)', [bytes]), /kp_decode_rate\(rate, counter, ts\)/);
    await assert.rejects(client.query(`SELECT kubepulse.kp_decode_rate('\\x0905'::bytea, NULL, NULL)`), /not a rate column/);
  });
});
