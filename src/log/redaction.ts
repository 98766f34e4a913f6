// Secret redaction by value: patterns for secrets inside free text (bearer tokens, URL credentials,
// password=… pairs) and the exact values registered at run time (cluster tokens, database passwords).
// Every log line goes through scrub() before it is written; pino's own redaction by key is set up in log.ts.

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[REDACTED]'],
  [/([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)[^@\s/]+@/gi, '$1[REDACTED]@'],
  [/((?:password|passwd|pwd|token)\s*[=:]\s*)[^\s&,;"']+/gi, '$1[REDACTED]'],
];

/** Removes secrets that appear inside free text (error messages, URLs). */
function redactText(text: string): string {
  let out = text;
  for (const [re, repl] of SECRET_PATTERNS) out = out.replace(re, repl);
  return out;
}

/** Exact secret values known at run time (the simulator token, the DB password) are redacted too. */
const knownSecrets = new Set<string>();
/**
 * Credentials that rotate (cluster bearer tokens re-read from exec plugins or token files: an EKS token
 * lives 15 min) would grow `knownSecrets` — and the work per log line — for as long as the process runs.
 * They are kept most recently registered last and the oldest dropped past this many; the connection
 * re-registers its current token on every refresh, so live ones never age out.
 */
export const MAX_ROTATING_SECRETS = 256;
const rotatingSecrets = new Set<string>();

/** `rotating`: a credential that is replaced over time (bounded, least recently registered dropped first). */
export function registerSecret(value: string | undefined | null, o: { rotating?: boolean } = {}): void {
  if (!value || value.length < 6) return;
  if (!o.rotating) {
    knownSecrets.add(value);
    return;
  }
  if (knownSecrets.has(value)) return;
  rotatingSecrets.delete(value); // re-added below as the most recent
  rotatingSecrets.add(value);
  if (rotatingSecrets.size > MAX_ROTATING_SECRETS) rotatingSecrets.delete(rotatingSecrets.values().next().value!);
}

/** Secrets held for redaction: fixed ones and rotating ones (bounded). */
export function registeredSecretCount(): { fixed: number; rotating: number } {
  return { fixed: knownSecrets.size, rotating: rotatingSecrets.size };
}

/** Pattern redaction plus every registered secret value: what each log line goes through. */
export function scrub(line: string): string {
  return scrubKnownSecrets(redactText(line));
}

/**
 * Only the registered secret values, for text that is data rather than a log line (API answers): the
 * patterns could touch harmless values there, a registered secret is never harmless.
 */
export function scrubKnownSecrets(text: string): string {
  let out = text;
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  for (const s of rotatingSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

/** Query parameters of a connection URL that carry a credential (password, sslpassword, PGPASSWORD …). */
const SECRET_PARAM = /pass(word|wd)?$|^pwd$|secret|token/i;

/**
 * A database URL fit to show: the password of `user:password@` and every credential-bearing query
 * parameter (`?password=`, `sslpassword=`, `PGPASSWORD=`) replaced by ****. Text that is no URL goes
 * through the log patterns instead.
 */
export function maskDatabaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactText(url);
  }
  if (u.password) u.password = '****';
  for (const key of [...u.searchParams.keys()]) if (SECRET_PARAM.test(key)) u.searchParams.set(key, '****');
  return u.toString();
}

/** Registers every credential a database URL carries (decoded and as written), so no log line or answer shows it. */
export function registerUrlSecrets(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return;
  }
  const values = [u.password, ...[...u.searchParams].filter(([k]) => SECRET_PARAM.test(k)).map(([, v]) => v)];
  for (const v of values) {
    if (!v) continue;
    registerSecret(v);
    registerSecret(encodeURIComponent(v));
    try {
      registerSecret(decodeURIComponent(v));
    } catch {
      /* not percent-encoded */
    }
  }
}
