// Whether the database takes writes now, as the writers find out: each write's outcome is noted here,
// and the state decides where rows go (the tables or the spool) and what the status says. A change of
// state is logged once, not once per failed write.
import { log } from '../log.js';

export type DatabaseState = 'connected' | 'unreachable' | 'starting' | 'closed';

export class DatabaseReachability {
  state: DatabaseState = 'starting';
  lastError: string | null = null;
  writeLatencyMs: number | null = null;
  /** False while an external database that was away at start is still to be migrated. */
  ready = true;

  /** When the last failure was noted (ms since the epoch). */
  private failedAt = 0;

  /**
   * Records the outcome of a write: the status shows connected/unreachable and the latency. `at`: when a
   * success happened, if not now — a success from before the last failure (a writer's last good write,
   * read after an outage began) says nothing about the database now and is ignored.
   */
  noteWrite(ok: boolean, latencyMs: number, error?: string, at?: number): void {
    const prev = this.state;
    if (this.state === 'closed') return;
    if (ok && !this.ready) return; // answering, but not migrated yet: still not writable
    if (ok && at !== undefined && at <= this.failedAt) return;
    if (!ok) this.failedAt = Date.now();
    if (ok) {
      this.state = 'connected';
      this.writeLatencyMs = latencyMs;
      this.lastError = null;
      if (prev === 'unreachable') log('store').warn('database reachable again');
    } else {
      this.state = 'unreachable';
      this.lastError = error ?? 'write failed';
      if (prev !== 'unreachable') log('store').warn({ cause: this.lastError }, 'database unreachable');
    }
  }
}
