// Chart buckets from the samples themselves, wherever they are held: the raw rows still in the raw
// window (bucketed in SQL, as sums and counts) and the history blocks older hours were compacted into
// (fetched by the entity's keys and start_ts, only the charted columns, decoded by the one decoder
// blocks.ts has, bucketed here). Sums and counts of both parts add up before the one division per
// bucket, so a bucket spanning the compaction boundary averages its samples exactly as if all were raw.
// A sample held both ways (rows replayed into an hour already compacted, until the next compaction
// pass merges them) counts once: its raw row.
import type pg from 'pg';
import { ENTITY_TABLES, metricsOf } from '../metrics/definitions.js';
import { PartitionManager } from '../store/partitions.js';
import { decodeBlockRows } from '../store/history/blocks.js';
import { sampleTable } from '../store/series-schema.js';
import { BLOCK_SPAN_MS, SOURCE_COLUMN, blockTable, blockValueColumns, rawColumns } from '../store/history/schema.js';
import { SERIES_METRICS, type SeriesEntity } from './chart-declarations.js';
import { GROUP, entityFilter, type BucketRow, type SeriesRequest } from './series-request.js';

/** date_bin's origin in the raw query; the blocks' samples are binned from the same instant. */
const BIN_ORIGIN_MS = Date.UTC(2000, 0, 1);

/** An integer sum stays a number while exact, a bigint beyond 2^53 (bigint columns summed exactly). */
type Sum = number | bigint;

interface Cell {
  t: number;
  g: string | null;
  sums: Sum[];
  counts: number[];
}

interface ChartColumn {
  column: string;
  scale: number;
  integer: boolean;
  /** What the raw rows' bucket sums: a real (float4) column in doubles, as the blocks' side is added. */
  summed: string;
}

function chartColumns(q: SeriesRequest): ChartColumn[] {
  const types = new Map(rawColumns(q.entity).map((c) => [c.column, c.sqlType]));
  return q.metrics.map((m) => {
    const d = SERIES_METRICS[q.entity][m];
    const type = types.get(d.column);
    return { column: d.column, scale: d.scale, integer: type === 'bigint', summed: type === 'real' ? `${d.column}::float8` : d.column };
  });
}

function addInt(a: Sum, b: Sum): Sum {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return BigInt(a) + BigInt(b);
}

/** sum(bigint) arrives as numeric text: exact, as a bigint when beyond 2^53. */
function intSum(text: string): Sum {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

class Buckets {
  private readonly cells = new Map<string, Cell>();
  constructor(private readonly cols: ChartColumn[]) {}

  cell(t: number, g: string | null): Cell {
    const key = `${t}\u0000${g ?? ''}\u0000${g === null ? 0 : 1}`;
    let c = this.cells.get(key);
    if (!c) {
      c = { t, g, sums: this.cols.map(() => 0), counts: this.cols.map(() => 0) };
      this.cells.set(key, c);
    }
    return c;
  }

  add(c: Cell, i: number, value: Sum, count = 1): void {
    c.sums[i] = this.cols[i].integer ? addInt(c.sums[i], value) : (c.sums[i] as number) + Number(value);
    c.counts[i] += count;
  }

  /** One division per bucket and metric, then the chart's unit: avg × scale, like the rollup path. */
  rows(): BucketRow[] {
    return [...this.cells.values()].map((c) => ({
      t: c.t,
      g: c.g,
      values: this.cols.map((col, i) => (c.counts[i] ? (Number(c.sums[i]) / c.counts[i]) * col.scale : null)),
    }));
  }
}

/** Raw rows in the range, per bucket and group: sum and count of each charted column. */
async function addRawRows(pool: pg.Pool, q: SeriesRequest, bucketS: number, cols: ChartColumn[], into: Buckets): Promise<number> {
  const params: unknown[] = [];
  const where = entityFilter(q, params);
  params.push(q.range.from, q.range.to, bucketS);
  const [from, to, width] = [params.length - 2, params.length - 1, params.length];
  where.push(`ts >= $${from}`, `ts < $${to}`);
  const group = GROUP[q.entity];
  const aggs = cols.map((c, i) => `sum(${c.summed}) AS s${i}, count(${c.column})::int AS c${i}`);
  const sql =
    `SELECT extract(epoch FROM date_bin(make_interval(secs => $${width}), ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'))::bigint AS t` +
    `${group ? `, ${group} AS g` : ', NULL::text AS g'}, ${aggs.join(', ')}\n` +
    `FROM kubepulse.${ENTITY_TABLES[q.entity].table} WHERE ${where.join(' AND ')}\nGROUP BY 1, 2 LIMIT 20000`;
  const rows = (await pool.query<Record<string, unknown>>(sql, params)).rows;
  for (const r of rows) {
    const c = into.cell(Number(r.t), (r.g as string | null) ?? null);
    cols.forEach((col, i) => {
      const n = r[`c${i}`] as number;
      if (n > 0) into.add(c, i, col.integer ? intSum(r[`s${i}`] as string) : (r[`s${i}`] as number), n);
    });
  }
  return rows.length;
}

interface StoredBlock {
  g: string | null;
  source: string;
  startMs: number;
  samples: number;
  ts: Buffer;
  values: Array<Buffer | null>;
}

/**
 * The block columns to fetch, aligned with blockValueColumns (null: not needed), and where each charted
 * column sits in a decoded row. decodeBlockRows returns every raw value column (rates too) in the raw
 * table's order, whatever the blocks store, so the charted column's place is taken from rawColumns.
 */
function blockLayout(entity: SeriesEntity, cols: ChartColumn[]): { fetch: string[]; at: number[]; width: number } {
  const t = ENTITY_TABLES[entity];
  const notValues = new Set([...t.keys, ...t.attributes].map((k) => k.column).concat(SOURCE_COLUMN.column));
  const decoded = rawColumns(entity).map((c) => c.column).filter((c) => !notValues.has(c));
  const stored = new Set(blockValueColumns(entity).map((c) => c.column));
  const fetch = new Set<string>();
  const at = cols.map((c) => {
    const i = decoded.indexOf(c.column);
    if (i < 0 || !stored.has(c.column)) throw new Error(`series of ${entity}: column ${c.column} is not held by ${blockTable(entity)}`);
    fetch.add(c.column);
    // A rate column may be stored derived from its counter (history/rate-codec.ts): the decoder needs both.
    const counter = metricsOf(entity).find((m) => m.rate?.column === c.column)?.column;
    if (counter !== undefined) fetch.add(counter);
    return i;
  });
  return { fetch: [...fetch], at, width: decoded.length };
}

async function fetchBlocks(pool: pg.Pool, q: SeriesRequest, fetch: string[]): Promise<StoredBlock[]> {
  const params: unknown[] = [];
  const where = entityFilter(q, params);
  params.push(new Date(q.range.from.getTime() - BLOCK_SPAN_MS), q.range.to);
  where.push(`start_ts > $${params.length - 1}`, `start_ts < $${params.length}`);
  const group = GROUP[q.entity];
  const r = await pool.query<Record<string, unknown>>(
    `SELECT ${group ? `${group} AS g` : 'NULL::text AS g'}, source, start_ts, samples, ts, ${fetch.join(', ')}
     FROM kubepulse.${blockTable(q.entity)} WHERE ${where.join(' AND ')}`,
    params,
  );
  return r.rows.map((row) => ({
    g: (row.g as string | null) ?? null,
    source: row.source as string,
    startMs: (row.start_ts as Date).getTime(),
    samples: row.samples as number,
    ts: row.ts as Buffer,
    values: fetch.map((c) => (row[c] as Buffer | null) ?? null),
  }));
}

/**
 * Sample times held as raw rows inside the hours the blocks cover: empty unless rows were replayed into
 * an hour already compacted (normally the raw window starts where the newest block ends).
 */
async function rawTimesAmong(pool: pg.Pool, q: SeriesRequest, blocks: StoredBlock[]): Promise<Set<string>> {
  const params: unknown[] = [];
  const where = entityFilter(q, params);
  const first = Math.min(...blocks.map((b) => b.startMs));
  const end = Math.max(...blocks.map((b) => b.startMs)) + BLOCK_SPAN_MS;
  params.push(new Date(Math.max(first, q.range.from.getTime())), new Date(Math.min(end, q.range.to.getTime())));
  where.push(`ts >= $${params.length - 1}`, `ts < $${params.length}`);
  const group = GROUP[q.entity];
  const r = await pool.query<{ g: string | null; source: string; ts: Date }>(
    `SELECT ${group ? `${group} AS g` : 'NULL::text AS g'}, source, ts FROM kubepulse.${ENTITY_TABLES[q.entity].table} WHERE ${where.join(' AND ')}`,
    params,
  );
  return new Set(r.rows.map((x) => sampleId(x.g, x.source, x.ts.getTime())));
}

function sampleId(g: string | null, source: string, tsMs: number): string {
  return `${g ?? ''}\u0000${source}\u0000${tsMs}`;
}

async function addBlocks(pool: pg.Pool, q: SeriesRequest, bucketS: number, cols: ChartColumn[], into: Buckets): Promise<number> {
  const layout = blockLayout(q.entity, cols);
  const blocks = await fetchBlocks(pool, q, layout.fetch);
  if (!blocks.length) return 0;
  const inRaw = await rawTimesAmong(pool, q, blocks);
  const valueCols = blockValueColumns(q.entity).map((c) => c.column);
  const fromMs = q.range.from.getTime();
  const toMs = q.range.to.getTime();
  const widthMs = bucketS * 1000;
  for (const b of blocks) {
    // decodeBlockRows wants every stored column in order; those the chart does not need stay null.
    const bytes = valueCols.map((c) => {
      const i = layout.fetch.indexOf(c);
      return i < 0 ? null : b.values[i];
    });
    const rows = decodeBlockRows(q.entity, b.ts, bytes);
    if (rows.length !== b.samples) {
      throw new Error(`${blockTable(q.entity)} block ${b.g ?? ''}/${b.source}/${new Date(b.startMs).toISOString()}: ${rows.length} samples decoded, ${b.samples} recorded`);
    }
    for (const row of rows) {
      if (row.tsMs < fromMs || row.tsMs >= toMs) continue;
      if (inRaw.size && inRaw.has(sampleId(b.g, b.source, row.tsMs))) continue;
      if (row.values.length !== layout.width) throw new Error(`${blockTable(q.entity)}: decoded rows have ${row.values.length} values, expected ${layout.width}`);
      const t = (BIN_ORIGIN_MS + Math.floor((row.tsMs - BIN_ORIGIN_MS) / widthMs) * widthMs) / 1000;
      const c = into.cell(t, b.g);
      layout.at.forEach((at, i) => {
        const v = row.values[at];
        if (v !== null) into.add(c, i, v);
      });
    }
  }
  return blocks.length;
}

/** The buckets of a chart from its samples (raw rows and history blocks); which tables held them. */
export async function sampleBuckets(pool: pg.Pool, q: SeriesRequest, bucketS: number): Promise<{ rows: BucketRow[]; tables: string[] }> {
  const cols = chartColumns(q);
  const buckets = new Buckets(cols);
  const [rawCells, blocks] = await Promise.all([addRawRows(pool, q, bucketS, cols, buckets), addBlocks(pool, q, bucketS, cols, buckets)]);
  const raw = ENTITY_TABLES[q.entity].table;
  const tables = blocks ? (rawCells ? [raw, blockTable(q.entity)] : [blockTable(q.entity)]) : [raw];
  return { rows: buckets.rows(), tables };
}

/**
 * The oldest time the samples may still be held: the start of the entity's oldest raw or block
 * partition (retention drops whole partitions). Infinity when it has none.
 */
export async function samplesHorizonMs(pool: pg.Pool, entity: SeriesEntity): Promise<number> {
  const parts = new PartitionManager(pool);
  const lists = await Promise.all([parts.list(sampleTable(entity)), parts.list(blockTable(entity))]);
  return Math.min(Infinity, ...lists.flat().map((p) => p.fromMs));
}
