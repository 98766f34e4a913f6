// The world's kubelets: one SimKubelet per node (content from kubelet/, created on first use so
// 5,000 idle nodes cost nothing), reachable through the apiserver proxy and directly over HTTPS at each
// node's own loopback address (127.0.x.y) and kubelet port, as node.status lists them.
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCredentials } from './credentials.js';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { World } from './model/world.js';
import type { SimNodeView } from './kubelet/view.js';
import { createKubelet, type SimKubelet } from './kubelet/index.js';
import type { FaultInjector } from './faults.js';
import { resetConnection } from './apiserver/sink.js';
import type { SimLogger } from './logger.js';

type CreateKubelet = typeof createKubelet;

export class Kubelets {
  private byNode = new Map<string, SimKubelet>();
  private https: Server | undefined;
  private listeners: NetServer[] = [];
  private nodeByAddressPort = new Map<string, string>();
  private port = 0;

  constructor(private world: World, private faults: FaultInjector, private tls: { certPem: string; keyPem: string }, private credentials: SimCredentials, private logger: SimLogger, private create: CreateKubelet = createKubelet, private housekeepingMs?: number) {}

  kubelet(node: string): SimKubelet | undefined {
    let k = this.byNode.get(node);
    if (!k && this.world.nodes.has(node)) {
      const w = this.world;
      k = this.create(() => w.nodeView(node) ?? emptyView(node), { containerRestarted: (uid, c, reason, at) => w.containerRestarted(uid, c, reason, at) }, { now: w.options.now, logger: this.logger, housekeepingMs: this.housekeepingMs });
      this.byNode.set(node, k);
    }
    if (k) k.setFaults({ frozenSummary: this.faults.kubeletSpec(node).frozenSummary ?? false });
    return k;
  }

  dropNode(node: string): void {
    this.byNode.get(node)?.dispose();
    this.byNode.delete(node);
  }

  /**
   * Opens a direct listener on `address`; returns the port (the same for every node when free). One HTTPS
   * server and one TLS context serve all nodes: each address gets only a plain TCP listener that hands its
   * connections over, so 5,000 nodes cost 5,000 sockets, not 5,000 TLS servers.
   */
  async listen(wanted: string): Promise<{ address: string; port: number }> {
    let address = wanted;
    if (!this.https) {
      this.https = createHttpsServer({ cert: this.tls.certPem, key: this.tls.keyPem }, (req, res) => this.handleDirect(req, res));
      this.https.keepAliveTimeout = 30_000;
    }
    const https = this.https;
    const listener = createNetServer((socket) => https.emit('connection', socket));
    const tryListen = (port: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const onError = (e: Error): void => reject(e);
        listener.once('error', onError);
        listener.listen(port, address, () => {
          listener.off('error', onError);
          resolve((listener.address() as { port: number }).port);
        });
      });
    let port: number;
    try {
      port = await tryListen(address === '127.0.0.1' ? 0 : this.port);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL') {
        // Only 127.0.0.1 is configured (macOS by default): nodes share it, each with its own port.
        address = '127.0.0.1';
        port = await tryListen(0);
      } else if (code === 'EADDRINUSE' && this.port !== 0) {
        port = await tryListen(0);
      } else throw e;
    }
    if (this.port === 0) this.port = port;
    this.listeners.push(listener);
    return { address, port };
  }

  bind(address: string, port: number, node: string): void {
    this.nodeByAddressPort.set(`${address}:${port}`, node);
  }

  private handleDirect(req: IncomingMessage, res: ServerResponse): void {
    const node = this.nodeByAddressPort.get(`${req.socket.localAddress}:${req.socket.localPort}`);
    if (!this.credentials.allows(req.headers.authorization)) {
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('Unauthorized');
      return;
    }
    if (!node || !this.world.nodes.has(node)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('404 page not found\n');
      return;
    }
    void this.serveWithFaults(node, req.url ?? '/', res);
  }

  /** Serves one kubelet path for `node`, through that node's faults. Used by the proxy and direct servers. */
  async serveWithFaults(node: string, path: string, res: ServerResponse): Promise<void> {
    const spec = this.faults.kubeletSpec(node);
    const d = this.faults.decide(spec);
    if (d.delayMs > 0) await new Promise((r) => setTimeout(r, d.delayMs));
    if (d.reset) {
      resetConnection(res.socket);
      res.destroy();
      return;
    }
    if (d.errorCode) {
      const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
      if (d.errorCode === 429 || d.errorCode === 503) headers['Retry-After'] = '1';
      res.writeHead(d.errorCode, headers);
      res.end(`simulated kubelet error ${d.errorCode}\n`);
      return;
    }
    const k = this.kubelet(node);
    if (!k) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('404 page not found\n');
      return;
    }
    const out = k.serveBytes(path);
    // The body's memory is recycled for later pages once the response is done with it ('close' follows
    // the socket's last write callback, or the connection's end).
    res.once('close', out.release);
    let body = out.body;
    if (d.body === 'malformed') body = malformed(body);
    res.writeHead(out.status, { 'Content-Type': out.contentType, ...(out.headers ?? {}), ...(d.body === 'truncate' ? {} : { 'Content-Length': body.length }) });
    if (d.body === 'truncate') {
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      setTimeout(() => res.destroy(), 10).unref();
      return;
    }
    res.end(body);
  }

  async stop(): Promise<void> {
    for (const k of this.byNode.values()) k.dispose();
    this.byNode.clear();
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
    this.listeners = [];
    if (this.https) {
      const https = this.https;
      https.closeAllConnections();
      await new Promise<void>((r) => https.close(() => r()));
      this.https = undefined;
    }
  }
}

/** The body with an invalid member after its first '{' (a kubelet writing broken JSON); unchanged without one. */
export function malformed(body: Buffer): Buffer {
  const brace = body.indexOf(0x7b);
  if (brace < 0) return body;
  return Buffer.concat([body.subarray(0, brace + 1), Buffer.from('"node":,', 'latin1'), body.subarray(brace + 1)]);
}

function emptyView(name: string): SimNodeView {
  return { name, address: '127.0.0.1', kubeletPort: 0, cpuCores: 1, memoryBytes: 1, startTime: new Date(0), kubernetesVersion: 'v1.35.0', ready: false, pods: [], seed: 0 };
}

/** The node's own loopback address: 127.0.x.y, 250 nodes per /24. */
export function nodeAddress(index: number): string {
  return `127.0.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`;
}
