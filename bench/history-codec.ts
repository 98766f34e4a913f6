// History block codec (issue 15): bytes per value at rest and decode speed, in TypeScript and in SQL.
// - bytes per value of one 240-sample block: a constant series, a counter growing by jittered increments,
//   a wandering gauge, and container blocks grown from the real kubelet fixtures (every column of the
//   container table; also without the derived rate columns, which a view can recompute from the counters);
// - at rest in PostgreSQL: a block table (key + one bytea per column + primary key) filled with the
//   fixture container blocks, pg_total_relation_size (heap, TOAST, index) per value, under the default
//   column storage (EXTENDED) and under EXTERNAL (no compression of the encoded bytes) and MAIN;
// - decode µs per value: TypeScript (decodeIntColumn/decodeFloatColumn) and SQL (kp_decode_* over the
//   stored blocks, and a whole container block unnested into rows).
// `node dist/bench/history-codec.js` runs it alone; bench/run.ts may list it as a module (run()).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  decodeFloatColumn, decodeIntColumn, decodeTimestamps, encodeFloatColumn, encodeIntColumn, encodeTimestamps,
} from '../src/store/history/codec.js';
import { HISTORY_DECODE_SQL } from '../src/store/history/decode-sql.js';
import {
  fixtureContainerBlocks, jitteredCounter, sampleTimes, seededRandom, wanderingGauge, type SyntheticBlock,
} from '../src/store/history/synthetic.js';
import { startTestDatabase } from '../test/helpers/pg.js';
import type { Figures } from './figure.js';
import { fixture } from '../test/helpers/paths.js';

const N = 240;



const isRate = (column: string): boolean => /_per_second$|_millicores$|_stalled_percent$|_time_percent$|_busy_percent$/.test(column);

interface EncodedBlock {
  ts: Uint8Array;
  columns: Array<{ column: string; type: 'int' | 'float'; bytes: Uint8Array; values: number }>;
}

function encodeBlock(b: SyntheticBlock): EncodedBlock {
  return {
    ts: encodeTimestamps(b.ts),
    columns: b.columns.map((c) => ({
      column: c.column,
      type: c.type,
      bytes: c.type === 'int' ? encodeIntColumn(c.values) : encodeFloatColumn(c.values),
      values: c.values.length,
    })),
  };
}

/** Encoded bytes (timestamps included) per stored value, over the columns `keep` selects. */
function bytesPerValue(blocks: EncodedBlock[], keep: (column: string) => boolean): number {
  let bytes = 0;
  let values = 0;
  for (const b of blocks) {
    bytes += b.ts.length;
    for (const c of b.columns) {
      if (!keep(c.column)) continue;
      bytes += c.bytes.length;
      values += c.values;
    }
  }
  return bytes / values;
}

/** Median µs per value of `decode` over `rounds` rounds of every column. */
function tsDecodeMicros(columns: Array<{ bytes: Uint8Array; type: 'int' | 'float' | 'ts' }>, rounds: number): number {
  let values = 0;
  for (const c of columns) values += (c.type === 'float' ? decodeFloatColumn(c.bytes) : decodeIntColumn(c.bytes)).length;
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const c of columns) {
      if (c.type === 'float') decodeFloatColumn(c.bytes);
      else if (c.type === 'ts') decodeTimestamps(c.bytes);
      else decodeIntColumn(c.bytes);
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / values);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export async function run(): Promise<Figures> {
  const figures: Figures = {};
  const put = (name: string, value: number, unit: string, method: string): void => {
    figures[name] = { value: round3(value), unit, method };
  };
  const rnd = seededRandom(15);
  const ts = sampleTimes(rnd, N, Date.parse('2026-06-26T10:00:00Z'));
  const series = {
    constant: encodeIntColumn(new Array(N).fill(977_896_124_416)),
    counter: encodeIntColumn(jitteredCounter(rnd, ts, 62_148_052_000, 573_081_903)),
    gauge: encodeIntColumn(wanderingGauge(rnd, N, 917_110_784, 0.7, 450, 4096)),
  };
  const tsBytes = encodeTimestamps(ts);
  put('history_bytes_per_value_timestamps', tsBytes.length / N, 'B/value', `${N} sample times 15 s ± 4 ms apart, one block`);
  put('history_bytes_per_value_constant', series.constant.length / N, 'B/value', `${N} equal bigint values, one block, without timestamps`);
  put('history_bytes_per_value_counter', series.counter.length / N, 'B/value',
    `${N} samples of a CPU ns counter growing 573e6 ns/s ± 30 % per sample, one block, without timestamps`);
  put('history_bytes_per_value_gauge', series.gauge.length / N, 'B/value',
    `${N} samples of a byte gauge moving by up to ±450 pages on 70 % of samples, one block, without timestamps`);

  const blocks = fixtureContainerBlocks((file) => readFileSync(fixture(file), 'utf8'), N).map(encodeBlock);
  const columnsPerBlock = blocks[0].columns.length;
  put('history_bytes_per_value_container', bytesPerValue(blocks, () => true), 'B/value',
    `${blocks.length} container blocks of ${N} samples grown from the summary/cAdvisor fixtures (1.22, 1.28, 1.35), all ${columnsPerBlock} columns incl. rates, timestamps included`);
  put('history_bytes_per_value_container_no_rates', bytesPerValue(blocks, (c) => !isRate(c)), 'B/value',
    'the same blocks without the derived rate columns (a view can recompute them from the counters)');

  // TypeScript decode
  const all = blocks.flatMap((b) => [{ bytes: b.ts, type: 'ts' as const }, ...b.columns.map((c) => ({ bytes: c.bytes, type: c.type }))]);
  put('history_ts_decode_us_per_value', tsDecodeMicros(all, 15), 'µs/value',
    'TypeScript decode of every column of the fixture container blocks, median of 15 rounds');
  put('history_ts_decode_us_per_value_int', tsDecodeMicros([series.counter, series.gauge].map((bytes) => ({ bytes, type: 'int' as const })), 200), 'µs/value',
    'TypeScript decode of the counter and gauge blocks, median of 200 rounds');

  // PostgreSQL: storage and SQL decode
  const db = await startTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  try {
    await client.connect();
    await client.query('CREATE SCHEMA IF NOT EXISTS kubepulse');
    for (const ddl of HISTORY_DECODE_SQL) await client.query(ddl);
    const names = blocks[0].columns.map((c) => c.column);
    const noRates = names.filter((c) => !isRate(c));
    let values = 0;
    for (const b of blocks) values += b.columns.filter((c) => !isRate(c.column)).reduce((s, c) => s + c.values, 0);
    for (const storage of ['EXTENDED', 'EXTERNAL', 'MAIN']) {
      await client.query('DROP TABLE IF EXISTS blk');
      await client.query(`CREATE TABLE blk (series_id integer, source smallint, start_ts timestamptz, ts bytea,
        ${noRates.map((c) => `${c} bytea`).join(', ')}, PRIMARY KEY (series_id, source, start_ts))`);
      for (const c of ['ts', ...noRates]) await client.query(`ALTER TABLE blk ALTER COLUMN ${c} SET STORAGE ${storage}`);
      for (let i = 0; i < blocks.length; i++) {
        const b = blocks[i];
        const cols = b.columns.filter((c) => !isRate(c.column));
        await client.query(
          `INSERT INTO blk VALUES ($1, 1, $2, $3, ${cols.map((_, k) => `$${k + 4}`).join(', ')})`,
          [i, new Date(Date.UTC(2026, 5, 26, 10)), Buffer.from(b.ts), ...cols.map((c) => Buffer.from(c.bytes))],
        );
      }
      // the fixtures give few distinct containers: repeat them as more series (the bytes are what counts)
      await client.query(`INSERT INTO blk SELECT series_id + 1000 * r, source, start_ts, ts, ${noRates.join(', ')}
        FROM blk, generate_series(1, 19) r`);
      await client.query('VACUUM ANALYZE blk');
      // bigint sizes and the numeric average arrive as text
      const sz = await client.query<{ total: string; heap: string; idx: string; row: string }>(`SELECT pg_total_relation_size('blk') AS total, pg_relation_size('blk') AS heap,
        pg_indexes_size('blk') AS idx, avg(pg_column_size(blk.*)) AS row FROM blk`);
      const r = sz.rows[0];
      const key = storage.toLowerCase();
      put(`history_at_rest_bytes_per_value_${key}`, Number(r.total) / (values * 20), 'B/value',
        `pg_total_relation_size (heap + TOAST + primary key) of ${blocks.length * 20} container blocks, ${noRates.length} bytea columns each (rates left out), STORAGE ${storage}`);
      put(`history_block_row_bytes_${key}`, Number(r.row), 'B', `avg pg_column_size of a block row (${noRates.length + 1} bytea columns), STORAGE ${storage}`);
      const toast = (await client.query<{ t: string }>(`SELECT reltoastrelid::regclass::text AS t FROM pg_class WHERE oid = 'blk'::regclass`)).rows[0].t;
      const out = await client.query<{ n: string }>(`SELECT count(DISTINCT chunk_id) AS n FROM ${toast}`);
      put(`history_toasted_values_per_block_${key}`, Number(out.rows[0].n) / (blocks.length * 20), 'values',
        `column values stored out of line in TOAST per block row, STORAGE ${storage} (each one more TOAST index lookup when a block is read)`);
    }

    // SQL decode speed over the stored blocks (EXTENDED storage rebuilt last would differ only in I/O)
    const timeQuery = async (sql: string): Promise<number> => {
      await client.query(sql);
      const times: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = process.hrtime.bigint();
        await client.query(sql);
        times.push(Number(process.hrtime.bigint() - t0) / 1e3);
      }
      times.sort((a, b) => a - b);
      return times[2];
    };
    const intCols = noRates.filter((c) => blocks[0].columns.find((x) => x.column === c)!.type === 'int');
    const floatCols = noRates.filter((c) => !intCols.includes(c));
    const nBlocks = blocks.length * 20;
    const intUs = await timeQuery(`SELECT sum(${intCols.map((c) => `coalesce(cardinality(kubepulse.kp_decode_int(${c})), 0)`).join(' + ')}) FROM blk`);
    put('history_sql_decode_us_per_value_int', intUs / (nBlocks * intCols.length * N), 'µs/value',
      `kp_decode_int over ${intCols.length} bigint columns of ${nBlocks} stored blocks, median of 5 runs`);
    const floatUs = await timeQuery(`SELECT sum(${floatCols.map((c) => `coalesce(cardinality(kubepulse.kp_decode_float(${c})), 0)`).join(' + ')}) FROM blk`);
    put('history_sql_decode_us_per_value_float', floatUs / (nBlocks * floatCols.length * N), 'µs/value',
      `kp_decode_float over ${floatCols.length} double columns (PSI averages) of ${nBlocks} stored blocks, median of 5 runs`);
    const tsUs = await timeQuery('SELECT sum(cardinality(kubepulse.kp_decode_ts(ts))) FROM blk');
    put('history_sql_decode_us_per_value_ts', tsUs / (nBlocks * N), 'µs/value', `kp_decode_ts over ${nBlocks} stored blocks, median of 5 runs`);
    const decodeOf = (c: string): string => (intCols.includes(c) ? `kubepulse.kp_decode_int(${c})` : `kubepulse.kp_decode_float(${c})`);
    const rowsUs = await timeQuery(`SELECT count(*) FROM blk, LATERAL unnest(kubepulse.kp_decode_ts(ts), ${noRates.map(decodeOf).join(', ')}) AS r`);
    put('history_sql_unnest_us_per_value', rowsUs / (nBlocks * (noRates.length + 1) * N), 'µs/value',
      `every block unnested into rows (${noRates.length + 1} columns each) through the kp_decode_* functions, median of 5 runs`);
    const rateBlocks = blocks.slice(0, 10).flatMap((b) => b.columns.filter((c) => isRate(c.column) && c.type === 'float'));
    await client.query('CREATE TEMP TABLE rates (b bytea)');
    await client.query('INSERT INTO rates SELECT unnest($1::bytea[])', [rateBlocks.map((c) => Buffer.from(c.bytes))]);
    const rateUs = await timeQuery('SELECT sum(coalesce(cardinality(kubepulse.kp_decode_float(b)), 0)) FROM rates');
    put('history_sql_decode_us_per_value_rate', rateUs / (rateBlocks.length * N), 'µs/value',
      `kp_decode_float over ${rateBlocks.length} derived rate columns (full-precision doubles, XOR form), median of 5 runs`);
  } finally {
    await client.end().catch(() => undefined);
    await db.stop();
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await run();
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k} = ${v.value} ${v.unit}  (${v.method})\n`);
}
