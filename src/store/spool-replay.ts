// Replays the spool into the database once it is reachable again: segment by segment, in the order the
// records were written, inventory before metrics (inventory changes are waited for by new ones).
// Metric records are replayed a window at a time: the consecutive metric records of up to WINDOW_GROUPS
// transactions' worth of rows, grouped per entity, each group (up to GROUP_ROWS rows) in one transaction
// (each record keeps its batch id, so each lands once). The spool takes one record per payload and
// entity, so its records cycle through the entities (node, pod, container, …): grouping only consecutive
// records of one entity made groups of one record, ~27 rows a transaction, and a 1,000-node start's
// spool replayed at ~500 rows/s (issue 15). Progress is saved as each group commits, up to the first
// record of the window not stored yet, so a crash mid-replay resumes there; replaying a group again
// stores nothing twice. A failure that looks like the database being away stops the pass (retried on
// the next tick); a record the database rejects as bad data can never be stored and is skipped, counted
// and logged (a group holding one is replayed record by record, so the good records of the group are
// stored).
import type { Entity } from '../metrics/definitions.js';
import type { InventoryChange } from '../inventory/informer.js';
import { log } from '../log.js';
import { BadRowError } from './copy-text.js';
import type { MetricBatch } from './metric-copy.js';
import type { Spool, SpoolRecord, SpoolStream } from './spool.js';

/** Rows replayed in one transaction at most: the live writer's batch (MetricWriter batchRows). */
const GROUP_ROWS = 5_000;
/** A window holds this many groups' worth of rows: enough for one group per entity of a typical payload mix. */
const WINDOW_GROUPS = 4;

export interface ReplayTargets {
  /**
   * Stores the batches (one spooled record each) in one transaction, each once by its id (no id in spool
   * files from before it was kept); all of them or none.
   */
  writeMetrics(entity: Entity, batches: MetricBatch[]): Promise<void>;
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

type MetricRecord = Extract<SpoolRecord, { t: 'metric' }>;

/** A replay window: its end (exclusive) and its groups, each the indexes of its records (one entity). */
export interface ReplayWindow {
  end: number;
  groups: number[][];
}

/**
 * Pure: the replay window starting at `start`: the consecutive metric records up to `maxRows` ×
 * WINDOW_GROUPS rows (the first record whatever its size), grouped per entity in their order, a group
 * closed when the next record of its entity would take it past `maxRows`. A record of any other kind is a
 * window of its own with no group (replayed alone).
 */
export function replayWindow(records: readonly SpoolRecord[], start: number, maxRows: number): ReplayWindow {
  const groups: number[][] = [];
  const open = new Map<Entity, { at: number[]; rows: number }>();
  let total = 0;
  let end = start;
  for (; end < records.length; end++) {
    const r = records[end];
    if (r.t !== 'metric' || !Array.isArray(r.rows)) break;
    if (total > 0 && total + r.rows.length > maxRows * WINDOW_GROUPS) break;
    let g = open.get(r.entity);
    if (!g || (g.rows > 0 && g.rows + r.rows.length > maxRows)) {
      open.set(r.entity, (g = { at: [], rows: 0 }));
      groups.push(g.at);
    }
    g.at.push(end);
    g.rows += r.rows.length;
    total += r.rows.length;
  }
  return end === start ? { end: start + 1, groups: [] } : { end, groups };
}

export class SpoolReplayer {
  readonly counts: ReplayCounts = { replayedRecords: 0, replayedMetricRows: 0, skippedRecords: 0, lastError: null };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  private stopped = false;

  constructor(
    private readonly spool: Spool,
    private readonly targets: ReplayTargets,
    /** `groupRows`: rows replayed in one transaction at most (GROUP_ROWS). */
    private readonly o: { intervalMs?: number; groupRows?: number } = {},
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
        for (let i = seg.startIndex; i < seg.records.length; ) {
          if (this.stopped) return false;
          const w = replayWindow(seg.records, i, this.o.groupRows ?? GROUP_ROWS);
          if (!w.groups.length) {
            await this.replayOne(seg.records[i]);
            this.spool.progress(seg.name, ++i);
            continue;
          }
          // The cursor moves past the records stored so far that no record still owed precedes.
          const stored = new Uint8Array(w.end - i);
          let cursor = i;
          for (const at of w.groups) {
            if (this.stopped) return false;
            const group = at.map((k) => seg.records[k] as MetricRecord);
            // A lone record, or a group holding a bad one: record by record.
            if (group.length === 1 || !(await this.replayGroup(group))) for (const r of group) await this.replayOne(r);
            for (const k of at) stored[k - i] = 1;
            const from = cursor;
            while (cursor < w.end && stored[cursor - i]) cursor++;
            if (cursor > from) this.spool.progress(seg.name, cursor);
          }
          i = w.end;
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

  /**
   * Stores a group of metric records in one write: true when stored, false when the database rejected
   * something in it as bad data (nothing of it stored: the caller replays it record by record); throws
   * when the database is away.
   */
  private async replayGroup(group: MetricRecord[]): Promise<boolean> {
    const started = Date.now();
    try {
      await this.targets.writeMetrics(group[0].entity, group.map((r) => ({ rows: r.rows, id: r.id })));
    } catch (err) {
      if (!isBadDataError(err)) {
        this.targets.onOutcome?.(false, 0, (err as Error).message);
        throw err;
      }
      log('store').warn({ records: group.length, err: (err as Error).message }, 'a spooled record of a replay group was rejected as bad data; replaying the group record by record');
      return false;
    }
    this.targets.onOutcome?.(true, Date.now() - started);
    this.counts.replayedRecords += group.length;
    for (const r of group) this.counts.replayedMetricRows += r.rows.length;
    return true;
  }

  /** Stores one record; throws when the database is away (the pass stops), skips bad records. */
  private async replayOne(r: SpoolRecord): Promise<void> {
    const started = Date.now();
    try {
      if (r.t === 'metric') await this.targets.writeMetrics(r.entity, [{ rows: r.rows, id: r.id }]);
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
