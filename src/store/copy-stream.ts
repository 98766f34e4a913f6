// The one way this program feeds a COPY … FROM STDIN: byte chunks pulled from a generator as the socket
// drains, so a batch is produced piecewise while PostgreSQL reads what came before. Used by the metric
// writer (binary COPY, rows encoded slice by slice) and the inventory writer (stage and child tables,
// text encoded by copyEncoder).
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pgCopyStreams from 'pg-copy-streams';
import type pg from 'pg';

/** Runs `sql` (a COPY … FROM STDIN) on `client`, streaming `chunks` (strings are sent as UTF-8). */
export async function copyFromChunks(client: pg.PoolClient | pg.Client, sql: string, chunks: Iterable<Buffer | string>): Promise<void> {
  const stream = client.query(pgCopyStreams.from(sql));
  await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: 1 }), stream);
}
