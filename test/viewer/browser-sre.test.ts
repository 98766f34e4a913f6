// The viewer in Chromium as an SRE uses it day to day (issue 18), against a collector over one simulated
// cluster: live updates patch the page in place (no jump to the top, no re-created chart or row), events
// readable and linked, charts from zero in round units, drag-to-zoom, the table columns, sorting and filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import pg from 'pg';
import { startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { waitFor } from '../helpers/wait.js';
import { REPO_ROOT } from '../helpers/paths.js';

let env: BrowserEnv;

before(async () => {
  // Set only under `npm run`: the collector must report its version without it.
  delete process.env.npm_package_version;
  env = await startBrowserEnv([{ name: 'east', nodes: 2, podsPerNode: 6 }]);
});

after(async () => {
  await env?.stop();
});

/** Resolves after `n` more refreshes of the node page (its last request is the pods-on-this-node page). */
function nodePageRefreshes(n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const on = (r: { url(): string }): void => {
      if (!r.url().includes('/api/pods?') || !r.url().includes('node=')) return;
      if (++seen < n) return;
      env.page.off('response', on);
      resolve();
    };
    env.page.on('response', on);
  });
}

test('live updates on a scrolled node page keep the scroll position, the charts, the rows and the selection', async () => {
  const { page, base, sims } = env;
  const node = sims[0].nodes()[0].name;
  await page.goto(`${base}/#/node?cluster=east&name=${node}`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points')) > 2, 'CPU chart has points', 30_000);
  await waitFor(async () => (await page.locator('.chart canvas').count()) >= 4 && (await page.locator('.page.node .vt-row .pod-name').count()) > 0, 'charts drawn and pods listed');
  await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
  const scrollY = await page.evaluate<number>('window.scrollY');
  assert.ok(scrollY > 300, `the node page scrolls (scrollY ${scrollY})`);
  const pointsBefore = Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points'));
  // Remember the DOM nodes of every chart canvas and table row, and select the node's runtime text (the
  // page's own code runs in Chromium: these snippets are plain script, evaluated there).
  await page.evaluate(`window.kept = [...document.querySelectorAll('.chart canvas, .page.node .vt-row')];
    getSelection().selectAllChildren([...document.querySelectorAll('.kv-item')].find((e) => e.textContent.startsWith('runtime')).querySelector('.v'))`);
  const selected = await page.evaluate<string>('getSelection().toString()');
  assert.ok(selected.length > 0, 'runtime text selected');
  await nodePageRefreshes(2);
  // Samples arrive every second but land in 3 s buckets: wait until an update has brought new points.
  await waitFor(async () => Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points')) > pointsBefore, 'the updates brought new points', 30_000);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate<number>('window.scrollY'), scrollY, 'scroll position unchanged');
  const kept = await page.evaluate<{ total: number; stillThere: number; now: number }>(`(() => {
    const now = new Set(document.querySelectorAll('.chart canvas, .page.node .vt-row'));
    return { total: window.kept.length, stillThere: window.kept.filter((e) => e.isConnected && now.has(e)).length, now: now.size };
  })()`);
  assert.ok(kept.total > 4);
  assert.deepEqual(kept, { total: kept.total, stillThere: kept.total, now: kept.total }, 'the same canvases and rows, none added or re-created');
  assert.equal(await page.evaluate<string>('getSelection().toString()'), selected, 'the text selection survives');
  await page.screenshot({ path: join(env.shots, 'node-scrolled.png') });
});

interface EventAnswer { type: string; reason: string; message: string; involvedKind: string; involvedNamespace: string; involvedName: string }
interface PodAnswer { namespace: string; name: string; workloadKind: string | null; phase: string; node: string | null }

test('events are readable, link to their object, and pod and node pages show their own', async () => {
  const { page, base, sims } = env;
  const pods = await env.api<{ rows: PodAnswer[] }>('/api/pods?cluster=east&limit=1000');
  const victim = pods.rows.find((p) => p.workloadKind === 'Deployment' && p.phase === 'Running');
  assert.ok(victim, 'a running deployment pod');
  const before = new Set(pods.rows.map((p) => p.name));
  sims[0].deletePod(victim.namespace, victim.name);
  const node = sims[0].nodes()[1].name;
  sims[0].setNodeReady(node, false);
  sims[0].setNodeReady(node, true);
  // The replacement's "Scheduled" event names it; its message is the long one we want to read.
  let scheduled: EventAnswer | undefined;
  await waitFor(async () => {
    const evs = await env.api<EventAnswer[]>(`/api/events?cluster=east&namespace=${victim.namespace}&search=Successfully%20assigned`);
    scheduled = evs.find((e) => e.involvedKind === 'Pod' && !before.has(e.involvedName));
    return scheduled !== undefined;
  }, 'the replacement pod scheduled event stored');
  const pod = scheduled!.involvedName;
  // The API filters by involved object; a malformed one is a 400 naming the parameter.
  const own = await env.api<EventAnswer[]>(`/api/events?cluster=east&object_kind=Pod&object_name=${pod}`);
  assert.ok(own.length > 0 && own.every((e) => e.involvedKind === 'Pod' && e.involvedName === pod));
  const bad = await fetch(`${base}/api/events?object_kind=%22x`, { headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /object_kind/);

  await page.goto(`${base}/#/events?cluster=east&search=${encodeURIComponent(pod)}`);
  const row = page.locator('.events .event', { hasText: 'Successfully assigned' }).first();
  await row.waitFor({ timeout: 20_000 });
  const msg = row.locator('.ev-msg');
  assert.equal(await msg.getAttribute('title'), scheduled!.message, 'the full message in a tooltip');
  const width = (await msg.boundingBox())!.width;
  assert.ok(width > 500, `the message column gets the room (${width} px at 1440 px)`);
  await page.screenshot({ path: join(env.shots, 'events.png') });
  await row.locator('a.ev-obj').click();
  await waitFor(() => page.url().includes('#/pod?') && page.url().includes(`name=${pod}`), 'the object link opens the pod page');
  await page.locator('.page.pod .own-events .event', { hasText: 'Scheduled' }).first().waitFor({ timeout: 20_000 });

  await page.goto(`${base}/#/node?cluster=east&name=${node}`);
  await page.locator('.page.node .own-events .event', { hasText: 'NodeNotReady' }).first().waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('.page.node .own-events .event', { hasText: 'Scheduled' }).count(), 0, 'only the node\'s own events');
});

interface PodDetailAnswer { uid: string; namespace: string; name: string; containers: Array<{ name: string; cpuRequestMillicores: number | null; cpuLimitMillicores: number | null }> }

/** Every live pod's detail (the simulated cluster is small). */
async function podDetails(): Promise<PodDetailAnswer[]> {
  const pods = await env.api<{ rows: PodAnswer[] }>('/api/pods?cluster=east&limit=1000');
  return Promise.all(pods.rows.filter((p) => p.phase === 'Running').map((p) => env.api<PodDetailAnswer>(`/api/pod?cluster=east&namespace=${p.namespace}&name=${p.name}`)));
}

/** The chart's legend: each line's label with its marker colour. */
async function legend(title: string): Promise<Map<string, string>> {
  const labels = await env.page.locator(`.chart[data-title="${title}"] .u-legend .u-series .u-label`).allTextContents();
  // The markers' colours as the browser computes them (plain script evaluated in Chromium).
  const colours = await env.page.evaluate<string[]>(`[...document.querySelectorAll('.chart[data-title="${title}"] .u-legend .u-series')]
    .map((e) => e.querySelector('.u-marker') ? getComputedStyle(e.querySelector('.u-marker')).borderColor : '')`);
  const rows = labels.map((l, i) => [l, colours[i]]);
  return new Map(rows as Array<[string, string]>);
}

test('charts: y axes from zero in one round unit, container colours for requests and limits, throttled share in %', async () => {
  const { page, base } = env;
  const details = await podDetails();
  const multi = details.find((d) => d.containers.filter((c) => c.cpuRequestMillicores !== null).length >= 2);
  assert.ok(multi, 'a pod with two containers that request CPU');
  await page.goto(`${base}/#/pod?cluster=east&namespace=${multi.namespace}&name=${multi.name}`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="CPU per container"]').getAttribute('data-points')) > 1, 'pod CPU chart has points', 30_000);
  await page.waitForSelector('.chart[data-title="CPU per container"] .u-legend');
  const colours = await legend('CPU per container');
  const requesting = multi.containers.filter((c) => c.cpuRequestMillicores !== null);
  for (const c of requesting) {
    assert.ok(colours.get(c.name), `${c.name} has a usage line (${[...colours.keys()].join(', ')})`);
    assert.equal(colours.get(`${c.name} request`), colours.get(c.name), `${c.name}'s request line has its colour`);
  }
  assert.notEqual(colours.get(requesting[0].name), colours.get(requesting[1].name), 'two containers, two colours');
  for (const title of ['CPU per container', 'Memory per container (working set)']) {
    const ticks = (await page.locator(`.chart[data-title="${title}"]`).getAttribute('data-y-ticks'))!.split('|');
    assert.match(ticks[0], /^0(\.0+)? ?[a-zA-Z]/, `${title}: the axis starts at zero (${ticks.join(', ')})`);
    const unit = (t: string): string => t.replace(/^[\d.]+/, '');
    assert.equal(new Set(ticks.map(unit)).size, 1, `${title}: one unit on the axis (${ticks.join(', ')})`);
    const steps = ticks.map((t) => Number(t.replace(/[^\d.]/g, '')));
    assert.ok(steps.every((v, i) => i === 0 || Math.abs(v - steps[1] * i) < 1e-9), `${title}: even round steps (${ticks.join(', ')})`);
  }
  await page.screenshot({ path: join(env.shots, 'pod-containers.png'), fullPage: true });

  const limited = details.find((d) => d.containers.some((c) => c.cpuLimitMillicores !== null));
  assert.ok(limited, 'a pod with a CPU limit');
  const share = 'CPU throttled share (% of CFS periods)';
  await page.goto(`${base}/#/pod?cluster=east&namespace=${limited.namespace}&name=${limited.name}`);
  await waitFor(async () => Number(await page.locator(`.chart[data-title="${share}"]`).getAttribute('data-points')) > 0, 'the throttled share has points', 40_000);
  assert.equal(await page.locator('.chart[data-title^="CPU throttling"]').count(), 0, 'no throttled periods/s chart');
  const ticks = (await page.locator(`.chart[data-title="${share}"]`).getAttribute('data-y-ticks'))!.split('|');
  assert.ok(ticks.every((t) => t.endsWith('%')) && Number(ticks.at(-1)!.replace('%', '')) <= 100, `percent axis (${ticks.join(', ')})`);
});

test('dragging across a chart sets the page time range (in the URL) and every chart follows', async () => {
  const { page, base, sims } = env;
  await page.goto(`${base}/#/node?cluster=east&name=${sims[0].nodes()[0].name}&range=15m`);
  const over = page.locator('.chart[data-title="CPU"] .u-over');
  await over.waitFor({ timeout: 20_000 });
  const box = (await over.boundingBox())!;
  const chartFrom = Date.parse((await page.locator('.chart[data-title="CPU"]').getAttribute('data-from'))!);
  const chartTo = Date.parse((await page.locator('.chart[data-title="CPU"]').getAttribute('data-to'))!);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await waitFor(() => page.url().includes('from=') && page.url().includes('to=') && !page.url().includes('range='), 'the selection is the range in the URL');
  const params = new URL(page.url().replace('#/node?', '?')).searchParams;
  const from = Date.parse(params.get('from')!);
  const to = Date.parse(params.get('to')!);
  const span = chartTo - chartFrom;
  assert.ok(Math.abs(from - (chartFrom + span * 0.5)) < span * 0.05, 'from: where the drag started');
  assert.ok(Math.abs(to - (chartFrom + span * 0.75)) < span * 0.05, 'to: where it ended');
  await waitFor(async () => {
    const spans = await page.evaluate<Array<[string, string]>>(`[...document.querySelectorAll('.chart')].map((e) => [e.dataset.from, e.dataset.to])`);
    return spans.length > 3 && spans.every(([f, t]) => Math.abs(Date.parse(f) - from) < 1000 && Math.abs(Date.parse(t) - to) < 1000);
  }, 'every chart of the page shows the selected span');
  assert.equal(await page.locator('details.custom.active').count(), 1, 'the range picker shows a custom range');
});

/** A merge patch to the simulated API server (as kubectl cordon does). */
async function patchSim(path: string, body: unknown): Promise<void> {
  const sim = env.sims[0];
  const u = new URL(path, sim.url);
  await new Promise<void>((resolve, reject) => {
    const req = httpsRequest(u, { method: 'PATCH', ca: sim.caPem, headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/merge-patch+json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PATCH ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

interface NodeAnswer { name: string; cpuRequestsPercent: number | null; cpuPercent: number | null; unschedulable: boolean }
interface PodRowAnswer { name: string; namespace: string; uid: string; cpuMillicores: number | null; cpuRequestMillicores: number | null; containers: number; containersReady: number; reason: string | null }

test('tables: the columns SREs rely on, both sort directions on every column, substring filters with a hint, tooltips on cut cells', async () => {
  const { page, base, sims } = env;
  const cordoned = sims[0].nodes()[1].name;
  await patchSim(`/api/v1/nodes/${cordoned}`, { spec: { unschedulable: true } });
  // A crash-looping container (the simulator's containers restart but never wait): the state as the
  // inventory stores it from a pod status.
  const victim = (await env.api<{ rows: PodRowAnswer[] }>('/api/pods?cluster=east&namespace=kube-system&limit=1')).rows[0];
  const client = new pg.Client({ connectionString: env.db.url });
  await client.connect();
  try {
    await client.query(`UPDATE kubepulse.container SET state = 'waiting', state_reason = 'CrashLoopBackOff', ready = false WHERE pod_uid = $1 AND type = 'app'`, [victim.uid]);
  } finally {
    await client.end();
  }

  // Nodes: cores and GiB beside %, requests and limits as shares of allocatable, cordoned.
  await page.goto(`${base}/#/nodes?cluster=east`);
  const row = page.locator('.page.nodes .vt-row', { hasText: cordoned });
  await waitFor(async () => /Cordoned/.test((await row.textContent()) ?? ''), 'the cordoned node says so', 20_000);
  await waitFor(async () => /\d+(\.\d)? \/ \d+(\.\d)? cores/.test((await row.textContent()) ?? ''), 'CPU used in cores beside the share');
  const text = (await row.textContent())!;
  assert.match(text, /\d+(\.\d)? \/ \d+(\.\d)? (GiB|MiB)/, text);
  assert.match(text, /R \d+% · L \d+%/, text);
  const apiNodes = (await env.api<{ rows: NodeAnswer[] }>('/api/nodes?cluster=east')).rows;
  assert.ok(apiNodes.every((n) => n.cpuRequestsPercent !== null && n.cpuRequestsPercent > 0), 'requests share of each node');
  assert.equal(apiNodes.find((n) => n.name === cordoned)?.unschedulable, true);
  await page.screenshot({ path: join(env.shots, 'nodes-columns.png') });

  // Pods: the new columns, the status reason and ready x/y.
  await page.goto(`${base}/#/pods?cluster=east&namespace=kube-system`);
  await page.locator('.page.pods .vt-row').first().waitFor({ timeout: 20_000 });
  const headers = await page.locator('.page.pods .vt-th').allTextContents();
  for (const h of ['Status', 'Ready', 'CPU req / lim', '%CPU/R', '%CPU/L', 'Mem req / lim', '%MEM/R', '%MEM/L']) assert.ok(headers.some((x) => x.startsWith(h)), `${h} column (${headers.join(', ')})`);
  const victimRow = page.locator('.page.pods .vt-row', { hasText: victim.name });
  await waitFor(async () => (await victimRow.locator('.pod-status').textContent()) === 'CrashLoopBackOff', 'the status reason shown');
  assert.match((await victimRow.textContent())!, new RegExp(`0/${victim.containers}`), 'ready 0 of its containers');
  await page.screenshot({ path: join(env.shots, 'pods-columns.png') });

  // Sorting both ways, on a figure (nulls last either way) and on a name.
  for (const [label, key] of [['%CPU/R', 'cpu_of_request'], ['Namespace', 'namespace']] as const) {
    for (const dir of key === 'namespace' ? ['asc', 'desc'] : ['desc', 'asc']) {
      const answer = page.waitForResponse((r) => r.url().includes('/api/pods?') && r.url().includes(`sort=${key}`) && r.url().includes(`dir=${dir}`));
      await page.locator('.page.pods .vt-th', { hasText: label }).click();
      const rows = ((await (await answer).json()) as { rows: PodRowAnswer[] }).rows;
      const keyOf = (r: PodRowAnswer): number | string | null => key === 'namespace' ? r.namespace : r.cpuMillicores !== null && r.cpuRequestMillicores ? r.cpuMillicores / r.cpuRequestMillicores : null;
      const keys = rows.map(keyOf);
      const firstNull = keys.indexOf(null);
      assert.ok(firstNull === -1 || keys.slice(firstNull).every((k) => k === null), `${key} ${dir}: missing figures last`);
      const known = keys.filter((k): k is number | string => k !== null);
      assert.ok(known.length > 1, `${key}: figures to sort`);
      assert.ok(known.every((k, i) => i === 0 || (dir === 'asc' ? known[i - 1] <= k : known[i - 1] >= k)), `${key} ${dir}: ${known.join(', ')}`);
      await waitFor(async () => (await page.locator(`.page.pods .vt-th[data-sort="${key}"]`).getAttribute('data-dir')) === dir, `${key} header shows ${dir}`);
    }
  }

  // Filters: any part of the namespace, any case; nothing matching says why and how to widen.
  await page.goto(`${base}/#/pods?cluster=east&namespace=SYST`);
  await waitFor(async () => (await page.locator('.page.pods .vt-row').count()) > 0, 'kube-system pods found by "SYST"');
  const namespaces = await page.locator('.page.pods .vt-row .vt-td:nth-child(2)').allTextContents();
  assert.ok(namespaces.every((n) => n === 'kube-system'), namespaces.join(', '));
  await page.goto(`${base}/#/pods?cluster=east&namespace=zzz-none`);
  await page.locator('.page.pods .no-match').waitFor({ timeout: 10_000 });
  assert.match((await page.locator('.page.pods .no-match').textContent())!, /No namespace contains “zzz-none” in east/);
  await page.locator('.no-match .clear-filters').click();
  await waitFor(async () => (await page.locator('.page.pods .vt-row').count()) > 0 && !page.url().includes('namespace='), 'clear filters lists pods again');

  // A cell cut short by its column shows its whole text on hover.
  await page.setViewportSize({ width: 1000, height: 800 });
  try {
    await page.waitForTimeout(200);
    const cut = await page.evaluate<number>(`[...document.querySelectorAll('.page.pods .vt-row .vt-td')].findIndex((c) => c.scrollWidth > c.clientWidth)`);
    assert.ok(cut >= 0, 'a cut cell at 1000 px');
    const cell = page.locator('.page.pods .vt-row .vt-td').nth(cut);
    await cell.hover();
    assert.equal(await cell.getAttribute('title'), await cell.textContent());
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});

interface WorkloadAnswer {
  kind: string; namespace: string; name: string; pods: number; cpuMillicores: number | null; cpuRequestMillicores: number | null;
  cpuPerPodMillicores: number | null; cpuOfRequestsPercent: number | null;
}

test('workloads: CPU per pod is the mean of its pods, %CPU/R their usage over their summed requests; sorted both ways', async () => {
  const { page, base } = env;
  // A daemonset runs one pod per node: two pods, each with its own request.
  let checked: { w: WorkloadAnswer; pods: PodRowAnswer[] } | null = null;
  // Usage is the latest sample, read by two requests: retry until both saw the same samples.
  await waitFor(async () => {
    const ws = (await env.api<{ rows: WorkloadAnswer[] }>('/api/workloads?cluster=east&kind=daemonset')).rows;
    const w = ws.find((x) => x.name === 'kube-proxy');
    if (!w || w.pods < 2 || w.cpuOfRequestsPercent === null) return false;
    const pods = (await env.api<{ rows: PodRowAnswer[] }>(`/api/pods?cluster=east&namespace=${w.namespace}&workload=${w.name}`)).rows;
    const sampled = pods.filter((p) => p.cpuMillicores !== null);
    if (sampled.length !== w.pods) return false;
    const used = sampled.reduce((n, p) => n + p.cpuMillicores!, 0);
    const requested = sampled.reduce((n, p) => n + (p.cpuRequestMillicores ?? 0), 0);
    const same = Math.abs(w.cpuMillicores! - used) < 1e-6;
    if (!same) return false;
    assert.ok(Math.abs(w.cpuOfRequestsPercent - (100 * used) / requested) < 1e-6, `%CPU/R ${w.cpuOfRequestsPercent} = 100 × ${used} / ${requested}`);
    assert.ok(Math.abs(w.cpuPerPodMillicores! - used / sampled.length) < 1e-6, 'per pod: the mean of its pods');
    // Not summed usage over one pod's request (the old figure).
    assert.ok(Math.abs(w.cpuOfRequestsPercent - (100 * used) / w.cpuRequestMillicores!) > 1, 'not summed usage over one pod\'s request');
    checked = { w, pods };
    return true;
  }, 'kube-proxy with two sampled pods, read consistently', 30_000);
  const { w } = checked!;
  await page.goto(`${base}/#/workloads?cluster=east&kind=daemonset`);
  const row = page.locator('.page.workloads .vt-row', { hasText: w.name });
  await row.waitFor({ timeout: 20_000 });
  assert.match((await row.locator('.of-req').first().textContent())!, /^\d+(\.\d)?%$/);

  // Both directions on a figure of the pods (all workloads aggregated) and on a name.
  const sortKeys: Array<[string, (x: WorkloadAnswer) => number | string | null]> = [['cpu_of_requests', (x) => x.cpuOfRequestsPercent], ['name', (x) => x.name]];
  for (const [key, keyOf] of sortKeys) {
    for (const dir of ['asc', 'desc']) {
      const rows = (await env.api<{ total: number; rows: WorkloadAnswer[] }>(`/api/workloads?cluster=east&sort=${key}&dir=${dir}`)).rows;
      const keys = rows.map(keyOf);
      const firstNull = keys.indexOf(null);
      assert.ok(firstNull === -1 || keys.slice(firstNull).every((k) => k === null), `${key} ${dir}: missing figures last`);
      const known = keys.filter((k): k is number | string => k !== null);
      assert.ok(known.length > 2, `${key}: figures to sort`);
      assert.ok(known.every((k, i) => i === 0 || (dir === 'asc' ? known[i - 1] <= k : known[i - 1] >= k)), `${key} ${dir}: ${known.join(', ')}`);
    }
  }
  await page.goto(`${base}/#/workloads?cluster=east`);
  await page.locator('.page.workloads .vt-row').first().waitFor({ timeout: 20_000 });
  await page.locator('.page.workloads .vt-th', { hasText: '%CPU/R' }).click();
  await waitFor(async () => (await page.locator('.page.workloads .vt-th[data-sort="cpu_of_requests"]').getAttribute('data-dir')) === 'desc', 'first click: highest share first');
  await page.locator('.page.workloads .vt-th', { hasText: '%CPU/R' }).click();
  await waitFor(async () => (await page.locator('.page.workloads .vt-th[data-sort="cpu_of_requests"]').getAttribute('data-dir')) === 'asc', 'second click: lowest first');
});

test('the icon answers, nothing on the page 404s, and the collector reports its version', async () => {
  const { page, base } = env;
  const icon = await fetch(`${base}/favicon.ico`, { headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(icon.status, 200);
  assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
  assert.match(await icon.text(), /^<svg/);
  const failed: string[] = [];
  const onResponse = (r: { url(): string; status(): number }): void => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  };
  page.on('response', onResponse);
  try {
    await page.goto(`${base}/?token=${env.token}#/overview`);
    await page.locator('.card.cluster').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1000);
  } finally {
    page.off('response', onResponse);
  }
  assert.deepEqual(failed, [], 'no failed request while loading the page');
  assert.equal(await page.locator('link[rel="icon"]').count(), 1);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const overview = await env.api<{ collector: { version: string } }>('/api/overview');
  assert.equal(overview.collector.version, pkg.version);
});
