// A run whose database URL carries its password in the query string (`?password=`): the password must
// appear in no output an operator or a client can reach — the run's stdout and stderr, its log file,
// every JSON answer of the API, `status` and `status --json`, and every row of every table (the
// collector_status table keeps a report every health interval). Files holding logs and the spool are
// private (0600 in 0700 folders).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { startTestDatabase, freePort, type TestDatabase } from '../helpers/pg.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { configureLogging, maskDatabaseUrl } from '../../src/log.js';
import type { StatusReport } from '../../src/health/status.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');
let db: TestDatabase;
let sim: SimCluster;
let dir: string;
let env: NodeJS.ProcessEnv;
let port: number;
let password: string;

before(async () => {
  configureLogging({ level: 'warn', console: 'off' });
  db = await startTestDatabase();
  sim = await startSim({ name: 'secretive', nodes: 1, podsPerNode: 2, seed: 9, podChurnIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kp-secrets-'));
  await writeKubeconfig(join(dir, 'kubeconfig'), [sim]);
  const u = new URL(db.url);
  password = decodeURIComponent(u.password);
  // The same database, its password moved from user:password@ into the query string.
  u.password = '';
  u.searchParams.set('password', password);
  port = await freePort();
  env = {
    ...process.env,
    KUBECONFIG: join(dir, 'kubeconfig'),
    KUBEPULSE_DATABASE__URL: u.toString(),
    KUBEPULSE_SERVER__LISTEN: `127.0.0.1:${port}`,
    KUBEPULSE_COLLECTION__SUMMARY_INTERVAL: '1s',
    KUBEPULSE_COLLECTION__HEALTH_INTERVAL: '1s',
    KUBEPULSE_LOG__FILE: join(dir, 'state', 'logs', 'kubepulse.log'),
    KUBEPULSE_LOG__LEVEL: 'debug',
    KUBEPULSE_LOG__CONSOLE: 'json',
    KUBEPULSE_SPOOL__DIR: join(dir, 'state', 'spool'),
  };
});

after(async () => {
  await sim?.stop();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env, cwd: dir });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code, out }));
  });
}

/** Every row of every kubepulse table, as text. */
async function everyTable(): Promise<string> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const tables = await c.query<{ t: string }>(`SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname = 'kubepulse'`);
    assert.ok(tables.rows.length > 5, 'the schema is there');
    let text = '';
    for (const { t } of tables.rows) text += (await c.query<{ r: string }>(`SELECT r::text AS r FROM ${t} r`)).rows.map((x) => x.r).join('\n');
    return text;
  } finally {
    await c.end();
  }
}

test('database credentials are masked in every form', () => {
  assert.equal(maskDatabaseUrl('postgres://u:hunter2hunter2@db:5432/k'), 'postgres://u:****@db:5432/k');
  assert.equal(maskDatabaseUrl('postgres://u@db/k?sslmode=require&password=hunter2hunter2'), 'postgres://u@db/k?sslmode=require&password=****');
  assert.equal(maskDatabaseUrl('postgresql://db/k?user=u&PGPASSWORD=hunter2hunter2&sslpassword=s3cr3t-key'), 'postgresql://db/k?user=u&PGPASSWORD=****&sslpassword=****');
  assert.doesNotMatch(maskDatabaseUrl('host=db password=hunter2hunter2'), /hunter2/);
});

test('a password in the database URL\'s query string appears in no output, answer, table or log', async () => {
  const collector: ChildProcess = spawn(process.execPath, [BIN, 'run', '--no-watchdog'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  collector.stdout!.on('data', (d) => (output += d));
  collector.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => collector.on('exit', (code) => r(code)));
  const seen: Array<[string, string]> = [];
  const get = async (path: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    seen.push([path, text]);
    return text;
  };
  try {
    await waitFor(async () => {
      const st = JSON.parse(await get('/api/status')) as StatusReport;
      return st.clusters[0]?.lastSampleAt !== null && st.database.state === 'connected' && (st.database.rows.collector_status ?? 0) >= 2;
    }, () => `the collector stores samples and status rows (output: ${output.slice(-600)})`, 40_000);
    const st = JSON.parse(await get('/api/status')) as StatusReport;
    assert.match(st.database.url, /password=\*\*\*\*/, 'the status names the URL, masked');
    for (const path of ['/api/health', '/api/overview', '/metrics', '/api/nodes', '/readyz']) await get(path);
    for (const args of [['status', '--json'], ['status']]) {
      const r = await run(args);
      assert.equal(r.code, 0, r.out);
      seen.push([`kubepulse ${args.join(' ')}`, r.out]);
    }
  } finally {
    collector.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output.slice(-800));
  seen.push(['run output', output]);
  seen.push(['log file', readFileSync(join(dir, 'state', 'logs', 'kubepulse.log'), 'utf8')]);
  seen.push(['tables', await everyTable()]);
  for (const f of readdirSync(join(dir, 'state', 'spool'))) seen.push([`spool/${f}`, readFileSync(join(dir, 'state', 'spool', f), 'utf8')]);
  for (const [where, text] of seen) {
    assert.ok(text.length > 0, `${where} is not empty`);
    assert.ok(!text.includes(password) && !text.includes(encodeURIComponent(password)), `${where} shows the database password`);
  }
  assert.match(output, /"database":"postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+\?password=(\*\*\*\*|\[REDACTED\])"/, 'the start line names the masked URL');

  if (process.platform !== 'win32') {
    assert.equal(statSync(join(dir, 'state', 'logs', 'kubepulse.log')).mode & 0o777, 0o600, 'log file 0600');
    assert.equal(statSync(join(dir, 'state', 'logs')).mode & 0o777, 0o700, 'log folder 0700');
    assert.equal(statSync(join(dir, 'state', 'spool')).mode & 0o777, 0o700, 'spool folder 0700');
    // Their parent keeps the default mode: as root the embedded server beside them must still enter it.
    assert.equal(statSync(join(dir, 'state')).mode & 0o001, 0o001, 'the folder above them is not made private');
    for (const f of readdirSync(join(dir, 'state', 'spool'))) assert.equal(statSync(join(dir, 'state', 'spool', f)).mode & 0o777, 0o600, `spool/${f} 0600`);
  }
});
