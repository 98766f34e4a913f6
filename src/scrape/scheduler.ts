// Per-cluster, per-source scrape scheduling. Each node gets a stable offset inside the interval (from a
// hash of its name, like Prometheus' scrape offsets), so 5,000 nodes spread evenly over 15 s instead of
// arriving together; a cursor over the nodes sorted by offset launches the due ones every tick. A node
// whose previous scrape is still running is skipped (never two at once on a node), concurrency is
// bounded by a semaphore shared by the cluster's sources, and a 429's Retry-After is honoured.
import { setMaxListeners } from 'node:events';
import { HttpError } from '../cluster/connection.js';
import { scopedAbort } from '../util/abort.js';

export interface NodeScrapeStatus {
  node: string;
  ok: boolean | null;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  scrapes: number;
  failures: number;
  /** Scrapes that started later than their due time by more than one interval, or were skipped. */
  late: number;
}

interface ScrapeJob {
  node: string;
  signal: AbortSignal;
}

type ScrapeFn = (job: ScrapeJob) => Promise<void>;

/** FIFO counting semaphore. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private inUse = 0;
  constructor(readonly size: number) {}
  async acquire(): Promise<void> {
    if (this.inUse < this.size) {
      this.inUse++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inUse--;
  }
  get active(): number {
    return this.inUse;
  }
  get queued(): number {
    return this.waiting.length;
  }
}

/** FNV-1a: a stable, cheap hash for offsets. */
function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

interface NodeSlot {
  status: NodeScrapeStatus;
  offsetMs: number;
  running: boolean;
  notBefore: number;
  cycle: number; // last cycle index launched
}

export interface SchedulerOptions {
  name: string;
  /**
   * What a node's offset is hashed from, with the node's name (default: `name`). Schedulers given the same
   * key scrape a node in the same instant when one interval is a multiple of the other — the summary and
   * cAdvisor, whose rows of one sample are joined only when both payloads arrive together.
   */
  offsetKey?: string;
  /** Called when a node's scrape ends, whatever its outcome. */
  onScrapeEnd?: (node: string) => void;
  intervalMs: number;
  timeoutMs: number;
  semaphore: Semaphore;
  scrape: ScrapeFn;
  now?: () => number;
  tickMs?: number;
}

export class ScrapeScheduler {
  private readonly slots = new Map<string, NodeSlot>();
  private order: NodeSlot[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastTickAt = 0;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private inFlight = new Set<Promise<void>>();
  cyclesOnTime = 0;
  cyclesLate = 0;
  /** Why cycles were late: previous scrape still running, cycles missed, started late, finished late, failed. */
  readonly lateBy = { stillRunning: 0, missed: 0, startedLate: 0, finishedLate: 0, failed: 0 };

  constructor(private readonly o: SchedulerOptions) {
    this.now = o.now ?? Date.now;
    // Every running scrape listens for stop() (up to the concurrency limit): not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  setNodes(nodes: Iterable<string>): void {
    const want = new Set(nodes);
    for (const n of want) this.addNode(n);
    for (const n of [...this.slots.keys()]) if (!want.has(n)) this.removeNode(n);
  }

  addNode(node: string): void {
    if (this.slots.has(node)) return;
    const offsetMs = stableHash(`${this.o.offsetKey ?? this.o.name}/${node}`) % this.o.intervalMs;
    const slot: NodeSlot = {
      offsetMs,
      running: false,
      notBefore: 0,
      cycle: Math.floor((this.now() - offsetMs) / this.o.intervalMs),
      status: { node, ok: null, lastAttemptAt: null, lastSuccessAt: null, lastLatencyMs: null, lastError: null, consecutiveFailures: 0, scrapes: 0, failures: 0, late: 0 },
    };
    // A node that just appeared is scraped at once, then on its offset.
    slot.cycle -= 1;
    this.slots.set(node, slot);
    this.order = [...this.slots.values()].sort((a, b) => a.offsetMs - b.offsetMs);
  }

  removeNode(node: string): void {
    if (this.slots.delete(node)) this.order = [...this.slots.values()].sort((a, b) => a.offsetMs - b.offsetMs);
  }

  /**
   * Whether a scrape of the node runs (waiting for the semaphore included), or is due and will start at
   * the next tick: each scheduler ticks on its own timer, so a partner due in the same instant may start
   * up to a tick later.
   */
  runningOrDue(node: string): boolean {
    const slot = this.slots.get(node);
    if (!slot) return false;
    if (slot.running) return true;
    const now = this.now();
    return now >= slot.notBefore && Math.floor((now - slot.offsetMs) / this.o.intervalMs) > slot.cycle;
  }

  get nodes(): NodeScrapeStatus[] {
    return this.order.map((s) => s.status);
  }

  start(): void {
    if (this.timer) return;
    this.lastTickAt = this.now();
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? Math.min(250, Math.max(10, this.o.intervalMs / 20)));
    this.timer.unref?.();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Launches every node whose slot in the current cycle has come and that is not already running. */
  tick(): void {
    const now = this.now();
    const interval = this.o.intervalMs;
    for (const slot of this.order) {
      const cycle = Math.floor((now - slot.offsetMs) / interval);
      if (cycle <= slot.cycle) continue;
      if (now < slot.notBefore) continue;
      if (slot.running) {
        // The previous scrape of this node still runs: skip this cycle rather than pile up.
        slot.cycle = cycle;
        slot.status.late++;
        this.cyclesLate++;
        this.lateBy.stillRunning++;
        continue;
      }
      const missed = cycle - slot.cycle - 1;
      if (missed > 0 && slot.status.scrapes > 0) {
        slot.status.late += missed;
        this.cyclesLate += missed;
        this.lateBy.missed += missed;
      }
      slot.cycle = cycle;
      this.launch(slot, cycle * interval + slot.offsetMs);
    }
    this.lastTickAt = now;
  }

  private launch(slot: NodeSlot, dueAt: number): void {
    slot.running = true;
    const p = this.runOne(slot, dueAt).finally(() => {
      slot.running = false;
      this.inFlight.delete(p);
      this.o.onScrapeEnd?.(slot.status.node);
    });
    this.inFlight.add(p);
  }

  private async runOne(slot: NodeSlot, dueAt: number): Promise<void> {
    await this.o.semaphore.acquire();
    const started = this.now();
    const st = slot.status;
    st.lastAttemptAt = started;
    // Not AbortSignal.any(): on Node 20 and 22 it leaks an entry on the long-lived stop signal per call (util/abort.ts).
    const scope = scopedAbort(this.abort.signal, this.o.timeoutMs);
    try {
      await this.o.scrape({ node: st.node, signal: scope.signal });
      st.ok = true;
      st.lastSuccessAt = this.now();
      st.lastError = null;
      st.consecutiveFailures = 0;
      if (started - dueAt <= this.o.intervalMs && this.now() - dueAt <= this.o.intervalMs) this.cyclesOnTime++;
      else {
        st.late++;
        this.cyclesLate++;
        if (started - dueAt > this.o.intervalMs) this.lateBy.startedLate++;
        else this.lateBy.finishedLate++;
      }
    } catch (e) {
      const err = e as Error;
      st.ok = false;
      st.failures++;
      st.consecutiveFailures++;
      st.lastError = scope.timedOut ? `timeout after ${this.o.timeoutMs} ms` : err.message;
      if (err instanceof HttpError && err.status === 429) {
        slot.notBefore = this.now() + (err.retryAfterS ?? 1) * 1000;
      }
      this.cyclesLate++;
      this.lateBy.failed++;
    } finally {
      st.scrapes++;
      st.lastLatencyMs = this.now() - started;
      scope.dispose();
      this.o.semaphore.release();
    }
  }
}
