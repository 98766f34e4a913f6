// The one way this program feeds a COPY … FROM STDIN: byte chunks pulled from a generator as the socket
// drains, so a batch is produced piecewise while PostgreSQL reads what came before. Used by the metric
// writer (binary COPY, rows encoded slice by slice) and the inventory writer (stage and child tables,
// text encoded by copyEncoder). And the one way it reads a binary COPY … TO STDOUT (the compactor, the
// minute packer).
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pgCopyStreams from 'pg-copy-streams';
import type pg from 'pg';
import { scanCopyBinary, type TupleVisitor } from './copy-binary-read.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, tupleEncoder } from './copy-binary.js';
import { quoteIdent, type ColumnSpec } from './schema.js';

/** Runs `sql` (a COPY … FROM STDIN) on `client`, streaming `chunks` (strings are sent as UTF-8). */
export async function copyFromChunks(client: pg.ClientBase, sql: string, chunks: Iterable<Buffer | string>): Promise<void> {
  const stream = client.query(pgCopyStreams.from(sql));
  await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: 1 }), stream);
}

/** Tuples encoded per COPY chunk: a few hundred history blocks, ~1 MB. */
const TUPLES_PER_CHUNK = 256;

/**
 * A binary COPY into `table` (qualified) of tuples given as value arrays in `columns` order: it resolves to
 * the number of tuples written. The history writers' way to store blocks (see tupleEncoder for why not
 * a multi-row INSERT).
 */
export function tupleCopy(table: string, columns: ColumnSpec[]): (client: pg.ClientBase, tuples: readonly (readonly unknown[])[]) => Promise<number> {
  const sql = `COPY ${table} (${columns.map((c) => quoteIdent(c.column)).join(', ')}) FROM STDIN (FORMAT binary)`;
  const encode = tupleEncoder(columns);
  function* chunks(tuples: readonly (readonly unknown[])[]): Generator<Buffer> {
    yield COPY_BINARY_HEADER;
    for (let i = 0; i < tuples.length; i += TUPLES_PER_CHUNK) yield encode(tuples.slice(i, i + TUPLES_PER_CHUNK));
    yield COPY_BINARY_TRAILER;
  }
  return async (client, tuples) => {
    if (tuples.length === 0) return 0;
    await copyFromChunks(client, sql, chunks(tuples));
    return tuples.length;
  };
}

/**
 * Streams a binary COPY … TO STDOUT on a connection of its own, each tuple to `visit`, and awaits
 * `between` after each chunk of the stream (the stream waits meanwhile). The COPY has ended and its
 * connection is back in the pool when this returns; on a failure the connection, mid-COPY, is discarded.
 */
export async function readPartition(pool: pg.Pool, sql: string, fieldCount: number, visit: TupleVisitor,
  between: (tuples: number) => Promise<void>): Promise<void> {
  const reader = await pool.connect();
  let failed: Error | undefined;
  try {
    const stream = reader.query(pgCopyStreams.to(sql));
    for await (const tuples of scanCopyBinary(stream as AsyncIterable<Buffer>, fieldCount, visit)) await between(tuples);
  } catch (err) {
    failed = err as Error;
    throw err;
  } finally {
    reader.release(failed);
  }
}
