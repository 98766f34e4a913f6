import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricWriter } from '../../src/store/metric-writer.js';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { FIRST_SAMPLE, type Entity, type MetricRow } from '../../src/metrics/definitions.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('queue-test');

const nodeRows = (n: number, ts: Date, prefix = 'n'): MetricRow[] =>
  Array.from({ length: n }, (_, i) => ({ cluster_id: store.clusterId, node: `${prefix}${i}`, ts }));
const podRows = (n: number, ts: Date): MetricRow[] =>
  Array.from({ length: n }, (_, i) => ({ cluster_id: store.clusterId, pod_uid: `p${i}`, namespace: 'ns', pod: `pod${i}`, node: 'n0', ts }));

async function count(table: string, ts: Date): Promise<number> {
  const r = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${table} WHERE cluster_id = $1 AND ts = $2`, [store.clusterId, ts]);
  return r.rows[0].n;
}

test('batches per entity, writes partial batches on flush, counts duplicates', async () => {
  const w = new MetricWriter(store.pool, { batchRows: 40, flushIntervalMs: 60_000 });
  const ts = new Date('2026-11-25T09:00:00Z');
  for (let i = 0; i < 5; i++) await w.enqueue('node', nodeRows(25, ts, `b${i}-`));
  await w.enqueue('pod', podRows(30, ts));
  // The first chunk's samples again, as a restarted process's first scrape delivers them (the rate
  // tracker marks them as each series' first sample in that process).
  await w.enqueue('node', nodeRows(25, ts, 'b0-').map((r) => ({ ...r, [FIRST_SAMPLE]: 1 })));
  assert.equal(await w.flush(), true);
  assert.equal(await count('node_metric', ts), 125);
  assert.equal(await count('pod_metric', ts), 30);
  const s = w.stats();
  assert.equal(s.inserted, 155);
  assert.equal(s.duplicates, 25);
  assert.equal(s.queuedRows, 0);
  assert.equal(await w.close(), 0);
  assert.throws(() => w.tryEnqueue('node', nodeRows(1, ts)), /closed/);
});

test('a full queue refuses tryEnqueue and makes enqueue wait until rows are written', async () => {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const written: number[] = [];
  const w = new MetricWriter(store.pool, {
    maxQueuedRows: 100, batchRows: 50, flushIntervalMs: 60_000,
    write: async (p, entity, rows, o) => {
      await gate;
      written.push(rows.length);
      return writeMetricRows(p, entity, rows, o);
    },
  });
  const ts = new Date('2026-11-25T09:05:00Z');
  assert.equal(w.tryEnqueue('node', nodeRows(60, ts, 'a')), true);
  assert.equal(w.tryEnqueue('node', nodeRows(40, ts, 'b')), true);
  assert.equal(w.depth, 100);
  assert.equal(w.tryEnqueue('node', nodeRows(10, ts, 'c')), false, 'full: refused');
  let accepted = false;
  const waiting = w.enqueue('node', nodeRows(10, ts, 'd')).then(() => (accepted = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(accepted, false);
  assert.equal(w.stats().waitingProducers, 1);
  open();
  await waiting;
  assert.equal(await w.flush(), true);
  assert.equal(await count('node_metric', ts), 110);
  assert.equal(written.reduce((a, b) => a + b, 0), 110, 'every row went through the write function');
  assert.ok(written.length >= 3 && written.every((n) => n <= 50), `batches never exceed batchRows: ${JSON.stringify(written)}`);
  await w.close();
});

test('enqueueWithin waits for room up to its limit: in when room comes in time, refused (for the spool) when not or when the writer closes', async () => {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const w = new MetricWriter(store.pool, {
    maxQueuedRows: 50, batchRows: 50, flushIntervalMs: 60_000,
    write: async (p, entity, rows, o) => {
      await gate;
      return writeMetricRows(p, entity, rows, o);
    },
  });
  const ts = new Date('2026-11-25T09:06:00Z');
  assert.equal(await w.enqueueWithin('node', nodeRows(50, ts, 'a'), 10), true, 'room: in at once');
  // Full, and the write is held: the wait runs out.
  assert.equal(await w.enqueueWithin('node', nodeRows(10, ts, 'b'), 30), false);
  assert.equal(w.stats().waitingProducers, 0, 'a producer whose wait ran out left the line');
  // Room comes within the wait: in.
  const inTime = w.enqueueWithin('node', nodeRows(10, ts, 'c'), 10_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(w.stats().waitingProducers, 1);
  open();
  assert.equal(await inTime, true);
  assert.equal(await w.flush(), true);
  assert.equal(await count('node_metric', ts), 60, 'the refused rows were never queued');
  // Closing with a producer in line: refused, so its caller can spool the rows instead of losing them.
  assert.equal(w.tryEnqueue('node', nodeRows(50, new Date('2026-11-25T09:07:00Z'), 'd')), true);
  const inLine = w.enqueueWithin('node', nodeRows(5, ts, 'e'), 60_000);
  await w.close();
  assert.equal(await inLine, false);
});

test('failed writes are retried until stored once; rows that can never be stored are dropped and counted', async () => {
  let failures = 2;
  const w = new MetricWriter(store.pool, {
    batchRows: 1000, flushIntervalMs: 60_000, minRetryDelayMs: 10, maxRetryDelayMs: 20,
    write: async (p, entity, rows, o) => {
      if (failures-- > 0) throw Object.assign(new Error('connection refused (simulated)'), { code: 'ECONNREFUSED' });
      return writeMetricRows(p, entity, rows, o);
    },
  });
  const ts = new Date('2026-11-25T09:10:00Z');
  const rows = nodeRows(20, ts);
  rows.push({ cluster_id: store.clusterId, node: null, ts }); // no key
  await w.enqueue('node', rows);
  assert.equal(await w.flush(), true);
  assert.equal(await count('node_metric', ts), 20);
  const s = w.stats();
  assert.equal(s.failedWrites, 2);
  assert.equal(s.rejectedRows, 1);
  assert.equal(s.inserted, 20);
  assert.equal(s.lastError, null, 'the error is cleared once writes succeed again');
  await w.close();
});

test('a batch committed whose answer was lost is retried under its id and not stored twice', async () => {
  const ids: string[] = [];
  let lose = 1;
  let lostRows = 0;
  const w = new MetricWriter(store.pool, {
    batchRows: 1000, flushIntervalMs: 60_000, minRetryDelayMs: 10, maxRetryDelayMs: 20,
    write: async (p, entity, rows, o) => {
      ids.push(o.batchId);
      const r = await writeMetricRows(p, entity, rows, o);
      if (lose-- > 0 && (lostRows = rows.length)) throw Object.assign(new Error('Connection terminated unexpectedly (simulated, after the commit)'), { code: undefined });
      return r;
    },
  });
  // Rows of now: the restart guard lets them through as fresh, so only the batch id can catch the retry.
  const ts = new Date(Date.now() - 1_000);
  await w.enqueue('node', nodeRows(15, ts, 'lost-'));
  await w.enqueue('pod', podRows(4, ts));
  assert.equal(await w.flush(), true);
  assert.equal(await count('node_metric', ts), 15);
  assert.equal(await count('pod_metric', ts), 4);
  assert.equal(ids.length, 3, 'node batch, pod batch, and the retry of the one whose answer was lost');
  assert.equal(new Set(ids).size, 2, `the retry carries the first attempt's id: ${JSON.stringify(ids)}`);
  const s = w.stats();
  assert.equal(s.duplicates, lostRows, 'the retried batch, found by its id');
  assert.equal(s.inserted, 19 - lostRows, 'the first attempt of the lost batch never reported its rows');
  await w.close();
});

test('every entity gets written when scrapes refill the first ones within each flush interval (1 s samples)', async () => {
  const written = new Map<Entity, number>();
  const w = new MetricWriter(store.pool, {
    flushIntervalMs: 40, concurrency: 2,
    write: async (_p, entity, rows) => {
      await new Promise((r) => setTimeout(r, 15));
      written.set(entity, (written.get(entity) ?? 0) + rows.length);
      return { inserted: rows.length, duplicates: 0 };
    },
  });
  const entities: Entity[] = ['node', 'system_container', 'pod', 'container', 'volume', 'interface', 'disk_io'];
  const ts = new Date('2026-11-25T09:30:00Z');
  const end = Date.now() + 1_200;
  let sent = 0;
  while (Date.now() < end) {
    for (const e of entities) w.tryEnqueue(e, [{ cluster_id: store.clusterId, node: 'n', ts }]);
    sent++;
    await new Promise((r) => setTimeout(r, 20));
  }
  // While rows kept coming every entity was written, not only the first two in the queue's order.
  const during = new Map(written);
  for (const e of entities) assert.ok((during.get(e) ?? 0) >= sent / 2, `${e}: written while rows kept coming (${JSON.stringify([...during])}, ${sent} sent)`);
  assert.equal(await w.flush(5_000), true);
  for (const e of entities) assert.equal(written.get(e), sent, `${e}: every row written`);
  await w.close();
});

test('onWriteFailed can take a batch over; close gives up after its timeout and reports what is left', async () => {
  const handedOver: Array<[Entity, number, string]> = [];
  const failing = new MetricWriter(store.pool, {
    flushIntervalMs: 60_000,
    write: async () => { throw new Error('database is down (simulated)'); },
    onWriteFailed: (entity, rows, _err, batchId) => { handedOver.push([entity, rows.length, batchId]); return true; },
  });
  await failing.enqueue('pod', podRows(7, new Date('2026-11-25T09:15:00Z')));
  assert.equal(await failing.flush(), true);
  assert.deepEqual(handedOver.map(([e, n]) => [e, n]), [['pod', 7]]);
  assert.match(String(handedOver[0][2]), /^[0-9a-f-]{36}$/, 'the batch is handed over with its id (the spool keeps it)');
  assert.equal(failing.depth, 0);
  await failing.close();

  const stuck = new MetricWriter(store.pool, {
    flushIntervalMs: 60_000, minRetryDelayMs: 5, maxRetryDelayMs: 5,
    write: async () => { throw new Error('database is down (simulated)'); },
  });
  await stuck.enqueue('node', nodeRows(3, new Date('2026-11-25T09:20:00Z')));
  assert.equal(await stuck.close(50), 3);
});
