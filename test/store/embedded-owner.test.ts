// One owner per embedded data folder: a live owner's server is never stopped or taken over by another
// process (which is refused, naming the owner), other commands can read from it as it runs, and a server
// left by an owner that died (kill -9) is stopped and restarted by the next owner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runningEmbeddedServer, startEmbeddedPostgres, isServerWarning } from '../../src/store/embedded.js';
import { DataDirInUseError, OWNER_FILE, readLiveOwner } from '../../src/store/embedded-owner.js';
import { PermanentError } from '../../src/supervisor/permanent-error.js';
import { freePort } from '../helpers/pg.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const CHILD = join(REPO_ROOT, 'dist/test/store/embedded-owner-child.js');
const FAST = { initdbFlags: ['--no-sync'], postgresFlags: ['-c', 'fsync=off', '-c', 'unix_socket_directories='] };
let root: string;
let dataDir: string;

async function value(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ v: number }>('SELECT v FROM kept')).rows[0].v;
  } finally {
    await c.end();
  }
}

/** Starts the stand-in owner and resolves once its server answers. */
async function startOwner(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CHILD, dataDir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await waitFor(() => /^ready /m.test(out), `owner ready (output: ${out})`, 60_000);
  return { child, url: /^ready (\S+)/m.exec(out)![1] };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubepulse-owner-'));
  await chmod(root, 0o711); // the server may run as the postgres user
  dataDir = join(root, 'pg');
  const first = await startEmbeddedPostgres({ dataDir, port: await freePort(), ...FAST });
  const c = new pg.Client({ connectionString: first.url });
  await c.connect();
  await c.query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
  await c.end();
  await first.stop();
  assert.equal(existsSync(join(dataDir, OWNER_FILE)), false, 'a clean stop removes the owner file');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a live owner keeps its server: a second start is refused naming it, readers connect without stopping it', async () => {
  const port = await freePort();
  const { child, url } = await startOwner(port);
  try {
    const owner = await readLiveOwner(dataDir);
    assert.equal(owner?.pid, child.pid);
    assert.equal(owner?.port, port);

    await assert.rejects(startEmbeddedPostgres({ dataDir, port: await freePort(), ...FAST }), (e: Error) => {
      assert.ok(e instanceof DataDirInUseError);
      assert.ok(e instanceof PermanentError, 'not healed by a restart: the run ends');
      assert.match(e.message, new RegExp(`in use by .*\\(pid ${child.pid}\\b`));
      return true;
    });
    assert.equal(await value(url), 42, 'the owner\'s server still answers after the refused start');

    const running = await runningEmbeddedServer(dataDir);
    assert.ok(running);
    assert.equal(running.owner.pid, child.pid);
    assert.equal(await value(running.url), 42, 'a reader connects to the running server');
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
  assert.equal(await readLiveOwner(dataDir), null, 'the owner file is gone with its owner');
});

test('a server left by an owner killed with -9 is stopped and restarted by the next owner', async () => {
  const { child, url } = await startOwner(await freePort());
  child.kill('SIGKILL');
  await exited(child);
  assert.equal(await value(url), 42, 'its PostgreSQL outlives the killed owner');
  assert.ok(existsSync(join(dataDir, OWNER_FILE)), 'the dead owner\'s file is left behind');
  assert.equal(await readLiveOwner(dataDir), null, 'a dead owner is no owner');
  assert.equal(await runningEmbeddedServer(dataDir), null, 'nothing to read from: no live owner');

  const next = await startEmbeddedPostgres({ dataDir, port: await freePort(), ...FAST });
  try {
    assert.equal(await value(next.url), 42);
    assert.equal((await readLiveOwner(dataDir))?.pid, process.pid);
    await assert.rejects(value(url), 'the leftover server was stopped');
  } finally {
    await next.stop();
  }
});

test('a running server no kubepulse owns is not stopped: refused, naming its pid', async () => {
  const { child, url } = await startOwner(await freePort());
  try {
    // As with a server started by hand (or by a kubepulse from before owner files): no owner recorded.
    await unlink(join(dataDir, OWNER_FILE));
    const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    await assert.rejects(startEmbeddedPostgres({ dataDir, port: await freePort(), ...FAST }), (e: Error) => {
      assert.ok(e instanceof PermanentError);
      assert.match(e.message, new RegExp(`PostgreSQL server \\(pid ${pid}\\) runs on .*no kubepulse process owns it`));
      assert.match(e.fix, new RegExp(`kill -INT ${pid}`));
      return true;
    });
    assert.equal(await value(url), 42, 'the server still answers');
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
});

test('the server\'s expected duplicate-key errors are debug lines, other errors warnings', () => {
  assert.equal(isServerWarning('2026-01-01 00:00:00 UTC [123] ERROR:  duplicate key value violates unique constraint "node_sample_pkey"'), false);
  assert.equal(isServerWarning('ERROR:  relation "node_sample_p2026010100" already exists'), false);
  assert.equal(isServerWarning('ERROR:  permission denied for table node'), true);
  assert.equal(isServerWarning('FATAL:  password authentication failed for user "postgres"'), true);
  assert.equal(isServerWarning('DETAIL:  Key (cluster_id, series_id, ts, source)=(1, 2, 3, 0) already exists.'), false);
  assert.equal(isServerWarning('LOG:  checkpoint starting: time'), false);
});
