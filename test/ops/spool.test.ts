// The on-disk spool on its own: records survive a reopen without close (what a kill -9 leaves), replay
// in order and resume at the saved cursor, the cap drops the oldest metric batches first, then new
// inventory records (counted, their kinds marked for a relist after replay),
// a torn last line is skipped, and a database that is away stops the replay without losing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool, countMetricRows, packRows, parseSegment, parseSegmentName, segmentName, unpackRows } from '../../src/store/spool.js';
import { decodePayload } from '../../src/scrape/decode.js';
import { ENTITIES, type MetricRow } from '../../src/metrics/definitions.js';
import { FIXTURES } from '../helpers/paths.js';
import { SpoolReplayer, isBadDataError, replayWindow, type ReplayTargets } from '../../src/store/spool-replay.js';
import { configureLogging } from '../../src/log.js';
import type { InventoryChange } from '../../src/inventory/informer.js';

configureLogging({ level: 'silent', console: 'off', file: '' });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kp-spool-'));
}

function metricRows(batch: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({ cluster_id: 1, node: `n${batch}`, ts: new Date(1_700_000_000_000 + i * 1000), cpu: batch * 1000 + i }));
}

/** Targets recording what each write stores (one entry per record); `fail` sees the call's entries first. */
function recorder(fail?: (entries: string[]) => Error | null) {
  const seen: string[] = [];
  const targets: ReplayTargets = {
    async writeMetrics(entity, batches) {
      const entries = batches.map((b) => `metric:${entity}:${String(b.rows[0].node)}:${b.rows.length}`);
      const e = fail?.(entries);
      if (e) throw e;
      seen.push(...entries);
    },
    async applyInventory(clusterId, kind, changes, at) {
      const e = fail?.([]);
      if (e) throw e;
      assert.ok(at instanceof Date && !Number.isNaN(at.getTime()));
      seen.push(`inventory:${clusterId}:${kind}:${changes.map((c) => c.obj.metadata.name).join(',')}`);
    },
    async reconcile(clusterId, kind, present) {
      seen.push(`reconcile:${clusterId}:${kind}:${present.length}`);
    },
    async writeStatus(row) {
      seen.push(`status:${String(row.pid)}`);
    },
  };
  return { seen, targets };
}

const pod = (name: string): InventoryChange => ({ op: 'upsert', obj: { metadata: { uid: `u-${name}`, name, namespace: 'ns', resourceVersion: '1' } } });

test('segment names sort in creation order and parse back', () => {
  const a = segmentName(1_700_000_000_000, 5, 'metric');
  const b = segmentName(1_700_000_000_001, 0, 'inventory');
  assert.ok(a < b);
  assert.deepEqual(parseSegmentName(a), { createdMs: 1_700_000_000_000, counter: 5, stream: 'metric' });
  assert.equal(parseSegmentName('cursor-metric.json'), null);
});

test('a replay window: consecutive metric records, grouped per entity up to the row cap; any other record alone', () => {
  const at = 1;
  const m = (entity: 'node' | 'pod' | 'container', batch: number, n: number) => ({ t: 'metric' as const, at, n, entity, id: `id-${batch}`, rows: metricRows(batch, n) });
  const status = { t: 'status' as const, at, n: 1, row: { pid: 1 } };
  // Payloads spool one record per entity, so the entities take turns.
  const records = [m('node', 1, 1), m('pod', 2, 4), m('container', 3, 6), m('node', 4, 1), m('pod', 5, 4), m('container', 6, 6),
    status, m('pod', 7, 20), m('pod', 8, 1)];
  assert.deepEqual(replayWindow(records, 0, 10), { end: 6, groups: [[0, 3], [1, 4], [2], [5]] }, 'a second container record would pass 10 rows: a group of its own');
  assert.deepEqual(replayWindow(records, 0, 5), { end: 5, groups: [[0, 3], [1], [2], [4]] }, 'the window holds 4 × 5 rows: the second container record would pass it');
  assert.deepEqual(replayWindow(records, 3, 10), { end: 6, groups: [[3], [4], [5]] }, 'a status record ends the window');
  assert.deepEqual(replayWindow(records, 6, 10), { end: 7, groups: [] }, 'a status record is alone, in no group');
  assert.deepEqual(replayWindow(records, 7, 4), { end: 8, groups: [[7]] }, 'a record over the window is a window of its own');
  assert.deepEqual(replayWindow(records, 8, 10), { end: 9, groups: [[8]] });
});

test('metric records are written as a column list and value arrays: the same rows come back, old object records still read', () => {
  const rows: MetricRow[] = [{ node: 'a', ts: new Date(0), cpu: 1 }, { node: 'b', mem: 2, '@first': 1 }, {}];
  const packed = packRows(rows);
  assert.deepEqual(packed, { cols: ['node', 'ts', 'cpu', 'mem', '@first'], vals: [['a', rows[0].ts, 1, null, null], ['b', null, null, 2, 1], [null, null, null, null, null]] });
  assert.deepEqual(unpackRows(packed.cols, packed.vals), [
    { node: 'a', ts: rows[0].ts, cpu: 1, mem: null, '@first': null },
    { node: 'b', ts: null, cpu: null, mem: 2, '@first': 1 },
    { node: null, ts: null, cpu: null, mem: null, '@first': null },
  ]);
  const old = JSON.stringify({ t: 'metric', at: 1, n: 1, entity: 'node', id: 'x', rows: [{ node: 'a', cpu: 1 }] });
  const compact = JSON.stringify({ t: 'metric', at: 1, n: 1, entity: 'node', id: 'y', cols: ['node', 'cpu'], vals: [['a', 1]] });
  const broken = JSON.stringify({ t: 'metric', at: 1, n: 1, entity: 'node', id: 'z', cols: 'node', vals: [] });
  const parsed = parseSegment([old, compact, broken].join('\n'));
  assert.equal(parsed.badLines, 1, 'a compact record without its lists is a bad line');
  assert.deepEqual(parsed.records.map((r) => (r.t === 'metric' ? r.rows : [])), [[{ node: 'a', cpu: 1 }], [{ node: 'a', cpu: 1 }]]);
});

test("a real summary's rows spool in under a third of the bytes of one object per row, and replay equal", async () => {
  const dir = tempDir();
  try {
    const body = readFileSync(join(FIXTURES, 'summary-nri-1.35.json'));
    const d = decodePayload({ source: 'summary', body, clusterId: 1, node: 'n', intervalMs: 15_000 } as Parameters<typeof decodePayload>[0]);
    const s = new Spool({ dir, maxBytes: 64 * 2 ** 20 });
    let objectBytes = 0;
    const appended: MetricRow[][] = [];
    for (const entity of ENTITIES) {
      if (!d.rows[entity].length) continue;
      s.append({ t: 'metric', entity, rows: d.rows[entity] });
      appended.push(d.rows[entity]);
      objectBytes += JSON.stringify(d.rows[entity]).length;
    }
    const spooled = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    assert.ok(spooled * 3 < objectBytes, `${spooled} bytes spooled against ${objectBytes} as objects`);
    const replayed: MetricRow[][] = [];
    const targets: ReplayTargets = {
      async writeMetrics(_entity, batches) {
        for (const b of batches) replayed.push(b.rows);
      },
      applyInventory: () => Promise.reject(new Error('none')),
      reconcile: () => Promise.reject(new Error('none')),
      writeStatus: () => Promise.reject(new Error('none')),
    };
    assert.equal(await new SpoolReplayer(s, targets).drain(), true);
    // As JSON gives them back: dates as ISO strings (the writer reads those), absent values as null.
    const expected = appended.map((rows) => unpackRows(packRows(rows).cols, packRows(rows).vals).map((r) => JSON.parse(JSON.stringify(r)) as MetricRow));
    assert.deepEqual(replayed.flat(), expected.flat());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('records appended without close are replayed in order after a reopen, then deleted', async () => {
  const dir = tempDir();
  try {
    const s1 = new Spool({ dir, maxBytes: 10 * 2 ** 20 });
    s1.append({ t: 'metric', entity: 'node', rows: metricRows(1, 3) });
    s1.append({ t: 'inventory', clusterId: 7, kind: 'pod', changes: [pod('a'), pod('b')] });
    s1.append({ t: 'metric', entity: 'pod', rows: metricRows(2, 2) });
    s1.append({ t: 'inventory', clusterId: 7, kind: 'pod', changes: [pod('c')] });
    s1.append({ t: 'reconcile', clusterId: 7, kind: 'pod', present: ['u-a', 'u-c'], listStartedAt: new Date().toISOString() });
    // No close(): the process "died" here.
    const s2 = new Spool({ dir, maxBytes: 10 * 2 ** 20 });
    assert.equal(s2.isEmpty, false);
    assert.equal(s2.inventoryPending, true);
    const { seen, targets } = recorder();
    const r = new SpoolReplayer(s2, targets);
    assert.equal(await r.drain(), true);
    assert.deepEqual(seen, ['inventory:7:pod:a,b', 'inventory:7:pod:c', 'reconcile:7:pod:2', 'metric:node:n1:3', 'metric:pod:n2:2']);
    assert.equal(s2.isEmpty, true);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.jsonl')), []);
    assert.equal(r.counts.replayedMetricRows, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database that is away stops the replay; the next pass resumes at the group it stopped at', async () => {
  const dir = tempDir();
  try {
    const s = new Spool({ dir, maxBytes: 10 * 2 ** 20 });
    for (let b = 1; b <= 5; b++) s.append({ t: 'metric', entity: 'node', rows: metricRows(b, 2) });
    let calls = 0;
    const { seen, targets } = recorder(() => (++calls === 2 ? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) : null));
    // Groups of at most 4 rows: two records each.
    const r = new SpoolReplayer(s, targets, { groupRows: 4 });
    assert.equal(await r.drain(), false);
    assert.deepEqual(seen, ['metric:node:n1:2', 'metric:node:n2:2']);
    // A restart in between: the cursor on disk says where to go on.
    const again = new Spool({ dir, maxBytes: 10 * 2 ** 20 });
    const r2 = new SpoolReplayer(again, targets, { groupRows: 4 });
    assert.equal(await r2.drain(), true);
    assert.deepEqual(seen, ['metric:node:n1:2', 'metric:node:n2:2', 'metric:node:n3:2', 'metric:node:n4:2', 'metric:node:n5:2']);
    assert.equal(calls, 4, 'groups n1+n2, n3+n4 (refused, then stored), n5');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pass stopped mid-window resumes at the first record not stored yet', async () => {
  const dir = tempDir();
  try {
    const s = new Spool({ dir, maxBytes: 10 * 2 ** 20 });
    // node n1, pod n2, node n3, pod n4: the window's groups are [n1, n3] and [n2, n4].
    for (let b = 1; b <= 4; b++) s.append({ t: 'metric', entity: b % 2 ? 'node' : 'pod', rows: metricRows(b, 1) });
    let away = true;
    const { seen, targets } = recorder((entries) => (away && entries.some((e) => e.startsWith('metric:pod')) ? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) : null));
    assert.equal(await new SpoolReplayer(s, targets).drain(), false);
    assert.deepEqual(seen, ['metric:node:n1:1', 'metric:node:n3:1']);
    // Record n1 is stored and none before it is owed: the cursor moved past it (a restart reads it there).
    away = false;
    const again = new Spool({ dir, maxBytes: 10 * 2 ** 20 });
    assert.equal(await new SpoolReplayer(again, targets).drain(), true);
    // n3 again (its batch id makes the database skip it), n2 and n4 now.
    assert.deepEqual(seen.slice(2), ['metric:pod:n2:1', 'metric:pod:n4:1', 'metric:node:n3:1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record the database rejects as bad data is skipped and counted; the rest of its group is stored', async () => {
  const dir = tempDir();
  try {
    const s = new Spool({ dir, maxBytes: 10 * 2 ** 20 });
    for (let b = 1; b <= 3; b++) s.append({ t: 'metric', entity: 'node', rows: metricRows(b, 1) });
    let calls = 0;
    const bad = Object.assign(new Error('invalid input syntax'), { code: '22P02' });
    const { seen, targets } = recorder((entries) => (++calls, entries.includes('metric:node:n2:1') ? bad : null));
    const r = new SpoolReplayer(s, targets);
    assert.equal(await r.drain(), true);
    assert.deepEqual(seen, ['metric:node:n1:1', 'metric:node:n3:1']);
    assert.equal(calls, 4, 'the group once, then each of its records');
    assert.equal(r.counts.skippedRecords, 1);
    assert.equal(r.counts.replayedRecords, 2);
    assert.equal(isBadDataError(Object.assign(new Error('x'), { code: '57P01' })), false);
    assert.equal(isBadDataError(new Error('Connection terminated unexpectedly')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('when full, the oldest metric batches are dropped and counted; inventory kept while metric batches can go', async () => {
  const dir = tempDir();
  try {
    const segmentBytes = 4096;
    const s = new Spool({ dir, maxBytes: 6 * segmentBytes, segmentBytes });
    s.append({ t: 'inventory', clusterId: 1, kind: 'pod', changes: [pod('first')] });
    let appendedRows = 0;
    for (let b = 1; b <= 60; b++) {
      s.append({ t: 'metric', entity: 'node', rows: metricRows(b, 10) });
      appendedRows += 10;
    }
    for (let i = 0; i < 3; i++) s.append({ t: 'inventory', clusterId: 1, kind: 'pod', changes: [pod(`later${i}`)] });
    const st = s.stats();
    assert.ok(st.bytes <= 6 * segmentBytes, `spool within its cap (${st.bytes})`);
    assert.ok(st.droppedMetricBatches > 0 && st.droppedMetricRows === st.droppedMetricBatches * 10);
    assert.equal(st.droppedInventoryRecords, 0);
    const { seen, targets } = recorder();
    await new SpoolReplayer(s, targets).drain();
    const inventory = seen.filter((x) => x.startsWith('inventory'));
    assert.deepEqual(inventory, ['inventory:1:pod:first', 'inventory:1:pod:later0', 'inventory:1:pod:later1', 'inventory:1:pod:later2']);
    const storedRows = seen.filter((x) => x.startsWith('metric')).length * 10;
    assert.equal(storedRows + st.droppedMetricRows, appendedRows, 'every metric row is either replayed or counted as dropped');
    // What was kept is the newest: the last batch appended is among the replayed ones.
    assert.ok(seen.includes('metric:node:n60:10'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the cap holds for inventory too: past it new inventory records are dropped, counted, and their kind marked for a relist after replay', async () => {
  const dir = tempDir();
  try {
    const maxBytes = 8192;
    const s = new Spool({ dir, maxBytes, segmentBytes: 2048 });
    for (let b = 1; b <= 5; b++) s.append({ t: 'metric', entity: 'node', rows: metricRows(b, 5) });
    let kept = 0;
    let dropped = 0;
    for (let i = 0; i < 200; i++) {
      const ok = s.append({ t: 'inventory', clusterId: 3, kind: 'pod', changes: [pod(`p${i}`), pod(`q${i}`)] });
      if (ok) kept++;
      else dropped++;
      assert.ok(s.bytes <= maxBytes, `within the cap after record ${i} (${s.bytes})`);
    }
    const present = Array.from({ length: 500 }, (_, i) => `uid-${i}`);
    assert.equal(s.append({ t: 'reconcile', clusterId: 4, kind: 'node', present, listStartedAt: new Date().toISOString() }), false);
    const st = s.stats();
    assert.ok(dropped > 0 && kept > 0, `some kept (${kept}), some dropped (${dropped})`);
    assert.equal(st.droppedMetricBatches, 5, 'metric batches went first');
    assert.equal(st.droppedInventoryRecords, dropped + 1);
    assert.equal(st.droppedInventoryChanges, 2 * dropped, 'object changes counted (a reconcile carries none)');
    assert.deepEqual(st.relistsPending.sort(), ['3/pod', '4/node']);
    assert.deepEqual(s.takeRelists(), [], 'no relist while spooled inventory waits: it must come after');

    const { seen, targets } = recorder();
    assert.equal(await new SpoolReplayer(s, targets).drain(), true);
    assert.equal(seen.length, kept, 'every kept record replayed');
    assert.deepEqual(seen[0], 'inventory:3:pod:p0,q0', 'the oldest were kept');
    assert.deepEqual(s.takeRelists().sort((a, b) => a.clusterId - b.clusterId), [{ clusterId: 3, kind: 'pod' }, { clusterId: 4, kind: 'node' }]);
    assert.deepEqual(s.takeRelists(), [], 'taken once');
    assert.deepEqual(s.stats().relistsPending, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn last line (power cut mid-write) is skipped; the rest is replayed', async () => {
  const dir = tempDir();
  try {
    const s = new Spool({ dir, maxBytes: 2 ** 20 });
    s.append({ t: 'metric', entity: 'node', rows: metricRows(1, 2) });
    s.close();
    const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
    appendFileSync(join(dir, file), '{"t":"metric","at":1,"n":2,"entity":"node","rows":[{"cl');
    assert.deepEqual(countMetricRows('{"t":"metric","at":1,"n":2,"entity":"node"}\n{"t":"inventory","at":1,"n":1}\n'), { batches: 1, rows: 2 });
    const { seen, targets } = recorder();
    assert.equal(await new SpoolReplayer(new Spool({ dir, maxBytes: 2 ** 20 }), targets).drain(), true);
    assert.deepEqual(seen, ['metric:node:n1:2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
