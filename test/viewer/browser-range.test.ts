// The range picker in Chromium (issue 18): every page that shows data over time reads the page's range,
// the range stays in the URL from page to page, and the events (the events page, a node's and a pod's
// own) are those seen during the range, those Kubernetes has since deleted included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

/** API paths whose answer is data over time: each must carry the page's range. */
const TIMED = ['/api/nodes/sparklines?', '/api/series?', '/api/node/series?', '/api/overview/', '/api/health/history?', '/api/hpa/history?', '/api/events?'];

/** The pages that show data over time (the others show the inventory now and its latest samples). */
const TIMED_PAGES = ['Nodes', 'Overview', 'Events', 'Collector health', 'node page', 'pod page', 'autoscaler chart'];

interface EventAnswer { type: string; reason: string; involvedKind: string; involvedName: string; lastTime: string }
interface HpaAnswer { namespace: string; name: string }

test('every page with time reads the picked range, and the range stays in the URL from page to page', async () => {
  const { page, base } = env;
  const asked: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (TIMED.some((t) => `${u.pathname}?`.startsWith(t) || u.pathname.startsWith(t))) asked.push(`${u.pathname}?${u.searchParams.toString()}`);
  });
  let hpa: HpaAnswer | undefined;
  await waitFor(async () => (hpa = (await env.api<HpaAnswer[]>('/api/hpas?cluster=east'))[0]) !== undefined, 'an autoscaler in the inventory', 30_000);
  await page.goto(`${base}/#/overview`);
  await page.locator('button.range-btn[data-range="6h"]').click();
  await waitFor(() => page.url().includes('range=6h'), 'the picked range in the URL');
  const node = env.sims[0].nodes()[0].name;
  const pod = (await env.api<{ rows: Array<{ name: string }> }>('/api/pods?cluster=east&phase=Running&limit=1')).rows[0];
  // Through the nav (the range follows the user), then the detail pages reached from the tables.
  const visits: Array<[string, () => Promise<void>]> = [
    ...['Nodes', 'Pods', 'Workloads', 'Storage', 'Autoscalers', 'Events', 'Collector health', 'Overview'].map((label): [string, () => Promise<void>] =>
      [label, () => page.locator('header nav a', { hasText: label }).first().click()]),
    ['node page', () => page.locator('header nav a', { hasText: 'Nodes' }).click().then(() => page.locator('.page.nodes .vt-row', { hasText: node }).click())],
    ['pod page', () => page.locator('header nav a', { hasText: 'Pods' }).click().then(() => page.locator('.page.pods .vt-row', { hasText: pod.name }).click())],
    ['autoscaler chart', () => page.locator('header nav a', { hasText: 'Autoscalers' }).click().then(() => page.locator(`tr[data-hpa="${hpa!.name}"] a`).first().click())],
  ];
  for (const [what, go] of visits) {
    asked.length = 0;
    await go();
    if (TIMED_PAGES.includes(what)) await waitFor(() => asked.length > 0, `${what}: asked for data over time`);
    await page.waitForTimeout(800); // the page's other requests
    assert.ok(page.url().includes('range=6h'), `${what}: the range stays in the URL (${page.url()})`);
    const without = asked.filter((a) => !a.includes('range=6h') && !a.includes('from='));
    assert.deepEqual(without, [], `${what}: every request for data over time carries the range`);
  }
  // The chosen autoscaler's chart and the health page's span the picked range.
  const span = async (sel: string): Promise<number> => {
    const el = page.locator(sel).first();
    await el.waitFor({ timeout: 20_000 });
    return (Date.parse((await el.getAttribute('data-to'))!) - Date.parse((await el.getAttribute('data-from'))!)) / 3_600_000;
  };
  assert.ok(Math.abs((await span('.page.hpas .chart')) - 6) < 0.1, 'the autoscaler chart spans 6 h');
  await page.locator('header nav a', { hasText: 'Collector health' }).click();
  assert.ok(Math.abs((await span('.page.health .chart')) - 6) < 0.1, 'the health charts span 6 h');
  await page.locator('header nav a', { hasText: 'Nodes' }).click();
  await page.locator('.page.nodes .vt-row .spark-cell canvas').first().waitFor({ timeout: 20_000 });
  assert.ok(await page.locator('.page.nodes .vt-th', { hasText: 'CPU 6h' }).count(), 'the sparklines column names the range');
});

test('events are those seen in the range: a past range shows none of now, a deleted event still counts where it was seen', async () => {
  const { page, base, sims } = env;
  const node = sims[0].nodes()[1].name;
  sims[0].setNodeReady(node, false);
  sims[0].setNodeReady(node, true);
  let own: EventAnswer[] = [];
  await waitFor(async () => (own = await env.api<EventAnswer[]>(`/api/events?cluster=east&object_kind=Node&object_name=${node}&range=15m`)).length > 0, 'the node\'s events stored', 30_000);
  // An hour that ended before the collector started: nothing was seen then.
  const past = `from=${new Date(Date.now() - 3 * 3_600_000).toISOString()}&to=${new Date(Date.now() - 2 * 3_600_000).toISOString()}`;
  assert.deepEqual(await env.api<EventAnswer[]>(`/api/events?cluster=east&object_kind=Node&object_name=${node}&${past}`), []);
  const bad = await fetch(`${base}/api/events?to=${new Date().toISOString()}`, { headers: { authorization: `Bearer ${env.token}` } });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /from/);

  // Kubernetes deletes events after an hour: the deleted row leaves the live list, not the range's.
  const client = new pg.Client({ connectionString: env.db.url });
  await client.connect();
  try {
    await client.query(`UPDATE kubepulse.event SET deleted_at = now() WHERE involved_kind = 'Node' AND involved_name = $1 AND reason = $2`, [node, own[0].reason]);
  } finally {
    await client.end();
  }
  const live = await env.api<EventAnswer[]>(`/api/events?cluster=east&object_kind=Node&object_name=${node}`);
  assert.ok(live.every((e) => e.reason !== own[0].reason), 'gone from the live events');
  const seen = await env.api<EventAnswer[]>(`/api/events?cluster=east&object_kind=Node&object_name=${node}&range=15m`);
  assert.ok(seen.some((e) => e.reason === own[0].reason), 'still seen in the last 15 minutes');

  await page.goto(`${base}/#/events?cluster=east&search=${node}&range=15m`);
  await page.locator('.events .event', { hasText: own[0].reason }).first().waitFor({ timeout: 20_000 });
  assert.match((await page.locator('.page.events-page .vt-count').textContent())!, /events seen in the last 15m/);
  await page.goto(`${base}/#/events?cluster=east&search=${node}&${past.replace(/:/g, '%3A')}`);
  await page.locator('.events .range-hint').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('.events .event').count(), 0, 'no event in the past hour');
  // The node page's own events follow the same range.
  await page.locator('header nav a', { hasText: 'Nodes' }).click();
  assert.ok(page.url().includes('from='), 'the custom range follows to the nodes table');
  await page.locator('.page.nodes .vt-row', { hasText: node }).click();
  await waitFor(async () => /no events of this node from/.test((await page.locator('.page.node .own-events').textContent()) ?? ''), 'the node page says no event in the range');
  await page.locator('button.range-btn[data-range="15m"]').click();
  await page.locator('.page.node .own-events .event', { hasText: own[0].reason }).first().waitFor({ timeout: 20_000 });
});
