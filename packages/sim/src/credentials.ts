// Who the simulated cluster lets in: bearer tokens (several valid at once, any of them revocable, as an API
// server with a token file, service-account tokens and an OIDC issuer has) and basic-auth users. Shared by
// the apiserver and the kubelets, so a revoked token is refused everywhere at once.
import { timingSafeEqual } from 'node:crypto';

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export class SimCredentials {
  private readonly tokens: Buffer[] = [];
  private readonly basic: Buffer[] = [];
  /** Client-certificate users (common names) currently refused. */
  private readonly revokedUsers = new Set<string>();
  /** The common name of the last client certificate presented (tests of certificate rotation). */
  lastCertUser: string | null = null;
  /** Requests refused 401, per rejected bearer token (tests count how often a client retries one). */
  readonly rejected = new Map<string, number>();

  constructor(token: string) {
    this.addToken(token);
  }

  addToken(token: string): void {
    if (!token) throw new Error('sim credentials: empty token');
    if (!this.tokens.some((t) => same(t, Buffer.from(token)))) this.tokens.push(Buffer.from(token));
  }

  /** Refuses `token` from now on (false when it was not valid). */
  revokeToken(token: string): boolean {
    const i = this.tokens.findIndex((t) => same(t, Buffer.from(token)));
    if (i < 0) return false;
    this.tokens.splice(i, 1);
    return true;
  }

  addBasicUser(user: string, password: string): void {
    if (user.includes(':')) throw new Error(`sim credentials: user "${user}" contains ':'`);
    this.basic.push(Buffer.from(`${user}:${password}`));
  }

  /** Refuses client certificates with this common name from now on. */
  revokeCertUser(user: string): void {
    this.revokedUsers.add(user);
  }

  /** Whether an Authorization header, or a client certificate the cluster CA signed, lets the request in. */
  allows(header: string | undefined, certUser?: string): boolean {
    if (certUser !== undefined) {
      this.lastCertUser = certUser;
      if (!this.revokedUsers.has(certUser)) return true;
    }
    const auth = header ?? '';
    if (/^Bearer /i.test(auth)) {
      const given = auth.slice(7).trim();
      const ok = this.tokens.some((t) => same(t, Buffer.from(given)));
      if (!ok) this.rejected.set(given, (this.rejected.get(given) ?? 0) + 1);
      return ok;
    }
    if (/^Basic /i.test(auth)) {
      const given = Buffer.from(auth.slice(6).trim(), 'base64');
      return this.basic.some((b) => same(b, given));
    }
    return false;
  }
}
