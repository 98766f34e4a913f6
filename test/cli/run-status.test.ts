// The commands as a user runs them: `kubepulse run` with no config collects the current kubeconfig
// context (like kubectl), serves /healthz and /api/status, `kubepulse status --json` answers from the
// running collector and, once it stopped, from the database; SIGTERM stops it cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDatabase, freePort, type TestDatabase } from '../helpers/pg.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { configureLogging } from '../../src/log.js';
import type { StatusReport, StatusSummary } from '../../src/health/status.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');
let db: TestDatabase;
let sim: SimCluster;
let env: NodeJS.ProcessEnv;
let port: number;
let dir: string;

before(async () => {
  configureLogging({ level: 'warn', console: 'off' });
  db = await startTestDatabase();
  sim = await startSim({ name: 'solo', nodes: 2, podsPerNode: 3, seed: 5, podChurnIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kp-cli-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  port = await freePort();
  env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    KUBEPULSE_DATABASE__URL: db.url,
    KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${port}`,
    KUBEPULSE_COLLECTION__SUMMARY_INTERVAL: '1s',
    KUBEPULSE_COLLECTION__HEALTH_INTERVAL: '1s',
    KUBEPULSE_LOG__FILE: join(dir, 'kubepulse.log'),
    KUBEPULSE_LOG__CONSOLE: 'json',
  };
});

after(async () => {
  await sim?.stop();
  await db?.stop();
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env, cwd: dir });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('run (no config: current context) → /healthz, /api/status, status --json, clean stop, status from the database', async () => {
  const collector: ChildProcess = spawn(process.execPath, [BIN, 'run', '--no-watchdog'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  collector.stdout!.on('data', (d) => (output += d));
  collector.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => collector.on('exit', (code) => r(code)));
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, `collector /healthz (output: ${output.slice(-500)})`, 30_000);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text(), 'ok');
    await waitFor(async () => {
      const st = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as StatusReport;
      // Rows are committed by the write queue after the sample is taken: wait until the status counts them.
      return st.clusters[0]?.nodes === 2 && st.clusters[0]?.lastSampleAt !== null && st.clusters[0]?.api === 'healthy' && st.database?.rows?.node_metric >= 2;
    }, 'status shows the cluster collected', 30_000);

    const { code, stdout } = await run(['status', '--json']);
    assert.equal(code, 0);
    const st = JSON.parse(stdout) as StatusReport & { source: string };
    assert.equal(st.source, 'collector');
    assert.equal(st.clusters.length, 1);
    const c = st.clusters[0];
    // The cluster is named after the kubeconfig's current context.
    assert.equal(c.name, 'solo');
    assert.equal(c.api, 'healthy');
    assert.equal(c.nodes, 2);
    assert.equal(c.pods, sim.stats().pods);
    assert.ok(!Number.isNaN(Date.parse(c.lastSampleAt ?? '')));
    assert.equal(st.database.state, 'connected');
    assert.ok(st.database.rows.node_metric >= 2, 'node samples counted');
    assert.equal(st.database.rows.node, 2);
    assert.ok(st.collector.pid > 0 && st.collector.rssBytes > 0);

    const table = await run(['status']);
    assert.match(table.stdout, /^CLUSTER\s+API\s+NODES\s+PODS\s+LAST SAMPLE$/m);
    assert.match(table.stdout, new RegExp(`^solo\\s+healthy\\s+2\\s+${sim.stats().pods}\\s+\\d{4}-`, 'm'));
  } finally {
    collector.kill('SIGTERM');
  }
  assert.equal(await exited, 0, `collector exits 0 on SIGTERM (output: ${output.slice(-800)})`);
  assert.match(readFileSync(join(dir, 'kubepulse.log'), 'utf8'), /"msg":"stopped"/);

  const { code, stdout } = await run(['status', '--json']);
  assert.equal(code, 0);
  const st = JSON.parse(stdout) as StatusSummary & { source: string };
  assert.equal(st.source, 'database');
  assert.equal(st.clusters[0].name, 'solo');
  assert.equal(st.clusters[0].nodes, 2);
  assert.ok(st.clusters[0].lastSampleAt);
  assert.equal(st.database.state, 'connected');
});

test('run with a bad config file exits 2 and names the key', async () => {
  const file = join(dir, 'bad.toml');
  writeFileSync(file, '[collection]\nscrape_concurrency = "many"\n');
  const { code, stderr } = await run(['run', '--config', file, '--no-watchdog']);
  assert.equal(code, 2);
  assert.match(stderr, /bad\.toml: collection\.scrape_concurrency: .*expected number, received string/);
});
