// The pg connection pool every store module shares: bounded size, bounded waits, a statement timeout so
// a stuck query cannot hold a connection forever, UTC sessions (partition bounds and ISO text depend on
// the session time zone) and an application_name that shows who is connected in pg_stat_activity.
import pg from 'pg';
import { log } from '../log.js';

export interface PoolOptions {
  /** Max connections (config database.pool_size; default 8). */
  max?: number;
  /** Server-side limit per statement (default 60 s; COPY batches and migrations stay far below). */
  statementTimeoutMs?: number;
  /** How long a caller waits for a free connection before an error (default 15 s). */
  connectionTimeoutMs?: number;
  applicationName?: string;
}

export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 8,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 15_000,
    statement_timeout: opts.statementTimeoutMs ?? 60_000,
    application_name: opts.applicationName ?? 'kubepulse',
    options: '-c TimeZone=UTC',
  });
  // An idle client losing its connection (database restarted) emits here; without a listener it would
  // crash the process. The next query gets a fresh connection.
  pool.on('error', (err) => log('store').warn({ err: err.message }, 'idle database connection lost'));
  // A checked-out client emits 'error' too when its connection drops, besides failing its query: with no
  // listener that ends the process. A network partition that heals resets every connection at once, while
  // writes hold theirs. The pool discards such a client when it is released (it is no longer queryable).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs fn in a transaction on one pooled client; rolls back on error. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
