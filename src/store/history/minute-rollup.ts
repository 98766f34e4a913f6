// The 1-minute and 1-hour rollups computed by the compactor (rollup-schema.ts minutesAtCompaction): the
// rows of each series it packs into blocks are already decoded in its columns, so aggregating them here
// costs a few nanoseconds a value, where the SQL pass re-read the raw rows and spent ~5 µs of PostgreSQL
// CPU on each. The minutes are the SQL pass's buckets (Rollups.fromSamplesSql): per series and minute the
// rows counted (`samples`), per averaged column the float8 sum over its non-null values divided by their
// number, and that number (NULL for none), per max column the greatest value (exact beyond 2^53). A
// repeated sample (same ts and source) is one row, as in the block. They are stored packed, one minute
// block per series and hour (minute-schema.ts), and the hour is aggregated from the same accumulators
// (the 1 h pass's bucket: the hour's sum over its count per average, the max of the maxima, the rows).
// Both wait without their series' keys, which the compactor looks up per batch of blocks: `take` adds them.
import { ENTITY_TABLES, type Entity } from '../../metrics/definitions.js';
import { BufferWriter, FIXED_FIELD_MAX, writerFor, type FieldWriter } from '../copy-binary.js';
import { RESOLUTIONS, rollupAggregates, rollupTable } from '../rollup-schema.js';
import { quoteIdent, qualified } from '../schema.js';
import type { BlockColumns, SeriesRef } from './blocks.js';
import { encodePresentValues, encodeTimestamps } from './codec.js';
import { isIntegerMinuteColumn, minuteBlockTable, minuteValueColumns } from './minute-schema.js';
import { blockValueColumns, seriesKeyColumns } from './schema.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const INTEGER = writerFor({ column: 'samples', sqlType: 'integer' });
const TIMESTAMP = writerFor({ column: 'ts', sqlType: 'timestamptz' });

/** One series' hour of minutes, encoded: the minute times, then each minuteValueColumns column (null: all null). */
export interface MinuteBlock {
  keys: Array<string | number>;
  attributes: Array<string | null>;
  startMs: number;
  minutes: number;
  ts: Uint8Array;
  values: Array<Uint8Array | null>;
}

/** One series' minute blocks and hour rows, without the series' key and attribute fields. */
interface PendingSeries {
  blocks: Array<Omit<MinuteBlock, 'keys' | 'attributes'>>;
  /** Byte range of hour i's fields after ts and the attributes, in `hourBytes`: offsets[i] .. offsets[i + 1]. */
  hourOffsets: number[];
  hourBytes: Buffer;
}

export class MinuteRollup {
  /** The 1-minute table and the COPY … FROM STDIN that fills it in `take`'s column order. */
  /** The minute block table, the 1-hour table and the COPY … FROM STDIN that fills the latter in `take`'s order. */
  readonly blockTable: string;
  readonly hourTable: string;
  readonly hourCopySql: string;
  /** Per aggregate in rollupAggregates order: the block value column it reads, and which accumulator. */
  private readonly source: Int32Array;
  private readonly isAvg: Uint8Array;
  private readonly slot: Int32Array;
  /** Per aggregate, the writer of its column's type (double precision, bigint). */
  private readonly aggWriters: FieldWriter[];
  private readonly nAvg: number;
  private readonly nMax: number;
  private readonly keyWriters: FieldWriter[];
  private readonly attrWriters: FieldWriter[];
  private readonly fieldCount: number;
  // The current series' accumulators, minute by minute (index = order the minute was first seen).
  private minuteAt = new Map<number, number>();
  private minuteMs: number[] = [];
  private samples = new Int32Array(64);
  private sums: Float64Array;
  private counts: Int32Array;
  private maxes: Float64Array;
  private hasMax: Uint8Array;
  /** Exact maxima beyond 2^53, by minute index × nMax + max slot (rare: only then is a bigint kept). */
  private exactMax = new Map<number, bigint>();
  private anyExact = false;
  /** Per row of the block being added, its minute's index. */
  private rowMinute = new Int32Array(256);
  private pending = new Map<string, PendingSeries>();
  /** Per minute block column (minuteValueColumns order), whether the integer codec encodes it. */
  private readonly integerColumn: boolean[];
  /** Reused: one column of an hour's minutes as it is encoded (encoders copy their output). */
  private colValues = new Float64Array(64);
  private colPresent = new Uint8Array(64);
  /** Reused buffers: a series' hour rows as they are encoded, a series' key and attribute fields. */
  private readonly scratch = new BufferWriter(0, 16 * 1024);
  private readonly head = new BufferWriter(0, 256);
  private readonly tail = new BufferWriter(0, 256);

  /** `hours`: also aggregate each hour for the 1-hour table (the entities whose hours the compactor computes). */
  constructor(readonly entity: Entity, readonly hours = true) {
    const values = blockValueColumns(entity).map((c) => c.column);
    const aggs = rollupAggregates(entity);
    this.source = Int32Array.from(aggs.map((a) => {
      const j = values.indexOf(a.source);
      if (j < 0) throw new Error(`minute rollup ${entity}: ${a.column} reads ${a.source}, which the blocks do not hold`);
      return j;
    }));
    this.isAvg = Uint8Array.from(aggs.map((a) => (a.fn === 'avg' ? 1 : 0)));
    let avg = 0;
    let max = 0;
    this.slot = Int32Array.from(aggs.map((a) => (a.fn === 'avg' ? avg++ : max++)));
    this.nAvg = avg;
    this.nMax = max;
    this.aggWriters = aggs.map((a) => writerFor(a));
    this.sums = new Float64Array(64 * avg);
    this.counts = new Int32Array(64 * avg);
    this.maxes = new Float64Array(64 * max);
    this.hasMax = new Uint8Array(64 * max);
    const t = ENTITY_TABLES[entity];
    const typeOf = new Map([...t.keys, ...t.attributes].map((c) => [c.column, c]));
    const keys = seriesKeyColumns(entity);
    const attrs = t.attributes.map((a) => a.column);
    this.keyWriters = keys.map((k) => writerFor(typeOf.get(k)!));
    this.attrWriters = t.attributes.map(writerFor);
    const hourColumns = [...keys, 'ts', ...attrs, 'samples', ...aggs.map((a) => a.column)];
    this.fieldCount = hourColumns.length;
    this.hourTable = rollupTable(entity, RESOLUTIONS[1]);
    this.hourCopySql = `COPY ${qualified(this.hourTable)} (${hourColumns.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT binary)`;
    this.blockTable = minuteBlockTable(entity);
    // The block's columns are the 1-minute table's: samples, the aggregates in order, a count per average.
    const blockColumns = minuteValueColumns(entity);
    if (blockColumns.length !== 1 + aggs.length + avg || blockColumns[0].column !== 'samples') {
      throw new Error(`minute rollup ${entity}: the minute block's columns are not samples, the ${aggs.length} aggregates and ${avg} counts`);
    }
    this.integerColumn = blockColumns.map(isIntegerMinuteColumn);
  }

  /** Adds the rows of one block of the current series (any source, any order of blocks). */
  add(b: BlockColumns): void {
    const n = b.n;
    if (n === 0) return;
    if (this.rowMinute.length < n) this.rowMinute = new Int32Array(Math.max(n, this.rowMinute.length * 2));
    const rowMinute = this.rowMinute;
    let lastMinute = NaN;
    let m = 0;
    for (let r = 0; r < n; r++) {
      const minute = Math.floor(b.ts[r] / MINUTE_MS) * MINUTE_MS;
      if (minute !== lastMinute) {
        m = this.minuteIndex(minute);
        lastMinute = minute;
      }
      rowMinute[r] = m;
      this.samples[m]++;
    }
    // Column by column: one typed array of values and one of presence per loop.
    const { source, isAvg, slot, nAvg, nMax, sums, counts, maxes, hasMax } = this;
    for (let a = 0; a < source.length; a++) {
      const j = source[a];
      if (b.nulls[j] === n) continue;
      const values = b.values[j];
      const present = b.present[j];
      const k = slot[a];
      if (isAvg[a] === 1) {
        for (let r = 0; r < n; r++) {
          if (present[r] === 0) continue;
          const i = rowMinute[r] * nAvg + k;
          sums[i] += values[r];
          counts[i]++;
        }
        continue;
      }
      const exact = b.exact[j];
      for (let r = 0; r < n; r++) {
        if (present[r] === 0) continue;
        const i = rowMinute[r] * nMax + k;
        const v = values[r];
        const big = exact?.get(r);
        if (big !== undefined || (this.anyExact && this.exactMax.has(i))) this.maxExact(i, big ?? BigInt(v));
        else if (hasMax[i] === 0 || v > maxes[i]) {
          maxes[i] = v;
          hasMax[i] = 1;
        }
      }
    }
  }

  /**
   * Encodes the current series' minutes, one block per hour, and aggregates each hour (held until `take`
   * gets the series' keys), then starts the next series.
   */
  finishSeries(clusterId: number, seriesId: number): void {
    const n = this.minuteMs.length;
    if (n === 0) return;
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => this.minuteMs[x] - this.minuteMs[y]);
    const p: PendingSeries = { blocks: [], hourOffsets: [], hourBytes: Buffer.alloc(0) };
    const w = this.scratch;
    w.pos = 0;
    for (let from = 0; from < n;) {
      const hour = Math.floor(this.minuteMs[order[from]] / HOUR_MS) * HOUR_MS;
      let to = from + 1;
      while (to < n && this.minuteMs[order[to]] < hour + HOUR_MS) to++;
      const group = order.slice(from, to);
      p.blocks.push(this.encodeHour(hour, group));
      p.hourOffsets.push(w.pos);
      if (this.hours) this.writeHour(w, group);
      from = to;
    }
    p.hourOffsets.push(w.pos);
    p.hourBytes = Buffer.from(w.buf.subarray(0, w.pos));
    this.pending.set(`${clusterId}/${seriesId}`, p);
    this.reset();
  }

  /** Series ("cluster_id/series_id") whose minutes wait for their keys. */
  waiting(): string[] {
    return [...this.pending.keys()];
  }

  /**
   * The minute blocks and (with `hours`) the complete 1-hour COPY tuples of the waiting series found in
   * `refs` (they are then forgotten), or null when none is. A series `refs` lacks keeps waiting (`forgetWaiting`).
   */
  take(refs: ReadonlyMap<string, SeriesRef>): { blocks: MinuteBlock[]; hourTuples: Buffer } | null {
    const w = new BufferWriter(0, 16 * 1024);
    const blocks: MinuteBlock[] = [];
    for (const [id, p] of this.pending) {
      const ref = refs.get(id);
      if (!ref) continue;
      this.pending.delete(id);
      const { head, tail } = this;
      head.pos = 0;
      ref.keys.forEach((k, i) => { head.ensure(FIXED_FIELD_MAX); this.keyWriters[i](head, k); });
      tail.pos = 0;
      ref.attributes.forEach((a, i) => { tail.ensure(FIXED_FIELD_MAX); this.attrWriters[i](tail, a); });
      p.blocks.forEach((b, i) => {
        blocks.push({ keys: ref.keys, attributes: ref.attributes, ...b });
        if (!this.hours) return;
        const len = p.hourOffsets[i + 1] - p.hourOffsets[i];
        w.ensure(2 + head.pos + 12 + tail.pos + len);
        w.view.setInt16(w.pos, this.fieldCount);
        w.pos += 2;
        w.buf.set(head.buf.subarray(0, head.pos), w.pos);
        w.pos += head.pos;
        TIMESTAMP(w, b.startMs);
        w.buf.set(tail.buf.subarray(0, tail.pos), w.pos);
        w.pos += tail.pos;
        w.buf.set(p.hourBytes.subarray(p.hourOffsets[i], p.hourOffsets[i + 1]), w.pos);
        w.pos += len;
      });
    }
    return blocks.length ? { blocks, hourTuples: w.buf.subarray(0, w.pos) } : null;
  }

  /** One hour's minutes (indices ascending by time) as a block: each column of the 1-minute table encoded. */
  private encodeHour(startMs: number, group: number[]): Omit<MinuteBlock, 'keys' | 'attributes'> {
    const n = group.length;
    if (this.colValues.length < n) {
      this.colValues = new Float64Array(n);
      this.colPresent = new Uint8Array(n);
    }
    const { nAvg, nMax, source, isAvg, slot, integerColumn } = this;
    const values: Array<Uint8Array | null> = [];
    const column = (j: number, fill: (m: number, r: number) => boolean, exact: Map<number, bigint> | null = null): void => {
      for (let r = 0; r < n; r++) {
        const has = fill(group[r], r);
        this.colPresent[r] = has ? 1 : 0;
        if (!has) this.colValues[r] = 0;
      }
      values.push(encodePresentValues(n, this.colValues, this.colPresent, exact, integerColumn[j]));
    };
    column(0, (m, r) => { this.colValues[r] = this.samples[m]; return true; });
    for (let a = 0; a < source.length; a++) {
      const k = slot[a];
      if (isAvg[a] === 1) {
        column(1 + a, (m, r) => {
          const c = this.counts[m * nAvg + k];
          if (c > 0) this.colValues[r] = this.sums[m * nAvg + k] / c;
          return c > 0;
        });
        continue;
      }
      let exact: Map<number, bigint> | null = null;
      if (this.anyExact) {
        for (let r = 0; r < n; r++) {
          const big = this.exactMax.get(group[r] * nMax + k);
          if (big !== undefined) (exact ??= new Map()).set(r, big);
        }
      }
      column(1 + a, (m, r) => {
        const i = m * nMax + k;
        if (this.hasMax[i] === 1) this.colValues[r] = this.maxes[i];
        return this.hasMax[i] === 1;
      }, exact);
    }
    for (let k = 0; k < nAvg; k++) {
      column(1 + source.length + k, (m, r) => {
        const c = this.counts[m * nAvg + k];
        this.colValues[r] = c;
        return c > 0;
      });
    }
    return { startMs, minutes: n, ts: encodeTimestamps(group.map((m) => this.minuteMs[m])), values };
  }

  /**
   * One hour's bucket from its minutes, as the COPY fields after ts and the attributes: the rows, each
   * average as the hour's sum over its count (the 1 h pass's Σ(avg × n) / Σn without the rounding of the
   * minutes' averages), each max the greatest of the minutes' (exact beyond 2^53).
   */
  private writeHour(w: BufferWriter, group: number[]): void {
    const { nAvg, nMax, source, isAvg, slot, aggWriters } = this;
    w.ensure(8 + source.length * FIXED_FIELD_MAX);
    let samples = 0;
    for (const m of group) samples += this.samples[m];
    INTEGER(w, samples);
    for (let a = 0; a < source.length; a++) {
      const k = slot[a];
      if (isAvg[a] === 1) {
        let sum = 0;
        let count = 0;
        for (const m of group) {
          sum += this.sums[m * nAvg + k];
          count += this.counts[m * nAvg + k];
        }
        aggWriters[a](w, count === 0 ? null : sum / count);
        continue;
      }
      let best: number | bigint | null = null;
      for (const m of group) {
        const i = m * nMax + k;
        if (this.hasMax[i] === 0) continue;
        const v = this.exactMax.get(i) ?? this.maxes[i];
        if (best === null || v > best) best = v;
      }
      aggWriters[a](w, best);
    }
  }

  /** Forgets the minutes still waiting: their series has no keys (it is gone, as their blocks are). */
  forgetWaiting(): void {
    this.pending.clear();
  }

  private minuteIndex(minute: number): number {
    let m = this.minuteAt.get(minute);
    if (m !== undefined) return m;
    m = this.minuteMs.length;
    this.minuteMs.push(minute);
    this.minuteAt.set(minute, m);
    if (m >= this.samples.length) this.grow();
    return m;
  }

  private grow(): void {
    const cap = this.samples.length * 2;
    this.samples = widened(this.samples, cap);
    this.sums = widened(this.sums, cap * this.nAvg);
    this.counts = widened(this.counts, cap * this.nAvg);
    this.maxes = widened(this.maxes, cap * this.nMax);
    this.hasMax = widened(this.hasMax, cap * this.nMax);
  }

  /** Max slot i seen an integer beyond 2^53: kept as a bigint from then on. */
  private maxExact(i: number, v: bigint): void {
    let best = this.exactMax.get(i) ?? (this.hasMax[i] === 1 ? BigInt(this.maxes[i]) : undefined);
    if (best === undefined || v > best) best = v;
    this.exactMax.set(i, best);
    this.anyExact = true;
    this.maxes[i] = Number(best);
    this.hasMax[i] = 1;
  }

  private reset(): void {
    const n = this.minuteMs.length;
    this.samples.fill(0, 0, n);
    this.sums.fill(0, 0, n * this.nAvg);
    this.counts.fill(0, 0, n * this.nAvg);
    this.maxes.fill(0, 0, n * this.nMax);
    this.hasMax.fill(0, 0, n * this.nMax);
    this.exactMax.clear();
    this.anyExact = false;
    this.minuteAt.clear();
    this.minuteMs = [];
  }
}

/** A copy of `a` with room for `length` values (the rest zero). */
function widened<T extends Float64Array | Int32Array | Uint8Array>(a: T, length: number): T {
  const out = new (a.constructor as new (n: number) => T)(length);
  out.set(a);
  return out;
}
