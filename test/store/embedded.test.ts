import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PASSWORD_FILE, startEmbeddedPostgres } from '../../src/store/embedded.js';
import { availableMemoryBytes, embeddedServerFlags, sharedBuffersMiB } from '../../src/store/embedded-settings.js';
import { freePort } from '../helpers/pg.js';

async function query(url: string, sql: string): Promise<pg.QueryResult<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

const FAST = { initdbFlags: ['--no-sync'], postgresFlags: ['-c', 'fsync=off', '-c', 'unix_socket_directories='] };

test('embedded PostgreSQL: initialises once, keeps its password, survives a stale lock file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-embedded-'));
  await chmod(root, 0o711); // the server may run as the postgres user
  const dataDir = join(root, 'pg');
  try {
    const first = await startEmbeddedPostgres({ dataDir, port: await freePort(), ...FAST });
    const db = await query(first.url, 'SELECT current_database() AS db');
    assert.equal(db.rows[0].db, 'kubepulse');
    // The server runs with the settings sized for appending metrics (embedded-settings.ts).
    const settings = await query(first.url, `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout')`);
    const got: Record<string, string> = Object.fromEntries(settings.rows.map((r) => [String(r.name), `${String(r.setting)} ${String(r.unit)}`]));
    assert.deepEqual(got, {
      shared_buffers: `${sharedBuffersMiB(availableMemoryBytes()) * 128} 8kB`,
      max_wal_size: '4096 MB',
      checkpoint_timeout: '900 s',
    });
    await query(first.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');

    const pwFile = join(dataDir, PASSWORD_FILE);
    const pw = (await readFile(pwFile, 'utf8')).trim();
    assert.ok(pw.length >= 24, 'a generated password of at least 24 characters');
    assert.ok(first.url.includes(encodeURIComponent(pw)));
    if (process.platform !== 'win32') assert.equal((await stat(pwFile)).mode & 0o777, 0o600);
    await first.stop();
    await first.stop(); // idempotent

    // Restart on the same dir: no re-initialisation, same password, data kept.
    const second = await startEmbeddedPostgres({ dataDir, port: await freePort(), ...FAST });
    assert.equal(second.url.split('@')[0], first.url.split('@')[0]);
    const kept = await query(second.url, 'SELECT v FROM kept');
    assert.equal(kept.rows[0].v, 42);

    await second.stop();

    // A stale postmaster.pid whose process is dead (a kill -9 of everything): start anyway.
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid ?? 999999;
    const pidText = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
    assert.equal(pidText, '', 'a clean stop removes postmaster.pid');
    await writeFile(join(dataDir, 'postmaster.pid'), `${dead}\n${dataDir}\n0\n5432\n\n\n\n`);
    const third = await startEmbeddedPostgres({ dataDir, port: await freePort(), ...FAST });
    assert.equal((await query(third.url, 'SELECT v FROM kept')).rows[0].v, 42);
    await third.stop();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('embedded PostgreSQL: a non-empty folder that is no cluster is refused with a clear error', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-embedded-'));
  try {
    await writeFile(join(root, 'something.txt'), 'x');
    await assert.rejects(startEmbeddedPostgres({ dataDir: root, port: await freePort() }), /not empty but holds no PostgreSQL cluster/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('embedded PostgreSQL settings: shared buffers an eighth of the memory, from 128 MiB to 1 GiB; checkpoints every 15 minutes', () => {
  const GiB = 1024 ** 3;
  assert.equal(sharedBuffersMiB(0.5 * GiB), 128, 'a small container keeps the default');
  assert.equal(sharedBuffersMiB(4 * GiB), 512);
  assert.equal(sharedBuffersMiB(64 * GiB), 1024, 'capped: the OS page cache holds the rest');
  const flags = embeddedServerFlags(4 * GiB);
  assert.ok(flags.length % 2 === 0 && flags.every((f, i) => (i % 2 === 0 ? f === '-c' : /^[a-z_]+=\S+$/.test(f))));
  assert.ok(flags.includes('shared_buffers=512MB'));
  assert.ok(flags.includes('checkpoint_timeout=15min'));
  assert.ok(availableMemoryBytes() > 0);
});
