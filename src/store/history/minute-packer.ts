// Minute rows past the age anything reads them as rows, gone into minute blocks (minute-schema.ts). The
// compactor writes every entity's minutes as blocks when it packs their hour; node's and pod's also come
// from the SQL pass every 5 minutes as rows, which the overview's usage over time, top-N and namespace
// figures read for ranges of up to 2 days (viewer/range-source.ts: 3,000 pods' minutes decoded in SQL
// instead would take seconds), and readers take a series-hour's rows over its block. Past
// MINUTE_ROWS_KEPT_MS, a day's partition of a 1-minute table goes in one transaction:
//   lock the partition against writers, read by a binary COPY on a second connection, in its primary
//   key's order (series, then ts), the rows of the series-hours no block holds — an hour recomputed as
//   rows after its compaction (rollups.ts deletes its blocks), rows of an hour compacted before the
//   blocks existed — encode one block per series and hour, insert them, DROP the partition, commit.
// So node's and pod's minutes are not read back: their hours' blocks already hold them. A crash before the
// commit leaves the rows, after it the blocks. A later recompute of an owed hour replaces its blocks by
// rows again, in a re-created partition the next pass packs.
import type pg from 'pg';
import { ENTITIES, ENTITY_TABLES, type Entity } from '../../metrics/definitions.js';
import { log } from '../../log.js';
import { readerFor, type BinaryColumn, type FieldReader, type TupleVisitor } from '../copy-binary-read.js';
import type { PartitionInfo, PartitionManager } from '../partitions.js';
import { RESOLUTIONS, rollupTable } from '../rollup-schema.js';
import { SCHEMA, qualified, quoteIdent } from '../schema.js';
import { encodePresentValues, encodeTimestamps } from './codec.js';
import { readPartition, tupleCopy } from '../copy-stream.js';
import { inTransaction } from '../pool.js';
import { isIntegerMinuteColumn, minuteBlockColumns, minuteBlockTable, minuteValueColumns } from './minute-schema.js';
import type { MinuteBlock } from './minute-rollup.js';
import { seriesKeyColumns } from './schema.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/**
 * Minute rows are kept as rows this long: the overview reads minutes for ranges of up to 2 days
 * (viewer/params.ts grainFor), and a day's partition is packed only once all of it is older.
 */
const MINUTE_ROWS_KEPT_MS = 3 * DAY_MS;
/** An hour has at most 60 minutes (the 1-minute tables' key is the series and the minute). */
const MINUTES_PER_HOUR = 60;

export interface MinutePackerOptions {
  /** Minute rows younger than this stay rows (default MINUTE_ROWS_KEPT_MS). */
  keepRowsMs?: number;
  /** The 1-minute tables' partitions (daily). */
  minutePartitions: PartitionManager;
  /** The minute block tables' partitions (daily on start_ts). */
  blockPartitions: PartitionManager;
  /**
   * Partitions packed per run at most (default 4), the oldest first: a database upgraded from before
   * migration 022 holds weeks of every entity's minute rows, packed over many maintenance passes rather
   * than in one that would hold up compaction and retention for hours.
   */
  partitionsPerRun?: number;
}

export interface MinutePackingReport {
  partitions: string[];
  rows: number;
  blocks: number;
}

export class MinutePacker {
  private readonly keepRowsMs: number;

  constructor(private readonly pool: pg.Pool, private readonly opts: MinutePackerOptions) {
    this.keepRowsMs = opts.keepRowsMs ?? MINUTE_ROWS_KEPT_MS;
  }

  /** Packs the 1-minute partitions wholly older than the rows' age, the oldest first, a few per run. */
  async run(nowMs = Date.now()): Promise<MinutePackingReport> {
    const report: MinutePackingReport = { partitions: [], rows: 0, blocks: 0 };
    const due: Array<{ entity: Entity; part: PartitionInfo }> = [];
    for (const entity of ENTITIES) {
      for (const part of await this.opts.minutePartitions.list(rollupTable(entity, RESOLUTIONS[0]))) {
        if (part.toMs <= nowMs - this.keepRowsMs) due.push({ entity, part });
      }
    }
    due.sort((x, y) => x.part.fromMs - y.part.fromMs);
    for (const { entity, part } of due.slice(0, this.opts.partitionsPerRun ?? 4)) {
      const r = await this.packPartition(entity, part);
      report.partitions.push(part.name);
      report.rows += r.rows;
      report.blocks += r.blocks;
    }
    if (report.partitions.length) log('store').info(report, 'packed minute rows into minute blocks');
    return report;
  }

  /** One day's minute rows of one entity into minute blocks, the partition dropped, atomically. */
  async packPartition(entity: Entity, part: PartitionInfo): Promise<{ rows: number; blocks: number }> {
    const table = minuteBlockTable(entity);
    const hours: number[] = [];
    for (let t = part.fromMs; t < part.toMs; t += HOUR_MS) hours.push(t);
    await this.opts.blockPartitions.ensureFor(table, hours);
    const builder = new MinuteBlockBuilder(entity);
    const partition = `${SCHEMA}.${quoteIdent(part.name)}`;
    const keys = seriesKeyColumns(entity).map(quoteIdent);
    const order = [...keys.map((k) => `m.${k}`), 'm."ts"'].join(', ');
    const noBlock = `NOT EXISTS (SELECT 1 FROM ${qualified(table)} b WHERE ${keys.map((k) => `b.${k} = m.${k}`).join(' AND ')}
      AND b.start_ts = date_bin('1 hour', m."ts", TIMESTAMPTZ '1970-01-01 00:00:00+00'))`;
    const out = { rows: 0, blocks: 0 };
    await inTransaction(this.pool, async (client) => {
      await client.query(`LOCK TABLE ${partition} IN SHARE MODE`);
      const store = async (all: boolean): Promise<void> => {
        while (builder.done.length >= 200 || (all && builder.done.length > 0)) out.blocks += await insertMinuteBlocks(client, entity, builder.done.splice(0, 200));
      };
      await readPartition(this.pool, `COPY (SELECT ${builder.columns.map((c) => `m.${quoteIdent(c.column)}`).join(', ')} FROM ${partition} m
        WHERE ${noBlock} ORDER BY ${order}) TO STDOUT (FORMAT binary)`,
        builder.columns.length, builder.push, async (tuples) => {
          out.rows += tuples;
          await store(false);
        });
      builder.finish();
      await store(true);
      await client.query(`DROP TABLE ${partition}`);
    });
    await this.opts.minutePartitions.list(rollupTable(entity, RESOLUTIONS[0]));
    log('store').debug({ partition: part.name, ...out }, 'packed minute partition');
    return out;
  }
}

const MINUTE_BLOCK_COPY = Object.fromEntries(ENTITIES.map((e) => [e, tupleCopy(qualified(minuteBlockTable(e)), minuteBlockColumns(e))])) as Record<Entity, ReturnType<typeof tupleCopy>>;

/** Writes minute blocks (by a binary COPY); returns how many. */
export function insertMinuteBlocks(client: pg.ClientBase, entity: Entity, blocks: readonly MinuteBlock[]): Promise<number> {
  return MINUTE_BLOCK_COPY[entity](client, blocks.map((b) => [...b.keys, ...b.attributes, b.startMs, b.minutes, b.ts, ...b.values]));
}


/**
 * Minute rows in (series, ts) order → one encoded block per series and hour, straight from the COPY's
 * fields into typed columns (no object per row). Attributes are the hour's last row's.
 */
class MinuteBlockBuilder {
  /** The COPY's columns: the series keys, the attributes, ts, then the block's value columns. */
  readonly columns: BinaryColumn[];
  readonly done: MinuteBlock[] = [];
  private readonly nKeys: number;
  private readonly nAttrs: number;
  private readonly readers: FieldReader[];
  private readonly integer: boolean[];
  private readonly values: Float64Array[];
  private readonly present: Uint8Array[];
  private readonly exact: Array<Map<number, bigint> | null>;
  private readonly ts = new Float64Array(MINUTES_PER_HOUR);
  private n = 0;
  private hour = NaN;
  private keyId = '';
  private keys: Array<string | number> = [];
  private attributes: Array<string | null> = [];

  constructor(readonly entity: Entity) {
    const t = ENTITY_TABLES[entity];
    const typeOf = new Map([...t.keys, ...t.attributes].map((c) => [c.column, c.sqlType]));
    const keys = seriesKeyColumns(entity).map((k) => ({ column: k, sqlType: typeOf.get(k)! }));
    const attrs = t.attributes.map((a) => ({ column: a.column, sqlType: a.sqlType }));
    const values = minuteValueColumns(entity);
    this.columns = [...keys, ...attrs, { column: 'ts', sqlType: 'timestamptz' }, ...values];
    this.nKeys = keys.length;
    this.nAttrs = attrs.length;
    this.readers = this.columns.map(readerFor);
    this.integer = values.map(isIntegerMinuteColumn);
    this.values = values.map(() => new Float64Array(MINUTES_PER_HOUR));
    this.present = values.map(() => new Uint8Array(MINUTES_PER_HOUR));
    this.exact = values.map(() => null);
  }

  readonly push: TupleVisitor = (buf, at, len) => {
    const { nKeys, nAttrs, readers } = this;
    const keys: Array<string | number> = [];
    for (let f = 0; f < nKeys; f++) keys.push(readers[f](buf, at[f], len[f]) as string | number);
    const keyId = keys.join('\u0000');
    const tsField = nKeys + nAttrs;
    const ts = readers[tsField](buf, at[tsField], len[tsField]) as number;
    const hour = Math.floor(ts / HOUR_MS) * HOUR_MS;
    if (keyId !== this.keyId || hour !== this.hour) {
      this.finish();
      this.keyId = keyId;
      this.keys = keys;
      this.hour = hour;
    }
    const attributes: Array<string | null> = [];
    for (let f = nKeys; f < tsField; f++) attributes.push(len[f] < 0 ? null : (readers[f](buf, at[f], len[f]) as string));
    this.attributes = attributes;
    if (this.n === MINUTES_PER_HOUR) {
      throw new Error(`minute rows of ${rollupTable(this.entity, RESOLUTIONS[0])} ${keys.join('/')}: more than ${MINUTES_PER_HOUR} in the hour from ${new Date(hour).toISOString()} (ts not on whole minutes?)`);
    }
    const r = this.n++;
    this.ts[r] = ts;
    for (let j = 0; j < this.values.length; j++) {
      const f = tsField + 1 + j;
      if (len[f] < 0) {
        this.present[j][r] = 0;
        this.values[j][r] = 0;
        continue;
      }
      const v = readers[f](buf, at[f], len[f]) as number | bigint;
      this.present[j][r] = 1;
      if (typeof v === 'bigint') {
        (this.exact[j] ??= new Map()).set(r, v);
        this.values[j][r] = Number(v);
      } else this.values[j][r] = v;
    }
  };

  /** Encodes the open series-hour, if any. */
  finish(): void {
    const n = this.n;
    if (n === 0) return;
    const values: Array<Uint8Array | null> = [];
    for (let j = 0; j < this.values.length; j++) {
      values.push(encodePresentValues(n, this.values[j], this.present[j], this.exact[j], this.integer[j]));
      this.exact[j] = null;
    }
    this.done.push({ keys: this.keys, attributes: this.attributes, startMs: this.hour, minutes: n, ts: encodeTimestamps(this.ts.subarray(0, n)), values });
    this.n = 0;
  }
}
