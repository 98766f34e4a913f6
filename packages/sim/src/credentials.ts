// Who the simulated cluster lets in: bearer tokens (several valid at once, any of them revocable, as an API
// server with a token file, service-account tokens and an OIDC issuer has), short-lived signed tokens
// (valid until the expiry they carry, as bound service-account tokens and OIDC ID tokens are) and basic-auth
// users. Shared by the apiserver and the kubelets, so a revoked token is refused everywhere at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const SIGNED = /^kpsim\.([A-Za-z0-9_-]{1,64})\.(\d{1,15})\.([0-9a-f]{64})$/;

/**
 * A token the sim accepts until `expiresAtMs` (epoch ms): `kpsim.<subject>.<expiresAtMs>.<hex HMAC-SHA256 of
 * "<subject>.<expiresAtMs>" under the key>`. An exec plugin a test writes can mint one with node:crypto alone.
 */
export function signToken(key: string, subject: string, expiresAtMs: number): string {
  const body = `${subject}.${Math.floor(expiresAtMs)}`;
  return `kpsim.${body}.${createHmac('sha256', key).update(body).digest('hex')}`;
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
  /** The key of signed, expiring tokens (`signToken`). */
  readonly signingKey = randomBytes(24).toString('hex');
  /** Signed tokens refused before their expiry. */
  private readonly revokedSigned = new Set<string>();
  /** Signed tokens refused because they had expired (tests: a client refreshing in time causes none). */
  expiredRejections = 0;

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
    if (i >= 0) {
      this.tokens.splice(i, 1);
      return true;
    }
    if (this.signedState(token) !== 'valid') return false;
    this.revokedSigned.add(token);
    return true;
  }

  private signedState(token: string): 'valid' | 'expired' | 'invalid' {
    const m = SIGNED.exec(token);
    if (!m || this.revokedSigned.has(token)) return 'invalid';
    if (!same(Buffer.from(signToken(this.signingKey, m[1], Number(m[2]))), Buffer.from(token))) return 'invalid';
    return Date.now() < Number(m[2]) ? 'valid' : 'expired';
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
      if (this.tokens.some((t) => same(t, Buffer.from(given)))) return true;
      const signed = this.signedState(given);
      if (signed === 'valid') return true;
      if (signed === 'expired') this.expiredRejections++;
      this.rejected.set(given, (this.rejected.get(given) ?? 0) + 1);
      return false;
    }
    if (/^Basic /i.test(auth)) {
      const given = Buffer.from(auth.slice(6).trim(), 'base64');
      return this.basic.some((b) => same(b, given));
    }
    return false;
  }
}
