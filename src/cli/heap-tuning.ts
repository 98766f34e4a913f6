// V8 heap sizing for the collector process. The collector keeps a large, long-lived state (rate state,
// informer maps: ~150–250 MB at 5,000 nodes) and allocates a steady stream of medium-lived garbage (list
// pages while their rows are written, decoded samples while queued) that survives the young generation
// and is promoted. V8 then sets the next old-generation limit at up to 4 × the live size, dynamically
// (faster mutator than GC, as on a busy 2-core machine, means a larger factor), so the heap — and the
// resident memory with it, since freed pages stay committed — grows to 2–3 × what is live: measured at
// 5,000 nodes (bench/collector.ts), old space 454 MB with 120 MB live after GC, RSS peak 854 MiB.
// A fixed growing factor bounds that slack at a known share of the live size; unlike a hard
// --max-old-space-size cap (+35–50 % CPU from GCs near the limit), the limit still follows the live size.
// The flag is read by V8 each time it recomputes the limit, so setting it at start-up (before the state
// grows) is enough; no command-line flag and no re-exec are needed.
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to (1 + this/100) × its live size before a full GC. */
export const DEFAULT_HEAP_GROWING_PERCENT = 30;

/**
 * Applies KUBEPULSE_HEAP_GROWING_PERCENT (default DEFAULT_HEAP_GROWING_PERCENT; 0 keeps V8's dynamic
 * factor) and returns the percent in effect (0 = V8's own). Bad values are an error naming the variable.
 */
export function tuneHeapGrowing(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KUBEPULSE_HEAP_GROWING_PERCENT;
  const percent = raw === undefined || raw === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 300) {
    throw new Error(`KUBEPULSE_HEAP_GROWING_PERCENT must be an integer from 0 to 300 (0 = V8's default), got ${JSON.stringify(raw)}`);
  }
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
