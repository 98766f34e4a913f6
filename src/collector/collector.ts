// The collector process: database (embedded or external) + migrations, the writers, one
// ClusterCollector per configured cluster, the HTTP server, and the status model they all feed.
// Reload swaps clusters that were added, removed or changed without touching the others.
import type { Config, ClusterConfig } from '../config/schema.js';
import { effectiveCollection } from '../config/schema.js';
import { ClusterCollector } from './cluster-collector.js';
import { ALL_KINDS } from '../inventory/kinds/index.js';
import { log, registerSecret } from '../log.js';
import { HttpServer } from '../server/http-server.js';
import type { Database } from '../store/database.js';
import { openDatabase } from './open-database.js';
import { StoreInventorySink } from './inventory-sink.js';
import { KubeletPipeline } from '../scrape/kubelet-pipeline.js';
import { readiness, type StatusReport } from '../health/status.js';
import { HealthMonitor } from '../health/monitor.js';
import { insertStatusRow } from '../health/status-history.js';
import { KubeConfig } from '@kubernetes/client-node';
import { resolve } from 'node:path';
import { Spool } from '../store/spool.js';
import { SpoolReplayer, isBadDataError } from '../store/spool-replay.js';
import { writeMetricBatches } from '../store/metric-copy.js';
import { applyInventory, reconcile } from '../store/inventory-writer.js';
import { registerViewer, type Viewer } from '../viewer/api.js';
import { Backoff } from '../util/backoff.js';
import { classifyStartError } from '../supervisor/permanent-error.js';
import { CollectorGroup } from '../group/group.js';
import { FencedError, fenceCheck } from '../group/leases.js';
import type { WriteFence } from '../store/inventory-writer.js';

export interface CollectorOptions {
  /** Overrides the database URL (the demo passes the embedded server it started). */
  databaseUrl?: string;
  /** Re-reads the configuration for POST /api/reload and SIGHUP; absent = reload not offered. */
  loadConfig?: () => Config;
  /** Overrides config spool.dir (tests). */
  spoolDir?: string;
}

export class Collector {
  private readonly clusters = new Map<string, ClusterCollector>();
  private server: HttpServer | null = null;
  private readonly startedAt = Date.now();
  private health: HealthMonitor | null = null;
  private pipeline!: KubeletPipeline;
  private inventory!: StoreInventorySink;
  spool!: Spool;
  replayer!: SpoolReplayer;
  private viewer: Viewer | null = null;
  /** Clusters waiting for a database that was away at their first start, with their retry timer. */
  private readonly awaitingRegistration = new Map<string, NodeJS.Timeout>();
  /** With [group] enabled: this process's membership of the collector group sharing the database. */
  private group: CollectorGroup | null = null;

  private constructor(
    private config: Config,
    readonly db: Database,
    private readonly options: CollectorOptions,
  ) {}

  static async start(config: Config, o: CollectorOptions = {}): Promise<Collector> {
    registerSecret(config.server.token);
    // An external database that is away does not stop the start (the spool takes the rows meanwhile).
    const db = await openDatabase(config, o.databaseUrl, { maintenance: true, tolerateUnreachable: true });
    const c = new Collector(config, db, o);
    try {
      if (config.group.enabled) {
        c.group = new CollectorGroup(db.pool, {
          name: config.group.name,
          heartbeatIntervalMs: config.group.heartbeat_interval,
          ttlMs: config.group.member_ttl,
          ownedNodes: () => Object.fromEntries([...c.clusters].map(([name, cc]) => [name, cc.ownedNodes()])),
        });
        c.group.onChange(() => {
          for (const [name, cc] of c.clusters) cc.applyRole(c.group!.roleOf(name));
        });
      }
      c.spool = new Spool({ dir: resolve(o.spoolDir ?? config.spool.dir), maxBytes: config.spool.max_size });
      c.pipeline = new KubeletPipeline(db, c.spool, { flushIntervalMs: config.database.flush_interval });
      c.inventory = new StoreInventorySink(db, c.spool);
      c.replayer = c.startReplayer(db, c.spool);
      c.server = new HttpServer({ listen: config.server.listen, token: config.server.token || undefined });
      c.health = new HealthMonitor({
        db, spool: c.spool, replayer: c.replayer, pipeline: c.pipeline,
        clusters: () => [...c.clusters.values()].map((cc) => cc.status()),
        startedAt: c.startedAt,
        dataDir: db.isEmbedded ? resolve(config.database.data_dir) : null,
        group: c.group ? () => c.group!.status() : undefined,
      });
      c.registerRoutes(c.server);
      await c.server.start();
      for (const cl of resolveClusters(config)) await c.startCluster(cl);
      // The first heartbeat gives the roles; a database away leaves this member fenced until it answers.
      await c.group?.start(c.server.address);
      await c.refreshStatus();
      c.health.start(config.collection.health_interval);
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  private startReplayer(db: Database, spool: Spool): SpoolReplayer {
    const kindByName = new Map(ALL_KINDS.map((k) => [k.name, k]));
    const kindOf = (name: string) => {
      const k = kindByName.get(name);
      if (!k) throw Object.assign(new Error(`spooled inventory of unknown kind ${JSON.stringify(name)}`), { code: '42000' });
      return k;
    };
    // Nothing is replayed into a database that is not migrated yet (a missing table would look like bad data).
    const migrated = () => {
      if (!db.ready) throw new Error('database not migrated yet');
    };
    const r = new SpoolReplayer(spool, {
      writeMetrics: async (entity, batches) => {
        migrated();
        // In a group another member may have stored the same samples meanwhile (it took the nodes over):
        // replayed rows go in only where absent.
        await writeMetricBatches(db.pool, entity, batches, { partitions: db.partitions ?? undefined, path: this.group ? 'staging' : 'auto' });
      },
      applyInventory: async (clusterId, kind, changes, at) => {
        migrated();
        const fence = this.inventoryFence(clusterId);
        if (fence === null) return; // another member holds the cluster now: it listed it itself
        await applyInventory(db.pool, kindOf(kind), clusterId, changes, { at, fence }).catch(dropFenced);
      },
      reconcile: async (clusterId, kind, present, listStartedAt) => {
        migrated();
        const fence = this.inventoryFence(clusterId);
        if (fence === null) return;
        await reconcile(db.pool, kindOf(kind), clusterId, present, listStartedAt, fence).catch(dropFenced);
      },
      writeStatus: async (row) => {
        migrated();
        await insertStatusRow(db.pool, row);
      },
      onOutcome: (ok, latencyMs, error) => db.noteWrite(ok, latencyMs, error),
      // Kinds whose changes the spool's cap dropped are listed again once what it kept is stored.
      onDrained: () => {
        for (const k of spool.takeRelists()) for (const cc of this.clusters.values()) cc.relistKind(k.clusterId, k.kind);
      },
    });
    r.start();
    return r;
  }

  /**
   * The fence of a cluster's inventory writes: undefined outside a group (no fence), null when this member
   * does not hold the cluster's lease (nothing may be written).
   */
  private inventoryFence(clusterId: number): WriteFence | null | undefined {
    if (!this.group) return undefined;
    const f = this.group.fenceFor(clusterId);
    return f ? (client) => fenceCheck(client, f) : null;
  }

  get httpAddress(): string {
    return this.server?.address ?? '';
  }

  private registerRoutes(s: HttpServer): void {
    s.route('/healthz', () => ({ text: 'ok' }));
    s.route('/readyz', async () => {
      const r = readiness(await this.refreshStatus());
      return { status: r.ready ? 200 : 503, text: r.reason };
    });
    s.route('/api/status', async () => ({ json: this.withLiveGroup(this.health?.current ?? (await this.refreshStatus())) }));
    s.route('/metrics', async () => {
      const reg = this.health!.registry;
      return { body: await reg.metrics(), contentType: reg.contentType };
    });
    s.route('/api/reload', async (req) => {
      if (req.method !== 'POST') return { status: 405, json: { error: 'use POST' }, headers: { allow: 'POST' } };
      return { json: await this.reloadFromSource() };
    }, { methods: ['POST'] });
    this.viewer = registerViewer(s, { pool: this.db.pool, status: async () => this.health?.current ?? (await this.refreshStatus()), statusNow: () => this.health?.current ?? null });
  }

  /**
   * The report with the group's state of now: it needs no database, so it stays current while a refresh
   * waits for a database that stopped answering (a partitioned member shows itself fenced).
   */
  private withLiveGroup(st: StatusReport): StatusReport {
    return this.group ? { ...st, group: this.group.status() } : st;
  }

  /** The cluster's id from the database, or — while it is away — the one remembered from an earlier run. */
  private async clusterId(cl: ClusterConfig): Promise<number> {
    try {
      const id = await this.db.ensureCluster(cl.name, { context: cl.context, kubeconfig: cl.kubeconfig, in_cluster: cl.in_cluster });
      this.spool.rememberClusterId(cl.name, id);
      return id;
    } catch (e) {
      const known = this.spool.knownClusterId(cl.name);
      if (known === undefined || isBadDataError(e)) throw e;
      log('collector').warn({ cluster: cl.name, id: known, cause: (e as Error).message }, 'database away: using the cluster id remembered from the last run');
      return known;
    }
  }

  private async startCluster(cl: ClusterConfig, backoff = new Backoff(1000, 30_000)): Promise<void> {
    let id: number;
    try {
      id = await this.clusterId(cl);
    } catch (e) {
      if (isBadDataError(e) || classifyStartError(e).permanent) throw e;
      // A first start with the database away: without the cluster's id there is nothing to collect
      // into yet, so the cluster waits for the database instead of ending the run.
      const delayMs = backoff.next();
      log('collector').warn({ cluster: cl.name, cause: (e as Error).message, retryInMs: delayMs }, `database away and cluster ${cl.name} not registered yet: retrying in ${Math.round(delayMs / 1000)} s`);
      this.awaitingRegistration.set(cl.name, setTimeout(() => {
        this.awaitingRegistration.delete(cl.name);
        this.startCluster(cl, backoff).catch((err) => log('collector').error({ cluster: cl.name, err: (err as Error).message }, 'cannot register the cluster'));
      }, delayMs));
      return;
    }
    const gate = this.group ? () => this.inventoryFence(id) ?? null : undefined;
    const cc = new ClusterCollector(cl, effectiveCollection(this.config, cl), {
      clusterId: id, inventory: this.inventory.forCluster(id, gate), pipeline: this.pipeline, kinds: ALL_KINDS,
      grouped: this.group ? { pool: this.db.pool, followIntervalMs: this.config.group.heartbeat_interval } : undefined,
    });
    this.clusters.set(cl.name, cc);
    this.group?.addCluster(cl.name, id);
    if (this.group) cc.applyRole(this.group.roleOf(cl.name));
    cc.start();
  }

  /** Re-reads the configuration (a bad file leaves the running one in place, and says why). */
  async reloadFromSource(): Promise<{ added: string[]; removed: string[]; restarted: string[] }> {
    if (!this.options.loadConfig) throw Object.assign(new Error('this collector was started without a config source; nothing to reload'), { statusCode: 409 });
    let next: Config;
    try {
      next = this.options.loadConfig();
    } catch (e) {
      throw Object.assign(new Error(`config not reloaded: ${(e as Error).message}`), { statusCode: 400 });
    }
    return this.reload(next);
  }

  private reloading: Promise<unknown> = Promise.resolve();

  /** Applies a new config: clusters added, removed or changed are started/stopped; others keep running. */
  reload(next: Config): Promise<{ added: string[]; removed: string[]; restarted: string[] }> {
    // One reload at a time: two overlapping ones would start the same cluster twice.
    const run = this.reloading.then(() => this.applyReload(next));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async applyReload(next: Config): Promise<{ added: string[]; removed: string[]; restarted: string[] }> {
    for (const section of ['server', 'database', 'watchdog', 'group'] as const) {
      if (JSON.stringify(next[section]) !== JSON.stringify(this.config[section])) {
        log('collector').warn({ section }, `[${section}] changed: it takes effect at the next restart, not on reload`);
      }
    }
    const want = new Map(resolveClusters(next).map((c) => [c.name, c]));
    const added: string[] = [];
    const removed: string[] = [];
    const restarted: string[] = [];
    for (const [name, cc] of this.clusters) {
      const w = want.get(name);
      if (!w) {
        await cc.stop();
        this.clusters.delete(name);
        this.group?.removeCluster(name);
        this.pipeline.forgetCluster(cc.clusterId); // its rate state would otherwise stay until pruned by age
        removed.push(name);
      } else if (JSON.stringify(w) !== JSON.stringify(cc.config) || JSON.stringify(effectiveCollection(next, w)) !== JSON.stringify(cc.settings)) {
        await cc.stop();
        this.clusters.delete(name);
        restarted.push(name);
      }
    }
    this.config = next;
    for (const [name, timer] of this.awaitingRegistration) {
      clearTimeout(timer);
      this.awaitingRegistration.delete(name);
    }
    for (const [name, cl] of want) {
      if (this.clusters.has(name)) continue;
      await this.startCluster(cl);
      if (!restarted.includes(name)) added.push(name);
    }
    log('collector').info({ added, removed, restarted }, 'configuration reloaded');
    return { added, removed, restarted };
  }

  async refreshStatus(): Promise<StatusReport> {
    return this.health!.refresh();
  }

  status(): StatusReport | null {
    return this.health?.current ?? null;
  }

  /** The metric pipeline's counters now (the status holds the last health interval's): rows queued, rate entities … */
  ingestCounters(): Record<string, number> {
    return this.pipeline?.counters() ?? {};
  }

  async stop(): Promise<void> {
    for (const timer of this.awaitingRegistration.values()) clearTimeout(timer);
    this.awaitingRegistration.clear();
    await this.health?.stop();
    await Promise.all([...this.clusters.values()].map((c) => c.stop()));
    this.clusters.clear();
    await this.pipeline?.flush();
    // After the last rows are written: the others take this member's share at their next heartbeat.
    await this.group?.stop();
    this.viewer?.stop(); // ends live streams, which would otherwise hold the server open
    // One last replay while the database is up (bounded: what is left stays on disk for the next start).
    if (this.replayer && this.db.state === 'connected') await Promise.race([this.replayer.drain(), new Promise((r) => setTimeout(r, 5000).unref())]);
    await this.replayer?.stop();
    this.spool?.close();
    await this.server?.stop();
    await this.db.close();
  }
}

/** A replayed inventory write refused by the lease fence is dropped: the lease's holder relisted the cluster. */
function dropFenced(e: unknown): void {
  if (e instanceof FencedError) {
    log('group').warn({ err: e.message }, 'spooled inventory refused by the lease fence: dropped');
    return;
  }
  throw e;
}

/** The configured clusters, or — with none configured — the current kubeconfig context, like kubectl. */
function resolveClusters(config: Config): ClusterConfig[] {
  const enabled = config.clusters.filter((c) => c.enabled);
  if (config.clusters.length > 0) return enabled;
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const ctx = kc.getCurrentContext();
  if (!ctx) throw new Error('no clusters configured and no current kubeconfig context: add [[clusters]] to the config or set a context');
  const name = ctx.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63);
  return [{ name, kubeconfig: '', context: ctx, in_cluster: false, enabled: true, kinds: {} }];
}
