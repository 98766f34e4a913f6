// V8 heap sizing for the collector process. The collector keeps a large, long-lived state (rate state,
// informer maps: ~150–250 MB at 5,000 nodes) and allocates a steady stream of medium-lived garbage (list
// pages while their rows are written, decoded samples while queued) that survives the young generation
// and is promoted. V8 sets the next old-generation limit at up to 4 × the live size after each full GC
// (dynamically: a mutator fast against the GC, as on a busy 2-core machine, gets a large factor), so the
// heap — and the resident memory with it, since freed pages stay committed — grows to 2–4 × what is
// live. Measured at 5,000 nodes (bench/collector.ts): old space 454 MB with 120 MB live after a full GC,
// RSS peak 854 MiB.
//
// A fixed growing factor bounds that slack, but each full GC costs CPU, and the garbage promoted per
// second is about the same at any factor, so a tight factor on a small heap buys little memory for many
// GCs. Hence after each full GC the heap may grow to max(heapBudgetMiB, live × (1 + minPercent %)): a
// heap well under the budget grows as freely as V8 would let it (up to its own 4 ×), a large one by
// minPercent %. Side by side in one process (3,000 nodes of simulated summaries, decode + rates + a
// 50,000-row queue; the experiment is described in docs/ARCHITECTURE.md "Memory"): V8's own factor
// 645 MiB peak RSS; 30 % 335 MiB at +25–40 % CPU; 50 % 360 MiB at +10–20 % CPU. Two collectors side by
// side at 1,000 nodes: a 64 MiB minimum slack cost +12 % CPU per scrape (322 against 549 MiB peak),
// hence a budget that leaves small heaps their room. The defaults (30 %, 224 MiB) are the pair that kept
// the full 5,000-node bench under 512 MiB: 40 % / 256 MiB gave 514 MiB there, 30 % / 224 MiB 492 MiB.
// Unlike a hard --max-old-space-size cap (+35–50 % CPU from GCs near the limit) the limit still follows
// the live size. V8 reads --heap-growing-percent each time it recomputes the limit, so setting it at run
// time works: no command-line flag, no re-exec.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

const MiB = 2 ** 20;

/** Growing percent floor for large heaps (KUBEPULSE_HEAP_GROWING_PERCENT; 0 = V8's own factor always). */
export const DEFAULT_HEAP_GROWING_PERCENT = 30;
/** The heap may always grow to this much, whatever the percent (KUBEPULSE_HEAP_BUDGET_MIB). */
export const DEFAULT_HEAP_BUDGET_MIB = 224;
/** At or above this percent V8's own dynamic factor (at most 4 ×) is left alone. */
const V8_OWN_PERCENT = 300;

export interface HeapGrowingOptions {
  minPercent: number;
  heapBudgetMiB: number;
}

/** Reads the two knobs; a bad value is an error naming its variable. */
export function heapGrowingOptions(env: NodeJS.ProcessEnv = process.env): HeapGrowingOptions {
  return {
    minPercent: intFrom(env, 'KUBEPULSE_HEAP_GROWING_PERCENT', DEFAULT_HEAP_GROWING_PERCENT, 0, V8_OWN_PERCENT, " (0 = V8's default)"),
    heapBudgetMiB: intFrom(env, 'KUBEPULSE_HEAP_BUDGET_MIB', DEFAULT_HEAP_BUDGET_MIB, 0, 65_536, ''),
  };
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, note: string): number {
  const raw = env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer from ${min} to ${max}${note}, got ${JSON.stringify(raw)}`);
  return v;
}

/**
 * The growing percent for a heap with `liveBytes` live after a full GC: enough to reach heapBudgetMiB, at
 * least minPercent; 0 (V8's own factor) when that is V8_OWN_PERCENT or more, or when tuning is off.
 */
export function growingPercentFor(liveBytes: number, o: HeapGrowingOptions): number {
  if (o.minPercent === 0) return 0;
  const toBudget = liveBytes > 0 ? Math.ceil(((o.heapBudgetMiB * MiB - liveBytes) / liveBytes) * 100) : Infinity;
  const percent = Math.max(o.minPercent, toBudget);
  return percent >= V8_OWN_PERCENT ? 0 : percent;
}

/**
 * Re-applies the growing percent after each full GC, from the heap used then (≈ live). Changes under 5
 * points are not applied (the live size wobbles with the garbage promoted since the GC).
 */
export class HeapGrowingGovernor {
  private observer: PerformanceObserver | null = null;
  /** The percent in effect (0 = V8's own factor). */
  percent = 0;
  /** Full GCs seen (status and tests). */
  fullGcs = 0;

  constructor(
    private readonly o: HeapGrowingOptions,
    private readonly usedHeapBytes: () => number = () => getHeapStatistics().used_heap_size,
  ) {}

  start(): this {
    if (this.o.minPercent === 0 || this.observer) return this;
    countExternalMemoryInHeapLimit();
    this.observer = new PerformanceObserver((list) => {
      if (list.getEntries().some(isFullGc)) this.afterFullGc();
    });
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  /** Sets the percent for the heap used now (also called by the observer after each full GC). */
  afterFullGc(): void {
    this.fullGcs++;
    const next = growingPercentFor(this.usedHeapBytes(), this.o);
    if (next === this.percent || (next !== 0 && this.percent !== 0 && Math.abs(next - this.percent) < 5)) return;
    setFlagsFromString(`--heap-growing-percent=${next}`);
    this.percent = next;
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
  }
}

/**
 * Counts ArrayBuffer memory (Buffers) in the heap's own limit instead of V8's separate external-memory
 * trigger, which starts a full GC whenever 64 MB more of it were allocated since the last one, however
 * small the heap. A kubelet body arrives as one new 16 KB Buffer per TLS record (~110 for a 30-pod
 * cAdvisor page, garbage as soon as it is copied out), so at 100 nodes with both sources every 15 s
 * (~12 MB of them a second) that trigger ran a full GC every ~4.6 s on a 60 MB heap, ~10 % of the
 * collector's CPU; a fetch-only loop over the same pages spent 3.7 ms of CPU per node and interval with it
 * and 2.05 without (56 → 16 full GCs). With the Buffers in the limit they are collected when the heap and
 * they together reach it: the governor's budget is then shared by both, so the resident memory of a small
 * collector rises towards the budget (441 → 597 MiB at 100 nodes in the same run, collector CPU 20.4 →
 * 18.3 s per 240 s) while a large one, whose heap fills the budget anyway, no longer pays a full GC per
 * 64 MB of bodies. V8 reads the flag at each limit check, so setting it at run time works.
 */
function countExternalMemoryInHeapLimit(): void {
  setFlagsFromString('--external-memory-accounted-in-global-limit');
}

function isFullGc(e: PerformanceEntry): boolean {
  return ((e as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}
