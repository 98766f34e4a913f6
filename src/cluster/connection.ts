// One cluster's connection: credentials from a kubeconfig context or the in-cluster service account
// (loaded by @kubernetes/client-node, which knows every auth flavour: tokens, token files, client certs,
// exec plugins), TLS verified against the cluster CA, and one keep-alive HTTP pool (undici) for the
// API server and, through it, the kubelets.
import { KubeConfig } from '@kubernetes/client-node';
import { Agent, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import type { RequestOptions } from 'node:https';
import { log, registerSecret } from '../log.js';

export interface ConnectionOptions {
  name: string;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  /** Sockets to the API server (watches hold one each; scrapes share the rest). */
  connections?: number;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer>; dump(): Promise<void> };
}

/** Auth headers are re-read this often so that rotating tokens (token files, exec plugins) keep working. */
const AUTH_REFRESH_MS = 60_000;

export class ClusterConnection {
  readonly name: string;
  readonly server: URL;
  readonly contextName: string;
  private readonly kc: KubeConfig;
  private readonly dispatcher: Agent;
  /** CA / client certificate material from the kubeconfig (direct kubelet access reuses it). */
  readonly tls: RequestOptions;
  private cachedAuth: Record<string, string> = {};
  private authReadAt = 0;

  private constructor(name: string, kc: KubeConfig, server: URL, tls: RequestOptions, connections: number) {
    this.name = name;
    this.kc = kc;
    this.server = server;
    this.contextName = kc.getCurrentContext();
    this.tls = tls;
    this.dispatcher = new Agent({
      connections,
      keepAliveTimeout: 30_000,
      pipelining: 1,
      connect: {
        ca: tls.ca as string | undefined,
        cert: tls.cert as string | undefined,
        key: tls.key as string | undefined,
        rejectUnauthorized: tls.rejectUnauthorized !== false,
        servername: (tls as { servername?: string }).servername,
      },
    });
  }

  static async open(o: ConnectionOptions): Promise<ClusterConnection> {
    const kc = new KubeConfig();
    if (o.inCluster) kc.loadFromCluster();
    else if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
    else kc.loadFromDefault();
    if (o.context) {
      if (!kc.getContextObject(o.context)) {
        const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
        throw new Error(`cluster ${o.name}: context "${o.context}" not found in kubeconfig (known: ${known})`);
      }
      kc.setCurrentContext(o.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`cluster ${o.name}: kubeconfig has no current cluster (set a context)`);
    const tls: RequestOptions = {};
    await kc.applyToHTTPSOptions(tls);
    if (cluster.skipTLSVerify) log('cluster').warn({ cluster: o.name }, 'TLS verification of the API server is OFF (insecure-skip-tls-verify in kubeconfig)');
    const conn = new ClusterConnection(o.name, kc, new URL(cluster.server), tls, o.connections ?? 64);
    await conn.refreshAuth(true);
    return conn;
  }

  /** Current auth headers (Authorization …), re-read from the kubeconfig at most once a minute. */
  authHeaders(): Promise<Record<string, string>> {
    return this.refreshAuth();
  }

  private async refreshAuth(force = false): Promise<Record<string, string>> {
    if (!force && Date.now() - this.authReadAt < AUTH_REFRESH_MS) return this.cachedAuth;
    const opts: RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const auth = headers.authorization;
    if (auth) registerSecret(auth.replace(/^Bearer\s+/i, ''), { rotating: true }); // re-registered each refresh: stays fresh
    this.cachedAuth = headers;
    this.authReadAt = Date.now();
    return headers;
  }

  /** Issues a GET (or other method) against the API server; the caller consumes or dumps the body. */
  async raw(
    path: string,
    o: { method?: Dispatcher.HttpMethod; timeoutMs?: number; signal?: AbortSignal; accept?: string; body?: string; contentType?: string; gzip?: boolean } = {},
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { ...(await this.refreshAuth()), accept: o.accept ?? 'application/json', 'user-agent': 'kubepulse' };
    if (o.contentType) headers['content-type'] = o.contentType;
    if (o.gzip) headers['accept-encoding'] = 'gzip';
    // A server URL may carry a path prefix (e.g. behind a proxy): append, never resolve.
    const url = this.server.href.replace(/\/$/, '') + path;
    const res = await request(url, {
      method: o.method ?? 'GET',
      headers,
      body: o.body,
      dispatcher: this.dispatcher,
      signal: o.signal,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
    });
    if (res.statusCode === 401) this.authReadAt = 0; // re-read credentials on the next call
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  /** GET a JSON document; non-2xx becomes an HttpError carrying the Status reason and Retry-After. */
  async getJson<T>(path: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    const res = await this.raw(path, o);
    const text = await res.body.text();
    if (res.status < 200 || res.status > 299) throw httpErrorFrom(res.status, res.headers, text, `GET ${path}`);
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`GET ${path}: response is not JSON (${(e as Error).message}; ${text.length} bytes)`, { cause: e });
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close().catch(() => this.dispatcher.destroy());
  }
}

/** Builds an HttpError from a Kubernetes Status body (or plain text, as kubelets answer). */
export function httpErrorFrom(status: number, headers: RawResponse['headers'], text: string, what: string): HttpError {
  let reason = '';
  let message = text.slice(0, 300).trim();
  try {
    const s = JSON.parse(text) as { kind?: string; reason?: string; message?: string };
    if (s && s.kind === 'Status') {
      reason = s.reason ?? '';
      message = s.message ?? message;
    }
  } catch {
    /* plain text body */
  }
  const ra = headers['retry-after'];
  const retryAfterS = typeof ra === 'string' && /^\d+$/.test(ra) ? Number(ra) : null;
  return new HttpError(status, reason, `${what}: HTTP ${status}${reason ? ` ${reason}` : ''}: ${message}`, retryAfterS);
}
