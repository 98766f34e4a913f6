// A run whose database URL carries its password in the query string (`?password=`): the password must
// appear in no output an operator or a client can reach — the run's stdout and stderr, its log file,
// every JSON answer of the API and the live event stream, `status` and `status --json`, and every row of
// every table (the collector_status table keeps a report every health interval). Files holding logs and the spool are
// private (0600 in 0700 folders).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { startTestDatabase, freePort, type TestDatabase } from '../helpers/pg.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { configureLogging, maskDatabaseUrl, registerSecret } from '../../src/log.js';
import { LiveHub } from '../../src/viewer/live.js';
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

/** The live event stream (/api/live) as text, read until `until` matches or `timeoutMs` passes. */
async function readLive(url: string, until: RegExp, timeoutMs: number): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  let text = '';
  try {
    while (!until.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } catch (e) {
    if (!ac.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return text;
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
    const live = await readLive(`http://127.0.0.1:${port}/api/live`, /event: samples\n/, 20_000);
    assert.match(live, /event: samples\ndata: \{"cluster":"secretive"/, 'the live stream carries the new samples');
    seen.push(['/api/live', live]);
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

test('a database error sent on the live stream shows neither a registered secret nor a password=… value', async () => {
  // Real errors from the server, naming what the pool was given: a database named after a secret.
  const registered = `kp-live-secret-${process.pid}-${Date.now()}`;
  const unregistered = `unregistered${Date.now()}`;
  registerSecret(registered);
  for (const [dbName, secret] of [[registered, registered], [`password=${unregistered}`, unregistered]]) {
    const u = new URL(db.url);
    u.pathname = `/${dbName}`;
    const pool = new pg.Pool({ connectionString: u.toString(), max: 1 });
    const hub = new LiveHub({ pool, health: () => new Map(), pollMs: 200 });
    const server = createServer((req, res) => hub.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const text = await readLive(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, /event: database\ndata: .*\n/, 15_000);
      assert.match(text, /event: database\ndata: \{"error":"database \\"[^\n]*\[REDACTED\][^\n]*\\" does not exist"\}/, `the error is sent, masked (${text})`);
      assert.ok(!text.includes(secret), `the live stream shows ${secret}: ${text}`);
    } finally {
      hub.stop();
      await new Promise((r) => server.close(r));
      await pool.end();
    }
  }
});
