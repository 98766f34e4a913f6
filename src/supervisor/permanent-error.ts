// Errors that no restart can heal (a bad setting, a folder the server cannot enter, a port taken by
// another program, a data folder owned by another kubepulse): the run ends with exit code 2 and one
// message naming the fix, instead of the watchdog restarting it forever. Everything else is transient
// (a database or API server away): the watchdog restarts the worker with backoff and says when.

/** Exit code of a run ended by a permanent error; the watchdog does not restart a worker that exits with it. */
export const PERMANENT_EXIT_CODE = 2;

export class PermanentError extends Error {
  constructor(
    message: string,
    /** What the operator should change, said in one sentence. */
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export interface ClassifiedError {
  permanent: boolean;
  /** One line for the operator: what failed, and for a permanent error how to fix it. */
  message: string;
}

/** PostgreSQL error codes that a retry cannot heal: bad password, unknown role or database, no permission. */
const PERMANENT_PG_CODES: Record<string, string> = {
  '28P01': 'check the user and password of database.url',
  '28000': 'check the user of database.url and pg_hba.conf',
  '3D000': 'create the database named in database.url, or name an existing one',
  '42501': 'grant the database user of database.url the rights to create the kubepulse schema',
};

/**
 * Whether an error at start is permanent, and the one line that says so. Pure (tested without processes).
 * `listen` is the configured server address, named in messages about it.
 */
export function classifyStartError(e: unknown, listen = ''): ClassifiedError {
  const err = e as NodeJS.ErrnoException & { address?: string; hostname?: string };
  const text = err instanceof Error ? err.message : String(e);
  if (e instanceof PermanentError) return { permanent: true, message: `${text}\n  fix: ${e.fix}` };
  if (err?.name === 'ConfigError') return { permanent: true, message: text };
  if (err?.code === 'EADDRINUSE' && err.syscall === 'listen') {
    return { permanent: true, message: `server.listen ${listen || err.address}: the port is already in use by another program\n  fix: stop that program or set server.listen to a free port` };
  }
  if ((err?.code === 'EACCES' || err?.code === 'EPERM') && err.syscall === 'listen') {
    return { permanent: true, message: `server.listen ${listen}: not allowed to bind this port (${err.code})\n  fix: use a port above 1023 or grant the permission` };
  }
  if (err?.code === 'EADDRNOTAVAIL' || (err?.code === 'ENOTFOUND' && err.syscall === 'getaddrinfo' && listen.includes(err.hostname ?? '\0'))) {
    return { permanent: true, message: `server.listen ${listen}: no such local address\n  fix: set server.listen to an address of this machine (e.g. 127.0.0.1:7700)` };
  }
  if (err?.code === 'ERR_SOCKET_BAD_PORT') {
    return { permanent: true, message: `server.listen ${listen}: ${text}\n  fix: use a port from 1 to 65535` };
  }
  if (typeof err?.code === 'string' && PERMANENT_PG_CODES[err.code]) {
    return { permanent: true, message: `database: ${text}\n  fix: ${PERMANENT_PG_CODES[err.code]}` };
  }
  return { permanent: false, message: text };
}
