// The operator's commands beside a running collector that owns its embedded database: `status` talks to
// it, `migrate` and a second `run` are refused naming it (exit 2) and leave it collecting, and once it has
// stopped `status` says plainly that nothing runs (exit 3) instead of starting an empty database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { freePort } from '../helpers/pg.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { configureLogging } from '../../src/log.js';
import type { StatusReport } from '../../src/health/status.js';
import { OWNER_FILE, readLiveOwner } from '../../src/store/embedded-owner.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');
let sim: SimCluster;
let env: NodeJS.ProcessEnv;
let port: number;
let dir: string;
let dataDir: string;

before(async () => {
  configureLogging({ level: 'warn', console: 'off' });
  sim = await startSim({ name: 'owned', nodes: 1, podsPerNode: 2, seed: 3, podChurnIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kp-owner-cli-'));
  chmodSync(dir, 0o711); // as root the embedded server runs as the postgres user, which must enter it
  dataDir = join(dir, 'pg');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  port = await freePort();
  env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    KUBEPULSE_DATABASE__DATA_DIR: dataDir,
    KUBEPULSE_DATABASE__PORT: String(await freePort()),
    KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${port}`,
    KUBEPULSE_COLLECTION__SUMMARY_INTERVAL: '1s',
    KUBEPULSE_COLLECTION__HEALTH_INTERVAL: '1s',
    KUBEPULSE_LOG__FILE: '',
    KUBEPULSE_LOG__CONSOLE: 'json',
    KUBEPULSE_SPOOL__DIR: join(dir, 'spool'),
  };
});

after(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('status, migrate and a second run beside the owner of the embedded database; status once it stopped', async () => {
  const collector: ChildProcess = spawn(process.execPath, [BIN, 'run', '--no-watchdog'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  collector.stdout!.on('data', (d) => (output += d));
  collector.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => collector.on('exit', (code) => r(code)));
  try {
    await waitFor(async () => (await readLiveOwner(dataDir))?.http === `127.0.0.1:${port}`, () => `owner file names the collector's address (output: ${output.slice(-800)})`, 60_000);
    const owner = (await readLiveOwner(dataDir))!;
    assert.equal(owner.pid, collector.pid);
    assert.match(owner.command, /kubepulse run$/);

    const st = await run(['status', '--json']);
    assert.equal(st.code, 0, st.stderr);
    assert.equal((JSON.parse(st.stdout) as { source: string }).source, 'collector');

    const migrate = await run(['migrate']);
    assert.equal(migrate.code, 2, migrate.stderr);
    assert.match(migrate.stderr, new RegExp(`kubepulse migrate: .* is in use by kubepulse run \\(pid ${collector.pid}\\b.*http://127\\.0\\.0\\.1:${port}`));
    assert.match(migrate.stderr, /fix: /);

    const second = await run(['run', '--no-watchdog'], { KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${await freePort()}` });
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`in use by kubepulse run \\(pid ${collector.pid}\\b`));

    // A status whose HTTP request is refused (wrong port in its config) reads from the running server.
    const viaDb = await run(['status', '--json'], { KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${await freePort()}`, KUBEPULSE_SERVER__TOKEN: 'not-the-token' });
    assert.equal(viaDb.code, 0, viaDb.stderr);
    assert.equal((JSON.parse(viaDb.stdout) as { source: string }).source, 'collector', 'the owner file names the real address');

    // The collector kept collecting through all of it.
    const before = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as StatusReport;
    await waitFor(async () => {
      const now = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as StatusReport;
      return now.database.state === 'connected' && (now.clusters[0]?.lastSampleAt ?? '') > (before.clusters[0]?.lastSampleAt ?? '');
    }, 'new samples after the refused commands', 30_000);
  } finally {
    collector.kill('SIGTERM');
  }
  assert.equal(await exited, 0, `collector exits 0 on SIGTERM (output: ${output.slice(-800)})`);
  assert.equal(existsSync(join(dataDir, OWNER_FILE)), false, 'the owner file is removed at stop');

  const after = await run(['status']);
  assert.equal(after.code, 3);
  assert.match(after.stdout, /^no collector is running: no process owns the embedded database in .*pg/m);
  assert.equal(existsSync(join(dataDir, 'postmaster.pid')), false, 'status started no server');
});
