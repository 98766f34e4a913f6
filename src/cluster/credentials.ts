// The Authorization header of one cluster's requests, from whatever the kubeconfig user has: a static
// token, a token file (re-read when the file changes: projected service-account tokens rotate hourly),
// basic auth, an exec plugin or an auth provider (client-node runs those and caches their credential until
// it expires). A 401 re-reads the credential at most once per burst: every request in flight that carried
// the rejected header shares one refresh, and a credential that is still refused is asked for again no
// sooner than MIN_FORCED_REFRESH_MS later, so a revoked token cannot make an exec plugin spawn in a loop.
import type { KubeConfig } from '@kubernetes/client-node';
import { ChangingFile } from './changing-file.js';
import { registerSecret } from '../log.js';

/** Credentials are re-read this often anyway (auth providers, exec plugins without an expiry). */
const AUTH_REFRESH_MS = 60_000;
/** Least time between two refreshes forced by 401s. */
const MIN_FORCED_REFRESH_MS = 30_000;

/** Client material an exec plugin may hand out with its token (client-node puts it on the options). */
export interface ExecTls {
  cert?: string | Buffer;
  key?: string | Buffer;
}

interface ExecCache { tokenCache: Record<string, unknown> }

export class ClusterAuth {
  private headers: Record<string, string> = {};
  private readAt = 0;
  private forcedAt = -Infinity;
  private inFlight: Promise<Record<string, string>> | null = null;
  private readonly tokenFile: ChangingFile | null;
  /** Refreshes forced by 401s (status, tests). */
  forcedRefreshes = 0;
  execTls: ExecTls = {};

  constructor(
    private readonly kc: KubeConfig,
    tokenFile: string | null,
    private readonly now: () => number = Date.now,
  ) {
    this.tokenFile = tokenFile ? new ChangingFile(tokenFile, now) : null;
  }

  /** The current auth headers; re-read when due, or at once when the token file changed. */
  async current(): Promise<Record<string, string>> {
    if (this.inFlight) return this.inFlight;
    const due = this.now() - this.readAt >= AUTH_REFRESH_MS || (this.tokenFile?.changed() ?? false);
    return due ? this.refresh() : this.headers;
  }

  /** A request sent with `authorization` was refused 401. */
  async rejected(authorization: string | undefined): Promise<void> {
    if (this.inFlight) {
      await this.inFlight;
      return;
    }
    // Answers to requests sent before the last refresh say nothing about the credential now in use.
    if (authorization !== this.headers.authorization) return;
    if (this.tokenFile?.changed()) {
      await this.refresh();
      return;
    }
    if (this.now() - this.forcedAt < MIN_FORCED_REFRESH_MS) return;
    this.forcedAt = this.now();
    this.forcedRefreshes++;
    this.dropExecCache();
    await this.refresh();
  }

  private refresh(): Promise<Record<string, string>> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async read(): Promise<Record<string, string>> {
    const user = this.kc.getCurrentUser();
    const headers: Record<string, string> = {};
    if (user?.username) {
      // Basic auth: client-node leaves it in `opts.auth`, which an undici request ignores.
      headers.authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
      registerSecret(user.password ?? '', { rotating: false });
    } else {
      const opts: { headers: Record<string, unknown>; cert?: string | Buffer; key?: string | Buffer } = { headers: {} };
      await this.kc.applyToHTTPSOptions(opts);
      for (const [k, v] of Object.entries(opts.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
      if (this.tokenFile) headers.authorization = `Bearer ${this.tokenFile.read().toString('utf8').trim()}`;
      if (user?.exec || user?.authProvider) this.execTls = { cert: opts.cert, key: opts.key };
    }
    const auth = headers.authorization;
    if (auth) registerSecret(auth.replace(/^(Bearer|Basic)\s+/i, ''), { rotating: true });
    this.headers = headers;
    this.readAt = this.now();
    return headers;
  }

  /**
   * client-node keeps an exec plugin's credential until its expiry, even once the server refuses it; a
   * forced refresh must run the plugin again. Its ExecAuth is not exported: found by its cache field.
   */
  private dropExecCache(): void {
    const user = this.kc.getCurrentUser();
    if (!user?.exec && !user?.authProvider) return;
    const authenticators = (this.kc as unknown as { authenticators?: unknown[] }).authenticators ?? [];
    for (const a of authenticators) {
      const cache = (a as Partial<ExecCache>).tokenCache;
      if (cache && typeof cache === 'object') delete cache[user.name];
    }
  }
}
