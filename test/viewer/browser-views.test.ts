// More of the viewer in Chromium (issue 18): restarts and OOM kills marked on a pod's charts, a finished
// pod charted over its lifetime, volumes and PVCs, HPAs, the collector-health page and the global search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pg from 'pg';
import { startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { waitFor } from '../helpers/wait.js';

let env: BrowserEnv;

before(async () => {
  // Enough pods for the simulator to give some deployments autoscalers.
  env = await startBrowserEnv([{ name: 'east', nodes: 2, podsPerNode: 16 }]);
});

after(async () => {
  await env?.stop();
});

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

interface PodAnswer { uid: string; namespace: string; name: string; phase: string; cpuMillicores: number | null; workloadKind: string | null }
interface Lifecycle { firstSampleAt: string | null; lastSampleAt: string | null; markers: Array<{ at: string; container: string | null; kind: string; reason: string | null; count: number }> }

test('restarts and OOM kills are marked on a pod\'s charts', async () => {
  const { page, base, sims } = env;
  let pods: PodAnswer[] = [];
  await waitFor(async () => {
    pods = (await env.api<{ rows: PodAnswer[] }>('/api/pods?cluster=east&limit=1000')).rows.filter((p) => p.phase === 'Running' && p.cpuMillicores !== null);
    return pods.length >= 2;
  }, 'two sampled running pods', 30_000);
  const [oomed, restarted] = pods;
  sims[0].setPodStrings(oomed.namespace, oomed.name, { terminationReason: 'OOMKilled' });
  // Two restarts as the inventory logs them: the pod's restart count rising by two.
  await sql(`INSERT INTO kubepulse.change_log (cluster_id, kind, uid, namespace, name, op, at, changed, state)
             SELECT cluster_id, kind, uid, namespace, name, 'update', now(), '{}'::jsonb,
                    state || jsonb_build_object('restart_count', coalesce((state->>'restart_count')::int, 0) + 2)
               FROM kubepulse.change_log WHERE kind = 'pod' AND uid = $1 ORDER BY id DESC LIMIT 1`, [restarted.uid]);
  await waitFor(async () => (await env.api<Lifecycle>(`/api/pod/lifecycle?cluster=east&pod_uid=${oomed.uid}`)).markers.some((m) => m.kind === 'oom'), 'the OOM kill known');
  const life = await env.api<Lifecycle>(`/api/pod/lifecycle?cluster=east&pod_uid=${restarted.uid}`);
  assert.deepEqual(life.markers.map((m) => [m.kind, m.count]), [['restart', 2]]);

  await page.goto(`${base}/#/pod?cluster=east&namespace=${oomed.namespace}&name=${oomed.name}&range=15m`);
  const cpu = page.locator('.chart[data-title="CPU per container"]');
  await waitFor(async () => Number(await cpu.getAttribute('data-markers')) >= 1, 'a marker on the CPU chart', 20_000);
  assert.match((await cpu.getAttribute('data-marker-labels'))!, /^OOM /);
  assert.ok(Number(await page.locator('.chart[data-title^="Memory per container"]').getAttribute('data-markers')) >= 1, 'and on the memory chart');
  await page.screenshot({ path: join(env.shots, 'pod-oom-marker.png') });
  await page.goto(`${base}/#/pod?cluster=east&namespace=${restarted.namespace}&name=${restarted.name}&range=15m`);
  await waitFor(async () => (await page.locator('.chart[data-title="CPU per container"]').getAttribute('data-marker-labels')) === '2 restarts', 'the restarts marked');
});

test('a finished pod is charted over its lifetime', async () => {
  const { page, base, sims } = env;
  const pods = (await env.api<{ rows: PodAnswer[] }>('/api/pods?cluster=east&limit=1000')).rows;
  const victim = pods.find((p) => p.phase === 'Running' && p.cpuMillicores !== null && p.workloadKind === 'Deployment')!;
  sims[0].deletePod(victim.namespace, victim.name);
  await waitFor(async () => (await env.api<{ deletedAt: string | null }>(`/api/pod?cluster=east&namespace=${victim.namespace}&name=${victim.name}`)).deletedAt !== null, 'the pod deleted');
  const life = await env.api<Lifecycle>(`/api/pod/lifecycle?cluster=east&pod_uid=${victim.uid}`);
  await page.goto(`${base}/#/pod?cluster=east&namespace=${victim.namespace}&name=${victim.name}&range=30d`);
  await page.locator('.lifetime-note').waitFor({ timeout: 20_000 });
  const cpu = page.locator('.chart[data-title="CPU per container"]');
  await waitFor(async () => Number(await cpu.getAttribute('data-points')) > 0, 'the CPU chart has the pod\'s samples');
  const from = Date.parse((await cpu.getAttribute('data-from'))!);
  const to = Date.parse((await cpu.getAttribute('data-to'))!);
  assert.equal(from, Date.parse(life.firstSampleAt!) - 60_000, 'from a minute before its first sample');
  assert.ok(to >= Date.parse(life.lastSampleAt!) + 60_000 && to - from < 30 * 60_000, 'to just after its last sample, not 30 days');
  await page.screenshot({ path: join(env.shots, 'pod-finished.png') });
});

interface PvcAnswer { cluster: string; namespace: string; name: string; phase: string; requestBytes: number; mountedBy: string | null; usedBytes: number | null; usedPercent: number | null }
interface VolumeAnswer { namespace: string; pod: string; podUid: string; volume: string; pvc: string | null; usedBytes: number | null; capacityBytes: number | null; sampleAt: string }
interface HpaAnswer { namespace: string; name: string; targetName: string; currentReplicas: number; desiredReplicas: number; minReplicas: number; maxReplicas: number; targets: Array<{ metric: string; target: string | null; current: string | null }> }

test('volumes and PVCs with their usage, HPAs with replicas and targets, pod network and ephemeral storage', async () => {
  const { page, base } = env;
  let claims: PvcAnswer[] = [];
  await waitFor(async () => {
    claims = await env.api<PvcAnswer[]>('/api/pvcs?cluster=east');
    return claims.some((c) => c.usedBytes !== null);
  }, 'a mounted PVC with its usage', 30_000);
  const mounted = claims.find((c) => c.usedBytes !== null)!;
  const db = await sql<{ requested: string; phase: string }>(`SELECT request_bytes AS requested, phase FROM kubepulse.persistentvolumeclaim WHERE namespace = $1 AND name = $2`, [mounted.namespace, mounted.name]);
  assert.equal(mounted.requestBytes, Number(db[0].requested));
  assert.equal(mounted.phase, db[0].phase);
  const vols = await env.api<VolumeAnswer[]>(`/api/volumes?cluster=east&namespace=${mounted.namespace}`);
  const vol = vols.find((v) => v.pvc === mounted.name && v.pod === mounted.mountedBy);
  assert.ok(vol, 'the claim\'s volume among the pod volumes');
  const latest = await sql<{ used: string }>(`SELECT used_bytes AS used FROM kubepulse.volume_metric WHERE pod_uid = $1 AND volume = $2 AND ts = $3`, [vol.podUid, vol.volume, vol.sampleAt]);
  assert.equal(vol.usedBytes, Number(latest[0].used), 'the volume\'s latest sample');

  const hpas = await env.api<HpaAnswer[]>('/api/hpas?cluster=east');
  const rows = await sql<{ name: string; current_replicas: number; desired_replicas: number; max_replicas: number }>(`SELECT name, current_replicas, desired_replicas, max_replicas FROM kubepulse.horizontalpodautoscaler WHERE deleted_at IS NULL`);
  assert.ok(rows.length > 0, 'the simulated cluster has autoscalers');
  assert.deepEqual(hpas.map((x) => [x.name, x.currentReplicas, x.desiredReplicas, x.maxReplicas]).sort(), rows.map((x) => [x.name, x.current_replicas, x.desired_replicas, x.max_replicas]).sort());
  assert.ok(hpas.every((x) => x.targets.length > 0 && x.targets.every((t) => t.target !== null)), 'each autoscaler\'s targets');

  await page.goto(`${base}/#/storage?cluster=east`);
  await page.locator(`.pvcs tr[data-pvc="${mounted.name}"] .pvc-used .pcell`).waitFor({ timeout: 20_000 });
  assert.ok(await page.locator('.volumes tr[data-volume]').count() > 0, 'pod volumes listed');
  await page.screenshot({ path: join(env.shots, 'storage.png'), fullPage: true });
  const hpa = hpas[0];
  await page.goto(`${base}/#/hpas?cluster=east`);
  const row = page.locator(`.hpa-table tr[data-hpa="${hpa.name}"]`);
  await row.waitFor({ timeout: 20_000 });
  assert.equal((await row.locator('.replicas').textContent())!.trim(), `${hpa.currentReplicas} / ${hpa.desiredReplicas}`);
  await row.locator('a').first().click();
  const chart = page.locator(`.chart[data-title="${hpa.namespace}/${hpa.name} · replicas"]`);
  await waitFor(async () => Number(await chart.getAttribute('data-points')) > 0, 'the replicas over the range charted');
  await page.screenshot({ path: join(env.shots, 'autoscalers.png'), fullPage: true });

  // The pod's own network and ephemeral storage, and its volumes.
  await page.goto(`${base}/#/pod?cluster=east&namespace=${mounted.namespace}&name=${mounted.mountedBy}&range=15m`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="Ephemeral storage used"]').getAttribute('data-points')) > 0, 'ephemeral storage charted', 20_000);
  assert.equal(await page.locator('.chart[data-title="Network (pod)"]').count(), 1, 'a pod network chart');
  await page.locator(`.page.pod .volumes tr[data-volume="${vol.volume}"]`).waitFor({ timeout: 10_000 });
});

test('the node page\'s pods table sorts both ways, the sort in the URL', async () => {
  const { page, base, sims } = env;
  const node = sims[0].nodes()[0].name;
  await page.goto(`${base}/#/node?cluster=east&name=${node}`);
  await page.locator('.page.node .vt-row').first().waitFor({ timeout: 20_000 });
  for (const dir of ['asc', 'desc']) {
    const answer = page.waitForResponse((r) => r.url().includes('/api/pods?') && r.url().includes('node=') && r.url().includes('sort=namespace') && r.url().includes(`dir=${dir}`));
    await page.locator('.page.node .vt-th', { hasText: 'Namespace' }).click();
    const rows = ((await (await answer).json()) as { rows: Array<{ name: string; namespace: string; node: string }> }).rows;
    assert.ok(rows.length > 1 && rows.every((r) => r.node === node), 'the node\'s own pods');
    const ns = rows.map((r) => r.namespace);
    assert.ok(ns.every((n, i) => i === 0 || (dir === 'asc' ? ns[i - 1].localeCompare(n) <= 0 : ns[i - 1].localeCompare(n) >= 0)), `${dir}: ${ns.join(', ')}`);
    assert.ok(page.url().includes('sort=namespace') && page.url().includes(`dir=${dir}`), page.url());
    await waitFor(async () => (await page.locator('.page.node .vt-row .pod-name').first().textContent()) === rows[0].name, 'the sorted rows shown');
  }
});

interface HealthPointAnswer { at: string; queueRows: number; cyclesOnTime: number | null; cyclesLate: number | null; rowsPerSecond: number | null; scrapeLatencyP50Ms: number | null; ingestLagS: number | null }

test('collector health: keeping up over time, watches in one line, counters in words', async () => {
  const { page, base } = env;
  let points: HealthPointAnswer[] = [];
  await waitFor(async () => {
    points = (await env.api<{ points: HealthPointAnswer[] }>('/api/health/history?range=15m')).points;
    return points.some((p) => (p.cyclesOnTime ?? 0) > 0) && points.some((p) => (p.rowsPerSecond ?? 0) > 0) && points.some((p) => p.scrapeLatencyP50Ms !== null);
  }, 'cycles, ingest rate and scrape latency in the history', 30_000);
  assert.ok(points.every((p, i) => i === 0 || p.at > points[i - 1].at), 'oldest first');
  const last = points.at(-1)!;
  const row = await sql<{ queue_rows: string }>(`SELECT queue_rows FROM kubepulse.collector_status WHERE at = $1`, [last.at]);
  assert.equal(last.queueRows, Number(row[0].queue_rows), 'the stored row\'s figures');
  assert.ok(points.some((p) => p.ingestLagS !== null && p.ingestLagS >= 0 && p.ingestLagS < 60), 'the ingest lag: the newest sample within a minute');

  await page.goto(`${base}/#/health?range=15m`);
  const summary = page.locator('.card[data-cluster="east"] .watch-summary');
  await summary.waitFor({ timeout: 20_000 });
  const watches = (await env.api<{ clusters: Array<{ watches: Array<{ state: string }> }> }>('/api/health')).clusters[0].watches;
  const watching = watches.filter((w) => w.state === 'watching').length;
  await waitFor(async () => (await summary.textContent())!.startsWith(`${watching} of ${watches.length} inventory watches watching`), 'one line for the watches');
  assert.equal(await page.locator('.card[data-cluster="east"] .watch-exceptions tr[data-kind]').count(), watches.length - watching, 'only the exceptions spelled out');
  const strip = (await page.locator('.strip').first().textContent())!;
  assert.match(strip, /rows waiting to be written \d/);
  assert.ok(!/queuedRows|rowsQueued/.test(strip), `no internal counter names (${strip})`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="Scrape cycles per health interval"]').getAttribute('data-points')) > 0, 'cycles charted');
  assert.ok(Number(await page.locator('.chart[data-title="Scrape latency (last scrape per node)"]').getAttribute('data-points')) > 0, 'latency charted');
  await page.screenshot({ path: join(env.shots, 'health.png'), fullPage: true });
});

test('the global search finds pods, nodes, workloads and namespaces by any part of the name', async () => {
  const { page, base, sims } = env;
  const node = sims[0].nodes()[1].name;
  const hits = await env.api<Array<{ kind: string; name: string }>>(`/api/search?q=${encodeURIComponent(node.slice(1).toUpperCase())}`);
  assert.equal(hits.find((x) => x.kind === 'node')?.name, node, 'a node by part of its name, any case');
  const pods = (await env.api<{ rows: Array<{ name: string; namespace: string; workloadName: string | null }> }>('/api/pods?cluster=east&limit=1000')).rows;
  const pod = pods.find((p) => p.workloadName)!;
  const byWorkload = await env.api<Array<{ kind: string; name: string }>>(`/api/search?q=${pod.workloadName!}&limit=50`);
  assert.ok(byWorkload.some((x) => x.kind === 'workload' && x.name === pod.workloadName), 'its workload');
  assert.ok(byWorkload.some((x) => x.kind === 'pod' && x.name === pod.name), 'its pod');
  assert.ok((await env.api<Array<{ kind: string }>>(`/api/search?q=${pod.namespace}`)).some((x) => x.kind === 'namespace'), 'its namespace');

  await page.goto(`${base}/#/overview`);
  await page.locator('.global-search').waitFor();
  await page.keyboard.press('/');
  await page.keyboard.type(node.slice(2));
  const first = page.locator('.search-results .hit').first();
  await first.waitFor({ timeout: 10_000 });
  assert.match((await first.textContent())!, new RegExp(`node${node}`));
  await page.screenshot({ path: join(env.shots, 'search.png') });
  await page.keyboard.press('Enter');
  await waitFor(() => page.url().includes(`#/node?`) && page.url().includes(`name=${node}`), 'Enter opens the node');
  await page.fill('.global-search', 'zz-nothing-like-this');
  await page.locator('.search-results .no-hit').waitFor({ timeout: 10_000 });
});
