// Watch streams arrive in network chunks cut anywhere, also inside a multi-byte UTF-8 character: the
// informer decodes the stream, not each chunk, so such strings are stored exactly. The simulator cuts
// its watch events at random byte positions (fault watchChunkBytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useInformerHarness } from './informer-harness.js';
import { podKind } from '../../src/inventory/kinds/pod.js';
import type { KubeObject } from '../../src/inventory/kind.js';
import { WatchLines } from '../../src/inventory/watch-stream.js';
import { waitFor } from '../helpers/wait.js';

const h = useInformerHarness({ nodes: 1, podsPerNode: 4, seed: 5, faults: { watchChunkBytes: 5 } });

// Two-, three- and four-byte characters (the last a surrogate pair in JavaScript), many of them, so that
// cuts at random byte positions land inside characters again and again.
const MULTI = 'Grüße aus Köln · 日本語のテキスト · Ελληνικά · 🚀🎉👩‍💻 · ';
const ANNOTATION = MULTI.repeat(6);
const MESSAGE = `fatal: ${MULTI.repeat(4)}ende`;

test('WatchLines: a line cut at every byte position, multi-byte characters included, comes out whole', () => {
  const lines = ['{"a":"ünï 日本 🚀"}', '', '{"b":"Ελλάδα"}', '{"c":"x"}'];
  const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
  for (let cut = 1; cut < bytes.length; cut++) {
    const w = new WatchLines();
    const got = [...w.push(bytes.subarray(0, cut)), ...w.push(bytes.subarray(cut))];
    assert.deepEqual(got, lines.filter(Boolean), `cut at byte ${cut}`);
  }
  // One byte at a time, and a line without its newline yet is not given out.
  const w = new WatchLines();
  const got: string[] = [];
  for (const b of bytes) got.push(...w.push(Buffer.from([b])));
  assert.deepEqual(got, lines.filter(Boolean));
  assert.deepEqual(w.push(Buffer.from('{"d":"ü', 'utf8')), []);
});

test('multi-byte strings in a pod are stored exactly though the watch cuts them at random bytes', async () => {
  const informer = h.informer(podKind);
  const pods = (await h.conn.getJson<{ items: KubeObject[] }>('/api/v1/pods')).items;
  await waitFor(async () => (await h.rows(podKind)).size === pods.length, 'every pod stored after the first list', 30_000);
  assert.equal(informer.status.state, 'watching');
  const targets = pods.slice(0, 3);
  for (const [i, p] of targets.entries()) {
    h.sim.setPodStrings(p.metadata.namespace!, p.metadata.name, { annotations: { 'example.com/greeting': ANNOTATION + i }, terminationMessage: MESSAGE + i });
  }
  const stored = async (uid: string) =>
    (await h.store.pool.query<{ greeting: string | null; message: string | null }>(
      `SELECT annotations->>'example.com/greeting' AS greeting,
              object->'status'->'containerStatuses'->0->'lastState'->'terminated'->>'message' AS message
         FROM kubepulse.pod WHERE cluster_id = $1 AND uid = $2`,
      [h.store.clusterId, uid],
    )).rows[0];
  await waitFor(async () => {
    for (const p of targets) if ((await stored(p.metadata.uid))?.message == null) return false;
    return true;
  }, 'the three pods\' new strings stored', 60_000);
  for (const [i, p] of targets.entries()) {
    const got = await stored(p.metadata.uid);
    assert.equal(got.greeting, ANNOTATION + i, `annotation of ${p.metadata.name} stored exactly`);
    assert.equal(got.message, MESSAGE + i, `termination message of ${p.metadata.name} stored exactly`);
  }
  assert.equal(h.sinkCalls.failed, 0);
});
