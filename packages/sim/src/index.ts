// Entry point of the simulated cluster: startSim() mints the PKI, opens the kubelets' direct listeners,
// seeds the world, starts the apiserver and the dynamics, and returns a handle with test/demo controls.
import { randomBytes } from 'node:crypto';
import { World, type NodeState } from './model/world.js';
import { seedWorld, addNode } from './model/seed.js';
import { Dynamics } from './model/dynamics.js';
import type { PodRecord } from './model/pod.js';
import { createSimPki } from './tls.js';
import { FaultInjector, parseFaults, defaultFaults, type FaultConfig } from './faults.js';
import { Kubelets, nodeAddress } from './kubelets.js';
import { ApiServer, type AdminHandler } from './apiserver/server.js';
import { writeKubeconfigFile } from './kubeconfig.js';
import { SimCredentials } from './credentials.js';
import { STDERR_LOGGER, type SimLogger } from './logger.js';

export type { SimLogger } from './logger.js';
export { signToken } from './credentials.js';

export interface SimOptions {
  name: string;
  nodes: number;
  podsPerNode: number;
  seed?: number;
  /** Simulated Kubernetes minor ('1.24' … '1.35'); default newest, '1.35'. */
  kubernetesVersion?: string;
  host?: string;
  port?: number;
  token?: string;
  /** Initial faults (same JSON as PUT /_sim/faults). */
  faults?: Partial<FaultConfig> & { apiDownForSeconds?: number };
  /** Pod churn: one deployment pod replaced every this many ms (default 10 000; 0 = off). */
  podChurnIntervalMs?: number;
  /** Node events (NotReady, join, leave) every this many ms (default 0 = off). */
  nodeEventIntervalMs?: number;
  /** Periodic compaction like etcd's (default 0 = off; a real apiserver uses 300 000). */
  compactionIntervalMs?: number;
  /** Watch BOOKMARK interval (default 60 000, as a real apiserver). */
  bookmarkIntervalMs?: number;
  /** Watch event history (default 10 000 events); older resourceVersions are compacted (410). */
  historyCapacity?: number;
  /** Open a direct HTTPS kubelet listener per node at its own loopback address (default true). */
  directKubelets?: boolean;
  /** Where the sim logs (default: warnings and errors to stderr). The token is the caller's to redact. */
  logger?: SimLogger;
  /** The last this many nodes are Windows Server workers: their kubelets serve no cAdvisor endpoint (404) and
   *  a summary without what Windows cannot measure (system containers, rlimit, RSS, page faults, PSI, swap). */
  windowsNodes?: number;
  /** The kubelets' housekeeping period: how often their stats take a new sample (default 10 000, ≥ 100). */
  housekeepingMs?: number;
}

export interface SimCluster {
  name: string;
  url: string;
  token: string;
  caPem: string;
  options: SimOptions;
  /* test/demo control */
  deletePod(namespace: string, name: string): void;
  /**
   * Puts any strings (NUL, multi-byte …) into a pod: extra annotations, and the first container's last
   * termination message and reason (a terminated previous run is made up when it had none). Emits MODIFIED.
   */
  setPodStrings(namespace: string, name: string, strings: { annotations?: Record<string, string>; terminationMessage?: string; terminationReason?: string }): void;
  setApiDown(down: boolean): void;
  /** Current faults; replace with setFaults (validated; throws naming the bad key). */
  faults(): FaultConfig;
  setFaults(f: unknown): void;
  /**
   * Restarts the apiserver: every connection drops (watches break mid-stream), connections are refused
   * for `downForMs`, then it listens again on the same port with its history kept. Resolves when it is up.
   */
  restartApiServer(downForMs?: number): Promise<void>;
  /** Forgets the watch history: watches from older resourceVersions get 410. */
  compact(): void;
  setNodeReady(node: string, ready: boolean): void;
  /**
   * Who may call the apiserver and the kubelets: `token` is valid from the start; add more tokens or
   * basic-auth users, revoke any token (a revoked one gets 401 everywhere), count 401s per rejected token.
   */
  credentials: Pick<SimCredentials, 'addToken' | 'revokeToken' | 'addBasicUser' | 'revokeCertUser' | 'rejected' | 'lastCertUser' | 'signingKey' | 'expiredRejections'>;
  /** A client certificate (PEM) signed by the cluster CA for `user`, which the apiserver accepts as that user. */
  issueClientCert(user: string): { certPem: string; keyPem: string };
  /** Node names in order, with their direct kubelet address and port. */
  nodes(): Array<{ name: string; address: string; kubeletPort: number; ready: boolean }>;
  /** Pod count and resourceVersion, for tests and logs. */
  stats(): { nodes: number; pods: number; resourceVersion: number; watches: number; apiRestarts: number };
  /** API requests served so far per caller and call: `<bearer token or cert user> <METHOD> <path>[ watch]` → count. */
  apiRequests(): Map<string, number>;
  stop(): Promise<void>;
}

const SUPPORTED_MINORS = [24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
const PATCH_RELEASE: Record<number, number> = { 24: 17, 25: 16, 26: 15, 27: 16, 28: 15, 29: 14, 30: 14, 31: 13, 32: 9, 33: 5, 34: 1, 35: 0 };
/** Spare addresses in the kubelet certificate for nodes that join later. */
const SPARE_NODES = 64;

export function parseKubernetesVersion(text: string | undefined): { minor: number; gitVersion: string } {
  const v = text ?? '1.35';
  const m = /^v?1\.(\d+)(?:\.(\d+))?$/.exec(v);
  if (!m || !SUPPORTED_MINORS.includes(Number(m[1]))) throw new Error(`kubernetesVersion "${v}": expected 1.24 … 1.35 (e.g. "1.28")`);
  const minor = Number(m[1]);
  return { minor, gitVersion: `v1.${minor}.${m[2] ?? PATCH_RELEASE[minor]}` };
}

function checkOptions(o: SimOptions): void {
  if (!o.name || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.name)) throw new Error(`sim name "${o.name}": expected a DNS label (lower-case letters, digits, '-')`);
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 60_000) throw new Error(`sim nodes ${o.nodes}: expected an integer 1 … 60000`);
  if (!Number.isInteger(o.podsPerNode) || o.podsPerNode < 1 || o.podsPerNode > 250) throw new Error(`sim podsPerNode ${o.podsPerNode}: expected an integer 1 … 250`);
  if (o.housekeepingMs !== undefined && !(o.housekeepingMs >= 100)) throw new Error(`sim housekeepingMs ${o.housekeepingMs}: expected a number of ms ≥ 100`);
}

export async function startSim(o: SimOptions): Promise<SimCluster> {
  checkOptions(o);
  const t0 = Date.now();
  const { minor, gitVersion } = parseKubernetesVersion(o.kubernetesVersion);
  const seed = o.seed ?? 1;
  const host = o.host ?? '127.0.0.1';
  const token = o.token ?? randomBytes(24).toString('base64url');
  const logger = o.logger ?? STDERR_LOGGER;
  const faults = new FaultInjector(seed, o.faults);
  const addresses = Array.from({ length: o.nodes + SPARE_NODES }, (_, i) => nodeAddress(i));
  const pki = createSimPki(o.name, [host, '127.0.0.1'], addresses);
  const world = new World({ name: o.name, seed, minor, gitVersion, historyCapacity: o.historyCapacity ?? 10_000, eventCapacity: 1000, now: Date.now });
  const credentials = new SimCredentials(token);
  const kubelets = new Kubelets(world, faults, pki.kubelet, credentials, logger, undefined, o.housekeepingMs);
  const direct = o.directKubelets ?? true;
  const endpoints: Array<{ address: string; port: number }> = addresses.slice(0, o.nodes).map((address) => ({ address, port: 10250 }));
  if (direct) {
    // The first listener picks the port the others try to share; the rest open in parallel batches.
    endpoints[0] = await kubelets.listen(addresses[0]);
    for (let from = 1; from < o.nodes; from += 256) {
      const batch = Array.from({ length: Math.min(256, o.nodes - from) }, (_, j) => from + j);
      const got = await Promise.all(batch.map((i) => kubelets.listen(addresses[i])));
      batch.forEach((i, j) => (endpoints[i] = got[j]!));
    }
  }
  seedWorld(world, { nodes: o.nodes, podsPerNode: o.podsPerNode, windowsNodes: o.windowsNodes, nodeAddress: (i) => endpoints[i].address, kubeletPort: (i) => endpoints[i].port });
  for (const n of world.nodes.values()) kubelets.bind(n.address, n.kubeletPort, n.name);
  world.onNodeRemoved = (n) => kubelets.dropNode(n.name);

  let nextIndex = o.nodes;
  const joiner = {
    async join(): Promise<NodeState | undefined> {
      if (nextIndex >= addresses.length) return undefined;
      const index = nextIndex++;
      const { address, port } = direct ? await kubelets.listen(addresses[index]) : { address: addresses[index], port: 10250 };
      const n = addNode(world, index, address, port, world.now(), false);
      world.requeueUnscheduled(); // room for pods that fitted nowhere
      n.maxPods = Math.max(110, o.podsPerNode);
      kubelets.bind(address, port, n.name);
      world.recordEvent(world.nodeObject(n.name)!, 'Normal', 'RegisteredNode', `Node ${n.name} event: Registered Node ${n.name} in Controller`, 'node-controller');
      for (const owner of world.owners.values()) if (owner.kind === 'DaemonSet') world.enqueueReconcile(owner);
      return n;
    },
  };
  const dynamics = new Dynamics(world, { podChurnIntervalMs: o.podChurnIntervalMs ?? 10_000, nodeEventIntervalMs: o.nodeEventIntervalMs ?? 0, notReadyDurationMs: 60_000, compactionIntervalMs: o.compactionIntervalMs ?? 0 }, joiner);

  const admin: AdminHandler = async (method, path, query, body) => {
    const parts = path.split('/').filter(Boolean).slice(1);
    try {
      if (parts[0] === 'faults') {
        if (method === 'GET') return { status: 200, body: faults.config };
        if (method === 'PUT' || method === 'PATCH') {
          faults.config = parseFaults(JSON.parse(body || '{}'), method === 'PUT' ? defaultFaults() : faults.config);
          if (faults.apiDown(Date.now())) api.beginOutage();
          return { status: 200, body: faults.config };
        }
      }
      if (method === 'POST' && parts[0] === 'compact') {
        world.store.compact();
        return { status: 200, body: { compactedRv: world.store.compactedRv } };
      }
      if (method === 'POST' && parts[0] === 'watches' && parts[1] === 'cut') return { status: 200, body: { cut: api.cutWatches() } };
      if (method === 'POST' && parts[0] === 'apiserver' && parts[1] === 'restart') {
        const downForMs = Number(query.get('downForMs') ?? 0);
        if (!Number.isFinite(downForMs) || downForMs < 0) return { status: 400, body: { error: 'downForMs: expected a number >= 0' } };
        // After this answer has gone out: the restart drops this very connection too.
        setTimeout(() => void api.restart(downForMs), 50);
        return { status: 202, body: { restarting: true, downForMs } };
      }
      if (method === 'POST' && parts[0] === 'churn') return { status: 200, body: { deleted: dynamics.churnOnePod() ?? null } };
      if (method === 'POST' && parts[0] === 'nodes' && parts.length === 1) {
        const n = await joiner.join();
        return n ? { status: 200, body: { name: n.name, address: n.address, kubeletPort: n.kubeletPort } } : { status: 409, body: { error: 'no spare node address left' } };
      }
      if (method === 'POST' && parts[0] === 'nodes' && parts[2] === 'ready') {
        const n = world.nodes.get(parts[1]);
        if (!n) return { status: 404, body: { error: `node ${parts[1]} not found` } };
        world.setNodeReady(n, query.get('value') !== 'false');
        return { status: 200, body: { name: n.name, ready: n.ready } };
      }
      if (method === 'GET' && parts[0] === 'state') return { status: 200, body: handle.stats() };
      return { status: 404, body: { error: `unknown admin endpoint ${method} ${path} (see docs/SIM.md)` } };
    } catch (e) {
      return { status: 400, body: { error: (e as Error).message } };
    }
  };
  // Declared after the admin handler, which closes over it and only runs once the server listens.
  const api = new ApiServer({ world, faults, kubelets, credentials, caPem: pki.caPem, tls: pki.apiserver, bookmarkIntervalMs: o.bookmarkIntervalMs ?? 60_000, admin, logger });
  const port = await api.listen(host, o.port ?? 0);
  dynamics.start();
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ cluster: o.name, url, nodes: o.nodes, pods: world.podsByUid.size, version: gitVersion, startMs: Date.now() - t0 }, 'simulated cluster started');

  const handle: SimCluster = {
    name: o.name, url, token, caPem: pki.caPem, options: o, credentials,
    issueClientCert: (user) => pki.issueClientCert(user),
    deletePod(namespace, name) {
      const pod = world.store.get('v1/pods', namespace, name);
      if (!pod) throw new Error(`sim ${o.name}: pod ${namespace}/${name} not found`);
      world.removePod(pod as PodRecord); // the store holds pods as PodRecords
    },
    setPodStrings(namespace, name, strings) {
      const pod = world.store.get('v1/pods', namespace, name) as PodRecord | undefined;
      if (!pod) throw new Error(`sim ${o.name}: pod ${namespace}/${name} not found`);
      if (strings.annotations) pod.extraAnnotations = { ...pod.extraAnnotations, ...strings.annotations };
      const first = pod.containers[0];
      if ((strings.terminationMessage !== undefined || strings.terminationReason !== undefined) && first) {
        const at = world.now();
        const last = { reason: 'Error', exitCode: 1, startedAt: at, finishedAt: at, ...first.lastTerminated };
        if (strings.terminationMessage !== undefined) last.message = strings.terminationMessage;
        if (strings.terminationReason !== undefined) last.reason = strings.terminationReason;
        first.lastTerminated = last;
      }
      world.store.touch('v1/pods', pod);
    },
    setApiDown(down) {
      faults.config = { ...faults.config, apiDownUntilMs: down ? Number.MAX_SAFE_INTEGER : 0 };
      if (down) api.beginOutage();
    },
    faults: () => faults.config,
    setFaults(f) {
      faults.config = parseFaults(f);
      if (faults.apiDown(Date.now())) api.beginOutage();
    },
    restartApiServer: (downForMs = 0) => api.restart(downForMs),
    compact: () => world.store.compact(),
    setNodeReady(node, ready) {
      const n = world.nodes.get(node);
      if (!n) throw new Error(`sim ${o.name}: node ${node} not found`);
      world.setNodeReady(n, ready);
    },
    nodes: () => [...world.nodes.values()].map((n) => ({ name: n.name, address: n.address, kubeletPort: n.kubeletPort, ready: n.ready })),
    apiRequests: () => new Map(api.requests),
    stats: () => ({ nodes: world.nodes.size, pods: world.podsByUid.size, resourceVersion: world.store.resourceVersion, watches: world.store.watcherCount(), apiRestarts: api.restarts }),
    async stop() {
      dynamics.stop();
      world.stop();
      await api.stop();
      await kubelets.stop();
    },
  };
  return handle;
}

export async function writeKubeconfig(path: string, sims: SimCluster[]): Promise<void> {
  await writeKubeconfigFile(path, sims.map((s) => ({ name: s.name, url: s.url, token: s.token, caPem: s.caPem })));
}
