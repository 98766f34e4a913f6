// One cluster's connection: credentials from a kubeconfig context or the in-cluster service account
// (loaded by @kubernetes/client-node; `credentials.ts` keeps the Authorization header current: token files,
// basic auth, exec plugins, auth providers), TLS verified against the cluster CA with client certificates
// re-read on rotation, a proxy when the kubeconfig or the environment names one (`transport.ts`), and one
// keep-alive HTTP pool (undici) for the API server and, through it, the kubelets.
import { KubeConfig } from '@kubernetes/client-node';
import { request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import type { RequestOptions } from 'node:https';
import { log } from '../log.js';
import { ClusterAuth } from './credentials.js';
import { userSourceOf } from './token-file.js';
import { ClusterTls, apiDispatcher, proxyFor, type TlsMaterial } from './transport.js';

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

export class ClusterConnection {
  readonly name: string;
  readonly server: URL;
  readonly contextName: string;
  /** The proxy the API server is reached through (null: none). */
  readonly proxy: string | null;
  private dispatcher: Dispatcher;
  private material: TlsMaterial;

  private constructor(
    name: string,
    kc: KubeConfig,
    server: URL,
    private readonly auth: ClusterAuth,
    private readonly clusterTls: ClusterTls,
    private readonly connections: number,
  ) {
    this.name = name;
    this.server = server;
    this.contextName = kc.getCurrentContext();
    this.proxy = proxyFor(server, kc.getCurrentCluster()?.proxyUrl);
    this.material = clusterTls.material();
    this.dispatcher = apiDispatcher(this.material, this.proxy, connections);
  }

  /**
   * The CA and client certificate for a new connection now: re-read (and the API pool replaced) when a
   * certificate file or the exec plugin's certificate changed. The same object until then, so a holder of
   * its own pool (direct kubelet access) knows when to replace it.
   */
  currentTls(): TlsMaterial {
    this.currentDispatcher();
    return this.material;
  }

  /** CA / client certificate material now in use. */
  get tls(): RequestOptions {
    const m = this.material;
    return { ca: m.ca, cert: m.cert, key: m.key, rejectUnauthorized: m.rejectUnauthorized, servername: m.servername };
  }

  /** Refreshes of the credential forced by 401s since the start. */
  get forcedAuthRefreshes(): number {
    return this.auth.forcedRefreshes;
  }

  /** Exec credential plugin runs since the start. */
  get execPluginRuns(): number {
    return this.auth.execRuns;
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
    const user = kc.getCurrentUser();
    const source = o.inCluster ? null : userSourceOf(o.kubeconfig, user?.name);
    const auth = new ClusterAuth(kc, { tokenFile: source?.tokenFile, kubeconfigFile: source?.file });
    await auth.current(); // an exec plugin's client certificate comes with its token
    const tls = new ClusterTls(cluster, user, () => auth.execTls);
    if (cluster.skipTLSVerify) log('cluster').warn({ cluster: o.name }, 'TLS verification of the API server is OFF (insecure-skip-tls-verify in kubeconfig)');
    const conn = new ClusterConnection(o.name, kc, new URL(cluster.server), auth, tls, o.connections ?? 64);
    if (conn.proxy) log('cluster').info({ cluster: o.name, proxy: conn.proxy.replace(/\/\/[^@/]*@/, '//****@') }, 'API server reached through a proxy');
    return conn;
  }

  /** Current auth headers (Authorization …): re-read when due, when a token file changed, or after a 401. */
  authHeaders(): Promise<Record<string, string>> {
    return this.auth.current();
  }

  /** A request sent with these headers was refused 401 (the kubelet client reports its own). */
  async unauthorized(sent: Record<string, string>): Promise<void> {
    await this.auth.rejected(sent.authorization);
  }

  /** The pool for the next request: a new one once a client certificate file changed (rotation). */
  private currentDispatcher(): Dispatcher {
    if (this.clusterTls.changed()) {
      const old = this.dispatcher;
      this.material = this.clusterTls.material();
      this.dispatcher = apiDispatcher(this.material, this.proxy, this.connections);
      log('cluster').info({ cluster: this.name }, 'client certificate changed (on disk or from the exec plugin): new connections use it');
      void old.close().catch(() => old.destroy());
    }
    return this.dispatcher;
  }

  /** Issues a GET (or other method) against the API server; the caller consumes or dumps the body. */
  async raw(
    path: string,
    o: { method?: Dispatcher.HttpMethod; timeoutMs?: number; signal?: AbortSignal; accept?: string; body?: string; contentType?: string; gzip?: boolean } = {},
  ): Promise<RawResponse> {
    const auth = await this.auth.current();
    const headers: Record<string, string> = { ...auth, accept: o.accept ?? 'application/json', 'user-agent': 'kubepulse' };
    if (o.contentType) headers['content-type'] = o.contentType;
    if (o.gzip) headers['accept-encoding'] = 'gzip';
    // A server URL may carry a path prefix (e.g. behind a proxy): append, never resolve.
    const url = this.server.href.replace(/\/$/, '') + path;
    const res = await request(url, {
      method: o.method ?? 'GET',
      headers,
      body: o.body,
      dispatcher: this.currentDispatcher(),
      signal: o.signal,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
    });
    if (res.statusCode === 401) await this.auth.rejected(auth.authorization);
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
