// The binary COPY reader (src/store/copy-binary-read.ts) against a real PostgreSQL's COPY … TO STDOUT
// (FORMAT binary): every type the compactor reads, NULLs, int8 beyond 2^53, float4 precision, timestamps
// before and after 2000, and the stream cut at every byte (a tuple split across chunks); a truncated stream
// and a tuple of another width are errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pgCopyStreams from 'pg-copy-streams';
import { readCopyBinary, type BinaryColumn } from '../../src/store/copy-binary-read.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('copy-binary-read-test');

const COLUMNS: BinaryColumn[] = [
  { column: 'i', sqlType: 'integer' }, { column: 'b', sqlType: 'bigint' }, { column: 'r', sqlType: 'real' },
  { column: 'd', sqlType: 'double precision' }, { column: 'ts', sqlType: 'timestamptz' }, { column: 's', sqlType: '"char"' },
  { column: 't', sqlType: 'text' },
];
const SELECT = `SELECT * FROM (VALUES
  (-7, -5000000123::bigint, 12.34::real, -0.125::float8, '2026-11-25T12:34:56.789Z'::timestamptz, 's'::"char", 'ünïcødé ✓'),
  (2147483647, 9007199254740993::bigint, 1e-30::real, 1e300::float8, '1999-12-31T23:59:59.999Z'::timestamptz, 'c'::"char", ''),
  (NULL, -9007199254740991::bigint, NULL, NULL, NULL, NULL, NULL),
  (0, 4294967296::bigint, -0.0::real, 5e-324::float8, '2000-01-01T00:00:00.000Z'::timestamptz, 's'::"char", 'x')
) AS v(i, b, r, d, ts, s, t)`;

async function copyOut(): Promise<Buffer> {
  const client = await store.pool.connect();
  try {
    const chunks: Buffer[] = [];
    for await (const c of client.query(pgCopyStreams.to(`COPY (${SELECT}) TO STDOUT (FORMAT binary)`)) as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  } finally {
    client.release();
  }
}

async function readAll(chunks: Buffer[], columns = COLUMNS): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  async function* feed() { yield* chunks; }
  for await (const rows of readCopyBinary(feed(), columns)) out.push(...rows);
  return out;
}

test('binary COPY rows decode to the values PostgreSQL holds, however the stream is cut', async () => {
  const bytes = await copyOut();
  const expected = [
    { i: -7, b: -5000000123, r: Math.fround(12.34), d: -0.125, ts: Date.parse('2026-11-25T12:34:56.789Z'), s: 's', t: 'ünïcødé ✓' },
    { i: 2147483647, b: 9007199254740993n, r: Math.fround(1e-30), d: 1e300, ts: Date.parse('1999-12-31T23:59:59.999Z'), s: 'c', t: '' },
    { i: null, b: -9007199254740991, r: null, d: null, ts: null, s: null, t: null },
    { i: 0, b: 4294967296, r: -0, d: 5e-324, ts: Date.parse('2000-01-01T00:00:00.000Z'), s: 's', t: 'x' },
  ];
  assert.deepEqual(await readAll([bytes]), expected);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(await readAll([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at byte ${cut}`);
  }
  assert.deepEqual(await readAll([...bytes].map((b) => Buffer.from([b]))), expected, 'one byte a chunk');
});

test('a binary COPY stream cut short, of another width, or of an unknown type is an error naming it', async () => {
  const bytes = await copyOut();
  await assert.rejects(readAll([bytes.subarray(0, bytes.length - 2)]), /ended before its trailer/);
  await assert.rejects(readAll([bytes], COLUMNS.slice(1)), /a tuple of 7 fields, expected 6/);
  await assert.rejects(readAll([Buffer.from('not a copy stream at all')]), /PGCOPY signature/);
  await assert.rejects(readAll([bytes], [...COLUMNS.slice(0, 6), { column: 't', sqlType: 'jsonb' }]), /column t has type jsonb/);
});

test('tuples longer than a chunk, or than the reader joins at once, decode whole however the stream is cut', async () => {
  // Text fields of 9–30 kB: a tuple spans several chunks of the cuts below, and more than the 4 kB the
  // reader first joins to a tuple begun in the previous chunk.
  const client = await store.pool.connect();
  const chunks: Buffer[] = [];
  try {
    const sql = `COPY (SELECT i, repeat(chr(97 + i), 9000 * i) FROM generate_series(1, 3) i) TO STDOUT (FORMAT binary)`;
    for await (const c of client.query(pgCopyStreams.to(sql)) as AsyncIterable<Buffer>) chunks.push(c);
  } finally {
    client.release();
  }
  const bytes = Buffer.concat(chunks);
  const columns: BinaryColumn[] = [{ column: 'i', sqlType: 'integer' }, { column: 't', sqlType: 'text' }];
  const expected = [1, 2, 3].map((i) => ({ i, t: String.fromCharCode(97 + i).repeat(9000 * i) }));
  for (const size of [1000, 4000, 4097, 7000, 20_000]) {
    const cut: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += size) cut.push(bytes.subarray(at, at + size));
    assert.deepEqual(await readAll(cut, columns), expected, `chunks of ${size} bytes`);
  }
  for (let at = 1; at < bytes.length; at += 997) {
    assert.deepEqual(await readAll([bytes.subarray(0, at), bytes.subarray(at)], columns), expected, `cut at byte ${at}`);
  }
  await assert.rejects(readAll([bytes, Buffer.from([1, 2, 3])], columns), /3 bytes after the trailer/);
});
