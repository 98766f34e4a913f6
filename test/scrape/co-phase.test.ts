// Schedulers that share an offset key scrape each node in the same instant when one interval is a
// multiple of the other (the summary every 15 s, cAdvisor every 30 s): the condition for joining the two
// payloads' rows of a sample. Without the key, each source spreads its nodes on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScrapeScheduler, Semaphore } from '../../src/scrape/scheduler.js';

async function launches(intervals: { summary: number; cadvisor: number }, offsetKey: string | undefined, nodes: string[]): Promise<Map<string, { summary: number[]; cadvisor: number[] }>> {
  let nowMs = 1_000_000;
  const out = new Map(nodes.map((n) => [n, { summary: [] as number[], cadvisor: [] as number[] }]));
  const semaphore = new Semaphore(100);
  const schedulers = (['summary', 'cadvisor'] as const).map((source) => {
    const s = new ScrapeScheduler({
      name: `c1/${source}`, offsetKey, intervalMs: intervals[source], timeoutMs: 1_000, semaphore, now: () => nowMs,
      scrape: async ({ node }) => void out.get(node)![source].push(nowMs),
    });
    s.setNodes(nodes);
    return s;
  });
  // Ten minutes of ticks every 100 ms; each tick's scrapes start (after the semaphore) before the next.
  for (let t = 0; t < 600_000; t += 100) {
    nowMs += 100;
    for (const s of schedulers) s.tick();
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

test('a shared offset key puts every cAdvisor scrape of a node in the same instant as one of its summary scrapes', async () => {
  const nodes = Array.from({ length: 40 }, (_, i) => `node-${i}`);
  for (const intervals of [{ summary: 15_000, cadvisor: 30_000 }, { summary: 15_000, cadvisor: 15_000 }, { summary: 10_000, cadvisor: 60_000 }]) {
    const shared = await launches(intervals, 'c1', nodes);
    const own = await launches(intervals, undefined, nodes);
    let together = 0;
    let apart = 0;
    for (const node of nodes) {
      // The first scrape of a new node is at once for both; every later one must coincide.
      const s = new Set(shared.get(node)!.summary);
      const later = shared.get(node)!.cadvisor.slice(1);
      assert.ok(later.length >= 600_000 / intervals.cadvisor - 2, `${node}: scraped on schedule`);
      for (const at of later) assert.ok(s.has(at), `${node} ${JSON.stringify(intervals)}: cAdvisor at ${at} with a summary scrape`);
      together += later.length;
      const o = new Set(own.get(node)!.summary);
      apart += own.get(node)!.cadvisor.slice(1).filter((at) => !o.has(at)).length;
    }
    assert.ok(together > 0);
    assert.ok(apart > together / 2, `without the key most cAdvisor scrapes fall between summary scrapes (${apart} of ${together})`);
  }
  // Offsets still spread the nodes over the interval.
  const first = [...(await launches({ summary: 15_000, cadvisor: 30_000 }, 'c1', nodes)).values()].map((l) => l.summary[1] % 15_000);
  assert.ok(new Set(first.map((ms) => Math.floor(ms / 1_500))).size >= 8, 'offsets spread over the interval');
});

test("a scheduler reports each node's scrape end, whatever its outcome, and whether it runs or is due", async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const ended: string[] = [];
  const s = new ScrapeScheduler({
    name: 'c1/cadvisor', intervalMs: 60_000, timeoutMs: 5_000, semaphore: new Semaphore(4),
    scrape: async ({ node }) => {
      await gate;
      if (node === 'bad') throw new Error('refused');
    },
    onScrapeEnd: (node) => ended.push(node),
  });
  s.setNodes(['good', 'bad']);
  // A node just added is due at once: running or due before the first tick launches it.
  assert.equal(s.runningOrDue('good'), true);
  s.tick();
  assert.equal(s.runningOrDue('good'), true);
  assert.equal(s.runningOrDue('bad'), true);
  assert.equal(s.runningOrDue('unknown'), false);
  release();
  await s.stop();
  assert.deepEqual(ended.sort(), ['bad', 'good']);
  assert.equal(s.runningOrDue('good'), false, 'ended, and its next cycle a minute away');
  assert.equal(s.nodes.find((n) => n.node === 'bad')?.ok, false);
});
