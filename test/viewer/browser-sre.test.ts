// The viewer in Chromium as an SRE uses it day to day (issue 18), against a collector over one simulated
// cluster: live updates patch the page in place (no jump to the top, no re-created chart or row).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { waitFor } from '../helpers/wait.js';

let env: BrowserEnv;

before(async () => {
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
