// Raw rows of a binary COPY → history blocks, decoded straight into the open blocks' columns. The COPY
// gives a partition's rows ordered by (cluster_id, series_id, ts, source), so a series' rows come
// together and at most one block per source is open at a time: memory stays bounded by one series-hour
// whatever the partition holds. A block is encoded as it closes (its columns' storage then serves the next
// one), so no row object, no array per row and no array per column of a row are ever made: those were
// most of the compaction's time and garbage.
import type { BinaryColumn } from '../copy-binary-read.js';
import type { Entity } from '../../metrics/definitions.js';
import { BlockColumns, encodeColumns, type EncodedColumns } from './blocks.js';
import { MAX_BLOCK_ROWS } from './codec.js';
import type { MinuteRollup } from './minute-rollup.js';
import { BLOCK_SPAN_MS, SOURCE_COLUMN, blockValueColumns } from './schema.js';

/** A closed block, encoded, with the series it belongs to (its keys and attributes are looked up later). */
export interface BuiltBlock {
  clusterId: number;
  seriesId: number;
  source: string;
  startMs: number;
  /** Rows dropped as a repeat of the sample before them. */
  duplicates: number;
  columns: EncodedColumns;
}

const enum FieldType {
  Int4,
  Int8,
  Float4,
  Float8,
}

const FIELD_TYPES: Record<string, FieldType> = {
  integer: FieldType.Int4, bigint: FieldType.Int8, real: FieldType.Float4, 'double precision': FieldType.Float8,
};

const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4294967296;
/** One-byte "char" sources as strings, made once. */
const CHAR_STRINGS = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));

interface OpenSlot {
  source: string;
  startMs: number;
  duplicates: number;
  columns: BlockColumns;
}

/**
 * Fed every tuple of the COPY (push, a scanCopyBinary visitor) whose fields are `fields`; the blocks it
 * closes gather in `closed` (the caller takes them between chunks), finish() closes the rest.
 */
export class CopyBlockBuilder {
  /** Blocks closed and not yet taken by the caller. */
  closed: BuiltBlock[] = [];
  private readonly clusterField: number;
  private readonly seriesField: number;
  private readonly tsField: number;
  private readonly sourceField: number;
  private readonly valueFields: Int32Array;
  private readonly valueTypes: FieldType[];
  private clusterId = 0;
  private seriesId = 0;
  private started = false;
  /** Open blocks by source, in the order their sources first came within the series. */
  private open: OpenSlot[] = [];
  private spare: BlockColumns[] = [];
  /** The chunk the last tuple came in and a view of it (fields are read through it, big-endian). */
  private buf: Buffer | null = null;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  /** `minutes`, when given, is fed every block's rows before it is encoded, and told where each series ends. */
  constructor(private readonly entity: Entity, fields: readonly BinaryColumn[], private readonly minutes?: MinuteRollup) {
    const index = (name: string): number => {
      const i = fields.findIndex((f) => f.column === name);
      if (i < 0) throw new Error(`history compaction ${entity}: the COPY has no ${name} column`);
      return i;
    };
    this.clusterField = index('cluster_id');
    this.seriesField = index('series_id');
    this.tsField = index('ts');
    this.sourceField = index(SOURCE_COLUMN.column);
    const cols = blockValueColumns(entity);
    this.valueFields = Int32Array.from(cols.map((c) => index(c.column)));
    this.valueTypes = cols.map((c) => {
      const t = FIELD_TYPES[c.sqlType];
      if (t === undefined) throw new Error(`history compaction ${entity}: value column ${c.column} has type ${c.sqlType}, which the COPY reader does not read`);
      return t;
    });
  }

  /** Takes one tuple (field f: len[f] bytes at at[f], −1 for NULL). */
  readonly push = (buf: Buffer, at: Int32Array, len: Int32Array): void => {
    if (len[this.clusterField] !== 4 || len[this.seriesField] !== 4) {
      throw new Error(`history compaction ${this.entity}: a row without a cluster_id or series_id`);
    }
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const view = this.view;
    const clusterId = view.getInt32(at[this.clusterField]);
    const seriesId = view.getInt32(at[this.seriesField]);
    if (!this.started || clusterId !== this.clusterId || seriesId !== this.seriesId) {
      this.finish();
      this.clusterId = clusterId;
      this.seriesId = seriesId;
      this.started = true;
    }
    const tsMs = this.readTs(at[this.tsField], len[this.tsField]);
    const sourceLen = len[this.sourceField];
    const sourceAt = at[this.sourceField];
    const source = sourceLen === 1 ? CHAR_STRINGS[buf[sourceAt]] : sourceLen < 0 ? 's' : buf.toString('latin1', sourceAt, sourceAt + sourceLen);
    const startMs = Math.floor(tsMs / BLOCK_SPAN_MS) * BLOCK_SPAN_MS;
    let slot: OpenSlot | undefined;
    for (const s of this.open) if (s.source === source) slot = s;
    if (slot && slot.startMs !== startMs) {
      this.close(slot);
      slot.startMs = startMs;
      slot.duplicates = 0;
      slot.columns = this.spare.pop() ?? new BlockColumns(this.valueFields.length);
    }
    if (!slot) {
      slot = { source, startMs, duplicates: 0, columns: this.spare.pop() ?? new BlockColumns(this.valueFields.length) };
      this.open.push(slot);
    }
    const b = slot.columns;
    // Rows come by ts: a row at its predecessor's ts is the same sample stored twice (no index forbids it
    // since migration 010, see metric-copy.ts); the block keeps one.
    if (b.n > 0 && b.ts[b.n - 1] === tsMs) {
      slot.duplicates++;
      return;
    }
    if (b.n === MAX_BLOCK_ROWS) {
      throw new Error(`history compaction ${this.entity}: series ${clusterId}/${seriesId} has more than ${MAX_BLOCK_ROWS} samples of source ${source} in the hour from ${new Date(startMs).toISOString()}`);
    }
    b.reserveRow();
    const r = b.n++;
    b.ts[r] = tsMs;
    const fields = this.valueFields;
    const types = this.valueTypes;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j];
      const l = len[f];
      if (l < 0) {
        b.present[j][r] = 0;
        b.nulls[j]++;
        continue;
      }
      const p = at[f];
      let v: number;
      switch (types[j]) {
        case FieldType.Int4:
          v = view.getInt32(p);
          break;
        case FieldType.Int8: {
          const hi = view.getInt32(p);
          if (hi >= -0x200000 && hi < 0x200000) {
            v = hi * TWO_32 + view.getUint32(p + 4);
          } else {
            // Beyond 2^53: the nearest number, and the exact value when that is not it.
            const big = view.getBigInt64(p);
            v = Number(big);
            if (BigInt(v) !== big) b.setExact(j, r, big);
          }
          break;
        }
        case FieldType.Float4:
          v = view.getFloat32(p);
          break;
        default:
          v = view.getFloat64(p);
      }
      b.values[j][r] = v;
      b.present[j][r] = 1;
    }
  };

  /** Closes every open block (the end of a series, or of the stream). */
  finish(): void {
    for (const slot of this.open) this.close(slot);
    this.open = [];
    this.minutes?.finishSeries(this.clusterId, this.seriesId);
  }

  /** Microseconds since 2000-01-01 → epoch milliseconds (sub-millisecond parts dropped, as a Date would). */
  private readTs(at: number, len: number): number {
    if (len !== 8) throw new Error(`history compaction ${this.entity}: row ${this.clusterId}/${this.seriesId} has no valid ts (${len < 0 ? 'null' : `${len} bytes`})`);
    const view = this.view;
    const hi = view.getInt32(at);
    const micros = hi >= -0x200000 && hi < 0x200000 ? hi * TWO_32 + view.getUint32(at + 4) : Number(view.getBigInt64(at));
    return Math.floor(micros / 1000) + PG_EPOCH_MS;
  }

  private close(slot: OpenSlot): void {
    this.minutes?.add(slot.columns);
    this.closed.push({
      clusterId: this.clusterId, seriesId: this.seriesId, source: slot.source, startMs: slot.startMs, duplicates: slot.duplicates,
      columns: encodeColumns(this.entity, slot.columns),
    });
    slot.columns.clear();
    this.spare.push(slot.columns);
  }
}
