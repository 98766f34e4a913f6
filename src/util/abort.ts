// A per-operation abort signal tied to a long-lived one (a scheduler's stop signal) plus a timeout.
// Not AbortSignal.any([AbortSignal.timeout(ms), parent]): on Node 20 and 22 every any() call leaves an entry
// in the parent's dependant-signal set that is never removed while the parent lives (nodejs/node#55351), so
// a scheduler scraping 100 nodes a second grew its heap forever (~60 bytes per scrape on 20.20, ~1.7 KB on
// 22.23; 24.21 keeps no such set). Here the link is
// an ordinary listener that dispose() removes, and the timer is cleared, so nothing outlives the operation.

export interface ScopedAbort {
  /** Aborts when the parent aborts or the timeout passes, whichever comes first. */
  readonly signal: AbortSignal;
  /** Whether it was the timeout that aborted it. */
  readonly timedOut: boolean;
  /** Unlinks from the parent and clears the timer; call it when the operation ends (in a finally). */
  dispose(): void;
}

export function scopedAbort(parent: AbortSignal, timeoutMs: number): ScopedAbort {
  if (!(timeoutMs > 0)) throw new Error(`scopedAbort: timeoutMs must be > 0, got ${timeoutMs}`);
  const ctl = new AbortController();
  let timedOut = false;
  const onParentAbort = (): void => ctl.abort(parent.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort(new DOMException(`timeout after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  // Like AbortSignal.timeout: the timer alone does not keep the process alive (the operation's I/O does).
  timer.unref();
  if (parent.aborted) ctl.abort(parent.reason);
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: ctl.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
