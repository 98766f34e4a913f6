// One real, throw-away PostgreSQL per test file: the embedded server in a fresh temp dir on a free port,
// tuned for speed with durability switched off (never do this outside tests), removed at the end.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export async function startTestDatabase(): Promise<TestDatabase> {
  // The temp dir must be traversable by the `postgres` OS user when running as root.
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-test-pg-'));
  await chmod(root, 0o711); // mkdtemp makes it 0700
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const server = await startEmbeddedPostgres({
        dataDir: join(root, `data-${attempt}`),
        port,
        initdbFlags: ['--no-sync', '--no-instructions'],
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
