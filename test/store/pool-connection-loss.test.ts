// A pooled client whose connection breaks while checked out but between two queries (inside a transaction,
// or held for a COPY) must not end the process: pg-pool removes its own error listener from a client it
// hands out, and a pg Client with no query running emits the error as an 'error' event. Found partitioning
// a `kubepulse run` member from PostgreSQL 15 (external-pg.test.ts): the member died of "Unhandled 'error'
// event … read ECONNRESET". Here the break is made deterministic with pg_terminate_backend.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createPool } from '../../src/store/pool.js';
import { configureLogging } from '../../src/log.js';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait.js';

let db: TestDatabase;
before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  db = await startTestDatabase();
});
after(() => db?.stop());

test('a checked-out client losing its connection between queries fails its next query instead of crashing the process', async () => {
  const pool: pg.Pool = createPool(db.url, { max: 2 });
  const admin = createPool(db.url, { max: 1 });
  try {
    const client = await pool.connect();
    await client.query('BEGIN');
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const ended = new Promise<void>((r) => client.once('end', () => r()));
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // The server's FATAL and the close arrive while no query runs on the client.
    await ended;
    await assert.rejects(client.query('SELECT 1'), /terminat|not queryable|Connection/i);
    client.release(new Error('connection lost'));
    // The pool goes on with a new connection.
    await waitFor(async () => (await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one === 1, 'the pool answers again', 10_000);
  } finally {
    await admin.end();
    await pool.end();
  }
});
