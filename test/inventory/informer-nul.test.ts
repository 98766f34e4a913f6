// A NUL character anywhere in an object (a container's termination message is whatever the process
// wrote; an annotation is whatever a user set) must not make PostgreSQL reject the COPY batch: the object
// is stored with U+FFFD in its place, and the rest of the kind is stored too, from the list and the watch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useInformerHarness } from './informer-harness.js';
import { podKind } from '../../src/inventory/kinds/pod.js';
import type { KubeObject } from '../../src/inventory/kind.js';
import { waitFor } from '../helpers/wait.js';
import { copyEncoder } from '../../src/store/copy-text.js';

const h = useInformerHarness({ nodes: 2, podsPerNode: 4, seed: 3 });

/** The pods the API serves now. */
async function apiPods(): Promise<KubeObject[]> {
  return (await h.conn.getJson<{ items: KubeObject[] }>('/api/v1/pods')).items;
}

/** Whether every pod the API serves is stored (uid and resourceVersion), and nothing else is live. */
async function allStored(): Promise<boolean> {
  const [pods, rows] = await Promise.all([apiPods(), h.rows(podKind)]);
  return pods.length === rows.size && pods.every((p) => rows.get(p.metadata.uid)?.resource_version === p.metadata.resourceVersion);
}

const NUL_STRINGS = {
  annotations: { 'example.com/note': 'before\u0000after', 'example.com/literal': 'a \\u0000 is six characters', 'example.com/nul-\u0000-key': 'x' },
  terminationMessage: 'panic: bad input\u0000\u0000 at line 3',
  terminationReason: 'Err\u0000or',
};

async function storedStrings(uid: string): Promise<{ note: string; literal: string; keys: string[]; message: string; reason: string }> {
  const r = await h.store.pool.query<{ note: string; literal: string; keys: string[]; message: string; reason: string }>(
    `SELECT p.annotations->>'example.com/note' AS note, p.annotations->>'example.com/literal' AS literal,
            ARRAY(SELECT jsonb_object_keys(p.annotations) ORDER BY 1) AS keys,
            p.object->'status'->'containerStatuses'->0->'lastState'->'terminated'->>'message' AS message,
            (SELECT c.last_termination_reason FROM kubepulse.container c
              WHERE c.cluster_id = p.cluster_id AND c.pod_uid = p.uid
                AND c.container = p.object->'status'->'containerStatuses'->0->>'name') AS reason
       FROM kubepulse.pod p WHERE p.cluster_id = $1 AND p.uid = $2`,
    [h.store.clusterId, uid],
  );
  assert.equal(r.rows.length, 1, `pod ${uid} stored`);
  return r.rows[0];
}

function assertReplaced(got: Awaited<ReturnType<typeof storedStrings>>): void {
  assert.equal(got.note, 'before\uFFFDafter', 'NUL in an annotation value becomes U+FFFD');
  assert.equal(got.literal, 'a \\u0000 is six characters', 'the text \\u0000 (an escaped backslash) stays as it is');
  assert.ok(got.keys.includes('example.com/nul-\uFFFD-key'), `NUL in an annotation key: ${JSON.stringify(got.keys)}`);
  assert.equal(got.message, 'panic: bad input\uFFFD\uFFFD at line 3', 'NUL in a termination message');
  assert.equal(got.reason, 'Err\uFFFDor', 'NUL in a text column (COPY text format)');
}

test('a pod with NUL characters is stored, from the list and from the watch, and so is the rest of its kind', async () => {
  const pods = (await apiPods()).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const [listed, watched] = [pods[0], pods[pods.length - 1]];
  h.sim.setPodStrings(listed.metadata.namespace!, listed.metadata.name, NUL_STRINGS);

  const informer = h.informer(podKind, { pageSize: 3 });
  await waitFor(allStored, 'every pod stored after the first list', 30_000);
  assertReplaced(await storedStrings(listed.metadata.uid));

  h.sim.setPodStrings(watched.metadata.namespace!, watched.metadata.name, NUL_STRINGS);
  await waitFor(async () => (await storedStrings(watched.metadata.uid)).message !== null, 'the watched pod\'s new strings stored', 30_000);
  assertReplaced(await storedStrings(watched.metadata.uid));
  assert.ok(await allStored(), 'every other pod is still stored as the API serves it');
  assert.equal(h.sinkCalls.failed, 0, 'no batch was rejected');
  assert.equal(informer.status.state, 'watching');
  assert.equal(informer.status.lastError, null);
});

test('COPY text: NUL becomes U+FFFD in text, and the \\u0000 escape becomes \\ufffd in JSON (only a real escape)', () => {
  const enc = copyEncoder('t', [{ column: 't', sqlType: 'text' }, { column: 'j', sqlType: 'jsonb' }]);
  const line = (t: unknown, j: unknown): string => Buffer.concat(enc([{ t, j }])).toString('utf8');
  assert.equal(line('a\u0000b', { s: 'a\u0000b' }), 'a\uFFFDb\t{"s":"a\\\\ufffdb"}\n');
  // JSON text: \\u0000 is a backslash and "u0000" (kept); \\\u0000 is a backslash and a NUL (replaced).
  assert.equal(line('\\u0000', '"\\\\u0000"'), '\\\\u0000\t"\\\\\\\\u0000"\n');
  assert.equal(line(null, '"\\\\\\u0000 \\u0000"'), '\\N\t"\\\\\\\\\\\\ufffd \\\\ufffd"\n');
  for (const v of ['x\u0000', 'x\\u0000', 'x\\\u0000', '\u0000\\\u0000\\\\u0000']) {
    // Whatever the string, the JSON text that reaches PostgreSQL parses back to it with NUL replaced.
    const copied = line(null, { v }).slice(3, -1).replace(/\\\\/g, '\\');
    assert.deepEqual(JSON.parse(copied), { v: v.replaceAll('\u0000', '\uFFFD') }, JSON.stringify(v));
  }
});
