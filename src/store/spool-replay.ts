// Replays the spool into the database once it is reachable again: segment by segment, record by record,
// in the order they were written, inventory before metrics (inventory changes are waited for by new
// ones). Progress is saved after every record, so a crash mid-replay resumes at the record it stopped at.
// A failure that looks like the database being away stops the pass (retried on the next tick); a record
// the database rejects as bad data can never be stored and is skipped, counted and logged.
import type { Entity, MetricRow } from '../metrics/definitions.js';
import type { InventoryChange } from '../inventory/informer.js';
import { log } from '../log.js';
import { BadRowError } from './copy-text.js';
import type { Spool, SpoolRecord, SpoolStream } from './spool.js';

export interface ReplayTargets {
  /** `batchId`: the record's batch id (undefined in spool files from before it was kept). */
  writeMetric(entity: Entity, rows: MetricRow[], batchId: string | undefined): Promise<void>;
  applyInventory(clusterId: number, kind: string, changes: InventoryChange[], at: Date): Promise<void>;
  reconcile(clusterId: number, kind: string, present: string[], listStartedAt: Date): Promise<void>;
  writeStatus(row: Record<string, unknown>): Promise<void>;
  /** Told about each write's outcome (the database health in the status). */
  onOutcome?(ok: boolean, latencyMs: number, error?: string): void;
  /** Told when the spool became empty after a replay (a state change worth logging). */
  onDrained?(): void;
}

export interface ReplayCounts {
  replayedRecords: number;
  replayedMetricRows: number;
  skippedRecords: number;
  lastError: string | null;
}

/**
 * Pure: whether an error means the record itself is bad (PostgreSQL data exception 22, integrity 23,
 * syntax/undefined object 42, or a row the COPY encoder refused). Everything else — refused or reset
 * connections, shutdowns, timeouts — means "the database is away: try again later".
 */
export function isBadDataError(err: unknown): boolean {
  if (err instanceof BadRowError) return true;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

export class SpoolReplayer {
  readonly counts: ReplayCounts = { replayedRecords: 0, replayedMetricRows: 0, skippedRecords: 0, lastError: null };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  private stopped = false;

  constructor(
    private readonly spool: Spool,
    private readonly targets: ReplayTargets,
    private readonly o: { intervalMs?: number } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.drain(), this.o.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the spool; true when it is empty afterwards. Concurrent callers share the pass. */
  drain(): Promise<boolean> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<boolean> {
    if (this.spool.isEmpty) return true;
    try {
      for (;;) {
        if (this.stopped) return false;
        // Inventory first: live inventory changes queue behind the spooled ones until they are stored.
        const stream: SpoolStream | null = this.spool.inventoryPending ? 'inventory' : this.spool.isEmpty ? null : 'metric';
        if (!stream) break;
        const seg = this.spool.next(stream);
        if (!seg) break;
        for (let i = seg.startIndex; i < seg.records.length; i++) {
          if (this.stopped) return false;
          await this.replayOne(seg.records[i]);
          this.spool.progress(seg.name, i + 1);
        }
        this.spool.done(seg.name);
      }
    } catch (err) {
      this.counts.lastError = (err as Error).message;
      return false;
    }
    this.counts.lastError = null;
    log('store').warn({ replayedRecords: this.counts.replayedRecords, replayedMetricRows: this.counts.replayedMetricRows, skippedRecords: this.counts.skippedRecords }, 'spool replayed: every spooled row is stored');
    this.targets.onDrained?.();
    return true;
  }

  /** Stores one record; throws when the database is away (the pass stops), skips bad records. */
  private async replayOne(r: SpoolRecord): Promise<void> {
    const started = Date.now();
    try {
      if (r.t === 'metric') await this.targets.writeMetric(r.entity, r.rows, r.id);
      else if (r.t === 'inventory') await this.targets.applyInventory(r.clusterId, r.kind, r.changes, new Date(r.at));
      else if (r.t === 'reconcile') await this.targets.reconcile(r.clusterId, r.kind, r.present, new Date(r.listStartedAt));
      else await this.targets.writeStatus(r.row);
      this.targets.onOutcome?.(true, Date.now() - started);
      this.counts.replayedRecords++;
      if (r.t === 'metric') this.counts.replayedMetricRows += r.rows.length;
    } catch (err) {
      if (!isBadDataError(err)) {
        this.targets.onOutcome?.(false, 0, (err as Error).message);
        throw err;
      }
      this.counts.skippedRecords++;
      log('store').error({ type: r.t, err: (err as Error).message }, 'spooled record rejected by the database as bad data; skipped');
    }
  }
}
