// Periodic store upkeep, one loop per collector: partitions created ahead for the raw and rollup tables,
// rollups caught up, raw partitions past the raw window compacted into history blocks (history/compactor.ts),
// retention applied per resolution (to the raw rows and their blocks alike), deleted inventory objects purged past theirs
// (events past their own), superseded change_log rows past theirs, the status history's daily partitions past its
// own, and once a day the bloated indexes of change_log and the series tables rebuilt (index-rebuild.ts). Runs never overlap; a failed run is logged and the
// next one tries again (each step is idempotent).
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { ENTITIES } from '../metrics/definitions.js';
import { log } from '../log.js';
import type { KindDef } from '../inventory/kind.js';
import { ALL_KINDS } from '../inventory/kinds/index.js';
import { STATUS_TABLE, dropStatusPartitions, statusPartitions } from '../health/status-history.js';
import { pruneBatchIds } from './metric-copy.js';
import { purgeGoneSeries } from './series-retention.js';
import { purgeDeletedInventory, type PurgeOptions } from './inventory-retention.js';
import { purgeChangeLog, type ChangeLogPurgeOptions } from './change-log-retention.js';
import { DAY_MS, PartitionManager } from './partitions.js';
import { Compactor, type CompactionReport } from './history/compactor.js';
import { blockTable } from './history/schema.js';
import { minuteBlockTable } from './history/minute-schema.js';
import { MinutePacker, type MinutePackingReport } from './history/minute-packer.js';
import { RESOLUTIONS, rollupTable } from './rollup-schema.js';
import { Rollups, type RollupOptions } from './rollups.js';
import { sampleTable } from './series-schema.js';
import { rebuildIndexes, rebuiltTables, type IndexRebuildReport } from './index-rebuild.js';

/** The session advisory lock a maintenance pass holds, so collectors sharing a database take turns. */
const MAINTENANCE_LOCK = 0x6b706d6e;
/** The series purge scans every series table: hourly is often enough for what churn leaves. */
const SERIES_PURGE_EVERY_MS = 3_600_000;
/** A pod or node deleted this long ago may still have late rows in flight (a replay): its series wait. */
const SERIES_GONE_GRACE_MS = 3_600_000;

export interface RetentionMs {
  raw: number;
  rollup_1m: number;
  rollup_1h: number;
  /**
   * Inventory rows deleted longer ago than this go, with their child rows and change_log history. The
   * collector always sets it (config default 30d); left out (tests of other steps) nothing is purged.
   */
  inventory_deleted?: number;
  /** Deleted Event objects go past this instead of inventory_deleted (config default 7d). */
  events?: number;
  /**
   * change_log rows superseded before this go; each object's state at the cutoff stays (config default
   * 30d). Left out, the change log of live objects is kept whole.
   */
  change_log?: number;
  /**
   * Raw rows older than this are compacted into history blocks (config default 6h). Left out (tests of
   * other steps) nothing is compacted. Blocks are kept for `raw`, like the rows they came from.
   */
  compact_after?: number;
  /**
   * collector_status days (the health history) wholly older than this are dropped (config default 30d); left
   * out, all stay.
   */
  status_history?: number;
}

/**
 * The config's [retention] as the maintenance loop takes it: every key read here, by name, so a key the
 * loop does not apply is seen (test/config/config-keys-read.test.ts, test/store/retention-keys.test.ts).
 */
export function maintenanceRetention(r: Config['retention']): RetentionMs {
  return {
    raw: r.raw, compact_after: r.compact_after, rollup_1m: r.rollup_1m, rollup_1h: r.rollup_1h,
    inventory_deleted: r.inventory_deleted, events: r.events, change_log: r.change_log, status_history: r.status_history,
  };
}

export interface MaintenanceOptions {
  /** Config [retention], every key (test/store/retention-keys.test.ts checks each one is applied here). */
  retentionMs: RetentionMs;
  /** How often the loop runs (default 60 s; rollups of 1 min buckets follow at this pace). */
  intervalMs?: number;
  /** Raw partitions (share the metric writer's manager so both see the same cache). */
  partitions?: PartitionManager;
  rollups?: Omit<RollupOptions, 'rawPartitions'>;
  /** Kinds whose deleted objects are purged (default: every kind, as every kind has its table). */
  kinds?: KindDef[];
  purge?: PurgeOptions;
  changeLogPurge?: ChangeLogPurgeOptions;
  /** The change_log step reads the whole log before the cutoff: it runs at most this often (default 1 h). */
  changeLogEveryMs?: number;
  /** The series purge scans every series table: at most this often (default 1 h). */
  seriesPurgeEveryMs?: number;
  /** Series of pods and nodes gone for less than this stay (late rows may still name them; default 1 h). */
  seriesGoneGraceMs?: number;
  /** Batch ids (metric_batch, the writer's duplicate guard) older than this go (default BATCH_ID_KEEP_MS, 1 day). */
  batchIdKeepMs?: number;
  /**
   * The indexes of change_log and the series tables are looked at this often, the first time one period
   * after start, and the bloated ones rebuilt (default 1 day; index-rebuild.ts says why).
   */
  reindexEveryMs?: number;
}

export interface MaintenanceReport {
  at: Date;
  rollupRows: Record<string, number>;
  droppedPartitions: string[];
  /** Deleted inventory objects forgotten, per kind table. */
  purgedInventory: Record<string, number>;
  /** Series rows of gone pods and nodes deleted, per series table (series-retention.ts; hourly). */
  purgedSeries: Record<string, number>;
  /** Superseded change_log rows deleted, per kind. */
  purgedChangeLog: Record<string, number>;
  /** The indexes this pass rebuilt and left (index-rebuild.ts); null when none were due. */
  reindexed: IndexRebuildReport | null;
  /** Owed rollup hours (rollup_pending) dropped unrecomputed as past the raw retention, since start. */
  droppedRollupPending: number;
  /** What the compactor did (null when compaction is off); its ms is the time the pass spent on it. */
  compaction: CompactionReport | null;
  /** Minute rows packed into minute blocks (history/minute-packer.ts). */
  minutePacking: MinutePackingReport | null;
  error: string | null;
}

export class StoreMaintenance {
  readonly partitions: PartitionManager;
  readonly rollups: Rollups;
  /** Daily partitions of the history block and minute block tables (on start_ts): retention drops them whole. */
  readonly blockPartitions: PartitionManager;
  readonly compactor: Compactor | null;
  readonly minutePacker: MinutePacker;
  lastReport: MaintenanceReport | null = null;
  /** Indexes rebuilt and left as tight enough since start (the status and /metrics show them). */
  readonly indexRebuilds = { rebuilt: 0, skipped: 0 };
  private seriesPurgedAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MaintenanceReport> | undefined;
  private changeLogDueMs = -Infinity;
  private reindexDueMs: number | undefined;

  constructor(private readonly pool: pg.Pool, private readonly opts: MaintenanceOptions) {
    for (const [k, v] of Object.entries(opts.retentionMs)) {
      if (!(v > 0)) throw new Error(`retention ${k} must be a positive duration, got ${v}`);
    }
    this.partitions = opts.partitions ?? new PartitionManager(pool);
    // Raw partitions past the raw retention are dropped: compacted first (their minutes with them), never after.
    const compactAfterMs = opts.retentionMs.compact_after === undefined ? undefined : Math.min(opts.retentionMs.compact_after, opts.retentionMs.raw);
    this.rollups = new Rollups(pool, { rawRetentionMs: opts.retentionMs.raw, minutesByCompactor: compactAfterMs !== undefined, ...opts.rollups, rawPartitions: this.partitions });
    this.blockPartitions = new PartitionManager(pool, { widthMs: DAY_MS, ahead: 0 });
    this.compactor = compactAfterMs === undefined ? null : new Compactor(pool, {
      compactAfterMs, rawPartitions: this.partitions, blockPartitions: this.blockPartitions,
      rollupPartitions: { minuteBlocks: this.blockPartitions, hours: this.rollups.partitionsOf(RESOLUTIONS[1]) },
    });
    this.minutePacker = new MinutePacker(pool, { minutePartitions: this.rollups.partitionsOf(RESOLUTIONS[0]), blockPartitions: this.blockPartitions });
  }

  /** One pass; concurrent callers share the pass in progress. */
  runOnce(nowMs = Date.now()): Promise<MaintenanceReport> {
    this.running ??= this.pass(nowMs).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(nowMs: number): Promise<MaintenanceReport> {
    const report: MaintenanceReport = {
      at: new Date(nowMs), rollupRows: {}, droppedPartitions: [], purgedInventory: {}, purgedSeries: {}, purgedChangeLog: {}, reindexed: null, droppedRollupPending: 0, compaction: null, minutePacking: null, error: null,
    };
    // Several collectors on one database (a group, docs/GROUP.md): one maintains at a time, the others skip.
    let lockHolder: pg.PoolClient | undefined;
    // The lock's connection idles while the pass works on others: a connection lost meanwhile (the lock
    // went with it) must not be an unhandled 'error' event.
    const onLost = (): void => undefined;
    try {
      lockHolder = await this.pool.connect();
      lockHolder.on('error', onLost);
      const got = await lockHolder.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${MAINTENANCE_LOCK}) AS ok`);
      if (!got.rows[0].ok) {
        lockHolder.off('error', onLost);
        lockHolder.release();
        return this.lastReport ?? report;
      }
    } catch (err) {
      lockHolder?.off('error', onLost);
      lockHolder?.release(err as Error);
      report.error = (err as Error).message;
      log('store').warn({ err: report.error }, 'store maintenance failed; retrying next interval');
      this.lastReport = report;
      return report;
    }
    try {
      const rawTables = ENTITIES.map(sampleTable);
      await this.partitions.ensureAhead(rawTables, nowMs);
      await statusPartitions(this.pool).ensureAhead([STATUS_TABLE], nowMs);
      for (const r of RESOLUTIONS) await this.rollups.partitionsOf(r).ensureAhead(ENTITIES.map((e) => rollupTable(e, r)), nowMs);
      report.rollupRows = await this.rollups.run(nowMs);
      report.droppedRollupPending = this.rollups.droppedPendingHours;
      // After the rollups: the compactor takes a partition only once the rollups read from raw rows are past it.
      if (this.compactor) report.compaction = await this.compactor.run(nowMs);
      const retention: Record<string, number> = {};
      for (const t of rawTables) retention[t] = this.opts.retentionMs.raw;
      report.droppedPartitions.push(...(await this.partitions.applyRetention(retention, nowMs)));
      const blockRetention = Object.fromEntries(ENTITIES.flatMap((e) => [[blockTable(e), this.opts.retentionMs.raw], [minuteBlockTable(e), this.opts.retentionMs.rollup_1m]]));
      report.droppedPartitions.push(...(await this.blockPartitions.applyRetention(blockRetention, nowMs)));
      for (const r of RESOLUTIONS) {
        const ms = r.name === '1m' ? this.opts.retentionMs.rollup_1m : this.opts.retentionMs.rollup_1h;
        const perTable = Object.fromEntries(ENTITIES.map((e) => [rollupTable(e, r), ms]));
        report.droppedPartitions.push(...(await this.rollups.partitionsOf(r).applyRetention(perTable, nowMs)));
      }
      // After the retention: no day is packed only to be dropped.
      report.minutePacking = await this.minutePacker.run(nowMs);
      await pruneBatchIds(this.pool, nowMs, this.opts.batchIdKeepMs);
      if (nowMs - this.seriesPurgedAt >= (this.opts.seriesPurgeEveryMs ?? SERIES_PURGE_EVERY_MS)) {
        report.purgedSeries = await purgeGoneSeries(this.pool, nowMs - (this.opts.seriesGoneGraceMs ?? SERIES_GONE_GRACE_MS));
        this.seriesPurgedAt = nowMs;
        if (Object.keys(report.purgedSeries).length) log('store').info({ purged: report.purgedSeries }, 'purged the series of gone pods and nodes');
      }
      await this.applyInventoryRetention(report, nowMs);
      if (this.opts.retentionMs.status_history !== undefined) {
        report.droppedPartitions.push(...(await dropStatusPartitions(this.pool, this.opts.retentionMs.status_history, nowMs)));
      }
      // Last: the deletes above are what leaves the pages a rebuild packs.
      const reindexEveryMs = this.opts.reindexEveryMs ?? DAY_MS;
      this.reindexDueMs ??= nowMs + reindexEveryMs;
      if (nowMs >= this.reindexDueMs) {
        this.reindexDueMs = nowMs + reindexEveryMs;
        const reindexed = await rebuildIndexes(this.pool, rebuiltTables());
        report.reindexed = reindexed;
        this.indexRebuilds.rebuilt += Object.keys(reindexed.rebuilt).length;
        this.indexRebuilds.skipped += Object.keys(reindexed.skipped).length;
        log('store').info({ rebuilt: reindexed.rebuilt, skipped: Object.keys(reindexed.skipped).length },
          'rebuilt the bloated indexes of change_log and the series tables');
      }
    } catch (err) {
      report.error = (err as Error).message;
      log('store').warn({ err: report.error }, 'store maintenance failed; retrying next interval');
    } finally {
      await lockHolder.query(`SELECT pg_advisory_unlock(${MAINTENANCE_LOCK})`).then(() => lockHolder.release(), (e: Error) => lockHolder.release(e));
      lockHolder.off('error', onLost);
    }
    this.lastReport = report;
    return report;
  }

  /** [retention] inventory_deleted, events and change_log. */
  private async applyInventoryRetention(report: MaintenanceReport, nowMs: number): Promise<void> {
    const { inventory_deleted: keepDeleted, events: keepEvents, change_log: keepChanges } = this.opts.retentionMs;
    const kinds = this.opts.kinds ?? ALL_KINDS;
    const isEvent = (k: KindDef) => k.name === 'event' && keepEvents !== undefined;
    if (keepDeleted !== undefined) {
      Object.assign(report.purgedInventory, await purgeDeletedInventory(this.pool, kinds.filter((k) => !isEvent(k)), keepDeleted, nowMs, this.opts.purge));
    }
    if (keepEvents !== undefined) {
      Object.assign(report.purgedInventory, await purgeDeletedInventory(this.pool, kinds.filter(isEvent), keepEvents, nowMs, this.opts.purge));
    }
    if (Object.keys(report.purgedInventory).length) {
      log('store').info({ purged: report.purgedInventory }, 'retention purged deleted inventory objects');
    }
    if (keepChanges !== undefined && nowMs >= this.changeLogDueMs) {
      this.changeLogDueMs = nowMs + (this.opts.changeLogEveryMs ?? 3_600_000);
      report.purgedChangeLog = await purgeChangeLog(this.pool, kinds.map((k) => k.name), keepChanges, nowMs, this.opts.changeLogPurge);
      if (Object.keys(report.purgedChangeLog).length) {
        log('store').info({ purged: report.purgedChangeLog }, 'retention purged superseded change_log rows');
      }
    }
  }

  /** Runs now, then every intervalMs until stop(). */
  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.opts.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Stops the loop and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
