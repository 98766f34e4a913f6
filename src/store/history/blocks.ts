// Raw rows ↔ history blocks, in memory (pure: the compactor does the I/O). A block is one series' rows of
// one source within one hour, ascending by ts; its columns are encoded by codec.ts. Rows are fed in the
// order (series keys, ts), so at most one open block per source exists at a time: memory stays bounded
// by one series-hour whatever the partition holds.
import { ENTITY_TABLES, type Entity } from '../../metrics/definitions.js';
import type { ColumnSpec } from '../schema.js';
import {
  MAX_BLOCK_ROWS, decodeFloatColumn, decodeIntColumnExact, decodeTimestamps, encodeFloatColumn, encodeIntColumn, encodeTimestamps,
} from './codec.js';
import { decodeDerivedRateColumn, encodeDerivedRateColumn, isDerivedRateColumn } from './rate-codec.js';
import { BLOCK_SPAN_MS, SOURCE_COLUMN, blockValueColumns, isIntegerColumn, rateCounters, seriesKeyColumns } from './schema.js';

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

/** The encoded columns of a block, in blockValueColumns order (null: every value null). */
export interface EncodedBlock {
  keys: Array<string | number>;
  attributes: Array<string | null>;
  source: string;
  startMs: number;
  samples: number;
  ts: Uint8Array;
  values: Array<Uint8Array | null>;
  /** Non-null metric values it holds (the bytes-per-value denominator). */
  nonNull: number;
}

function blockStartMs(tsMs: number): number {
  return Math.floor(tsMs / BLOCK_SPAN_MS) * BLOCK_SPAN_MS;
}

/** bigint values arrive as text from pg: exact as BigInt beyond 2^53, numbers below. */
function parseBigintText(v: unknown): number | bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : BigInt(v as string);
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

export function encodeBlock(entity: Entity, b: OpenBlock): EncodedBlock {
  if (b.rows.length > MAX_BLOCK_ROWS) {
    throw new Error(`history block ${entity} ${b.keys.join('/')} ${new Date(b.startMs).toISOString()}: ${b.rows.length} rows, at most ${MAX_BLOCK_ROWS}`);
  }
  const cols = valueColumnsOf(entity);
  const rates = rateSources(entity);
  const tsMs = b.rows.map((r) => r.tsMs);
  let nonNull = 0;
  const values = cols.map((c, i) => {
    const col = b.rows.map((r) => r.values[i]!);
    const present = col.reduce<number>((n, v) => (v === null ? n : n + 1), 0);
    nonNull += present;
    if (present === 0) return null;
    if (isIntegerColumn(c)) return encodeIntColumn(col);
    const rate = rates[i];
    const derived = rate && encodeDerivedRateColumn(col as Array<number | null>, b.rows.map((r) => r.values[rate.counter]!), tsMs, rate.scale, c.sqlType === 'real');
    return derived || encodeFloatColumn(col as Array<number | null>);
  });
  return {
    keys: b.keys, attributes: b.attributes, source: b.source, startMs: b.startMs, samples: b.rows.length,
    ts: encodeTimestamps(tsMs), values, nonNull,
  };
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

/**
 * Groups raw rows, fed ordered by (series keys, ts), into blocks per (series, source, hour). push()
 * returns the blocks it closed; finish() the rest. A row's keys and attributes are its own columns, or
 * its series' when given.
 */
export class BlockBuilder {
  private readonly keyCols: string[];
  private readonly attrCols: string[];
  private readonly valueCols: ColumnSpec[];
  private seriesId: string | null = null;
  private open = new Map<string, OpenBlock>();
  /** Rows dropped as a repeat of the sample before them. */
  duplicates = 0;

  constructor(private readonly entity: Entity) {
    this.keyCols = seriesKeyColumns(entity);
    this.attrCols = ENTITY_TABLES[entity].attributes.map((a) => a.column);
    this.valueCols = blockValueColumns(entity);
  }

  push(row: Record<string, unknown>, series?: SeriesRef): OpenBlock[] {
    const keys = series ? series.keys : this.keyCols.map((c) => row[c] as string | number);
    const id = series ? series.id : keys.join('\u0000');
    const closed: OpenBlock[] = [];
    if (id !== this.seriesId) {
      closed.push(...this.finish());
      this.seriesId = id;
    }
    const ts = row.ts;
    const tsMs = typeof ts === 'number' ? ts : ts instanceof Date ? ts.getTime() : Date.parse(String(ts));
    if (!Number.isFinite(tsMs)) throw new Error(`history compaction ${this.entity}: row ${id} has no valid ts (${String(ts)})`);
    const stamped = row[SOURCE_COLUMN.column];
    const source = typeof stamped === 'string' ? stamped : 's';
    const startMs = blockStartMs(tsMs);
    let block = this.open.get(source);
    if (block && block.startMs !== startMs) {
      closed.push(block);
      block = undefined;
    }
    if (!block) {
      block = { keys, attributes: [], source, startMs, rows: [] };
      this.open.set(source, block);
    }
    // Rows come by ts: a row at its predecessor's ts is the same sample stored twice (no index forbids it
    // since migration 010, see metric-copy.ts); the block keeps one.
    const last = block.rows[block.rows.length - 1];
    if (last && last.tsMs === tsMs) {
      this.duplicates++;
      return closed;
    }
    // Attributes are fixed by the key (a pod uid's namespace, name and node); the latest row's are kept.
    block.attributes = series ? series.attributes : this.attrCols.map((c) => (row[c] ?? null) as string | null);
    block.rows.push({
      tsMs,
      values: this.valueCols.map((c) => (c.sqlType === 'bigint' ? parseBigintText(row[c.column]) : (row[c.column] ?? null) as number | null)),
    });
    return closed;
  }

  finish(): OpenBlock[] {
    const out = [...this.open.values()];
    this.open = new Map();
    this.seriesId = null;
    return out;
  }
}
