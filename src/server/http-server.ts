// The HTTP server of the collector and of `kubepulse view`: a router (exact paths and prefixes) that the
// collector (/healthz, /readyz, /api/status, /metrics, /api/reload) and the viewer register routes on.
// Loopback by default; a bearer token is required (and checked in constant time) whenever a token is
// configured, which the config insists on off loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { log, scrubKnownSecrets } from '../log.js';

interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  body?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** `res` is for streaming handlers (server-sent events): they write it themselves and return nothing. */
export type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => Promise<Reply | void> | Reply | void;

export interface HttpServerOptions {
  listen: string;
  token?: string;
  /** Paths served without the token (probes must work for orchestrators without credentials). */
  public?: string[];
}

/** Methods a route answers; any other gets 405 with an Allow header. Reading routes take GET (and HEAD). */
const READ_METHODS = ['GET', 'HEAD'];

interface Route {
  handler: Handler;
  methods: string[];
}

export class HttpServer {
  private readonly routes = new Map<string, Route>();
  private readonly prefixes: Array<[string, Route]> = [];
  private server: Server | null = null;
  address = '';

  constructor(private readonly o: HttpServerOptions) {}

  route(path: string, h: Handler, o: { methods?: string[] } = {}): void {
    this.routes.set(path, { handler: h, methods: o.methods ?? READ_METHODS });
  }

  /** Handles every path under `prefix` (e.g. '/api/nodes/'). */
  prefix(prefix: string, h: Handler, o: { methods?: string[] } = {}): void {
    this.prefixes.push([prefix, { handler: h, methods: o.methods ?? READ_METHODS }]);
    this.prefixes.sort((a, b) => b[0].length - a[0].length);
  }

  async start(): Promise<string> {
    const { host, port } = splitListen(this.o.listen);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const a = this.server.address();
    this.address = typeof a === 'object' && a ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : String(a);
    log('server').info({ address: `http://${this.address}` }, 'HTTP server listening');
    return this.address;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    this.server = null;
    s.closeIdleConnections?.();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private authorized(req: IncomingMessage, path: string): boolean {
    if (!this.o.token || (this.o.public ?? ['/healthz', '/readyz']).includes(path)) return true;
    // The scheme name is case-insensitive (RFC 7235 §2.1): "bearer" and "BEARER" are Bearer too.
    const scheme = /^bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const given = scheme ? scheme[1] : new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(this.o.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return send(res, { status: 400, json: { error: 'bad request URL' } });
    }
    if (!this.authorized(req, url.pathname)) {
      return send(res, { status: 401, json: { error: 'unauthorized: a bearer token is required' }, headers: { 'www-authenticate': 'Bearer' } });
    }
    const route = this.routes.get(url.pathname) ?? this.prefixes.find(([p]) => url.pathname.startsWith(p))?.[1];
    if (!route) return send(res, { status: 404, json: { error: `no such path: ${url.pathname}` } });
    if (!route.methods.includes(req.method ?? 'GET')) {
      return send(res, { status: 405, json: { error: `method ${req.method} not allowed on ${url.pathname} (allowed: ${route.methods.join(', ')})` }, headers: { allow: route.methods.join(', ') } });
    }
    try {
      const reply = await route.handler(req, url, res);
      if (reply && !res.headersSent) send(res, reply);
    } catch (e) {
      const err = e as Error & { statusCode?: number };
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (status >= 500) log('server').error({ err: err.message, path: url.pathname }, 'request failed');
      if (!res.headersSent) send(res, { status, json: { error: err.message } });
      else res.end();
    }
  }
}

/** An error whose message is safe to show the client, with its HTTP status (bad query parameters …). */
export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, r: Reply): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...r.headers };
  let body: Buffer | string;
  // A registered secret (a database password, a cluster token) never leaves in an answer, whatever
  // error message or status field carried it.
  if (r.json !== undefined) {
    body = scrubKnownSecrets(JSON.stringify(r.json));
    headers['content-type'] = r.contentType ?? 'application/json; charset=utf-8';
  } else if (r.text !== undefined) {
    body = scrubKnownSecrets(r.text);
    headers['content-type'] = r.contentType ?? 'text/plain; charset=utf-8';
  } else {
    body = r.body ?? '';
    if (r.contentType) headers['content-type'] = r.contentType;
  }
  res.writeHead(r.status ?? 200, headers);
  res.end(body);
}

function splitListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!m) throw new Error(`server.listen: expected host:port, got ${JSON.stringify(listen)}`);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}
