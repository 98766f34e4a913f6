// Everything kubepulse does for one cluster: its connection, API health probe, one informer per
// enabled kind, and one scrape scheduler per enabled kubelet source. Clusters share nothing but the
// store's writers, so one cluster down, slow or misbehaving never delays another.
import { ClusterConnection } from '../cluster/connection.js';
import type { ClusterConfig, CollectionSettings } from '../config/schema.js';
import { ApiProbe, type ApiHealth } from '../health/api-probe.js';
import { Informer, type InventoryChange, type InventorySink } from '../inventory/informer.js';
import type { KindDef } from '../inventory/kind.js';
import type { NodeObject } from '../inventory/kinds/node.js';
import { log } from '../log.js';
import { ScrapeScheduler, Semaphore, type NodeScrapeStatus } from '../scrape/scheduler.js';
import { PARTNER_SOURCE } from '../scrape/partner-hold.js';
import { KubeletClient, type KubeletSource } from '../scrape/kubelet-fetch.js';
import type { MetricPipeline } from '../scrape/pipeline.js';
import { scrapeSummaryWithFallback } from '../scrape/summary-fallback.js';
import { Backoff, sleep } from '../util/backoff.js';
import { NodeFreshness, staleMessage, type StaleNode } from '../health/node-freshness.js';
import { PodIndex, followPods } from './pod-index.js';
import { kubeletBodies } from '../metrics/body-pool.js';
import type { ClusterRole } from '../group/group.js';
import type pg from 'pg';
import { InventoryFollower, type InventoryFollowerStatus } from './inventory-follower.js';

/** Kinds that name the scrape targets: a group member without the lease reads them from the database. */
const TARGET_KINDS = new Set(['node', 'pod']);

/**
 * How long after taking a node over its rows are stored only where absent: the previous owner's last
 * samples may carry the same kubelet timestamp (a kubelet takes a new sample every 10-15 s).
 */
const HANDOVER_ABSENT_ONLY_MS = 30_000;

export interface ClusterStatus {
  name: string;
  id: number | null;
  api: ApiHealth;
  apiLatencyMs: number | null;
  apiError: string | null;
  version: string | null;
  nodes: number;
  pods: number;
  lastSampleAt: string | null;
  watches: Array<{ kind: string; state: string; objects: number; relists: number; rewatches: number; retries: number; lastEventAt: string | null; lastError: string | null }>;
  /** Per source: `ok` nodes answer with new samples, `stale` ones answer with none new (frozen), `failing` ones fail. */
  scrapes: Record<string, { nodes: number; ok: number; stale: number; failing: number; cyclesOnTime: number; cyclesLate: number; lateBy: ScrapeScheduler['lateBy']; latencyMs?: { p50: number | null; max: number | null } }>;
  /** Failing and stale nodes (state says which); a stale one has the time and age of its newest sample. */
  nodesNotReporting: Array<{
    node: string; source: string; state: 'failing' | 'stale'; lastError: string | null; lastSuccessAt: string | null;
    newestSampleAt?: string | null; newestSampleAgeS?: number | null;
  }>;
  error: string | null;
  /** A group member without the cluster's lease: its targets read from the database (inventory-follower.ts). */
  follower?: InventoryFollowerStatus;
}

/** A group member's way to the inventory the cluster's lease holder writes. */
interface GroupedTargets {
  pool: pg.Pool;
  /** How often the node and pod changes are read (the group heartbeat). */
  followIntervalMs: number;
}

export interface ClusterCollectorDeps {
  clusterId: number;
  inventory: InventorySink;
  pipeline: MetricPipeline;
  kinds: KindDef[];
  /**
   * A collector group member: what it does for the cluster comes from applyRole() (nothing until then);
   * the inventory sink writes only while the member holds the cluster's lease, and without it the nodes and
   * pods come from the database. Absent: everything.
   */
  grouped?: GroupedTargets;
}

const SOURCES: Array<{ source: KubeletSource; key: 'summary_interval' | 'cadvisor_interval' | 'resource_interval' }> = [
  { source: 'summary', key: 'summary_interval' },
  { source: 'cadvisor', key: 'cadvisor_interval' },
  { source: 'resource', key: 'resource_interval' },
];

export class ClusterCollector {
  private conn: ClusterConnection | null = null;
  private probe: ApiProbe | null = null;
  private informers: Informer[] = [];

  /** Lists a kind again, writing every object (its changes were dropped from a full spool). */
  relistKind(clusterId: number, kind: string): void {
    if (clusterId === this.deps.clusterId) this.informers.find((i) => i.kind.name === kind)?.relistNow();
  }
  private schedulers = new Map<KubeletSource, ScrapeScheduler>();
  private kubelet: KubeletClient | null = null;
  private readonly nodeAddresses = new Map<string, { address: string | null; port: number | null }>();
  /** namespace/name → uid of live pods: /metrics/resource names pods, the tables key them by uid. */
  private readonly pods = new PodIndex();
  private readonly nodeNames = new Map<string, string>(); // uid → node name
  /** Whether each node's kubelet still serves new samples (a frozen one answers, with old ones). */
  private readonly freshness = new NodeFreshness();
  private stopped = false;
  private startLoop: Promise<void> | null = null;
  private connectError: string | null = null;
  private readonly abort = new AbortController();
  lastSampleAt: Date | null = null;
  /** Live nodes by name: whether each is a Windows one (no cAdvisor). Scraped are those the role owns. */
  private readonly knownNodes = new Map<string, boolean>();
  /** Nodes scraped now, with when this member took each (local ms). */
  private readonly scraped = new Map<string, number>();
  private role: ClusterRole;
  private enabledKinds: KindDef[] = [];
  /** Without the lease (group member): the node and pod tables followed instead of watches. */
  private follower: InventoryFollower | null = null;

  constructor(
    readonly config: ClusterConfig,
    readonly settings: CollectionSettings,
    private readonly deps: ClusterCollectorDeps,
  ) {
    this.role = deps.grouped ? { inventory: false, owns: () => false } : { inventory: true, owns: () => true };
  }

  /** A group member's new role: nodes gained and lost, the inventory informers started or stopped. */
  applyRole(role: ClusterRole): void {
    const had = this.role.inventory;
    this.role = role;
    for (const name of this.knownNodes.keys()) this.placeNode(name);
    if (!this.conn || this.stopped) return; // connectAndRun starts what the role says
    if (role.inventory && !had) {
      // New informers list every kind into the tables (written by the previous holder, which may have
      // missed what changed between its end and now). The follower's targets stay until their lists
      // replace them: no gap in the scrapes.
      void this.follower?.stop();
      this.follower = null;
      this.startInformers(this.conn, this.enabledKinds);
    } else if (!role.inventory && had) {
      const informers = this.informers;
      this.informers = [];
      void Promise.all(informers.map((i) => i.stop()));
      this.startFollower();
    }
  }

  /** The nodes this member scrapes now. */
  ownedNodes(): string[] {
    return [...this.scraped.keys()];
  }

  /** Whether the node's rows are written only where absent (taken over lately from another member). */
  private absentOnly(node: string): boolean {
    const since = this.scraped.get(node);
    return this.deps.grouped !== undefined && since !== undefined && Date.now() - since < HANDOVER_ABSENT_ONLY_MS;
  }

  /** Whether the source that reports the same samples as `source` is scraping the node now (or is about to). */
  private partnerInFlight(node: string, source: KubeletSource): boolean {
    const partner = PARTNER_SOURCE[source];
    return partner !== undefined && (this.schedulers.get(partner)?.runningOrDue(node) ?? false);
  }

  /** Puts a known node in the schedulers when this member owns it, takes it out otherwise. */
  private placeNode(name: string): void {
    const windows = this.knownNodes.get(name);
    const own = windows !== undefined && this.role.owns(name);
    if (own && !this.scraped.has(name)) this.scraped.set(name, Date.now());
    if (!own && this.scraped.delete(name)) this.deps.pipeline.forgetNode(this.deps.clusterId, name);
    // Windows kubelets have no cAdvisor endpoint (404): their nodes are scraped for the rest only.
    for (const [source, s] of this.schedulers) {
      if (!own || (windows && source === 'cadvisor')) s.removeNode(name);
      else s.addNode(name);
    }
  }

  get name(): string {
    return this.config.name;
  }

  get clusterId(): number {
    return this.deps.clusterId;
  }

  /** Connects (retrying with backoff: a bad kubeconfig may be fixed and reloaded) and starts collecting. */
  start(): void {
    this.startLoop ??= this.connectAndRun();
  }

  private async connectAndRun(): Promise<void> {
    const backoff = new Backoff(2000, 120_000);
    while (!this.stopped) {
      try {
        this.conn = await ClusterConnection.open({
          name: this.name,
          kubeconfig: this.config.kubeconfig || undefined,
          context: this.config.context || undefined,
          inCluster: this.config.in_cluster,
        });
        this.connectError = null;
        break;
      } catch (e) {
        this.connectError = (e as Error).message;
        log('collector').error({ cluster: this.name, err: this.connectError }, 'cannot set up the cluster connection; retrying');
        await sleep(backoff.next(), this.abort.signal);
      }
    }
    if (this.stopped || !this.conn) return;
    const conn = this.conn;
    this.probe = new ApiProbe(conn, this.settings.health_interval);
    this.probe.start();
    this.kubelet = new KubeletClient(conn, {
      access: this.settings.kubelet_access,
      insecureSkipTlsVerify: this.settings.insecure_skip_tls_verify,
      kubeletCaFile: this.settings.kubelet_ca,
      timeoutMs: this.settings.scrape_timeout,
      addressOf: (node) => this.nodeAddresses.get(node) ?? null,
    });
    const semaphore = new Semaphore(this.settings.scrape_concurrency);
    for (const { source, key } of SOURCES) {
      const intervalMs = this.settings[key];
      if (!intervalMs) continue;
      const kubelet = this.kubelet;
      this.schedulers.set(
        source,
        new ScrapeScheduler({
          name: `${this.name}/${source}`,
          // The summary and cAdvisor of a node in the same instant: their rows of a sample join into one.
          offsetKey: PARTNER_SOURCE[source] ? this.name : undefined,
          onScrapeEnd: (node) => this.deps.pipeline.scrapeEnded?.(this.deps.clusterId, node, source),
          intervalMs,
          timeoutMs: this.settings.scrape_timeout,
          semaphore,
          scrape: async ({ node, signal }) => {
            const ingest = async (n: string, src: KubeletSource, body: Buffer): Promise<void> => {
              // A node handed to another member while its scrape ran: that member stores it now.
              if (!this.role.owns(n)) {
                kubeletBodies.giveBack(body);
                return;
              }
              const sampleAt = await this.deps.pipeline.ingest({
                absentOnly: this.absentOnly(n),
                clusterId: this.deps.clusterId, cluster: this.name, node: n, source: src, body, scrapedAt: new Date(), intervalMs,
                summaryCollected: this.settings.summary_interval > 0,
                partnerInFlight: this.partnerInFlight(n, src),
                resolvePodUid: (ns, pod) => this.pods.uidOf(ns, pod),
                apiPodUid: this.pods.hasMirrors ? (uid) => this.pods.apiUidOf(uid) : undefined,
              });
              if (sampleAt && (!this.lastSampleAt || sampleAt > this.lastSampleAt)) this.lastSampleAt = sampleAt;
              this.freshness.note(n, src, sampleAt, intervalMs);
            };
            // The resource fallback only when /metrics/resource is not scraped on its own schedule.
            if (source === 'summary' && !this.settings.resource_interval) {
              await scrapeSummaryWithFallback(node, signal, { fetch: (n, src, sig) => kubelet.fetch(n, src, sig), ingest });
            } else {
              await ingest(node, source, await kubelet.fetch(node, source, signal));
            }
          },
        }),
      );
    }
    const enabled = this.deps.kinds.filter((k) => this.config.kinds[k.name] !== false);
    this.enabledKinds = enabled;
    // Without the inventory lease a group member watches nothing: its targets come from the database.
    if (this.role.inventory) this.startInformers(conn, enabled);
    else this.startFollower();
    for (const s of this.schedulers.values()) s.start();
    log('collector').info(
      { cluster: this.name, server: conn.server.origin, context: conn.contextName, kinds: enabled.map((k) => k.name), sources: [...this.schedulers.keys()] },
      'collecting cluster',
    );
  }

  private podFollower: ReturnType<typeof followPods> | null = null;

  /** The pod index and the per-pod rate state follow the pods: a deleted pod leaves both. */
  private get podCallbacks(): ReturnType<typeof followPods> {
    return (this.podFollower ??= followPods(this.pods, this.deps.pipeline, this.deps.clusterId));
  }

  private startInformers(conn: ClusterConnection, kinds: KindDef[]): void {
    const pods = this.podCallbacks;
    for (const kind of kinds) {
      const own = this.config.kinds[kind.name];
      // An informer stopped on losing the lease may still deliver a batch: only current ones count.
      const current = (): boolean => this.informers.includes(inf);
      const inf: Informer = new Informer(conn, kind, this.targetSink(kind, current), {
        resyncMs: typeof own === 'number' ? own : this.settings.inventory_resync,
        relistMs: this.settings.inventory_relist,
        onChange: kind.name === 'node' ? (c) => current() && this.onNodeChange(c) : kind.name === 'pod' ? (c) => current() && pods.onChange(c) : undefined,
        onGone: kind.name === 'node' ? (uids) => current() && this.onNodesGone(uids) : kind.name === 'pod' ? (uids) => current() && pods.onGone(uids) : undefined,
      });
      this.informers.push(inf);
      inf.start();
    }
  }

  /**
   * A group member's node and pod informers: after each list, targets the list does not hold are dropped.
   * They may come from the follower it replaced, which knew objects deleted since (an informer's own gone
   * list covers only what it saw itself). Outside a group: the sink as it is.
   */
  private targetSink(kind: KindDef, current: () => boolean): InventorySink {
    const sink = this.deps.inventory;
    if (!this.deps.grouped || !TARGET_KINDS.has(kind.name)) return sink;
    return {
      apply: (k, changes) => sink.apply(k, changes),
      now: () => sink.now(),
      reconcile: (k, present, listStartedAt) => {
        if (current()) this.dropAbsent(k.name, new Set(present));
        return sink.reconcile(k, present, listStartedAt);
      },
    };
  }

  private dropAbsent(kind: string, present: ReadonlySet<string>): void {
    const known = kind === 'node' ? this.nodeNames.keys() : this.pods.uids();
    const gone = [...known].filter((uid) => !present.has(uid));
    if (gone.length === 0) return;
    if (kind === 'node') this.onNodesGone(gone);
    else this.podCallbacks.onGone(gone);
  }

  /** Follows the node and pod tables the cluster's lease holder writes (a group member without the lease). */
  private startFollower(): void {
    const g = this.deps.grouped;
    if (!g || this.follower || this.stopped) return;
    const pods = this.podCallbacks;
    this.follower = new InventoryFollower(g.pool, {
      nodeChanged: (c) => this.onNodeChange(c),
      nodesGone: (uids) => this.onNodesGone(uids),
      podChanged: pods.onChange,
      podsGone: pods.onGone,
      knownNodeUids: () => this.nodeNames.keys(),
      knownPodUids: () => this.pods.uids(),
    }, { clusterId: this.deps.clusterId, cluster: this.name, intervalMs: g.followIntervalMs });
    this.follower.start();
  }

  private onNodeChange(c: InventoryChange): void {
    const node = c.obj as NodeObject;
    const name = node.metadata.name;
    if (c.op === 'delete') {
      this.nodeNames.delete(node.metadata.uid);
      this.dropNode(name);
      return;
    }
    this.nodeNames.set(node.metadata.uid, name);
    const address = (node.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address ?? null;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? null;
    this.nodeAddresses.set(name, { address, port });
    const windows = node.status?.nodeInfo?.operatingSystem === 'windows' || node.metadata.labels?.['kubernetes.io/os'] === 'windows';
    this.knownNodes.set(name, windows);
    this.placeNode(name);
  }

  private dropNode(name: string): void {
    this.knownNodes.delete(name);
    this.scraped.delete(name);
    this.nodeAddresses.delete(name);
    this.freshness.forget(name);
    for (const s of this.schedulers.values()) s.removeNode(name);
    this.deps.pipeline.forgetNode(this.deps.clusterId, name);
  }

  private onNodesGone(uids: string[]): void {
    for (const uid of uids) {
      const name = this.nodeNames.get(uid);
      this.nodeNames.delete(uid);
      if (name) this.dropNode(name);
    }
  }


  status(): ClusterStatus {
    const nodeInformer = this.informers.find((i) => i.kind.name === 'node');
    const podInformer = this.informers.find((i) => i.kind.name === 'pod');
    const scrapes: ClusterStatus['scrapes'] = {};
    const notReporting: ClusterStatus['nodesNotReporting'] = [];
    for (const [source, s] of this.schedulers) {
      const nodes = s.nodes;
      let ok = 0;
      let stale = 0;
      let failing = 0;
      for (const n of nodes) {
        if (n.ok === false) {
          failing++;
          notReporting.push(nodeProblem(n, source));
        } else if (n.ok === true) {
          const st = this.freshness.staleness(n.node, source);
          if (st) {
            stale++;
            notReporting.push(staleProblem(n, st));
          } else ok++;
        }
      }
      scrapes[source] = { nodes: nodes.length, ok, stale, failing, cyclesOnTime: s.cyclesOnTime, cyclesLate: s.cyclesLate, lateBy: { ...s.lateBy }, latencyMs: latencySummary(nodes) };
    }
    const api = this.probe?.status;
    return {
      name: this.name,
      id: this.deps.clusterId,
      api: this.connectError ? 'unreachable' : api?.state ?? 'unknown',
      apiLatencyMs: api?.latencyMs ?? null,
      apiError: this.connectError ?? api?.lastError ?? null,
      version: api?.version ?? null,
      nodes: nodeInformer?.status.objects ?? this.knownNodes.size,
      pods: podInformer?.status.objects ?? this.pods.size.uids,
      lastSampleAt: this.lastSampleAt?.toISOString() ?? null,
      watches: this.informers.map((i) => ({ ...i.status })),
      scrapes,
      nodesNotReporting: notReporting.slice(0, 100),
      error: this.connectError,
      ...(this.follower ? { follower: { ...this.follower.status } } : {}),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.probe?.stop();
    await Promise.all([...this.schedulers.values()].map((s) => s.stop()));
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.follower?.stop();
    await this.startLoop;
    await this.kubelet?.close();
    await this.conn?.close();
  }
}

/** The nodes' last scrape latencies: median and worst (the viewer's health page charts them over time). */
function latencySummary(nodes: NodeScrapeStatus[]): { p50: number | null; max: number | null } {
  const ms = nodes.map((n) => n.lastLatencyMs).filter((v): v is number => v !== null).sort((a, b) => a - b);
  return ms.length ? { p50: ms[Math.floor((ms.length - 1) / 2)], max: ms[ms.length - 1] } : { p50: null, max: null };
}

function nodeProblem(n: NodeScrapeStatus, source: string): ClusterStatus['nodesNotReporting'][number] {
  return { node: n.node, source, state: 'failing', lastError: n.lastError, lastSuccessAt: n.lastSuccessAt ? new Date(n.lastSuccessAt).toISOString() : null };
}

function staleProblem(n: NodeScrapeStatus, st: StaleNode): ClusterStatus['nodesNotReporting'][number] {
  return {
    node: n.node, source: st.source, state: 'stale', lastError: staleMessage(st), lastSuccessAt: n.lastSuccessAt ? new Date(n.lastSuccessAt).toISOString() : null,
    newestSampleAt: st.newestSampleAt?.toISOString() ?? null,
    newestSampleAgeS: st.newestSampleAgeMs === null ? null : Math.round(st.newestSampleAgeMs / 1000),
  };
}
