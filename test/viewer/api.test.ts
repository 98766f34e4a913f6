// The viewer API over real HTTP against a real collector and PostgreSQL (one simulated cluster), and
// `kubepulse view` (the viewer alone) on the same database with a token: answers match the database,
// bad parameters are 400s naming the parameter, the live stream sends new samples, 401 without token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { buildConfig } from '../../src/config/load.js';
import { Collector } from '../../src/collector/collector.js';
import { startViewServer, type ViewServer } from '../../src/cli/view.js';
import { configureLogging } from '../../src/log.js';
import { waitFor } from '../helpers/wait.js';

let db: TestDatabase;
let sim: SimCluster;
let collector: Collector;
let view: ViewServer;
let client: pg.Client;
let base: string;
const TOKEN = 'view-only-token-abcdefghijklmnop';

before(async () => {
  configureLogging({ level: 'warn', console: 'off' });
  db = await startTestDatabase();
  sim = await startSim({ name: 'solo', nodes: 3, podsPerNode: 4, seed: 5, podChurnIntervalMs: 0 });
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-viewer-api-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  collector = await Collector.start(buildConfig({
    server: { listen: '127.0.0.1:0' }, database: { url: db.url },
    collection: { summary_interval: '1s', cadvisor_interval: '0s', health_interval: '1s' },
    clusters: [{ name: 'solo', kubeconfig, context: 'solo' }],
  }, 'test', {}));
  base = `http://${collector.httpAddress}`;
  view = await startViewServer(buildConfig({ server: { listen: '127.0.0.1:0', token: TOKEN }, database: { url: db.url } }, 'test', {}));
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await waitFor(async () => {
    const c = (await get('/api/overview')).clusters[0];
    return c?.nodesReporting === 3 && c.api === 'healthy';
  }, 'all nodes reporting, API healthy');
});

after(async () => {
  await client?.end();
  await view?.stop();
  await collector?.stop();
  await sim?.stop();
  await db?.stop();
});

async function get(path: string, at = base, headers: Record<string, string> = {}): Promise<any> {
  const r = await fetch(`${at}${path}`, { headers });
  assert.equal(r.status, 200, `${path}: ${r.status} ${await r.clone().text()}`);
  return r.json();
}

test('the overview and nodes table agree with the database', async () => {
  const o = await get('/api/overview');
  const c = o.clusters[0];
  const pods = (await client.query("SELECT count(*) FILTER (WHERE phase = 'Running') AS running, count(*) AS total FROM kubepulse.pod WHERE deleted_at IS NULL")).rows[0];
  assert.equal(c.name, 'solo');
  assert.equal(c.api, 'healthy');
  assert.equal(c.nodes, 3);
  assert.equal(c.pods.total, Number(pods.total));
  assert.equal(c.pods.running, Number(pods.running));
  assert.ok(c.cpu.usedMillicores > 0 && c.memory.usedBytes > 0);
  const alloc = (await client.query('SELECT sum(allocatable_cpu_millicores) AS m FROM kubepulse.node WHERE deleted_at IS NULL')).rows[0];
  assert.equal(c.cpu.allocatableMillicores, Number(alloc.m));
  assert.equal(o.database.state, 'connected');

  const byCpu = await get('/api/nodes?sort=cpu&limit=2');
  assert.equal(byCpu.total, 3);
  assert.equal(byCpu.rows.length, 2);
  assert.ok(byCpu.rows[0].cpuPercent >= byCpu.rows[1].cpuPercent);
  const rest = await get('/api/nodes?sort=cpu&limit=2&offset=2');
  assert.equal(rest.rows.length, 1);
  const one = await get(`/api/nodes?cluster=solo&search=${sim.nodes()[1].name}`);
  assert.deepEqual(one.rows.map((r: any) => r.name), [sim.nodes()[1].name]);
});

test('pods filter by node, the pod detail lists its containers, and "what ran at T" uses the change log', async () => {
  const node = sim.nodes()[0].name;
  const want = (await client.query('SELECT name FROM kubepulse.pod WHERE node = $1 AND deleted_at IS NULL ORDER BY namespace, name', [node])).rows.map((r) => r.name);
  const got = await get(`/api/pods?cluster=solo&node=${node}&limit=1000`);
  assert.deepEqual(got.rows.map((r: any) => r.name), want);
  const p = got.rows[0];
  const detail = await get(`/api/pod?cluster=solo&namespace=${p.namespace}&name=${p.name}`);
  const containers = (await client.query('SELECT container FROM kubepulse.container WHERE pod_uid = $1 ORDER BY container', [p.uid])).rows.map((r) => r.container);
  assert.deepEqual(detail.containers.map((c: any) => c.name).sort(), containers.sort());
  const at = await get(`/api/node/pods-at?cluster=solo&name=${node}&at=${encodeURIComponent(new Date().toISOString())}`);
  assert.deepEqual(at.pods.map((x: any) => x.name).sort(), want.filter((n: string) => got.rows.find((r: any) => r.name === n && !['Succeeded', 'Failed'].includes(r.phase))).sort());
  const before = await get(`/api/node/pods-at?cluster=solo&name=${node}&at=2000-01-01T00:00:00Z`);
  assert.deepEqual(before.pods, [], 'nothing ran before the collector saw it');
});

test('series read raw rows for short ranges and the rollups for long ones', async () => {
  const node = sim.nodes()[0].name;
  const s = await get(`/api/series?cluster=solo&node=${node}&metrics=cpu,memory&range=15m`);
  assert.equal(s.table, 'node_metric');
  assert.ok(s.ts.length > 0);
  const cpu = s.series.find((x: any) => x.metric === 'cpu');
  assert.ok(cpu.values.some((v: number | null) => v !== null && v > 0));
  assert.equal((await get(`/api/series?cluster=solo&node=${node}&range=7d`)).table, 'node_metric_1h');
  assert.equal((await get(`/api/series?cluster=solo&node=${node}&range=24h`)).table, 'node_metric_1m');
});

test('every bad query parameter is a 400 naming it', async () => {
  const cases: Array<[string, string]> = [
    ['/api/nodes?sort=price', 'sort'],
    ['/api/nodes?limit=0', 'limit'],
    ['/api/nodes?cluster=%27%3B%20DROP%20TABLE%20x', 'cluster'],
    ['/api/pods?phase=Sleeping', 'phase'],
    ['/api/pods?label=novalue', 'label'],
    ['/api/pods?colour=red', 'colour'],
    ['/api/series?cluster=solo&node=a&range=1y', 'range'],
    ['/api/series?cluster=solo&node=a&metrics=gpu', 'metrics'],
    ['/api/series?cluster=solo', 'node'],
    ['/api/node/pods-at?cluster=solo&name=a&at=noon', 'at'],
    ['/api/events?type=Error', 'type'],
    ['/api/workloads?kind=cronjob', 'kind'],
  ];
  for (const [path, param] of cases) {
    const r = await fetch(`${base}${path}`);
    const body = (await r.json()) as { error: string };
    assert.equal(r.status, 400, path);
    assert.match(body.error, new RegExp(`query parameter ${param}\\b`), path);
  }
  assert.equal((await fetch(`${base}/api/nodes?cluster=nosuch`)).status, 404);
  const tables = (await client.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'kubepulse'")).rows[0].n;
  assert.ok(Number(tables) > 10, 'tables intact');
});

test('the live stream sends new samples as they are stored', async () => {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/live`, { signal: ac.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const reader = res.body!.getReader();
  let text = '';
  const deadline = Date.now() + 15_000;
  while (!/event: samples\ndata: \{"cluster":"solo"/.test(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  ac.abort();
  assert.match(text, /retry: \d+/);
  assert.match(text, /event: samples\ndata: \{"cluster":"solo","ts":"[^"]+"\}/);
});

test('kubepulse view serves the stored data alone, and only with its token', async () => {
  const at = `http://${view.address}`;
  assert.equal((await fetch(`${at}/api/overview`)).status, 401);
  assert.equal((await fetch(`${at}/`)).status, 401);
  const o = await get('/api/overview', at, { authorization: `Bearer ${TOKEN}` });
  assert.equal(o.clusters[0].name, 'solo');
  assert.equal(o.clusters[0].collecting, false, 'no collection in the view process');
  assert.equal(o.clusters[0].nodes, 3);
  const page = await fetch(`${at}/?token=${TOKEN}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
});
