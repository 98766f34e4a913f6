// Raw rows ↔ history blocks, in memory (pure: the compactor does the I/O). A block is one series' rows of
// one source within one hour, ascending by ts; its columns are encoded by codec.ts. The compactor fills
// BlockColumns straight from the COPY stream (copy-block-builder.ts); rows as objects only come from a
// stored block decoded for a merge (or the viewer), and are encoded through the same columns.
import type { Entity } from '../../metrics/definitions.js';
import type { ColumnSpec } from '../schema.js';
import {
  MAX_BLOCK_ROWS, decodeFloatColumn, decodeIntColumnExact, decodeTimestamps, encodeFloatValues, encodeIntValues, encodeTimestamps, type NumberColumn,
} from './codec.js';
import { decodeDerivedRateColumn, encodeDerivedRateValues, isDerivedRateColumn } from './rate-codec.js';
import { blockValueColumns, isIntegerColumn, rateCounters } from './schema.js';

/** A metric value as read from PostgreSQL or decoded: bigint columns exact, doubles as numbers. */
type BlockValue = number | bigint | null;

/** One raw row in block terms. */
export interface BlockRow {
  tsMs: number;
  values: BlockValue[];
}

/** A block before encoding: identity, attributes (the latest row's), rows ascending by ts. */
export interface OpenBlock {
  /** Series keys (cluster_id first, no ts), in seriesKeyColumns order. */
  keys: Array<string | number>;
  attributes: Array<string | null>;
  source: string;
  startMs: number;
  rows: BlockRow[];
}

/** A block's encoded columns: ts, then the values in blockValueColumns order (null: every value null). */
export interface EncodedColumns {
  samples: number;
  ts: Uint8Array;
  values: Array<Uint8Array | null>;
  /** Non-null metric values it holds (the bytes-per-value denominator). */
  nonNull: number;
}

/** An encoded block with its identity. */
export interface EncodedBlock extends EncodedColumns {
  keys: Array<string | number>;
  attributes: Array<string | null>;
  source: string;
  startMs: number;
}

/**
 * The rows of one open block held by column (what the compactor fills straight from the COPY stream, with
 * no object or array per row): ts, and per value column (blockValueColumns order) the values, a presence
 * flag, the nulls counted, and the rows of an integer column whose int64 no JS number holds. Reused
 * from block to block (clear()), grown by doubling.
 */
export class BlockColumns {
  n = 0;
  ts: Float64Array;
  readonly values: Float64Array[];
  readonly present: Uint8Array[];
  readonly nulls: Int32Array;
  readonly exact: Array<Map<number, bigint> | null>;

  constructor(readonly width: number, capacity = 256) {
    this.ts = new Float64Array(capacity);
    this.values = Array.from({ length: width }, () => new Float64Array(capacity));
    this.present = Array.from({ length: width }, () => new Uint8Array(capacity));
    this.nulls = new Int32Array(width);
    this.exact = new Array<Map<number, bigint> | null>(width).fill(null);
  }

  /** Room for one more row (at most MAX_BLOCK_ROWS). */
  reserveRow(): void {
    if (this.n < this.ts.length) return;
    const cap = Math.min(MAX_BLOCK_ROWS + 1, this.ts.length * 2);
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    this.ts = ts;
    for (let j = 0; j < this.width; j++) {
      const v = new Float64Array(cap);
      v.set(this.values[j]);
      this.values[j] = v;
      const p = new Uint8Array(cap);
      p.set(this.present[j]);
      this.present[j] = p;
    }
  }

  clear(): void {
    this.n = 0;
    this.nulls.fill(0);
    for (let j = 0; j < this.width; j++) if (this.exact[j]) this.exact[j] = null;
  }

  /** Records an int64 of row `row`, column `j` that no JS number holds. */
  setExact(j: number, row: number, v: bigint): void {
    (this.exact[j] ??= new Map()).set(row, v);
  }

  column(j: number): NumberColumn {
    return { n: this.n, values: this.values[j], present: this.nulls[j] > 0 ? this.present[j] : null, exact: this.exact[j] };
  }

  /** Appends a row of decoded values (the merge path's rows). */
  pushRow(row: BlockRow): void {
    this.reserveRow();
    const r = this.n++;
    this.ts[r] = row.tsMs;
    for (let j = 0; j < this.width; j++) {
      const v = row.values[j];
      if (v === null) {
        this.present[j][r] = 0;
        this.nulls[j]++;
        continue;
      }
      this.present[j][r] = 1;
      const num = Number(v);
      this.values[j][r] = num;
      if (typeof v === 'bigint' && BigInt(num) !== v) this.setExact(j, r, v);
    }
  }
}

/** Per value column (blockValueColumns order): for a rate column, its counter's index and the rate's scale. */
interface RateSource { counter: number; scale: number }

const rateSourcesCache = new Map<Entity, Array<RateSource | null>>();

function rateSources(entity: Entity): Array<RateSource | null> {
  let out = rateSourcesCache.get(entity);
  if (out) return out;
  const cols = blockValueColumns(entity);
  const index = new Map(cols.map((c, i) => [c.column, i]));
  const counters = rateCounters(entity);
  out = cols.map((c) => {
    const r = counters.get(c.column);
    return r ? { counter: index.get(r.counter)!, scale: r.scale } : null;
  });
  rateSourcesCache.set(entity, out);
  return out;
}

/** blockValueColumns per entity, for the compactor's hot path (asked once per block encoded). */
const valueColumnsCache = new Map<Entity, ColumnSpec[]>();

function valueColumnsOf(entity: Entity): ColumnSpec[] {
  let out = valueColumnsCache.get(entity);
  if (!out) valueColumnsCache.set(entity, (out = blockValueColumns(entity)));
  return out;
}

/** Encodes a block held by column: ts, then each value column by its kind (rates derived when they can). */
export function encodeColumns(entity: Entity, b: BlockColumns): EncodedColumns {
  if (b.n > MAX_BLOCK_ROWS) throw new Error(`history block of ${entity}: ${b.n} rows, at most ${MAX_BLOCK_ROWS}`);
  const cols = valueColumnsOf(entity);
  const rates = rateSources(entity);
  const n = b.n;
  const tsMs = b.ts.subarray(0, n);
  let nonNull = 0;
  const values = new Array<Uint8Array | null>(cols.length);
  for (let j = 0; j < cols.length; j++) {
    const present = n - b.nulls[j];
    nonNull += present;
    if (present === 0) {
      values[j] = null;
      continue;
    }
    const c = cols[j];
    const col = b.column(j);
    if (isIntegerColumn(c)) {
      values[j] = encodeIntValues(col);
      continue;
    }
    const rate = rates[j];
    const derived = rate && encodeDerivedRateValues(col, b.column(rate.counter), tsMs, rate.scale, c.sqlType === 'real');
    values[j] = derived || encodeFloatValues(col);
  }
  return { samples: n, ts: encodeTimestamps(tsMs), values, nonNull };
}

/** Encodes a block given as rows (a merge's: rare, so built into columns first and encoded the one way). */
export function encodeBlock(entity: Entity, b: OpenBlock): EncodedBlock {
  if (b.rows.length > MAX_BLOCK_ROWS) {
    throw new Error(`history block ${entity} ${b.keys.join('/')} ${new Date(b.startMs).toISOString()}: ${b.rows.length} rows, at most ${MAX_BLOCK_ROWS}`);
  }
  const columns = new BlockColumns(valueColumnsOf(entity).length, Math.max(1, b.rows.length));
  for (const row of b.rows) columns.pushRow(row);
  return { keys: b.keys, attributes: b.attributes, source: b.source, startMs: b.startMs, ...encodeColumns(entity, columns) };
}

/**
 * The rows of a stored block (bytea columns as Buffers, nulls for all-null columns): every column of the
 * raw table, derived rate columns given back as the rates that were stored.
 */
export function decodeBlockRows(entity: Entity, ts: Uint8Array, values: Array<Uint8Array | null>): BlockRow[] {
  const cols = blockValueColumns(entity);
  const rates = rateSources(entity);
  const times = decodeTimestamps(ts);
  const decoded: Array<Array<number | bigint | null> | null> = cols.map((c, i) => {
    const bytes = values[i];
    if (!bytes || isDerivedRateColumn(bytes)) return null;
    return isIntegerColumn(c) ? decodeIntColumnExact(bytes) : decodeFloatColumn(bytes);
  });
  // Derived rates last: their counters (integer columns) are decoded by now.
  cols.forEach((c, i) => {
    const bytes = values[i];
    const rate = rates[i];
    if (!bytes || !isDerivedRateColumn(bytes)) return;
    if (!rate) throw new Error(`history block ${entity}: column ${c.column} is stored as a derived rate but is no counter's rate`);
    decoded[i] = decodeDerivedRateColumn(bytes, decoded[rate.counter], times);
  });
  // A real column's values were encoded from float4s, and exceptions of a derived rate column too, but a
  // derived rate is computed in doubles: rounded to float4 it is the value the raw row held.
  cols.forEach((c, i) => {
    const col = decoded[i];
    if (c.sqlType === 'real' && col) for (let r = 0; r < col.length; r++) if (typeof col[r] === 'number') col[r] = Math.fround(col[r] as number);
  });
  return times.map((tsMs, r) => ({
    tsMs,
    values: decoded.map((col) => {
      const v = col ? col[r]! : null;
      return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }),
  }));
}

/**
 * Merges rows into a stored block's rows by ts: a ts the block already holds is a duplicate (a replayed
 * sample) and is dropped, so merging the same rows twice changes nothing. Returns the rows ascending.
 */
export function mergeBlockRows(stored: BlockRow[], incoming: BlockRow[]): { rows: BlockRow[]; duplicates: number } {
  const seen = new Set(stored.map((r) => r.tsMs));
  const fresh = incoming.filter((r) => !seen.has(r.tsMs));
  const rows = [...stored, ...fresh].sort((a, b) => a.tsMs - b.tsMs);
  return { rows, duplicates: incoming.length - fresh.length };
}

/**
 * A series as the compactor reads it once (not per row): its identity, keys (seriesKeyColumns order) and
 * attributes (the entity's attribute order).
 */
export interface SeriesRef {
  id: string;
  keys: Array<string | number>;
  attributes: Array<string | null>;
}

/** The same bytes as a Buffer (what node-pg sends as bytea), without copying them. */
export function asBuffer(v: Uint8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
