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
import type { ClusterOverviewRow, NodeRow } from '../../src/viewer/queries.js';
import type { SeriesResult } from '../../src/viewer/series.js';
import { appendSeries, type SeriesTail } from '../../src/viewer/ui/series-merge.js';

// The parts of the viewer API's answers these tests read (the server's own row types where it exports them).
interface OverviewAnswer {
  clusters: Array<ClusterOverviewRow & { api: string; collecting: boolean }>;
  database: { state: string } | null;
}
interface PageAnswer<R> { total: number; rows: R[] }
interface PodAnswerRow { name: string; namespace: string; uid: string; phase: string }

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
    const c = (await get<OverviewAnswer>('/api/overview')).clusters[0];
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

/** GET `path`, asserting a 200; the JSON body, of the shape T the caller names. */
async function get<T>(path: string, at = base, headers: Record<string, string> = {}): Promise<T> {
  const r = await fetch(`${at}${path}`, { headers });
  assert.equal(r.status, 200, `${path}: ${r.status} ${await r.clone().text()}`);
  return (await r.json()) as T;
}

/** One row of a query, its columns as the test names them (pg gives bigint and numeric as text). */
async function row<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T> {
  return (await client.query<T>(sql, params)).rows[0];
}

test('the overview and nodes table agree with the database', async () => {
  const o = await get<OverviewAnswer>('/api/overview');
  const c = o.clusters[0];
  const pods = await row<{ running: string; total: string }>("SELECT count(*) FILTER (WHERE phase = 'Running') AS running, count(*) AS total FROM kubepulse.pod WHERE deleted_at IS NULL");
  assert.equal(c.name, 'solo');
  assert.equal(c.api, 'healthy');
  assert.equal(c.nodes, 3);
  assert.equal(c.pods.total, Number(pods.total));
  assert.equal(c.pods.running, Number(pods.running));
  assert.ok(Number(c.cpu.usedMillicores) > 0 && Number(c.memory.usedBytes) > 0);
  const alloc = await row<{ m: string }>('SELECT sum(allocatable_cpu_millicores) AS m FROM kubepulse.node WHERE deleted_at IS NULL');
  assert.equal(c.cpu.allocatableMillicores, Number(alloc.m));
  assert.equal(o.database?.state, 'connected');

  const byCpu = await get<PageAnswer<NodeRow>>('/api/nodes?sort=cpu&limit=2');
  assert.equal(byCpu.total, 3);
  assert.equal(byCpu.rows.length, 2);
  assert.ok(Number(byCpu.rows[0].cpuPercent) >= Number(byCpu.rows[1].cpuPercent));
  const rest = await get<PageAnswer<NodeRow>>('/api/nodes?sort=cpu&limit=2&offset=2');
  assert.equal(rest.rows.length, 1);
  const one = await get<PageAnswer<NodeRow>>(`/api/nodes?cluster=solo&search=${sim.nodes()[1].name}`);
  assert.deepEqual(one.rows.map((r) => r.name), [sim.nodes()[1].name]);
});

test('pods filter by node, the pod detail lists its containers, and "what ran at T" uses the change log', async () => {
  const node = sim.nodes()[0].name;
  const want = (await client.query<{ name: string }>('SELECT name FROM kubepulse.pod WHERE node = $1 AND deleted_at IS NULL ORDER BY namespace, name', [node])).rows.map((r) => r.name);
  const got = await get<PageAnswer<PodAnswerRow>>(`/api/pods?cluster=solo&node=${node}&limit=1000`);
  assert.deepEqual(got.rows.map((r) => r.name), want);
  const p = got.rows[0];
  const detail = await get<{ containers: Array<{ name: string }> }>(`/api/pod?cluster=solo&namespace=${p.namespace}&name=${p.name}`);
  const containers = (await client.query<{ container: string }>('SELECT container FROM kubepulse.container WHERE pod_uid = $1 ORDER BY container', [p.uid])).rows.map((r) => r.container);
  assert.deepEqual(detail.containers.map((c) => c.name).sort(), containers.sort());
  const at = await get<{ pods: Array<{ name: string }> }>(`/api/node/pods-at?cluster=solo&name=${node}&at=${encodeURIComponent(new Date().toISOString())}`);
  assert.deepEqual(at.pods.map((x) => x.name).sort(), want.filter((n) => got.rows.find((r) => r.name === n && !['Succeeded', 'Failed'].includes(r.phase))).sort());
  const before = await get<{ pods: unknown[] }>(`/api/node/pods-at?cluster=solo&name=${node}&at=2000-01-01T00:00:00Z`);
  assert.deepEqual(before.pods, [], 'nothing ran before the collector saw it');
});

test('series read the samples for every range they cover (no rollup from before them exists here)', async () => {
  const node = sim.nodes()[0].name;
  const s = await get<SeriesResult>(`/api/series?cluster=solo&node=${node}&metrics=cpu,memory&range=15m`);
  assert.equal(s.table, 'node_metric');
  assert.ok(s.ts.length > 0);
  const cpu = s.series.find((x) => x.metric === 'cpu');
  assert.ok(cpu?.values.some((v) => v !== null && v > 0), 'a cpu series with a positive value');
  const week = await get<SeriesResult>(`/api/series?cluster=solo&node=${node}&range=7d`);
  assert.deepEqual([week.resolution, week.table, week.bucketS], ['raw', 'node_metric', 3600]);
  assert.ok(week.series.find((x) => x.metric === 'cpu')?.values.some((v) => v !== null && v > 0), 'the last hour of the week has cpu');
  const day = await get<SeriesResult>(`/api/series?cluster=solo&node=${node}&range=24h`);
  assert.deepEqual([day.resolution, day.table, day.bucketS], ['raw', 'node_metric', 240]);
});

test('a node\'s chart series in one answer; with after, only the buckets from it on, which append to those held', async () => {
  const node = sim.nodes()[0].name;
  // A fixed range ending a few seconds ago (every sample of it stored by then): both answers read the same.
  type Both = { node: SeriesTail; interface: SeriesTail };
  let q = '';
  let [from, to] = ['', ''];
  await waitFor(async () => {
    [from, to] = [new Date(Date.now() - 15 * 60_000).toISOString(), new Date(Date.now() - 5000).toISOString()];
    q = `/api/node/series?cluster=solo&node=${node}&from=${from}&to=${to}`;
    return (await get<Both>(q)).node.ts.length >= 4;
  }, 'four buckets of the node charted', 90_000, 2000);
  const whole = await get<Both>(q);
  assert.equal('since' in whole.node, false, 'no after: the whole range');
  assert.deepEqual(whole.node.series.map((s) => s.metric), (await get<SeriesResult>(`/api/series?cluster=solo&node=${node}&from=${from}&to=${to}`)).series.map((s) => s.metric));
  const at = whole.node.ts[whole.node.ts.length - 3];
  const tail = await get<Both>(`${q}&after=${at}`);
  assert.equal(tail.node.since, at);
  assert.deepEqual(tail.node.ts, whole.node.ts.slice(-3), 'the buckets from after on');
  assert.deepEqual(tail.node.series.map((s) => s.values), whole.node.series.map((s) => s.values.slice(-3)));
  // The held answer without its newest buckets, brought up to date by the tail: the whole answer again.
  const older = { ...whole.node, ts: whole.node.ts.slice(0, -2), series: whole.node.series.map((s) => ({ ...s, values: s.values.slice(0, -2), unsampled: s.unsampled.filter((i) => i < whole.node.ts.length - 2) })) };
  assert.deepEqual(appendSeries(older, tail.node), whole.node);
  assert.deepEqual(appendSeries(whole.interface, tail.interface), whole.interface);
  // An after outside the range answers the whole range.
  assert.equal((await get<Both>(`${q}&after=1000`)).node.since, null);
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
    ['/api/node/series?cluster=solo&node=a&after=soon', 'after'],
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
  const tables = (await row<{ n: string }>("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'kubepulse'")).n;
  assert.ok(Number(tables) > 10, 'tables intact');
});

test('the live stream sends new samples as they are stored', async () => {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/live`, { signal: ac.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  // undici types the fetch body as ReadableStream<any>; an HTTP body is bytes
  const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
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
  const o = await get<OverviewAnswer>('/api/overview', at, { authorization: `Bearer ${TOKEN}` });
  assert.equal(o.clusters[0].name, 'solo');
  assert.equal(o.clusters[0].collecting, false, 'no collection in the view process');
  assert.equal(o.clusters[0].nodes, 3);
  const page = await fetch(`${at}/?token=${TOKEN}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
});
