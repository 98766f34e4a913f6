// Restart policy of the watchdog, pure so it can be tested without processes: exponential backoff that
// resets after a worker ran stably for a while, and a crash loop flagged (and slowed) when restarts pile up.
import type { Backoff } from '../util/backoff.js';

export interface RestartReason {
  kind: 'exit' | 'hang' | 'memory';
  detail: string;
  at: string;
}

export type WorkerMessage = { type: 'heartbeat'; rssBytes: number; heapBytes: number } | { type: 'stop' } | { type: 'reload' };

/** A worker that ran this long before failing is considered to have been healthy: backoff restarts. */
export const STABLE_AFTER_MS = 5 * 60_000;
/** This many restarts within ten minutes is a crash loop. */
export const CRASH_LOOP_RESTARTS = 5;

export function decideRestart(reason: RestartReason, uptimeMs: number, restartsIn10Min: number, backoff: Backoff): { delayMs: number; crashLoop: boolean } {
  if (uptimeMs >= STABLE_AFTER_MS) backoff.reset();
  const crashLoop = restartsIn10Min >= CRASH_LOOP_RESTARTS;
  // A hang or memory restart of a long-running worker is worth an immediate retry; a crash at start is not.
  const delayMs = reason.kind !== 'exit' && uptimeMs >= STABLE_AFTER_MS ? 0 : backoff.next();
  return { delayMs: crashLoop ? Math.max(delayMs, 30_000) : delayMs, crashLoop };
}
