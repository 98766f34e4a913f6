// Puts the health model together on the health interval: the status report (clusters, database, spool,
// collector), its state changes logged once, the Prometheus registry reading it, and the
// collector_status row written (or spooled while the database is away) for the history.
import type { Registry } from 'prom-client';
import type { ClusterStatus } from '../collector/cluster-collector.js';
import type { Database } from '../store/database.js';
import type { KubeletPipeline } from '../scrape/kubelet-pipeline.js';
import { log } from '../log.js';
import type { Spool } from '../store/spool.js';
import type { SpoolReplayer } from '../store/spool-replay.js';
import { isWorker, workerRestartInfo } from '../supervisor/worker.js';
import { DiskProbe, EventLoopMonitor, partitionsAhead, ratePerSecond } from './probes.js';
import { buildRegistry } from './prometheus.js';
import { buildStatus, type StatusReport } from './status.js';
import { insertStatusRow, statusRow } from './status-history.js';
import { healthEvents } from './transitions.js';
import type { GroupStatus } from '../group/group-status.js';

export interface HealthMonitorDeps {
  db: Database;
  spool: Spool;
  replayer: SpoolReplayer;
  pipeline: KubeletPipeline;
  clusters: () => ClusterStatus[];
  startedAt: number;
  /** The embedded server's data folder (null with an external database). */
  dataDir: string | null;
  /** The collector group this process is a member of ([group] enabled). */
  group?: () => GroupStatus;
}

export class HealthMonitor {
  readonly registry: Registry;
  private latest: StatusReport | null = null;
  private readonly loop = new EventLoopMonitor();
  private readonly disk: DiskProbe | null;
  private lastInserted: { count: number; atMs: number } | null = null;
  private rowsPerSecond = 0;
  private partitionsAhead: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private next: Promise<StatusReport> | null = null;
  private refreshing: Promise<StatusReport> | null = null;

  constructor(private readonly d: HealthMonitorDeps) {
    this.disk = d.dataDir ? new DiskProbe(d.dataDir) : null;
    this.registry = buildRegistry(() => this.latest);
  }

  get current(): StatusReport | null {
    return this.latest;
  }

  /** Refreshes and records on every interval until stop(). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const st = await this.refresh();
      await this.record(st);
    } catch (e) {
      log('health').error({ err: (e as Error).message }, 'health refresh failed');
    }
  }

  /**
   * A report built after this call (so a caller that just changed something sees it): callers that
   * arrive while one is being built share the next one. State changes since the last report are logged.
   */
  refresh(): Promise<StatusReport> {
    if (this.next) return this.next;
    const previous = this.refreshing ?? Promise.resolve();
    this.next = previous
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        this.refreshing = this.build().finally(() => (this.refreshing = null));
        return this.refreshing;
      });
    return this.next;
  }

  private async build(): Promise<StatusReport> {
    const { db, spool, replayer, pipeline } = this.d;
    const w = pipeline.writer.stats();
    const now = Date.now();
    this.rowsPerSecond = ratePerSecond(this.lastInserted, w.inserted, now);
    this.lastInserted = { count: w.inserted, atMs: now };
    if (db.state === 'connected') {
      try {
        this.partitionsAhead = await partitionsAhead(db.pool);
      } catch {
        // the database went away since: keep the last figure, db.status() below reports the state
      }
    }
    const info = workerRestartInfo();
    const st = await buildStatus({
      clusters: this.d.clusters(),
      db,
      pipeline,
      startedAt: this.d.startedAt,
      database: {
        rowsPerSecond: this.rowsPerSecond,
        queueRows: w.queuedRows,
        queueMaxRows: w.maxQueuedRows,
        spool: { ...spool.stats(), dir: spool.dir, replay: { ...replayer.counts } },
        dataDir: this.disk?.current() ?? null,
        partitionsAhead: this.partitionsAhead,
      },
      eventLoopDelayMs: this.loop.sample(),
      watchdog: { supervised: isWorker(), restarts: info.restarts, restartReasons: info.history },
      group: this.d.group?.() ?? null,
    });
    for (const ev of healthEvents(this.latest, st)) log('health')[ev.level](ev.fields, ev.msg);
    this.latest = st;
    return st;
  }

  /** Writes the report's collector_status row; while the database is away the spool keeps it. */
  async record(st: StatusReport): Promise<void> {
    const row = statusRow(st);
    const { db, spool } = this.d;
    if (db.state === 'connected') {
      try {
        await insertStatusRow(db.pool, row);
        return;
      } catch (e) {
        db.noteWrite(false, 0, (e as Error).message);
      }
    }
    spool.append({ t: 'status', row });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.refreshing?.catch(() => undefined);
    await this.disk?.settle();
    this.loop.stop();
  }
}
