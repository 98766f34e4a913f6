// Errors that end or heal: a start that cannot work (a port another program holds, a missing kubeconfig)
// ends the run with exit 2 and one message naming the fix — under the watchdog too, which does not
// restart it — while a database that is away at the first start is waited for: the run says when it
// retries and collects once the database answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { startTestDatabase, freePort, type TestDatabase } from '../helpers/pg.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { configureLogging } from '../../src/log.js';
import type { StatusReport } from '../../src/health/status.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');
let db: TestDatabase;
let sim: SimCluster;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  configureLogging({ level: 'warn', console: 'off' });
  db = await startTestDatabase();
  sim = await startSim({ name: 'heal', nodes: 1, podsPerNode: 2, seed: 4, podChurnIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kp-errors-'));
  await writeKubeconfig(join(dir, 'kubeconfig'), [sim]);
  env = {
    ...process.env,
    KUBECONFIG: join(dir, 'kubeconfig'),
    KUBEPULSE_DATABASE__URL: db.url,
    KUBEPULSE_COLLECTION__SUMMARY_INTERVAL: '1s',
    KUBEPULSE_COLLECTION__HEALTH_INTERVAL: '1s',
    KUBEPULSE_LOG__FILE: '',
    KUBEPULSE_LOG__CONSOLE: 'json',
    KUBEPULSE_SPOOL__DIR: join(dir, 'spool'),
  };
});

after(async () => {
  await sim?.stop();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[], extraEnv: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

test('a port held by another program ends the run with exit 2 and the fix, and the watchdog does not restart it', async () => {
  const holder: Server = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
  const port = (holder.address() as { port: number }).port;
  try {
    const run = start(['run'], { KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${port}` });
    const code = await run.exited;
    assert.equal(code, 2, run.output());
    assert.match(run.output(), new RegExp(`kubepulse: server.listen 127\\.0\\.0\\.1:${port}: the port is already in use by another program\\n  fix: `));
    assert.match(run.output(), /"module":"supervisor".*"msg":"worker ended with a permanent error; not restarting/);
    assert.equal(run.output().match(/"msg":"worker started"/g)?.length, 1, 'one worker, never restarted');
  } finally {
    holder.close();
  }
});

test('a missing kubeconfig file ends the run before it starts, naming the file', async () => {
  const run = start(['run', '--no-watchdog'], { KUBECONFIG: join(dir, 'no-such-kubeconfig'), KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${await freePort()}` });
  assert.equal(await run.exited, 2, run.output());
  assert.match(run.output(), /cannot start, fix these first:\n {2}configuration: clusters: none configured, and the default kubeconfig (cannot be loaded|has no current context)/);
});

test('a database away at the first start is waited for: the run says when it retries, then collects', async () => {
  // A door in front of the database: closed (connections refused) until opened.
  const target = new URL(db.url);
  let open = false;
  const sockets = new Set<Socket>();
  const door = createServer((s) => {
    if (!open) return s.destroy();
    const up = connect(Number(target.port), target.hostname);
    sockets.add(s).add(up);
    s.pipe(up).pipe(s);
    s.on('error', () => up.destroy());
    up.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => door.listen(0, '127.0.0.1', () => r()));
  const viaDoor = new URL(db.url);
  viaDoor.port = String((door.address() as { port: number }).port);
  const port = await freePort();
  const run = start(['run', '--no-watchdog'], { KUBEPULSE_DATABASE__URL: viaDoor.toString(), KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${port}` });
  try {
    await waitFor(() => /not registered yet: retrying in \d+ s/.test(run.output()), () => `a retry announced (output: ${run.output().slice(-600)})`, 30_000);
    assert.equal(run.child.exitCode, null, 'the run goes on');
    open = true;
    await waitFor(async () => {
      const st = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as StatusReport;
      return st.database.state === 'connected' && st.clusters[0]?.name === 'heal' && st.clusters[0]?.lastSampleAt !== null;
    }, () => `the cluster collected once the database answers (output: ${run.output().slice(-600)})`, 60_000);
  } finally {
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.output().slice(-600));
    for (const s of sockets) s.destroy();
    door.close();
  }
});
