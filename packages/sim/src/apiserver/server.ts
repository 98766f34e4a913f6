// The simulated kube-apiserver: HTTPS, bearer-token auth, discovery, list/watch/get per resource, writes,
// the node proxy to the kubelets, simulated RBAC and fault injection, and the admin endpoint (/_sim/…,
// documented in docs/SIM.md) that changes faults and dynamics at run time.
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { World } from '../model/world.js';
import { resourceByPath, groupVersion, type ResourceDef } from '../model/resources.js';
import type { FaultInjector } from '../faults.js';
import type { Kubelets } from '../kubelets.js';
import { AGGREGATED_CONTENT_TYPE, aggregatedCore, aggregatedGroups, wantsAggregated } from './aggregated-discovery.js';
import { apiGroupList, apiVersions, resourceList, versionInfo } from './discovery.js';
import { acceptsJson, openApiV2, openApiV3GroupVersion, openApiV3Index, openApiV3PathGroupVersion } from './openapi.js';
import { ApiError, badRequest, forbidden, internalError, methodNotAllowed, notFound, sendStatus, serviceUnavailable, tooManyRequests, unauthorized } from './status.js';
import { serveList } from './list.js';
import { queryBool } from './query.js';
import { serveWatch, type ActiveWatch } from './watch.js';
import { resetConnection, responseSink } from './sink.js';
import { scaleTable, tableOf, wantsTable } from './table.js';
import { metricsApi } from './metrics-api.js';
import { deleteObject, patchObject, requireObject, scaleObject, writeScale } from './writes.js';
import type { SimLogger } from '../logger.js';
import type { SimCredentials } from '../credentials.js';

const MAX_BODY_BYTES = 1024 * 1024;
const DISCOVERY_SLASHED = new Set(['/version/', '/api/', '/apis/', '/openapi/v2/', '/openapi/v3/']);

export interface AdminHandler {
  (method: string, path: string, query: URLSearchParams, body: string): Promise<{ status: number; body: unknown }>;
}

export interface ApiServerDeps {
  world: World;
  faults: FaultInjector;
  kubelets: Kubelets;
  credentials: SimCredentials;
  /** The cluster CA: client certificates it signed authenticate their common name. */
  caPem: string;
  tls: { certPem: string; keyPem: string };
  bookmarkIntervalMs: number;
  admin: AdminHandler;
  logger: SimLogger;
}

interface Route {
  def: ResourceDef;
  resource: string;
  namespace?: string;
  name?: string;
  sub?: string;
  /** Remainder after /proxy for node proxy requests. */
  proxyPath?: string;
  watch: boolean;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, 'RequestEntityTooLarge', `request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, bodyFault: 'none' | 'truncate' | 'malformed' = 'none', contentType = 'application/json'): void {
  let text = JSON.stringify(body);
  if (bodyFault === 'malformed') text = text.replace('{', '{"kind":,');
  if (bodyFault === 'truncate') {
    res.writeHead(status, { 'Content-Type': contentType });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    setTimeout(() => res.destroy(), 10).unref();
    return;
  }
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Parses /api/v1/… and /apis/{g}/{v}/… into a resource route; undefined for non-resource paths. */
export function parseResourcePath(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let gv: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    gv = 'v1';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    gv = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else return undefined;
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && resourceByPath(gv, rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = resourceByPath(gv, rest[0]);
  if (!def) throw notFound(rest[0], rest[1] ?? '', gv.includes('/') ? gv.split('/')[0] : '');
  const route: Route = { def, resource: `${groupVersion(def)}/${def.plural}`, namespace, name: rest[1], sub: rest[2], watch };
  if (route.sub === 'proxy') route.proxyPath = '/' + rest.slice(3).join('/');
  return route;
}

export class ApiServer {
  readonly server: Server;
  /** API requests per caller and call, `<bearer token or cert user> <METHOD> <path>[ watch]` → count. */
  readonly requests = new Map<string, number>();
  private watches = new Set<ActiveWatch>();
  private pendingTimers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private deps: ApiServerDeps) {
    // Client certificates are asked for, never required: a request with one signed by the cluster CA is
    // that user's (SimCredentials decides), one without it needs a token or basic auth.
    this.server = createServer({ cert: deps.tls.certPem, key: deps.tls.keyPem, ca: deps.caPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (e instanceof ApiError) sendStatus(res, e);
        else {
          this.deps.logger.error({ err: e, url: req.url }, 'simulated apiserver failed a request');
          sendStatus(res, internalError(e instanceof Error ? e.message : String(e)));
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as { port: number }).port));
    });
  }

  private authorized(req: IncomingMessage): boolean {
    return this.deps.credentials.allows(req.headers.authorization, clientCertUser(req));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sim');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    // Health and version are public on a real apiserver (system:public-info-viewer).
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      if (this.deps.faults.apiDown(Date.now())) throw serviceUnavailable();
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (!this.authorized(req)) throw unauthorized();
    if (path.startsWith('/_sim/')) {
      const body = method === 'GET' ? '' : await readBody(req);
      const out = await this.deps.admin(method, path, url.searchParams, body);
      sendJson(res, out.status, out.body);
      return;
    }
    const watching = path.includes('/watch/') || ['1', 'true'].includes(url.searchParams.get('watch') ?? '');
    const key = `${callerOf(req)} ${method} ${path}${watching ? ' watch' : ''}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const faults = this.deps.faults;
    if (faults.apiDown(Date.now())) throw serviceUnavailable();
    const d = faults.decide(faults.config.api);
    if (d.delayMs > 0) await new Promise((r) => setTimeout(r, d.delayMs));
    if (d.reset) {
      resetConnection(req.socket);
      return;
    }
    if (d.errorCode === 429) throw tooManyRequests(1);
    if (d.errorCode === 503) throw serviceUnavailable();
    if (d.errorCode) throw internalError();

    if (method === 'GET') {
      // Discovery answers with and without a trailing slash, as a real apiserver does.
      const doc = DISCOVERY_SLASHED.has(path) ? path.slice(0, -1) : path;
      if (doc === '/version') return sendJson(res, 200, versionInfo(this.deps.world.options.gitVersion), d.body === 'reset' ? 'none' : d.body);
      if ((doc === '/api' || doc === '/apis') && wantsAggregated(req.headers.accept)) {
        return sendJson(res, 200, doc === '/api' ? aggregatedCore() : aggregatedGroups(), 'none', AGGREGATED_CONTENT_TYPE);
      }
      if (doc === '/api') return sendJson(res, 200, apiVersions());
      if (doc === '/apis') return sendJson(res, 200, apiGroupList());
      if (doc === '/openapi/v2' || doc.startsWith('/openapi/v3')) {
        if (!acceptsJson(req.headers.accept)) throw new ApiError(406, 'NotAcceptable', `only application/json is served at ${doc}, not ${req.headers.accept}`);
        const gitVersion = this.deps.world.options.gitVersion;
        if (doc === '/openapi/v2') return sendJson(res, 200, openApiV2(gitVersion));
        if (doc === '/openapi/v3') return sendJson(res, 200, openApiV3Index(gitVersion));
        const gvDoc = openApiV3GroupVersion(openApiV3PathGroupVersion(doc) ?? '', gitVersion);
        if (!gvDoc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        return sendJson(res, 200, gvDoc);
      }
      const metrics = metricsApi(this.deps.world, this.deps.kubelets, path);
      if (metrics !== undefined) return sendJson(res, 200, metrics);
      const gvMatch = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/?$/.exec(path);
      if (gvMatch) {
        const list = resourceList(gvMatch[1] ?? gvMatch[2]);
        if (!list) throw notFound('', '');
        return sendJson(res, 200, list);
      }
    }
    const route = parseResourcePath(path);
    if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const verb = verbOf(method, route, url.searchParams);
    if (faults.forbidden(route.def.plural, verb, route.namespace)) throw forbidden('kubepulse-sim', verb, route.def.plural, route.def.group, route.namespace);
    const world = this.deps.world;
    const store = world.store;

    if (route.sub === 'proxy' && route.def.plural === 'nodes') {
      const nodeName = route.name!.split(':')[0];
      if (!world.nodes.has(nodeName)) throw notFound('nodes', nodeName);
      const proxied = route.proxyPath + (url.search ?? '');
      await this.deps.kubelets.serveWithFaults(nodeName, proxied, res);
      return;
    }

    if (verb === 'list' || verb === 'watch') {
      if (route.namespace && !store.get('v1/namespaces', undefined, route.namespace) && route.def.namespaced) {
        // Listing in a namespace that does not exist is an empty list on a real server, not a 404.
      }
      const listReq = { def: route.def, resource: route.resource, namespace: route.namespace, query: url.searchParams, table: wantsTable(req.headers.accept) };
      if (verb === 'watch') {
        const w = serveWatch(store, listReq, res, { bookmarkIntervalMs: this.deps.bookmarkIntervalMs, cutAfterMs: faults.config.watchCutAfterMs, chunkBytes: faults.config.watchChunkBytes, rng: () => world.rng.next() });
        this.watches.add(w);
        res.on('close', () => this.watches.delete(w));
        return;
      }
      const throttled = listReq.query.get('continue') ? faults.throttlePage() : null;
      if (throttled !== null) throw tooManyRequests(throttled);
      await serveList(store, listReq, responseSink(res, d.body));
      return;
    }

    const name = route.name!;
    const obj = requireObject(world, route.def, route.resource, route.namespace, name);
    if (route.sub === 'scale') {
      if (!route.def.scalable) throw notFound(route.def.plural, name);
      if (method === 'GET') {
        const scale = scaleObject(obj);
        if (wantsTable(req.headers.accept)) return sendJson(res, 200, scaleTable(scale, obj.metadata.resourceVersion, url.searchParams.get('includeObject')));
        return sendJson(res, 200, scale);
      }
      if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed(method);
      const body = await readBody(req);
      return sendJson(res, 200, writeScale(world, route.def, obj, method, req.headers['content-type'] ?? '', body));
    }
    if (route.sub && route.sub !== 'status') throw notFound(`${route.def.plural}/${route.sub}`, name);
    switch (method) {
      case 'GET':
        if (wantsTable(req.headers.accept)) return sendJson(res, 200, tableOf(route.def, [obj], { resourceVersion: obj.metadata.resourceVersion }, url.searchParams.get('includeObject'), Date.now()));
        return sendJson(res, 200, obj, d.body === 'reset' ? 'none' : d.body);
      case 'PATCH': {
        const body = await readBody(req);
        return sendJson(res, 200, patchObject(world, route.def, route.resource, obj, req.headers['content-type'] ?? '', body));
      }
      case 'DELETE': {
        const body = await readBody(req);
        let grace: number | undefined = url.searchParams.has('gracePeriodSeconds') ? Number(url.searchParams.get('gracePeriodSeconds')) : undefined;
        if (body.trim()) {
          try {
            const opts = JSON.parse(body) as { gracePeriodSeconds?: unknown };
            if (typeof opts.gracePeriodSeconds === 'number') grace = opts.gracePeriodSeconds;
          } catch {
            throw badRequest('DeleteOptions: the body is not valid JSON');
          }
        }
        const out = deleteObject(world, route.def, route.resource, obj, grace, (fn, ms) => this.schedule(fn, ms));
        return sendJson(res, 200, out.body);
      }
      default:
        throw methodNotAllowed(method);
    }
  }

  private schedule(fn: () => void, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.pendingTimers.delete(t);
      fn();
    }, ms);
    this.pendingTimers.add(t);
  }

  /** Ends every watch (clients see the stream end and re-watch), as an apiserver restart would. */
  cutWatches(): number {
    const n = this.watches.size;
    for (const w of [...this.watches]) w.close();
    return n;
  }

  /**
   * An apiserver restart: every connection is dropped mid-stream (open watches break, they do not end
   * cleanly), new connections are refused for `downForMs`, then the server listens again on the same
   * address. The watch history survives (it is etcd's), so watches can resume where they were.
   */
  async restart(downForMs: number): Promise<void> {
    const { address, port } = this.server.address() as { address: string; port: number };
    this.restarts++;
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
    if (downForMs > 0) await new Promise((r) => setTimeout(r, downForMs));
    if (!this.stopped) await this.listen(address, port);
  }

  /** Restarts so far (GET /_sim/state). */
  restarts = 0;

  /** An outage starts: open watches end and idle keep-alive connections close, as when an apiserver dies. */
  beginOutage(): void {
    this.cutWatches();
    this.server.closeIdleConnections();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.pendingTimers) clearTimeout(t);
    this.pendingTimers.clear();
    this.cutWatches();
    if (!this.server.listening) return; // stopped in the middle of a restart
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

function verbOf(method: string, route: Route, q: URLSearchParams): string {
  if (method === 'GET') {
    if (route.watch || queryBool(q, 'watch')) return 'watch';
    return route.name ? 'get' : 'list';
  }
  return { PATCH: 'patch', PUT: 'update', DELETE: 'delete', POST: 'create' }[method] ?? method.toLowerCase();
}

/** The common name of a client certificate the cluster CA signed, or undefined. */
/** Who made a request, for the request counts: its bearer token, else its certificate's user. */
function callerOf(req: IncomingMessage): string {
  const auth = req.headers.authorization ?? '';
  return auth.startsWith('Bearer ') ? auth.slice(7) : clientCertUser(req) ?? '-';
}

function clientCertUser(req: IncomingMessage): string | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' ? cn : undefined;
}
