// The bounded queue between the scrapers and the database. Scrapers enqueue rows per entity; the writer
// batches them per entity and flushes every flushIntervalMs or as soon as batchRows are waiting. When the
// database is slower than the clusters the queue fills and enqueue() waits (or tryEnqueue() says no), so
// scraping slows down instead of memory growing; `stats().waitingProducers` says so for the status.
// Each batch gets an id when it is made; a failed batch keeps its rows and id together (retried alone, or
// handed to the spool with it), so the database can tell a retry of a batch it did commit (metric-copy.ts).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Entity, MetricRow } from '../metrics/definitions.js';
import { log } from '../log.js';
import { BadRowError } from './copy-text.js';
import { invalidMetricRowReason, writeMetricRows, type WriteResult } from './metric-copy.js';
import type { PartitionManager } from './partitions.js';

export interface MetricWriterOptions {
  /**
   * Rows held at most, queued plus being written (default 50,000). A decoded summary row takes ~700 bytes
   * of heap (measured on the simulator's 30-pod summaries: ~100 columns, numbers boxed), so this is ~35 MB;
   * 200,000 (the former default) held ~140 MB whenever the database fell behind 5,000 nodes, most of the
   * collector's 512 MiB budget. 50,000 is still ten full batches: enough to keep both writers busy.
   */
  maxQueuedRows?: number;
  /** Rows per COPY (default 5,000). */
  batchRows?: number;
  /** A partial batch is written after at most this long (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Batches written at once, each on its own connection, at most one per entity (default 2). */
  concurrency?: number;
  partitions?: PartitionManager;
  /** Retry delay after a failed write, doubling up to maxRetryDelayMs (defaults 250 ms, 10 s). */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /**
   * Called with a batch the database refused (e.g. it is down). Return true when the rows were taken
   * care of (the spool, issue 7) and leave the queue; otherwise they stay and are retried after a delay.
   */
  onWriteFailed?: (entity: Entity, rows: MetricRow[], err: Error, batchId: string) => boolean | Promise<boolean>;
  /** Test hook: the write function (default writeMetricRows). */
  write?: (pool: pg.Pool, entity: Entity, rows: MetricRow[], opts: { partitions?: PartitionManager; batchId: string }) => Promise<WriteResult>;
}

export interface MetricWriterStats {
  /** Rows held: queued and being written. */
  queuedRows: number;
  maxQueuedRows: number;
  /** Producers currently waiting for room (scraping is being slowed down). */
  waitingProducers: number;
  inserted: number;
  duplicates: number;
  /** Rows dropped because they can never be stored (a key missing), and why (last). */
  rejectedRows: number;
  failedWrites: number;
  lastError: string | null;
  lastWriteAt: Date | null;
  lastWriteLatencyMs: number | null;
}

interface Batch {
  id: string;
  rows: MetricRow[];
}

interface EntityQueue {
  chunks: MetricRow[][];
  /** Failed batches, retried first and whole (same rows, same id). */
  retry: Batch[];
  /** A flush tick passed since its oldest queued row came: written at the next free connection. */
  due: boolean;
  rows: number;
  writing: boolean;
  retryAt: number;
  retryDelayMs: number;
}

export class MetricWriter {
  private readonly maxRows: number;
  private readonly batchRows: number;
  private readonly concurrency: number;
  private readonly queues = new Map<Entity, EntityQueue>();
  private readonly waiters: Array<{ entity: Entity; rows: MetricRow[]; resolve: () => void; reject: (e: Error) => void }> = [];
  private heldRows = 0;
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private idle: Array<() => void> = [];
  private readonly counters = {
    inserted: 0, duplicates: 0, rejectedRows: 0, failedWrites: 0,
    lastError: null as string | null, lastWriteAt: null as Date | null, lastWriteLatencyMs: null as number | null,
  };

  constructor(private readonly pool: pg.Pool, private readonly opts: MetricWriterOptions = {}) {
    this.maxRows = opts.maxQueuedRows ?? 50_000;
    this.batchRows = opts.batchRows ?? 5_000;
    this.concurrency = opts.concurrency ?? 2;
    if (!(this.maxRows > 0 && this.batchRows > 0 && this.concurrency > 0)) {
      throw new Error('MetricWriter: maxQueuedRows, batchRows and concurrency must be positive');
    }
    const interval = opts.flushIntervalMs ?? 1_000;
    this.timer = setInterval(() => this.pump(true), interval);
    this.timer.unref();
  }

  /** Rows held (queued + in flight): the depth shown in the status. */
  get depth(): number {
    return this.heldRows;
  }

  stats(): MetricWriterStats {
    return { queuedRows: this.heldRows, maxQueuedRows: this.maxRows, waitingProducers: this.waiters.length, ...this.counters };
  }

  /** Queues rows if there is room now; false when full (the caller decides: wait, skip, spool). */
  tryEnqueue(entity: Entity, rows: MetricRow[]): boolean {
    if (this.closed) throw new Error('MetricWriter is closed');
    if (rows.length === 0) return true;
    if (this.waiters.length > 0 || !this.hasRoom(rows.length)) return false;
    this.accept(entity, rows);
    return true;
  }

  /** Queues rows, waiting (in arrival order) while the queue is full: this is the backpressure. */
  async enqueue(entity: Entity, rows: MetricRow[]): Promise<void> {
    if (this.tryEnqueue(entity, rows)) return;
    // release() moves the rows in when there is room, in arrival order, then resolves.
    await new Promise<void>((resolve, reject) => this.waiters.push({ entity, rows, resolve, reject }));
  }

  /**
   * Queues rows, waiting (in arrival order) up to `waitMs` for room; false when none came in time (the
   * rows are not queued: the caller spools them), and when the writer closes meanwhile. A burst — a first start's scrapes creating every series,
   * a slow COPY — passes while scrapes wait a little, where handing each payload to the spool at once
   * cost more CPU than writing it (a 1,000-node start spooled 760 MiB in two minutes, issue 15).
   */
  async enqueueWithin(entity: Entity, rows: MetricRow[], waitMs: number): Promise<boolean> {
    if (this.tryEnqueue(entity, rows)) return true;
    return new Promise<boolean>((resolve) => {
      const waiter = {
        entity, rows,
        resolve: () => (clearTimeout(timer), resolve(true)),
        // Closed while waiting: the caller spools the rows instead of losing them.
        reject: () => (clearTimeout(timer), resolve(false)),
      };
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at < 0) return;
        this.waiters.splice(at, 1);
        resolve(false);
      }, waitMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Writes everything queued now. Resolves true once all is stored (or handed to onWriteFailed), false
   * when timeoutMs passed first (the database is down: rows stay queued and keep being retried).
   */
  async flush(timeoutMs = Infinity): Promise<boolean> {
    if (this.heldRows === 0 && this.active === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    let onIdle: () => void = () => undefined;
    const idle = new Promise<boolean>((resolve) => {
      onIdle = () => resolve(true);
      this.idle.push(onIdle);
    });
    const timeout = Number.isFinite(timeoutMs)
      ? new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
      : new Promise<boolean>(() => undefined);
    this.pump(true);
    const ok = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    if (!ok) this.idle = this.idle.filter((f) => f !== onIdle);
    return ok;
  }

  /**
   * Graceful stop: no more rows accepted, producers still waiting get an error, the queue is flushed
   * within timeoutMs. Returns the rows that could not be written (0 when all were).
   */
  async close(timeoutMs = 30_000): Promise<number> {
    this.closed = true;
    clearInterval(this.timer);
    for (const w of this.waiters.splice(0)) w.reject(new Error('MetricWriter closed while waiting for room'));
    await this.flush(timeoutMs);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.heldRows > 0) log('store').warn({ rows: this.heldRows }, 'metric rows not written at close');
    return this.heldRows;
  }

  // A single oversized batch is accepted into an empty queue, or it could never get in.
  private hasRoom(rows: number): boolean {
    return this.heldRows + rows <= this.maxRows || this.heldRows === 0;
  }

  private accept(entity: Entity, rows: MetricRow[]): void {
    let q = this.queues.get(entity);
    if (!q) this.queues.set(entity, (q = { chunks: [], retry: [], due: false, rows: 0, writing: false, retryAt: 0, retryDelayMs: 0 }));
    q.chunks.push(rows);
    q.rows += rows.length;
    this.heldRows += rows.length;
    if (q.rows >= this.batchRows) this.pump(false);
  }

  /** Starts writes while connections allow: full batches always, partial ones when `due`. */
  private pump(due: boolean): void {
    const now = Date.now();
    const started: Entity[] = [];
    // A flush tick makes every partial batch due; one that finds no free connection stays due and goes as
    // soon as a write ends, not a tick later.
    if (due) for (const q of this.queues.values()) if (q.rows > 0) q.due = true;
    for (const [entity, q] of this.queues) {
      if (this.active >= this.concurrency) break;
      if (q.writing || q.rows === 0 || q.retryAt > now) continue;
      if (!q.due && q.rows < this.batchRows) continue;
      this.active++;
      q.writing = true;
      const batch = this.take(q);
      started.push(entity);
      void this.writeBatch(entity, q, batch);
    }
    // Round robin: an entity that got a connection goes to the back. Without it, when scrapes refill the
    // first entities within every flush interval (1 s samples), those took both connections at each tick
    // and the later entities' rows were never written.
    for (const entity of started) {
      const q = this.queues.get(entity)!;
      this.queues.delete(entity);
      this.queues.set(entity, q);
    }
    this.checkIdle();
  }

  private take(q: EntityQueue): Batch {
    const retry = q.retry.shift();
    if (retry) {
      q.rows -= retry.rows.length;
      if (q.rows === 0) q.due = false;
      return retry;
    }
    const batch: MetricRow[] = [];
    while (q.chunks.length && batch.length < this.batchRows) {
      const chunk = q.chunks[0];
      const room = this.batchRows - batch.length;
      if (chunk.length <= room) {
        batch.push(...q.chunks.shift()!);
      } else {
        batch.push(...chunk.slice(0, room));
        q.chunks[0] = chunk.slice(room);
      }
    }
    q.rows -= batch.length;
    if (q.rows === 0) q.due = false;
    return { id: randomUUID(), rows: batch };
  }

  private async writeBatch(entity: Entity, q: EntityQueue, batch: Batch): Promise<void> {
    const write = this.opts.write ?? writeMetricRows;
    const started = Date.now();
    let done = true;
    try {
      const r = await write(this.pool, entity, batch.rows, { partitions: this.opts.partitions, batchId: batch.id });
      this.recordSuccess(q, r, started);
    } catch (err) {
      if (err instanceof BadRowError) {
        done = await this.writeValidRows(entity, q, batch, started);
      } else {
        done = await this.handleFailure(entity, q, batch, err as Error);
      }
    } finally {
      q.writing = false;
      this.active--;
    }
    if (done) this.release(batch.rows.length);
    this.pump(this.idle.length > 0 || this.closed);
  }

  /** A batch with rows that can never be stored: drop those (counted, logged once per batch), keep the rest. */
  private async writeValidRows(entity: Entity, q: EntityQueue, whole: Batch, started: number): Promise<boolean> {
    const batch = whole.rows;
    const reasons: string[] = [];
    // Same id: the refused batch never reached the database (rows are checked before any statement).
    const valid: Batch = { id: whole.id, rows: [] };
    valid.rows = batch.filter((row) => {
      const why = invalidMetricRowReason(entity, row);
      if (why) reasons.push(why);
      return why === null;
    });
    this.counters.rejectedRows += batch.length - valid.rows.length;
    log('store').error({ entity, rejected: batch.length - valid.rows.length, reason: reasons[0] }, 'dropped metric rows that cannot be stored');
    if (valid.rows.length === 0) return true;
    try {
      const r = await (this.opts.write ?? writeMetricRows)(this.pool, entity, valid.rows, { partitions: this.opts.partitions, batchId: valid.id });
      this.recordSuccess(q, r, started);
      return true;
    } catch (err) {
      const handled = await this.handleFailure(entity, q, valid, err as Error);
      if (!handled) this.release(batch.length - valid.rows.length);
      return handled;
    }
  }

  private recordSuccess(q: EntityQueue, r: WriteResult, started: number): void {
    q.retryDelayMs = 0;
    q.retryAt = 0;
    this.counters.inserted += r.inserted;
    this.counters.duplicates += r.duplicates;
    this.counters.lastWriteAt = new Date();
    this.counters.lastWriteLatencyMs = Date.now() - started;
    this.counters.lastError = null; // recovered: the status shows no error any more
  }

  /** Returns true when the rows left the queue (handed over), false when they were put back for a retry. */
  private async handleFailure(entity: Entity, q: EntityQueue, batch: Batch, err: Error): Promise<boolean> {
    const rows = batch.rows;
    this.counters.failedWrites++;
    const first = this.counters.lastError === null;
    this.counters.lastError = err.message;
    if (first || q.retryDelayMs === 0) log('store').warn({ entity, rows: rows.length, err: err.message }, 'metric write failed; will retry');
    try {
      if (this.opts.onWriteFailed && (await this.opts.onWriteFailed(entity, rows, err, batch.id))) return true;
    } catch (hookErr) {
      log('store').error({ err: (hookErr as Error).message }, 'onWriteFailed hook failed');
    }
    q.retry.unshift(batch);
    q.rows += rows.length;
    q.retryDelayMs = Math.min(this.opts.maxRetryDelayMs ?? 10_000, Math.max(this.opts.minRetryDelayMs ?? 250, q.retryDelayMs * 2));
    q.retryAt = Date.now() + q.retryDelayMs;
    if (!this.closed || this.idle.length > 0) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.pump(true), q.retryDelayMs);
      this.retryTimer.unref();
    }
    return false;
  }

  private release(rows: number): void {
    this.heldRows -= rows;
    while (this.waiters.length && this.hasRoom(this.waiters[0].rows.length)) {
      const w = this.waiters.shift()!;
      this.accept(w.entity, w.rows);
      w.resolve();
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.heldRows === 0 && this.active === 0) for (const r of this.idle.splice(0)) r();
  }
}
