// The 1-minute rollup computed by the compactor (rollup-schema.ts minutesAtCompaction): the rows of each
// series it packs into blocks are already decoded in its columns, so aggregating them here costs a few
// nanoseconds a value, where the SQL pass re-read the raw rows and spent ~5 µs of PostgreSQL CPU on each.
// The buckets are the SQL pass's (Rollups.fromSamplesSql): per series and minute the rows counted
// (`samples`), per averaged column the float8 sum over its non-null values divided by their number, and
// that number (NULL for none), per max column the greatest value (exact beyond 2^53). A repeated sample
// (same ts and source) is one row, as in the block. Minutes are encoded as binary COPY tuples without
// their series' keys, which the compactor looks up per batch of blocks; `take` prefixes them then.
import { ENTITY_TABLES, type Entity } from '../../metrics/definitions.js';
import { BufferWriter, FIXED_FIELD_MAX, writerFor, type FieldWriter } from '../copy-binary.js';
import { RESOLUTIONS, rollupAggregates, rollupCountColumn, rollupTable } from '../rollup-schema.js';
import { quoteIdent, qualified } from '../schema.js';
import type { BlockColumns, SeriesRef } from './blocks.js';
import { blockValueColumns, seriesKeyColumns } from './schema.js';

const MINUTE_MS = 60_000;
const INTEGER = writerFor({ column: 'samples', sqlType: 'integer' });
const SMALLINT = writerFor({ column: '<col>_samples', sqlType: 'smallint' });
const TIMESTAMP = writerFor({ column: 'ts', sqlType: 'timestamptz' });

/** One series' minutes, encoded without the series' key and attribute fields. */
interface PendingSeries {
  minutes: number[];
  /** Byte range of minute i's fields in `bytes`: offsets[i] .. offsets[i + 1]. */
  offsets: number[];
  bytes: Buffer;
}

export class MinuteRollup {
  /** The 1-minute table and the COPY … FROM STDIN that fills it in `take`'s column order. */
  readonly table: string;
  readonly copySql: string;
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
  /** Reused buffers: a series' minutes as they are encoded, a series' key and attribute fields. */
  private readonly scratch = new BufferWriter(0, 64 * 1024);
  private readonly head = new BufferWriter(0, 256);
  private readonly tail = new BufferWriter(0, 256);

  constructor(readonly entity: Entity) {
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
    const columns = [...keys, 'ts', ...attrs, 'samples', ...aggs.map((a) => a.column), ...aggs.filter((a) => a.fn === 'avg').map((a) => rollupCountColumn(a.source))];
    this.fieldCount = columns.length;
    this.table = rollupTable(entity, RESOLUTIONS[0]);
    this.copySql = `COPY ${qualified(this.table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT binary)`;
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

  /** Encodes the current series' minutes (held until `take` gets its keys) and starts the next series. */
  finishSeries(clusterId: number, seriesId: number): void {
    const n = this.minuteMs.length;
    if (n === 0) return;
    const { nAvg, nMax, source, isAvg, slot, aggWriters } = this;
    const w = this.scratch;
    w.pos = 0;
    const offsets: number[] = [];
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => this.minuteMs[x] - this.minuteMs[y]);
    for (const m of order) {
      offsets.push(w.pos);
      w.ensure(8 + (source.length + nAvg) * FIXED_FIELD_MAX);
      INTEGER(w, this.samples[m]);
      for (let a = 0; a < source.length; a++) {
        if (isAvg[a] === 1) {
          const i = m * nAvg + slot[a];
          aggWriters[a](w, this.counts[i] === 0 ? null : this.sums[i] / this.counts[i]);
        } else {
          const i = m * nMax + slot[a];
          aggWriters[a](w, this.hasMax[i] === 0 ? null : (this.exactMax.get(i) ?? this.maxes[i]));
        }
      }
      // smallint: at the shortest interval (1 s) a minute has at most 60 rows per source.
      for (let i = m * nAvg; i < (m + 1) * nAvg; i++) SMALLINT(w, this.counts[i] === 0 ? null : this.counts[i]);
    }
    offsets.push(w.pos);
    this.pending.set(`${clusterId}/${seriesId}`, { minutes: order.map((m) => this.minuteMs[m]), offsets, bytes: Buffer.from(w.buf.subarray(0, w.pos)) });
    this.reset();
  }

  /** Series ("cluster_id/series_id") whose minutes wait for their keys. */
  waiting(): string[] {
    return [...this.pending.keys()];
  }

  /**
   * The complete COPY tuples of the waiting series found in `refs` (their minutes are then forgotten),
   * or null when none is. Minutes of a series `refs` lacks keep waiting (`forgetWaiting`).
   */
  take(refs: ReadonlyMap<string, SeriesRef>): { tuples: Buffer; rows: number } | null {
    const w = new BufferWriter(0);
    let rows = 0;
    for (const [id, p] of this.pending) {
      const ref = refs.get(id);
      if (!ref) continue;
      this.pending.delete(id);
      const { head, tail } = this;
      head.pos = 0;
      ref.keys.forEach((k, i) => { head.ensure(FIXED_FIELD_MAX); this.keyWriters[i](head, k); });
      tail.pos = 0;
      ref.attributes.forEach((a, i) => { tail.ensure(FIXED_FIELD_MAX); this.attrWriters[i](tail, a); });
      for (let i = 0; i < p.minutes.length; i++) {
        const len = p.offsets[i + 1] - p.offsets[i];
        w.ensure(2 + head.pos + 12 + tail.pos + len);
        w.view.setInt16(w.pos, this.fieldCount);
        w.pos += 2;
        w.buf.set(head.buf.subarray(0, head.pos), w.pos);
        w.pos += head.pos;
        TIMESTAMP(w, p.minutes[i]);
        w.buf.set(tail.buf.subarray(0, tail.pos), w.pos);
        w.pos += tail.pos;
        w.buf.set(p.bytes.subarray(p.offsets[i], p.offsets[i + 1]), w.pos);
        w.pos += len;
        rows++;
      }
    }
    return rows ? { tuples: w.buf.subarray(0, w.pos), rows } : null;
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
