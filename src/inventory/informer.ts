// One informer per cluster and kind, with client-go's semantics: list in pages, then watch from the
// list's resourceVersion with bookmarks. A failed or dropped watch is resumed from the last resourceVersion
// written (with backoff); only 410 Gone, or a watch that cannot resume, means a full list again. A failed
// page of a list is retried with its continue token, not from page 1. The periodic resync compares the
// store with the informer's cache (no API traffic); a full relist comes at most every `relistMs` (daily
// by default). 403 and 404 park the kind (not spin). Changes go to a sink in small batches.
import type { ClusterConnection } from '../cluster/connection.js';
import { HttpError, httpErrorFrom } from '../cluster/connection.js';
import type { KindDef, KubeObject } from './kind.js';
import { log } from '../log.js';
import { sleep } from '../util/backoff.js';
import { WatchLines, parseWatchLine } from './watch-stream.js';
import { FailureLog, RetryDelay, type RetryOptions } from './retry.js';

export interface InventoryChange {
  op: 'upsert' | 'delete';
  obj: KubeObject;
}

export interface InventorySink {
  apply(kind: KindDef, changes: InventoryChange[]): Promise<void>;
  /** The store's clock when a relist starts (rows the watch wrote after it are never marked deleted). */
  now(): Promise<Date>;
  /** Marks deleted every stored object of the kind, not written since listStartedAt, absent from the list. */
  reconcile(kind: KindDef, presentUids: string[], listStartedAt: Date): Promise<number>;
}

type InformerState = 'starting' | 'listing' | 'watching' | 'backoff' | 'forbidden' | 'unavailable' | 'stopped';

export interface InformerStatus {
  kind: string;
  state: InformerState;
  objects: number;
  /** Full lists after the first: 410 Gone, a watch that could not resume, the periodic relist. */
  relists: number;
  /** Watches resumed from the last resourceVersion after a failed or dropped one (each attempt). */
  rewatches: number;
  /** Failed list or watch attempts, each followed by a backoff wait. */
  retries: number;
  lastEventAt: string | null;
  lastError: string | null;
}

export interface InformerOptions {
  pageSize?: number;
  /** Resync from the cache: the store is reconciled with what the informer knows (config: inventory_resync); 0 = off. */
  resyncMs?: number;
  /** Full relist period on top of the watch (config: inventory_relist); 0 = only when needed. */
  relistMs?: number;
  /** Called after each change reached the sink (the metrics scheduler follows nodes this way). */
  onChange?: (change: InventoryChange) => void;
  /** Called with the uids a relist found gone (deleted while no watch was running). */
  onGone?: (uids: string[]) => void;
  /** Flush buffered watch events after this long or this many events. */
  flushMs?: number;
  flushEvents?: number;
  /** Backoff between failed attempts (tests shorten it). */
  retry?: RetryOptions;
}

class ExpiredError extends Error {}

const LIST_WRITES_IN_FLIGHT = 2;
/** How long a 403 or 404 kind waits before it looks again, unless the resync period is set. */
const PARK_MS = 600_000;
/** A watch that ends sooner than this before its timeout was ended by the server (a restart, a cut). */
const EARLY_END_SLACK_MS = 2000;
/** A watch open this long is healthy: the failure condition, if any, is over. */
const HEALTHY_WATCH_MS = 1000;

/** Errors worth retrying a list page for: the network, throttling, the server's own trouble, a rotated token. */
function retryable(e: unknown): boolean {
  return !(e instanceof HttpError) || e.status === 401 || e.status === 429 || e.status >= 500;
}

export class Informer {
  /** uid → resourceVersion last written, packed (see packResourceVersion). */
  private readonly known = new Map<string, string | number>();
  private stopped = false;
  private abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly retry: RetryDelay;
  private readonly failures = new FailureLog(() => this.logger);
  /** Where the watch resumes: every event up to it reached the sink. null: a list is needed. */
  private rv: string | null = null;
  private listed = false;
  /** The next watch resumes after a failed or dropped one (counted in status.rewatches). */
  private resuming = false;
  private resyncAt = Infinity;
  private relistAt = Infinity;
  /** Set by relistNow: the next list writes every object, whatever the cache says was written. */
  private rewriteAll = false;
  private watchAbort: AbortController | null = null;
  readonly status: InformerStatus;

  constructor(
    private readonly conn: ClusterConnection,
    readonly kind: KindDef,
    private readonly sink: InventorySink,
    private readonly o: InformerOptions = {},
  ) {
    this.retry = new RetryDelay(o.retry);
    this.status = { kind: kind.name, state: 'starting', objects: 0, relists: 0, rewatches: 0, retries: 0, lastEventAt: null, lastError: null };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
    this.status.state = 'stopped';
  }

  /**
   * The store lost changes of this kind (the spool dropped them at its cap): list again now and write
   * every object; the list's reconcile marks the vanished ones deleted. An open watch is ended for it.
   */
  relistNow(): void {
    this.rewriteAll = true;
    this.relistAt = 0;
    this.watchAbort?.abort();
  }

  private get logger() {
    return log('inventory').child({ cluster: this.conn.name, kind: this.kind.name });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.rv === null) await this.listAndReconcile();
        await this.watchUntilRelist();
      } catch (e) {
        if (this.stopped) break;
        await this.failed(e as Error);
      }
    }
  }

  /** Waits after a failure: parked on 403/404, otherwise the backoff (raised by Retry-After). */
  private async failed(err: Error): Promise<void> {
    this.status.lastError = err.message;
    if (err instanceof HttpError && (err.status === 403 || err.status === 404)) {
      // Missing RBAC (403) or an API this cluster does not serve (404, e.g. an older version) will not
      // change within seconds: look again later instead of retrying in a loop. The watch cannot resume
      // across such a gap: the kind is listed again when it is back.
      const state = err.status === 403 ? 'forbidden' : 'unavailable';
      if (this.status.state !== state) this.logger.warn({ err: err.message }, `kind ${state} on this cluster; other kinds go on`);
      this.status.state = state;
      this.rv = null;
      await sleep(this.o.resyncMs || PARK_MS, this.abort.signal);
      return;
    }
    const delay = this.retry.next(err instanceof HttpError ? err.retryAfterS : null);
    this.status.retries++;
    this.failures.failed(err, delay);
    this.status.state = 'backoff';
    await sleep(delay, this.abort.signal);
  }

  /** Lists every object page by page, writes what changed, marks vanished objects deleted. */
  private async listAndReconcile(): Promise<void> {
    this.status.state = 'listing';
    const rewrite = this.rewriteAll;
    this.rewriteAll = false;
    const listStartedAt = await this.sink.now();
    const pageSize = this.o.pageSize ?? 500;
    const present = new Set<string>();
    let cont = '';
    let rv = '';
    // Page writes overlap the fetches of the next pages (two in flight: PostgreSQL gets a second core),
    // so a 150,000-pod list costs about max(fetch, write) per page instead of their sum. Objects of one
    // list are distinct, so the order of these writes does not matter; memory stays at ~3 pages.
    const inFlight: Array<Promise<void>> = [];
    for (;;) {
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (cont) q.set('continue', cont);
      let page: { metadata?: { resourceVersion?: string; continue?: string }; items?: KubeObject[] };
      try {
        page = await this.conn.getJson(`${this.kind.listPath}?${q.toString()}`, { signal: this.abort.signal, timeoutMs: 60_000 });
      } catch (e) {
        if (e instanceof HttpError && e.status === 410 && cont) {
          // The snapshot behind the continue token was compacted: start the list over.
          await Promise.all(inFlight.splice(0));
          this.logger.info('continue token expired; restarting the list');
          present.clear();
          cont = '';
          rv = '';
          continue;
        }
        if (!cont || this.stopped || !retryable(e)) {
          await Promise.all(inFlight);
          throw e;
        }
        // A page in the middle failed (a 429 under API Priority and Fairness, a 5xx, the network): the
        // continue token still holds the list's snapshot, so that page is asked again, not page 1.
        await this.failed(e as Error);
        this.status.state = 'listing';
        continue;
      }
      this.failures.recovered();
      if (!rv) rv = page.metadata?.resourceVersion ?? '';
      const changes: InventoryChange[] = [];
      for (const obj of page.items ?? []) {
        present.add(obj.metadata.uid);
        const rv = obj.metadata.resourceVersion;
        // No resourceVersion (never from a real API server): cannot tell, so it is written again.
        if (rewrite || rv === undefined || this.known.get(obj.metadata.uid) !== packResourceVersion(rv)) changes.push({ op: 'upsert', obj });
      }
      if (inFlight.length >= LIST_WRITES_IN_FLIGHT) await inFlight.shift();
      if (changes.length) {
        const w = this.write(changes);
        w.catch(() => undefined); // handled where awaited; this only keeps it from counting as unhandled
        inFlight.push(w);
      }
      cont = page.metadata?.continue ?? '';
      if (!cont) break;
    }
    await Promise.all(inFlight);
    const gone = [...this.known.keys()].filter((uid) => !present.has(uid));
    for (const uid of gone) this.known.delete(uid);
    if (gone.length) this.o.onGone?.(gone);
    const marked = await this.sink.reconcile(this.kind, [...present], listStartedAt);
    if (marked > 0) this.logger.info({ deleted: marked }, 'relist: marked objects deleted that vanished while not watching');
    if (this.listed) this.status.relists++;
    this.listed = true;
    this.status.objects = this.known.size;
    this.rv = rv;
    this.resuming = false;
    this.retry.reset();
    const now = Date.now();
    this.resyncAt = this.o.resyncMs ? now + this.o.resyncMs : Infinity;
    // Up to 10 % later, so the kinds of a cluster do not relist together: at most once per period.
    this.relistAt = this.rewriteAll ? 0 : this.o.relistMs ? now + this.o.relistMs * (1 + 0.1 * Math.random()) : Infinity;
  }

  private async write(changes: InventoryChange[]): Promise<void> {
    await this.sink.apply(this.kind, changes);
    for (const c of changes) {
      if (c.op === 'delete') this.known.delete(c.obj.metadata.uid);
      else this.known.set(c.obj.metadata.uid, packResourceVersion(c.obj.metadata.resourceVersion));
      this.o.onChange?.(c);
    }
    this.status.objects = this.known.size;
    this.status.lastEventAt = new Date().toISOString();
  }

  /**
   * Resync from the cache, not the API: every stored object of the kind the informer does not know is
   * marked deleted (a deletion that never reached the store). Runs between watches, when no write of
   * this kind is in flight, so a row being written cannot be taken for a stale one.
   */
  private async resyncFromCache(): Promise<void> {
    try {
      const at = await this.sink.now();
      const marked = await this.sink.reconcile(this.kind, [...this.known.keys()], at);
      if (marked > 0) this.logger.warn({ deleted: marked }, 'resync: stored objects unknown to the informer were marked deleted');
    } catch (e) {
      // The store's trouble, not the API's: the watch goes on and the next resync tries again.
      this.logger.warn({ err: (e as Error).message }, 'resync from the cache failed; trying again at the next resync');
    }
  }

  /** Watches from this.rv, resuming after clean stream ends, until a relist is due or needed. */
  private async watchUntilRelist(): Promise<void> {
    while (!this.stopped && this.rv !== null) {
      const now = Date.now();
      if (now >= this.relistAt) {
        this.logger.info('periodic full relist');
        this.rv = null;
        return;
      }
      if (now >= this.resyncAt) {
        await this.resyncFromCache();
        this.resyncAt = Date.now() + this.o.resyncMs!; // finite resyncAt: resyncMs is set
        continue;
      }
      const untilS = Math.max(1, Math.ceil((Math.min(this.resyncAt, this.relistAt) - now) / 1000));
      // Like client-go: a server-side timeout of 5–10 min, randomised so watches do not end together.
      const timeoutS = Math.min(untilS, 300 + Math.floor(Math.random() * 300));
      if (this.resuming) {
        this.status.rewatches++;
        this.resuming = false;
      }
      let events: number;
      try {
        events = await this.watchOnce(this.rv, timeoutS);
      } catch (e) {
        if (e instanceof ExpiredError) {
          this.logger.info({ rv: this.rv }, 'watch resourceVersion expired (410); relisting');
          this.rv = null;
          return;
        }
        if (this.rewriteAll && !this.stopped) {
          this.logger.info('relisting: changes of this kind were dropped from a full spool');
          this.rv = null;
          return;
        }
        this.resuming = true;
        throw e;
      }
      const lasted = Date.now() - now;
      if (lasted < timeoutS * 1000 - EARLY_END_SLACK_MS) {
        // The server ended the stream early (a restart, a cut): resume at once, like client-go, unless
        // it ended at once and empty, which would make this a tight loop.
        this.resuming = true;
        if (lasted < HEALTHY_WATCH_MS && events === 0) throw new Error(`watch ${this.kind.listPath}: the stream ended after ${lasted} ms without an event`);
      }
    }
  }

  /** One watch request from `rv`; returns the number of events it brought (bookmarks included). */
  private async watchOnce(rv: string, timeoutS: number): Promise<number> {
    const q = new URLSearchParams({ watch: '1', resourceVersion: rv, allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutS) });
    this.watchAbort = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, this.watchAbort.signal]);
    const res = await this.conn.raw(`${this.kind.listPath}?${q.toString()}`, { signal, timeoutMs: (timeoutS + 30) * 1000 });
    if (res.status === 410) {
      await res.body.dump();
      throw new ExpiredError();
    }
    if (res.status !== 200) throw httpErrorFrom(res.status, res.headers, await res.body.text(), `watch ${this.kind.listPath}`);
    this.status.state = 'watching';
    this.status.lastError = null; // the watch is open again: the error that sent it to backoff is over
    const healthy = setTimeout(() => this.failures.recovered(), HEALTHY_WATCH_MS);
    let events = 0;
    let buffered: InventoryChange[] = [];
    /** resourceVersion of the last event parsed; this.rv follows it once everything before is written. */
    let parsedRv = rv;
    let lastFlush = Date.now();
    const lines = new WatchLines();
    const flushMs = this.o.flushMs ?? 100;
    const flushEvents = this.o.flushEvents ?? 500;
    const flush = async () => {
      const batch = buffered;
      const upTo = parsedRv;
      buffered = [];
      if (batch.length) await this.write(batch);
      this.rv = upTo;
      lastFlush = Date.now();
    };
    // Every flush goes through one chain so batches reach the sink in order; a timer flushes a quiet
    // stream's last events promptly (the loop below only runs when bytes arrive). A failed flush stops
    // the chain: this.rv stays before its events, so the resumed watch delivers them again.
    let chain: Promise<void> = Promise.resolve();
    // A holder, not a `let`: the catch below sets it from a callback, where TS's narrowing cannot see.
    const chainFailure: { error: Error | null } = { error: null };
    const enqueueFlush = () => {
      chain = chain.then(() => (chainFailure.error ? undefined : flush())).catch((e) => {
        chainFailure.error ??= e as Error;
      });
      return chain;
    };
    const timer = setInterval(() => {
      if (buffered.length && Date.now() - lastFlush >= flushMs) void enqueueFlush();
    }, flushMs);
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (chainFailure.error) throw chainFailure.error;
        for (const line of lines.push(chunk)) {
          const ev = parseWatchLine(line, this.kind.listPath);
          if (ev.type === 'ERROR') {
            const status = ev.object as { code?: number; message?: string; reason?: string };
            if (status.code === 410) throw new ExpiredError();
            throw new HttpError(status.code ?? 500, status.reason ?? '', `watch ${this.kind.listPath}: ${status.message ?? 'error event'}`);
          }
          events++;
          const objRv = (ev.object as KubeObject).metadata?.resourceVersion;
          if (objRv) parsedRv = objRv;
          if (ev.type === 'BOOKMARK') continue;
          buffered.push({ op: ev.type === 'DELETED' ? 'delete' : 'upsert', obj: ev.object as KubeObject });
        }
        if (buffered.length >= flushEvents) await enqueueFlush();
      }
    } finally {
      clearInterval(timer);
      clearTimeout(healthy);
      // Events already received are written even when the stream broke: they were accepted.
      await enqueueFlush();
    }
    if (chainFailure.error) throw chainFailure.error;
    return events;
  }
}

/**
 * A resourceVersion as the informer keeps it: a number when it is a plain decimal integer (etcd's
 * revisions always are; below 2^31 a number costs no heap object at all, above it 16 bytes) and the
 * string otherwise (the API calls it opaque, so anything else is kept as is). Only equality is ever
 * asked of it, and the packing maps equal strings to equal values and different ones to different ones
 * (no leading zeros, at most 15 digits: exact in a double). Per pod at 150,000 pods this saves the
 * ~24–32 bytes of a short string.
 */
export function packResourceVersion(rv: string | undefined): string | number {
  if (rv === undefined) return '';
  return rv.length <= 15 && /^(0|[1-9][0-9]*)$/.test(rv) ? Number(rv) : rv;
}
