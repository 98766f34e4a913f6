// Migrating at start, and later when the database was away at start: an external database that does
// not answer yet is retried with backoff until it takes the migrations or the collector stops, so a
// worker restarted during an outage collects on (into the spool) instead of failing.
import { log } from '../log.js';
import { Backoff, sleep } from '../util/backoff.js';
import { migrate } from './migrate.js';

/** Applies the pending migrations and logs which were applied. */
export async function migrateAndLog(url: string): Promise<void> {
  const m = await migrate(url);
  if (m.applied.length) log('store').info({ applied: m.applied }, 'database migrated');
}

/**
 * Retries migrateAndLog with backoff until it succeeds (true) or the signal aborts (false); each failed
 * attempt is passed to onFailure.
 */
export async function migrateWhenReachable(url: string, signal: AbortSignal, onFailure: (e: Error) => void): Promise<boolean> {
  const backoff = new Backoff(1000, 15_000);
  while (!signal.aborted) {
    await sleep(backoff.next(), signal);
    if (signal.aborted) return false;
    try {
      await migrateAndLog(url);
      return true;
    } catch (e) {
      onFailure(e as Error);
    }
  }
  return false;
}
