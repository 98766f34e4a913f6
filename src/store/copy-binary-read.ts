// Reads COPY … TO STDOUT (FORMAT binary) output into row objects, for the compactor: numbers arrive as
// their bytes, so neither PostgreSQL formats ~30 values a row as text (float8out) nor this process parses
// them back (node-pg's text rows, and its binary results decode fields as UTF-8 strings, so they are of no
// use for this). The layout is PostgreSQL's own (docs: COPY, "Binary Format"): an 11-byte signature, flags
// and a header extension, then per tuple an int16 field count and per field an int32 length (−1: NULL) and
// the value in network byte order; a field count of −1 ends the data. The writer's side is copy-binary.ts.

export interface BinaryColumn {
  column: string;
  sqlType: string;
}

export type FieldReader = (buf: Buffer, at: number, len: number) => unknown;

const PG_EPOCH_MS = 946_684_800_000;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** int8: a number when it is one exactly, a BigInt beyond 2^53 (what the codecs take). */
const readInt8: FieldReader = (buf, at) => {
  const hi = buf.readInt32BE(at);
  const lo = buf.readUInt32BE(at + 4);
  // |value| < 2^53 when the high word is within ±2^21: the number is exact.
  if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + lo;
  const big = buf.readBigInt64BE(at);
  return big >= -MAX_SAFE && big <= MAX_SAFE ? Number(big) : big;
};

const READERS: Record<string, FieldReader> = {
  smallint: (buf, at) => buf.readInt16BE(at),
  integer: (buf, at) => buf.readInt32BE(at),
  bigint: readInt8,
  real: (buf, at) => buf.readFloatBE(at),
  'double precision': (buf, at) => buf.readDoubleBE(at),
  // Microseconds since 2000-01-01 → epoch milliseconds (sub-millisecond parts dropped, as a Date would).
  timestamptz: (buf, at) => Math.floor(Number(buf.readBigInt64BE(at)) / 1000) + PG_EPOCH_MS,
  text: (buf, at, len) => buf.toString('utf8', at, at + len),
  '"char"': (buf, at, len) => buf.toString('latin1', at, at + len),
};

/** Reader for one column's type; throws for a type this reader does not know. */
export function readerFor(c: BinaryColumn): FieldReader {
  const r = READERS[c.sqlType];
  if (!r) throw new Error(`binary COPY reader: column ${c.column} has type ${c.sqlType}, which it does not read`);
  return r;
}

/**
 * Called once per complete tuple with the chunk holding it: field f's value is `len[f]` bytes at `at[f]`
 * (len −1: NULL). The buffer is valid only during the call.
 */
export type TupleVisitor = (buf: Buffer, at: Int32Array, len: Int32Array) => void;

/**
 * Walks a binary COPY stream of `fieldCount` fields a tuple, handing each tuple's field offsets to `visit`
 * (no object per row: the compactor decodes fields straight into its columns), and yields the number of
 * tuples each incoming chunk completed, so a consumer can do async work between chunks while the stream
 * waits. A stream that ends mid-tuple, or holds a tuple of another width, is an error.
 */
export async function* scanCopyBinary(chunks: AsyncIterable<Buffer>, fieldCount: number, visit: TupleVisitor): AsyncGenerator<number> {
  const at = new Int32Array(fieldCount);
  const len = new Int32Array(fieldCount);
  let ended = false;
  let tuples = 0;
  /** Visits the complete tuples of buf from pos that start before `startBefore`; returns where it stopped. */
  const walk = (buf: Buffer, pos: number, startBefore: number): number => {
    const size = buf.length;
    while (!ended && pos < startBefore && size - pos >= 2) {
      const count = (buf[pos] << 24 >> 16) | buf[pos + 1];
      if (count === -1) {
        ended = true;
        return pos + 2;
      }
      if (count !== fieldCount) throw new Error(`binary COPY reader: a tuple of ${count} fields, expected ${fieldCount}`);
      // The whole tuple must be here before any of it is handed on.
      let p = pos + 2;
      for (let f = 0; f < count; f++) {
        if (size - p < 4) return pos;
        const n = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
        p += 4;
        at[f] = p;
        len[f] = n;
        if (n > 0) p += n;
        if (p > size) return pos;
      }
      visit(buf, at, len);
      tuples++;
      pos = p;
    }
    return pos;
  };
  let rest: Buffer = Buffer.alloc(0);
  let headerDone = false;
  for await (const chunk of chunks) {
    let buf = chunk;
    let pos = 0;
    if (!headerDone || ended) {
      buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      rest = Buffer.alloc(0);
      if (!ended) {
        if (buf.length < SIGNATURE.length + 8) {
          rest = buf;
          continue;
        }
        if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('binary COPY reader: the stream does not start with the PGCOPY signature');
        const extension = buf.readUInt32BE(SIGNATURE.length + 4);
        if (buf.length < SIGNATURE.length + 8 + extension) {
          rest = buf;
          continue;
        }
        pos = SIGNATURE.length + 8 + extension;
        headerDone = true;
      }
    } else if (rest.length) {
      // A tuple begun in the previous chunk: joined with as much of this one as it takes (not all of it,
      // so the chunk itself is never copied), then this chunk is walked in place from where it ends.
      for (let take = Math.min(chunk.length, Math.max(4096, 2 * rest.length)); ; take = Math.min(chunk.length, 2 * take)) {
        const joined = Buffer.concat([rest, chunk.subarray(0, take)]);
        const stop = walk(joined, 0, rest.length);
        if (stop >= rest.length) {
          pos = stop - rest.length;
          rest = Buffer.alloc(0);
          break;
        }
        if (ended) {
          // Bytes after the trailer: kept, to be reported.
          rest = Buffer.concat([rest.subarray(stop), chunk]);
          pos = chunk.length;
          break;
        }
        rest = rest.subarray(stop);
        if (take === chunk.length) {
          // Still incomplete with the whole chunk: all of it waits for the next.
          rest = joined.subarray(stop);
          pos = chunk.length;
          break;
        }
      }
    }
    if (pos < buf.length) pos = walk(buf, pos, buf.length);
    if (pos < buf.length) {
      // The next chunk is joined to `rest`: copy it out so the big chunk it points into can go.
      rest = Buffer.concat([rest, buf.subarray(pos)]);
    }
    if (tuples) yield tuples;
    tuples = 0;
  }
  if (!ended) throw new Error('binary COPY reader: the stream ended before its trailer');
  if (rest.length) throw new Error(`binary COPY reader: ${rest.length} bytes after the trailer`);
}

/**
 * Decodes a binary COPY stream into rows keyed by `columns` (the COPY's column order), yielding the rows
 * each incoming chunk completes. A stream that ends mid-tuple, or holds a tuple of another width, is an error.
 */
export async function* readCopyBinary(chunks: AsyncIterable<Buffer>, columns: readonly BinaryColumn[]): AsyncGenerator<Array<Record<string, unknown>>> {
  const readers = columns.map(readerFor);
  const names = columns.map((c) => c.column);
  let rows: Array<Record<string, unknown>> = [];
  const visit: TupleVisitor = (buf, at, len) => {
    const row: Record<string, unknown> = {};
    for (let f = 0; f < names.length; f++) row[names[f]] = len[f] < 0 ? null : readers[f](buf, at[f], len[f]);
    rows.push(row);
  };
  for await (const _ of scanCopyBinary(chunks, columns.length, visit)) {
    yield rows;
    rows = [];
  }
}
