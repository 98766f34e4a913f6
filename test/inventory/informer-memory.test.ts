// What the informer keeps per object (src/inventory/informer.ts): uid → resourceVersion, packed to a
// number when the version is a plain decimal. The packing must keep every distinction a relist needs:
// unchanged objects are not written again, changed ones are, whatever the versions look like.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Informer, packResourceVersion, type InventoryChange, type InventorySink } from '../../src/inventory/informer.js';
import { podKind } from '../../src/inventory/kinds/pod.js';
import type { KubeObject } from '../../src/inventory/kind.js';
import type { ClusterConnection } from '../../src/cluster/connection.js';

test('packResourceVersion: plain decimals become numbers, anything else stays the string', () => {
  assert.equal(packResourceVersion('0'), 0);
  assert.equal(packResourceVersion('123456789'), 123456789);
  assert.equal(packResourceVersion('987654321098765'), 987654321098765, '15 digits: exact in a double');
  assert.equal(packResourceVersion('9876543210987654'), '9876543210987654', '16 digits could round: kept');
  assert.equal(packResourceVersion('0123'), '0123', 'a leading zero would make "0123" equal "123"');
  assert.equal(packResourceVersion('12a'), '12a');
  assert.equal(packResourceVersion(''), '');
  assert.equal(packResourceVersion(undefined), '');
  const versions = ['1', '01', '001', '10', '1.0', '1e3', '1000', ' 1', '1 ', '-1', '+1', 'abc', '2147483648', '99999999999999'];
  const packed = new Set(versions.map(packResourceVersion));
  assert.equal(packed.size, versions.length, 'different strings stay different');
});

/** A connection serving pod lists from `pods()` (in pages) and watches without events. */
function fakeConnection(pods: () => KubeObject[]): { conn: ClusterConnection; lists: number } {
  const state = { lists: 0 };
  const conn = {
    name: 'fake',
    async getJson(path: string) {
      const q = new URLSearchParams(path.split('?')[1]);
      const limit = Number(q.get('limit'));
      const from = Number(q.get('continue') || 0);
      if (from === 0) state.lists++;
      const all = pods();
      const next = from + limit < all.length ? String(from + limit) : '';
      return { metadata: { resourceVersion: '500', continue: next }, items: all.slice(from, from + limit) };
    },
    async raw(path: string, o: { signal?: AbortSignal }) {
      // A watch that ends cleanly after its timeoutSeconds with no event (or when the informer stops).
      const timeoutS = Number(new URLSearchParams(path.split('?')[1]).get('timeoutSeconds'));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutS * 1000);
        o.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      const body = { async *[Symbol.asyncIterator]() {}, async dump() {}, async text() { return ''; } };
      return { status: 200, headers: {}, body };
    },
  };
  return { conn: conn as unknown as ClusterConnection, get lists() { return state.lists; } };
}

test('informer relist: unchanged objects are not written again, changed ones are, with any version shape', async () => {
  const rvs = ['7', '0123', '2147483648', 'opaque-v1', '42'];
  let pods: KubeObject[] = rvs.map((rv, i) => ({ metadata: { uid: `uid-${i}`, name: `p-${i}`, namespace: 'ns', resourceVersion: rv } }));
  const batches: InventoryChange[][] = [];
  const sink: InventorySink = {
    async apply(_k, changes) {
      batches.push(changes);
    },
    async now() {
      return new Date();
    },
    async reconcile() {
      return 0;
    },
  };
  const fake = fakeConnection(() => pods);
  const informer = new Informer(fake.conn, podKind, sink, { pageSize: 2, relistMs: 1000 });
  informer.start();
  try {
    const waitFor = async (cond: () => boolean, what: string) => {
      for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(cond(), what);
    };
    await waitFor(() => batches.flat().length === rvs.length, 'the first list writes every object');
    const written = batches.flat().length;
    // Between lists: one decimal version grows, the leading-zero one changes to what it would pack to if
    // zeros were dropped, one opaque version changes; the others stay.
    pods = pods.map((p, i) => (i === 0 ? { metadata: { ...p.metadata, resourceVersion: '8' } }
      : i === 1 ? { metadata: { ...p.metadata, resourceVersion: '123' } }
        : i === 3 ? { metadata: { ...p.metadata, resourceVersion: 'opaque-v2' } } : p));
    await waitFor(() => fake.lists >= 2 && informer.status.relists >= 1, 'a second list (the periodic relist)');
    const second = batches.flat().slice(written).map((c) => c.obj.metadata.uid).sort();
    assert.deepEqual(second, ['uid-0', 'uid-1', 'uid-3']);
    assert.equal(informer.status.objects, rvs.length);
  } finally {
    await informer.stop();
  }
});
