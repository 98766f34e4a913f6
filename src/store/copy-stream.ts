// The one way this program feeds a COPY … FROM STDIN: byte chunks pulled from a generator as the socket
// drains, so a batch is produced piecewise while PostgreSQL reads what came before. Used by the metric
// writer (binary COPY, rows encoded slice by slice) and the inventory writer (its stage table, text).
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pgCopyStreams from 'pg-copy-streams';
import type pg from 'pg';

/** Runs `sql` (a COPY … FROM STDIN) on `client`, streaming `chunks` (strings are sent as UTF-8). */
export async function copyFromChunks(client: pg.PoolClient | pg.Client, sql: string, chunks: Iterable<Buffer | string>): Promise<void> {
  const stream = client.query(pgCopyStreams.from(sql));
  await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: 1 }), stream);
}

/** COPY text: encoded once, sent as views of the same bytes (a batch can be megabytes). */
export async function copyText(client: pg.PoolClient | pg.Client, sql: string, text: string): Promise<void> {
  const CHUNK = 256 * 1024;
  const bytes = Buffer.from(text, 'utf8');
  const chunks = (function* () {
    for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
  })();
  await copyFromChunks(client, sql, chunks);
}
