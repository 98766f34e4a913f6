// The collector process: database (embedded or external) + migrations, the writers, one
// ClusterCollector per configured cluster, the HTTP server, and the status model they all feed.
// Reload swaps clusters that were added, removed or changed without touching the others.
import type { Config, ClusterConfig } from '../config/schema.js';
import { effectiveCollection } from '../config/schema.js';
import { ClusterCollector } from './cluster-collector.js';
import { ALL_KINDS } from '../inventory/kinds/index.js';
import { log, registerSecret } from '../log.js';
import { HttpServer } from '../server/http-server.js';
import { Database } from './database.js';
import { StoreInventorySink } from './inventory-sink.js';
import { KubeletPipeline } from './kubelet-pipeline.js';
import { buildStatus, type StatusReport } from '../health/status.js';
import { KubeConfig } from '@kubernetes/client-node';
import { registerViewer, type Viewer } from '../viewer/api.js';

export interface CollectorOptions {
  /** Overrides the database URL (the demo passes the embedded server it started). */
  databaseUrl?: string;
}

export class Collector {
  private readonly clusters = new Map<string, ClusterCollector>();
  private server: HttpServer | null = null;
  private readonly startedAt = Date.now();
  private statusCache: StatusReport | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private pipeline!: KubeletPipeline;
  private inventory!: StoreInventorySink;
  private viewer: Viewer | null = null;

  private constructor(
    private config: Config,
    readonly db: Database,
  ) {}

  static async start(config: Config, o: CollectorOptions = {}): Promise<Collector> {
    registerSecret(config.server.token);
    const db = await Database.open(config, o.databaseUrl, { maintenance: true });
    const c = new Collector(config, db);
    try {
      c.pipeline = new KubeletPipeline(db);
      c.inventory = new StoreInventorySink(db);
      c.server = new HttpServer({ listen: config.server.listen, token: config.server.token || undefined });
      c.registerRoutes(c.server);
      await c.server.start();
      for (const cl of resolveClusters(config)) await c.startCluster(cl);
      await c.refreshStatus();
      c.statusTimer = setInterval(() => void c.refreshStatus(), config.collection.health_interval);
      c.statusTimer.unref?.();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  get httpAddress(): string {
    return this.server?.address ?? '';
  }

  private registerRoutes(s: HttpServer): void {
    s.route('/healthz', () => ({ text: 'ok' }));
    s.route('/readyz', async () => {
      const st = await this.refreshStatus();
      const collecting = st.clusters.some((c) => c.api === 'healthy' || c.api === 'degraded');
      const ready = st.database.state === 'connected' && collecting;
      return { status: ready ? 200 : 503, text: ready ? 'ready' : `not ready: database ${st.database.state}, ${collecting ? '' : 'no cluster collecting'}` };
    });
    s.route('/api/status', async () => ({ json: this.statusCache ?? (await this.refreshStatus()) }));
    this.viewer = registerViewer(s, { pool: this.db.pool, status: async () => this.statusCache ?? (await this.refreshStatus()), statusNow: () => this.statusCache });
  }

  private async startCluster(cl: ClusterConfig): Promise<void> {
    const id = await this.db.ensureCluster(cl.name, { context: cl.context, kubeconfig: cl.kubeconfig, in_cluster: cl.in_cluster });
    const cc = new ClusterCollector(cl, effectiveCollection(this.config, cl), { clusterId: id, inventory: this.inventory.forCluster(id), pipeline: this.pipeline, kinds: ALL_KINDS });
    this.clusters.set(cl.name, cc);
    cc.start();
  }

  /** Applies a new config: clusters added, removed or changed are started/stopped; others keep running. */
  async reload(next: Config): Promise<{ added: string[]; removed: string[]; restarted: string[] }> {
    const want = new Map(resolveClusters(next).map((c) => [c.name, c]));
    const added: string[] = [];
    const removed: string[] = [];
    const restarted: string[] = [];
    for (const [name, cc] of this.clusters) {
      const w = want.get(name);
      if (!w) {
        await cc.stop();
        this.clusters.delete(name);
        removed.push(name);
      } else if (JSON.stringify(w) !== JSON.stringify(cc.config) || JSON.stringify(effectiveCollection(next, w)) !== JSON.stringify(cc.settings)) {
        await cc.stop();
        this.clusters.delete(name);
        restarted.push(name);
      }
    }
    this.config = next;
    for (const [name, cl] of want) {
      if (this.clusters.has(name)) continue;
      await this.startCluster(cl);
      if (!restarted.includes(name)) added.push(name);
    }
    log('collector').info({ added, removed, restarted }, 'configuration reloaded');
    return { added, removed, restarted };
  }

  async refreshStatus(): Promise<StatusReport> {
    this.statusCache = await buildStatus({
      clusters: [...this.clusters.values()].map((c) => c.status()),
      db: this.db,
      pipeline: this.pipeline,
      startedAt: this.startedAt,
    });
    return this.statusCache;
  }

  status(): StatusReport | null {
    return this.statusCache;
  }

  async stop(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    await Promise.all([...this.clusters.values()].map((c) => c.stop()));
    this.clusters.clear();
    await this.pipeline?.flush();
    this.viewer?.stop(); // ends live streams, which would otherwise hold the server open
    await this.server?.stop();
    await this.db.close();
  }
}

/** The configured clusters, or — with none configured — the current kubeconfig context, like kubectl. */
export function resolveClusters(config: Config): ClusterConfig[] {
  const enabled = config.clusters.filter((c) => c.enabled);
  if (config.clusters.length > 0) return enabled;
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const ctx = kc.getCurrentContext();
  if (!ctx) throw new Error('no clusters configured and no current kubeconfig context: add [[clusters]] to the config or set a context');
  const name = ctx.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63);
  return [{ name, kubeconfig: '', context: ctx, in_cluster: false, enabled: true, kinds: {} } as ClusterConfig];
}
