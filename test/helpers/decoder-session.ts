// A PostgreSQL session with only the history decoders installed (a bare kubepulse schema, no migrations):
// for the codec tests that compare SQL decoding with TypeScript's on the same bytes.
import { after, before } from 'node:test';
import pg from 'pg';
import { startTestDatabase, type TestDatabase } from './pg.js';

/** Registers in the calling suite a session on a fresh database where `ddls` ran; returns its getter. */
export function useDecoderSession(ddls: readonly string[]): () => pg.Client {
  let db: TestDatabase | undefined;
  let client: pg.Client | undefined;
  before(async () => {
    db = await startTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE SCHEMA IF NOT EXISTS kubepulse');
    for (const ddl of ddls) await client.query(ddl);
  });
  after(async () => {
    await client?.end();
    await db?.stop();
  });
  return () => {
    if (!client) throw new Error('the decoder session has not started');
    return client;
  };
}
