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

type FieldReader = (buf: Buffer, at: number, len: number) => unknown;

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
function readerFor(c: BinaryColumn): FieldReader {
  const r = READERS[c.sqlType];
  if (!r) throw new Error(`binary COPY reader: column ${c.column} has type ${c.sqlType}, which it does not read`);
  return r;
}

/**
 * Decodes a binary COPY stream into rows keyed by `columns` (the COPY's column order), yielding the rows
 * each incoming chunk completes. A stream that ends mid-tuple, or holds a tuple of another width, is an error.
 */
export async function* readCopyBinary(chunks: AsyncIterable<Buffer>, columns: readonly BinaryColumn[]): AsyncGenerator<Array<Record<string, unknown>>> {
  const readers = columns.map(readerFor);
  const names = columns.map((c) => c.column);
  let rest: Buffer = Buffer.alloc(0);
  let headerDone = false;
  let ended = false;
  for await (const chunk of chunks) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let at = 0;
    if (!headerDone) {
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
      at = SIGNATURE.length + 8 + extension;
      headerDone = true;
    }
    const rows: Array<Record<string, unknown>> = [];
    for (;;) {
      if (ended || buf.length - at < 2) break;
      const count = buf.readInt16BE(at);
      if (count === -1) {
        ended = true;
        at += 2;
        break;
      }
      if (count !== readers.length) throw new Error(`binary COPY reader: a tuple of ${count} fields, expected ${readers.length}`);
      // The whole tuple must be here before any of it is read.
      let end = at + 2;
      let complete = true;
      for (let f = 0; f < count; f++) {
        if (buf.length - end < 4) {
          complete = false;
          break;
        }
        const len = buf.readInt32BE(end);
        end += 4 + (len > 0 ? len : 0);
        if (end > buf.length) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      const row: Record<string, unknown> = {};
      let p = at + 2;
      for (let f = 0; f < count; f++) {
        const len = buf.readInt32BE(p);
        p += 4;
        row[names[f]] = len < 0 ? null : readers[f](buf, p, len);
        if (len > 0) p += len;
      }
      rows.push(row);
      at = end;
    }
    rest = at < buf.length ? buf.subarray(at) : Buffer.alloc(0);
    // The next chunk is concatenated to `rest`: copy it out so the big chunk it points into can go.
    if (rest.length && rest.length < buf.length) rest = Buffer.from(rest);
    if (rows.length) yield rows;
  }
  if (!ended) throw new Error('binary COPY reader: the stream ended before its trailer');
  if (rest.length) throw new Error(`binary COPY reader: ${rest.length} bytes after the trailer`);
}
