// The compactor's columnar path (history/copy-block-builder.ts): a real PostgreSQL's binary COPY of raw
// disk_io rows (every value type: integer, bigint beyond 2^53, real, double precision; NULLs; rates that
// derive from their counters and some that do not; two sources; a duplicated sample; an hour boundary)
// decoded straight into block columns gives the same blocks, byte for byte, as the row path (readCopyBinary's
// row objects grouped by series, source and hour, encoded by encodeBlock), however the stream is cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pgCopyStreams from 'pg-copy-streams';
import { readCopyBinary, scanCopyBinary, type BinaryColumn } from '../../src/store/copy-binary-read.js';
import { CopyBlockBuilder } from '../../src/store/history/copy-block-builder.js';
import { encodeBlock, type BlockRow } from '../../src/store/history/blocks.js';
import { BLOCK_SPAN_MS, blockValueColumns, rawColumns, seriesKeyColumns } from '../../src/store/history/schema.js';
import { seriesAttributeNames } from '../../src/store/series-schema.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('copy-block-builder-test');
const ENTITY = 'disk_io';
const fromSeries = new Set([...seriesKeyColumns(ENTITY).slice(1), ...seriesAttributeNames(ENTITY)]);
const COLUMNS: BinaryColumn[] = [{ column: 'series_id', sqlType: 'integer' }, ...rawColumns(ENTITY).filter((c) => !fromSeries.has(c.column))];

/** A value expression per column type; `i` the sample, `sid` the series, `prev_*` the previous sample's. */
function valueSql(c: BinaryColumn, k: number): string {
  switch (c.sqlType) {
    case 'bigint':
      // A counter, null now and then, one value beyond 2^53 (not a double exactly), one reset.
      return `CASE WHEN i % 11 = ${k % 11} THEN NULL WHEN sid = 3 AND i = 7 THEN 9007199254740993 + ${k}
        WHEN i = 25 THEN ${k}::bigint ELSE (1000000 * sid + i * i * ${k + 13} + ${k})::bigint END`;
    case 'real':
      return `CASE WHEN i % 13 = ${k % 13} THEN NULL ELSE (i * 0.37 + ${k} + sid)::real END`;
    case 'double precision':
      return `CASE WHEN i % 17 = 4 THEN NULL WHEN sid = 2 THEN 0.25 ELSE i * 1.5 + ${k} / 3.0 END`;
    case 'integer':
      return `(i % 5 + sid)::integer`;
    default:
      throw new Error(`no test values for ${c.column} (${c.sqlType})`);
  }
}

function selectSql(): string {
  const rates = new Map(blockValueColumns(ENTITY).map((c) => [c.column, c]));
  const counterOf = (rate: string): string | undefined => rate.endsWith('_per_second') ? rate.replace(/_per_second$/, '') : undefined;
  const base = COLUMNS.map((c, k) => {
    if (c.column === 'series_id') return 'sid AS series_id';
    if (c.column === 'cluster_id') return '1 AS cluster_id';
    if (c.column === 'ts') return `'2026-11-25T11:40:00Z'::timestamptz + i * interval '37.5 seconds' AS ts`;
    if (c.column === 'source') return `src AS source`;
    const counter = counterOf(c.column);
    if (counter && rates.has(counter)) return `NULL::real AS ${c.column}`;
    return `${valueSql(c, k)} AS ${c.column}`;
  });
  // Rates as the collector computes them (from the previous sample of the series and source), so most
  // derive from their counters; every 9th is off by a little, so those stay exceptions.
  const outer = COLUMNS.map((c) => {
    const counter = counterOf(c.column);
    if (!counter || !rates.has(counter)) return `r.${c.column}`;
    return `CASE WHEN r.i % 9 = 2 THEN 1.5::real ELSE ((r.${counter} - lag(r.${counter}) OVER w)::float8 /
      NULLIF(extract(epoch FROM r.ts - lag(r.ts) OVER w)::float8, 0))::real END AS ${c.column}`;
  });
  return `SELECT ${outer.join(', ')} FROM (
      SELECT i, ${base.join(', ')} FROM generate_series(1, 3) sid, generate_series(0, 40) i, (VALUES ('s'::"char"), ('c'::"char")) v(src)
      WHERE src = 's' OR i % 3 = 0
      UNION ALL SELECT 10, ${base.map((b) => b.replace(/\bsid\b/g, '2').replace(/\bsrc\b/g, `'s'::"char"`)).join(', ')} FROM (SELECT 10 AS i) d
    ) r WINDOW w AS (PARTITION BY r.series_id, r.source ORDER BY r.ts)
    ORDER BY r.cluster_id, r.series_id, r.ts, r.source`;
}

async function copyOut(): Promise<Buffer> {
  const client = await store.pool.connect();
  try {
    const chunks: Buffer[] = [];
    const sql = `COPY (SELECT ${COLUMNS.map((c) => c.column).join(', ')} FROM (${selectSql()}) q) TO STDOUT (FORMAT binary)`;
    for await (const c of client.query(pgCopyStreams.to(sql)) as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  } finally {
    client.release();
  }
}

async function* feed(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/** Blocks by "series/source/start" as hex of every encoded column, with the rows each dropped as duplicates. */
type Built = Map<string, { bytes: string; duplicates: number }>;

async function columnar(chunks: Buffer[]): Promise<Built> {
  const builder = new CopyBlockBuilder(ENTITY, COLUMNS);
  for await (const tuples of scanCopyBinary(feed(chunks), COLUMNS.length, builder.push)) assert.ok(tuples > 0);
  builder.finish();
  const out: Built = new Map();
  for (const b of builder.closed) {
    const bytes = [b.columns.ts, ...b.columns.values].map((v) => (v ? Buffer.from(v).toString('hex') : 'null')).join(',');
    out.set(`${b.seriesId}/${b.source}/${b.startMs}`, { bytes: `${b.columns.samples}:${bytes}`, duplicates: b.duplicates });
  }
  return out;
}

/** The row path: row objects grouped into blocks here, each encoded by encodeBlock. */
async function byRows(bytes: Buffer): Promise<Built> {
  const groups = new Map<string, { source: string; startMs: number; rows: BlockRow[]; duplicates: number }>();
  const valueCols = blockValueColumns(ENTITY);
  for await (const rows of readCopyBinary(feed([bytes]), COLUMNS)) {
    for (const row of rows) {
      const ts = row.ts as number;
      const startMs = Math.floor(ts / BLOCK_SPAN_MS) * BLOCK_SPAN_MS;
      const key = `${String(row.series_id)}/${String(row.source)}/${startMs}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { source: row.source as string, startMs, rows: [], duplicates: 0 }));
      if (g.rows.length && g.rows[g.rows.length - 1].tsMs === ts) {
        g.duplicates++;
        continue;
      }
      g.rows.push({ tsMs: ts, values: valueCols.map((c) => row[c.column] as number | bigint | null) });
    }
  }
  const out: Built = new Map();
  for (const [key, g] of groups) {
    const b = encodeBlock(ENTITY, { keys: [], attributes: [], source: g.source, startMs: g.startMs, rows: g.rows });
    const bytes = [b.ts, ...b.values].map((v) => (v ? Buffer.from(v).toString('hex') : 'null')).join(',');
    out.set(key, { bytes: `${b.samples}:${bytes}`, duplicates: g.duplicates });
  }
  return out;
}

test('COPY tuples decoded into block columns give the row path\'s blocks byte for byte, however the stream is cut', async () => {
  const bytes = await copyOut();
  const expected = await byRows(bytes);
  // 3 series × 2 sources × 2 hours, and the duplicated sample dropped once.
  assert.equal(expected.size, 12);
  assert.equal([...expected.values()].reduce((n, b) => n + b.duplicates, 0), 1);
  // Rates stored derived from their counters (version 2, kind 5) and as plain doubles, both.
  assert.ok([...expected.values()].some((b) => b.bytes.includes(',0205')), 'a derived rate column');
  assert.ok([...expected.values()].some((b) => /,01(04|84)/.test(b.bytes)), 'a float column stored as bit XORs');
  assert.deepEqual(await columnar([bytes]), expected);
  // Cut at every byte of the header and the first tuples, then at every 61st byte; and one byte a chunk.
  for (let cut = 1; cut < bytes.length; cut += cut < 600 ? 1 : 61) {
    assert.deepEqual(await columnar([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at byte ${cut}`);
  }
  assert.deepEqual(await columnar([...bytes].map((b) => Buffer.from([b]))), expected, 'one byte a chunk');
});

test('a COPY row without its ts, or of columns the builder cannot read, is an error naming it', async () => {
  assert.throws(() => new CopyBlockBuilder(ENTITY, COLUMNS.filter((c) => c.column !== 'source')), /disk_io: the COPY has no source column/);
  const builder = new CopyBlockBuilder(ENTITY, COLUMNS);
  const at = new Int32Array(COLUMNS.length);
  const len = new Int32Array(COLUMNS.length).fill(-1);
  const buf = Buffer.alloc(8);
  at[COLUMNS.findIndex((c) => c.column === 'series_id')] = 0;
  len[COLUMNS.findIndex((c) => c.column === 'series_id')] = 4;
  at[COLUMNS.findIndex((c) => c.column === 'cluster_id')] = 4;
  len[COLUMNS.findIndex((c) => c.column === 'cluster_id')] = 4;
  assert.throws(() => builder.push(buf, at, len), /disk_io: row 0\/0 has no valid ts \(null\)/);
});
