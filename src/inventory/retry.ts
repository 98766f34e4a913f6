// How an informer waits and logs while the API server fails it. The wait grows exponentially to a cap
// with jitter, so the informers of many kinds and clusters spread out instead of retrying together after
// an outage; a Retry-After (an overloaded server, API Priority and Fairness) lengthens a wait but never
// shortens it: `Retry-After: 1` from a server that is down for minutes would otherwise mean a retry a
// second. The log says when a failure starts and when it ends, not once per attempt.
import type { Logger } from '../log.js';

export interface RetryOptions {
  /** First wait (before jitter), ms. */
  baseMs?: number;
  /** Longest wait (before jitter), ms. */
  capMs?: number;
  random?: () => number;
  now?: () => number;
}

/** A server's Retry-After is honoured up to this long (a bogus hour must not park an informer). */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export class RetryDelay {
  private attempt = 0;
  private lastFailureAt = -Infinity;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(o: RetryOptions = {}) {
    this.baseMs = o.baseMs ?? 1000;
    this.capMs = o.capMs ?? 30_000;
    this.random = o.random ?? Math.random;
    this.now = o.now ?? Date.now;
  }

  /**
   * The wait before the next attempt. The step doubles per failure up to the cap; the wait is between
   * half the step and the step ("equal jitter": it never collapses to nothing, so the rate stays bounded
   * at two attempts per cap). After a quiet spell of four caps the steps start small again, as client-go's
   * backoff manager resets after a while without failures.
   */
  next(retryAfterS: number | null = null): number {
    const t = this.now();
    if (t - this.lastFailureAt > 4 * this.capMs) this.attempt = 0;
    this.lastFailureAt = t;
    const step = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const backoff = Math.round(step * (0.5 + 0.5 * this.random()));
    const asked = retryAfterS !== null && retryAfterS > 0 ? Math.min(retryAfterS * 1000, MAX_RETRY_AFTER_MS) : 0;
    return Math.max(backoff, asked);
  }

  /** A success that proves the server healthy (a complete list): the next failure starts small. */
  reset(): void {
    this.attempt = 0;
  }
}

/** One warning when failures start, an info line with their count when they end, debug in between. */
export class FailureLog {
  private since: number | null = null;
  private count = 0;

  constructor(private readonly logger: () => Logger) {}

  failed(err: Error, retryInMs: number): void {
    this.count++;
    if (this.since === null) {
      this.since = Date.now();
      this.logger().warn({ err: err.message, retryInMs }, 'list/watch failing; retrying with backoff (one line again when it recovers)');
    } else {
      this.logger().debug({ err: err.message, retryInMs, failures: this.count }, 'list/watch still failing');
    }
  }

  recovered(): void {
    if (this.since === null) return;
    this.logger().info({ failures: this.count, failingForMs: Date.now() - this.since }, 'list/watch recovered');
    this.since = null;
    this.count = 0;
  }
}
