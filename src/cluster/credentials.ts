// The Authorization header of one cluster's requests, from whatever the kubeconfig user has: a static
// token, a token file (re-read when the file changes: projected service-account tokens rotate hourly),
// basic auth, an exec plugin (`exec-credential.ts`: kept until shortly before its expiry, refreshed in the
// background while the old credential still holds; its client certificate replaces the pool's) or an auth
// provider (client-node runs those). A 401 re-reads the credential at most once per burst: every request in
// flight that carried the rejected header shares one refresh, and a credential that is still refused is
// asked for again no sooner than MIN_FORCED_REFRESH_MS later, so a revoked token cannot make an exec plugin
// spawn in a loop.
import type { KubeConfig } from '@kubernetes/client-node';
import { ChangingFile } from './changing-file.js';
import { execConfigOf, refreshAt, runExecPlugin, type ExecResult } from './exec-credential.js';
import { log, registerSecret } from '../log.js';

/** Credentials other than exec plugins' are re-read this often anyway (auth providers). */
const AUTH_REFRESH_MS = 60_000;
/** Least time between two refreshes forced by 401s. */
const MIN_FORCED_REFRESH_MS = 30_000;
/** After a failed exec plugin run, the next one waits this long (doubling up to the cap). */
const EXEC_RETRY_MS = 1_000;
const EXEC_RETRY_CAP_MS = 30_000;

/** Client material an exec plugin may hand out with (or instead of) its token. */
export interface ExecTls {
  cert?: string | Buffer;
  key?: string | Buffer;
}

interface ExecCache { tokenCache: Record<string, unknown> }

export interface ClusterAuthOptions {
  tokenFile?: string | null;
  /** The kubeconfig file defining the user (a relative exec command is relative to it). */
  kubeconfigFile?: string | null;
  now?: () => number;
}

export class ClusterAuth {
  private headers: Record<string, string> = {};
  private readAt = 0;
  private forcedAt = -Infinity;
  private inFlight: Promise<Record<string, string>> | null = null;
  private readonly tokenFile: ChangingFile | null;
  private readonly now: () => number;
  private readonly kubeconfigFile: string | null;
  /** The exec plugin's credential now in use, and when to ask again. */
  private exec: ExecResult | null = null;
  private execDueAt = 0;
  private execFailures = 0;
  private execError: Error | null = null;
  /** Refreshes forced by 401s (status, tests). */
  forcedRefreshes = 0;
  /** Exec plugin runs (status, tests). */
  execRuns = 0;
  /** Replaced (a new object) only when the certificate or key changes: the connection compares identity. */
  execTls: ExecTls = {};

  constructor(
    private readonly kc: KubeConfig,
    o: ClusterAuthOptions = {},
  ) {
    this.now = o.now ?? Date.now;
    this.tokenFile = o.tokenFile ? new ChangingFile(o.tokenFile, this.now) : null;
    this.kubeconfigFile = o.kubeconfigFile ?? null;
  }

  private get usesExec(): boolean {
    return Boolean(this.kc.getCurrentUser()?.exec);
  }

  /** The current auth headers; re-read when due, or at once when the token file changed. */
  async current(): Promise<Record<string, string>> {
    if (this.usesExec) return this.currentExec();
    if (this.inFlight) return this.inFlight;
    const due = this.now() - this.readAt >= AUTH_REFRESH_MS || (this.tokenFile?.changed() ?? false);
    return due ? this.refresh() : this.headers;
  }

  /** An exec credential still valid is used while its successor is fetched; an expired one waits for it. */
  private async currentExec(): Promise<Record<string, string>> {
    const now = this.now();
    const valid = this.exec !== null && (this.exec.expiresAt === null || now < this.exec.expiresAt);
    if (now >= this.execDueAt && !this.inFlight) {
      const next = this.refresh();
      if (!valid) return next;
      next.catch(() => undefined); // logged in readExec(); the valid credential serves meanwhile
      return this.headers;
    }
    if (valid) return this.headers;
    if (this.inFlight) return this.inFlight;
    throw this.execError ?? new Error('exec plugin credential expired');
  }

  /** A request sent with `authorization` was refused 401. */
  async rejected(authorization: string | undefined): Promise<void> {
    if (this.inFlight) {
      await this.inFlight.catch(() => undefined);
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
    this.dropProviderCache();
    await this.refresh().catch(() => undefined); // the next request reports it
  }

  private refresh(): Promise<Record<string, string>> {
    this.inFlight ??= (this.usesExec ? this.readExec() : this.read()).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async readExec(): Promise<Record<string, string>> {
    const user = this.kc.getCurrentUser()!; // usesExec
    this.execRuns++;
    let got: ExecResult;
    try {
      got = await runExecPlugin(execConfigOf(user.exec, user.name, this.kubeconfigFile), this.kc.getCurrentCluster(), user.name);
    } catch (e) {
      this.execError = e as Error;
      const wait = Math.min(EXEC_RETRY_CAP_MS, EXEC_RETRY_MS * 2 ** this.execFailures++);
      this.execDueAt = this.now() + wait;
      log('cluster').error({ user: user.name, err: this.execError.message, retryInMs: wait }, 'exec credential plugin failed');
      throw this.execError;
    }
    const obtainedAt = this.now();
    this.execFailures = 0;
    this.execError = null;
    this.exec = got;
    this.execDueAt = refreshAt(obtainedAt, got.expiresAt);
    if (got.cert !== this.execTls.cert || got.key !== this.execTls.key) this.execTls = { cert: got.cert, key: got.key };
    const headers: Record<string, string> = {};
    // client-node sends the kubeconfig's `as` as Impersonate-User for every other kind of user.
    if (user.impersonateUser) headers['impersonate-user'] = user.impersonateUser;
    if (got.token) {
      headers.authorization = `Bearer ${got.token}`;
      registerSecret(got.token, { rotating: true });
    }
    this.headers = headers;
    this.readAt = obtainedAt;
    return headers;
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
      if (user?.authProvider && (opts.cert !== this.execTls.cert || opts.key !== this.execTls.key)) this.execTls = { cert: opts.cert, key: opts.key };
    }
    const auth = headers.authorization;
    if (auth) registerSecret(auth.replace(/^(Bearer|Basic)\s+/i, ''), { rotating: true });
    this.headers = headers;
    this.readAt = this.now();
    return headers;
  }

  /**
   * client-node keeps an auth provider's credential until its expiry, even once the server refuses it; a
   * forced refresh must ask again. Its authenticators are not exported: found by their cache field.
   */
  private dropProviderCache(): void {
    const user = this.kc.getCurrentUser();
    if (!user?.authProvider) return;
    const authenticators = (this.kc as unknown as { authenticators?: unknown[] }).authenticators ?? [];
    for (const a of authenticators) {
      const cache = (a as Partial<ExecCache>).tokenCache;
      if (cache && typeof cache === 'object') delete cache[user.name];
    }
  }
}
