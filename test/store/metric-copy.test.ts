import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BATCH_ID_KEEP_MS, pruneBatchIds, writeMetricRows } from '../../src/store/metric-copy.js';
import { SeriesIds } from '../../src/store/series-ids.js';
import { copyEncoder, escapeCopyText } from '../../src/store/copy-text.js';
import { metricColumns } from '../../src/store/schema.js';
import { FIRST_SAMPLE, METRIC_DEFS, metricsOf, type MetricRow } from '../../src/metrics/definitions.js';
import { useMigratedStore } from '../helpers/store.js';
import type pg from 'pg';

const store = useMigratedStore('writer-test');

/** A container row with every declared metric column set to a distinct value derived from i. */
function containerRow(i: number, ts: Date, extra: MetricRow = {}): MetricRow {
  const row: MetricRow = {
    cluster_id: store.clusterId, pod_uid: `uid-${i % 7}`, container: `c-${i}`, ts,
    namespace: 'default', pod: `pod-${i % 7}`, node: `node-${i % 3}`,
  };
  metricsOf('container').forEach((m, k) => {
    row[m.column] = m.sqlType === 'double precision' ? i + k / 4 : i * 1000 + k;
    if (m.rate) row[m.rate.column] = i + k / 8;
  });
  return { ...row, ...extra };
}

test('COPY text escapes backslash, tab, newline and carriage return and writes NULL as \\N', () => {
  assert.equal(escapeCopyText('a\tb\nc\\d\re'), 'a\\tb\\nc\\\\d\\re');
  assert.equal(escapeCopyText('plain'), 'plain');
  const enc = copyEncoder('t', [
    { column: 'k', sqlType: 'text', notNull: true },
    { column: 'ts', sqlType: 'timestamptz' },
    { column: 'n', sqlType: 'bigint' },
    { column: 'd', sqlType: 'double precision' },
  ]);
  const text = (rows: Array<Record<string, unknown>>) => Buffer.concat(enc(rows)).toString('utf8');
  assert.equal(
    text([{ k: 'x\ty', ts: new Date(Date.UTC(2026, 10, 25, 1, 2, 3, 4)), n: 2.6, d: Number.NaN }]),
    'x\\ty\t2026-11-25T01:02:03.004Z\t3\t\\N\n',
  );
  assert.throws(() => enc([{ ts: new Date() }]), /lacks key column k/);
  // Multi-byte text, and a batch larger than one chunk, come out whole and in order.
  const many = Array.from({ length: 5000 }, (_, i) => ({ k: `ключ-${i}-€-😀-${'x'.repeat(i % 300)}`, n: i }));
  const lines = text(many).split('\n');
  assert.equal(lines.length, 5001);
  assert.ok(enc(many).length > 1);
  for (let i = 0; i < many.length; i++) assert.equal(lines[i], `${many[i].k}\t\\N\t${i}\t\\N`);
});

test('rows land in their columns; a replayed batch is stored once', async () => {
  const ts = new Date('2026-11-25T10:00:00.000Z');
  const rows = Array.from({ length: 50 }, (_, i) => containerRow(i, ts));
  // A name with every character COPY must escape survives the round trip.
  rows[0].pod = 'we\tird\nna\\me\r!';
  rows[1].namespace = null;
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows), { inserted: 50, duplicates: 0 });

  const stored = await store.pool.query<MetricRow>(
    `SELECT * FROM kubepulse.container_metric WHERE cluster_id = $1 AND ts = $2 ORDER BY container`, [store.clusterId, ts],
  );
  assert.equal(stored.rowCount, 50);
  const byContainer = new Map(stored.rows.map((r) => [r.container, r]));
  for (const row of rows) {
    const got = byContainer.get(row.container)!;
    for (const col of metricColumns('container')) {
      const want = row[col.column] ?? null;
      const have = got[col.column];
      if (want instanceof Date) assert.equal((have as Date).getTime(), want.getTime(), col.column);
      else if (col.sqlType === 'bigint') assert.equal(have === null ? null : Number(have), want, col.column);
      else assert.equal(have, want, `${String(row.container)}.${col.column}`);
    }
  }

  // The same batch again (a spool replay): nothing new.
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows), { inserted: 0, duplicates: 50 });
  // Half old, half new, and a duplicate inside the batch itself.
  const mixed = [...rows.slice(0, 25), ...Array.from({ length: 25 }, (_, i) => containerRow(100 + i, ts))];
  mixed.push(containerRow(100, ts));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', mixed), { inserted: 25, duplicates: 26 });
  const n = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.container_metric WHERE cluster_id = $1`, [store.clusterId]);
  assert.equal(n.rows[0].n, 75);
});

test('samples spanning days get their partitions on demand; bad rows fail before any write', async () => {
  const days = ['2026-10-01T23:59:59.999Z', '2026-10-02T00:00:00.000Z', '2026-09-15T12:00:00.000Z'];
  const rows = days.map((d, i) => containerRow(500 + i, new Date(d)));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows), { inserted: 3, duplicates: 0 });
  const parts = await store.pool.query<{ p: string }>(
    `SELECT DISTINCT s.tableoid::regclass::text AS p FROM kubepulse.container_sample s
     JOIN kubepulse.container_series r USING (cluster_id, series_id) WHERE r.container LIKE 'c-50_' ORDER BY p`,
  );
  assert.deepEqual(parts.rows.map((r) => r.p), [
    'kubepulse.container_sample_p20260915', 'kubepulse.container_sample_p20261001', 'kubepulse.container_sample_p20261002',
  ]);

  const noKey = containerRow(900, new Date(days[0]), { pod_uid: null });
  await assert.rejects(writeMetricRows(store.pool, 'container', [noKey]), /lacks key column pod_uid/);
  const noTs = containerRow(901, new Date(days[0]), { ts: null });
  await assert.rejects(writeMetricRows(store.pool, 'container', [noTs]), /lacks key column ts/);
});

test('forced paths: direct COPY stores a repeat again (no unique index), staging skips it', async () => {
  const ts = new Date('2026-11-20T08:00:00.000Z');
  const rows = Array.from({ length: 10 }, (_, i) => containerRow(i, ts));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows, { path: 'direct' }), { inserted: 10, duplicates: 0 });
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows, { path: 'staging' }), { inserted: 0, duplicates: 10 });
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows, { path: 'direct' }), { inserted: 10, duplicates: 0 });
  assert.equal(await storedAt(ts), 20, 'the forced direct path is for benchmarks: nothing checks it');
});

/** Sample rows of the test cluster's containers at `ts`. */
async function storedAt(ts: Date): Promise<number> {
  const r = await store.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM kubepulse.container_metric WHERE cluster_id = $1 AND ts = $2', [store.clusterId, ts]);
  return r.rows[0].n;
}

test('a batch id is stored with its rows: the same batch retried or replayed is dropped whole, even with rows changed', async () => {
  const ts = new Date('2026-11-21T08:00:00.000Z');
  const rows = Array.from({ length: 20 }, (_, i) => containerRow(i, ts));
  const batchId = randomUUID();
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows, { batchId }), { inserted: 20, duplicates: 0 });
  // The commit's answer was lost: the writer retries, or the spool replays, the same batch.
  assert.deepEqual(await writeMetricRows(store.pool, 'container', rows, { batchId }), { inserted: 0, duplicates: 20 });
  assert.equal(await storedAt(ts), 20);
  const ledger = await store.pool.query('SELECT written_at FROM kubepulse.metric_batch WHERE id = $1', [batchId]);
  assert.equal(ledger.rowCount, 1);
  // A write the database refuses after the id was recorded (here a CHECK on one value) leaves no id
  // behind: its retry stores the rows.
  const failing = randomUUID();
  const bad = [containerRow(40, ts), containerRow(41, ts, { cpu_usage_core_nanoseconds: -424242 })];
  await store.pool.query('ALTER TABLE kubepulse.container_sample ADD CONSTRAINT test_refuse CHECK (cpu_usage_core_nanoseconds <> -424242) NOT VALID');
  try {
    await assert.rejects(writeMetricRows(store.pool, 'container', bad, { batchId: failing }), /test_refuse/);
  } finally {
    await store.pool.query('ALTER TABLE kubepulse.container_sample DROP CONSTRAINT test_refuse');
  }
  assert.equal((await store.pool.query('SELECT 1 FROM kubepulse.metric_batch WHERE id = $1', [failing])).rowCount, 0);
  assert.deepEqual(await writeMetricRows(store.pool, 'container', [containerRow(40, ts)], { batchId: failing }), { inserted: 1, duplicates: 0 });
  // Maintenance forgets ids after a day.
  assert.ok((await pruneBatchIds(store.pool, Date.now() + BATCH_ID_KEEP_MS + 60_000)) >= 2);
  assert.equal((await store.pool.query('SELECT 1 FROM kubepulse.metric_batch WHERE id = ANY($1)', [[batchId, failing]])).rowCount, 0);
});

test("a process's first sample of a series is stored only where absent: a restart's re-delivered sample lands once", async () => {
  const last = new Date('2026-11-22T08:00:15.000Z');
  const next = new Date('2026-11-22T08:00:30.000Z');
  const before = Array.from({ length: 6 }, (_, i) => containerRow(200 + i, last, { source: 'c' }));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', before, { batchId: randomUUID() }), { inserted: 6, duplicates: 0 });

  // A new process's first scrape: four containers still at the stored sample, two refreshed; the rate
  // tracker marks every row as its series' first sample. Beside them, rows of series it already knew.
  const first: MetricRow[] = [
    ...before.slice(0, 4).map((r) => ({ ...r, [FIRST_SAMPLE]: 1 })),
    ...before.slice(4).map((r) => ({ ...r, ts: next, [FIRST_SAMPLE]: 1 })),
    ...before.slice(0, 3).map((r) => ({ ...r, ts: next })),
  ];
  // Half of them stored already in a partition of another hour: the range check reaches both.
  first.push({ ...containerRow(210, new Date('2026-11-22T07:59:59.000Z'), { source: 'c' }), [FIRST_SAMPLE]: 1 });
  assert.deepEqual(await writeMetricRows(store.pool, 'container', first, { batchId: randomUUID() }), { inserted: 6, duplicates: 4 });
  assert.equal(await storedAt(last), 6);
  assert.equal(await storedAt(next), 5);
  // The same rows spooled by both processes and replayed: the second copy of each is absent no more.
  const again = first.filter((r) => r[FIRST_SAMPLE]).map((r) => ({ ...r }));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', again, { batchId: randomUUID() }), { inserted: 0, duplicates: 7 });
  // Many first samples at once (a restart at scale): the staged rows are analyzed, the result the same.
  const many = Array.from({ length: 600 }, (_, i) => ({ ...containerRow(1000 + i, next, { source: 's' }), [FIRST_SAMPLE]: 1 }));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', many, { batchId: randomUUID() }), { inserted: 600, duplicates: 0 });
  assert.deepEqual(await writeMetricRows(store.pool, 'container', many, { batchId: randomUUID() }), { inserted: 0, duplicates: 600 });
  assert.equal(await storedAt(next), 605);
});

test("a restart's re-delivered cAdvisor half of a sample stored joined (scrape/sample-join.ts) lands nowhere twice", async () => {
  const ts = new Date('2026-11-22T09:00:15.000Z');
  // The cAdvisor half of a row: its key and attributes, and only the columns the summary does not fill.
  const cadvisorOnly = new Set(METRIC_DEFS.filter((d) => d.entity === 'container' && d.cadvisor && !d.summary).map((d) => d.column));
  const summaryOwned = METRIC_DEFS.filter((d) => d.entity === 'container' && !cadvisorOnly.has(d.column)).flatMap((d) => (d.rate ? [d.column, d.rate.column] : [d.column]));
  const half = (row: MetricRow): MetricRow => ({ ...row, ...Object.fromEntries(summaryOwned.map((c) => [c, null])), source: 'c' });
  assert.ok(cadvisorOnly.size > 0);
  // The previous process stored container 300's sample joined and container 301's summary row alone.
  const joined = containerRow(300, ts, { source: 's' });
  const summaryAlone = { ...containerRow(301, ts, { source: 's' }), ...Object.fromEntries([...cadvisorOnly].map((c) => [c, null])) };
  assert.deepEqual(await writeMetricRows(store.pool, 'container', [joined, summaryAlone], { batchId: randomUUID() }), { inserted: 2, duplicates: 0 });
  // The new process reads the same sample: its first cAdvisor rows. 300's half is stored (joined); 301's is not.
  const firsts = [half(joined), half(containerRow(301, ts))].map((r) => ({ ...r, [FIRST_SAMPLE]: 1 }));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', firsts, { batchId: randomUUID() }), { inserted: 1, duplicates: 1 });
  const stored = await store.pool.query<{ container: string; source: string; threads: string | null }>(
    'SELECT container, source, threads FROM kubepulse.container_metric WHERE cluster_id = $1 AND ts = $2 ORDER BY container, source', [store.clusterId, ts]);
  assert.deepEqual(stored.rows.map((r) => `${r.container}/${r.source}/${r.threads === null ? 'null' : 'n'}`), ['c-300/s/n', 'c-301/c/n', 'c-301/s/null']);
});

/** The pool, with the text of every statement its clients send recorded in `sent` (COPY streams included). */
function recordingPool(pool: pg.Pool, sent: string[]): pg.Pool {
  return new Proxy(pool, {
    get(target, prop) {
      if (prop !== 'connect') {
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      }
      return async () => {
        const client = await target.connect();
        const own = { query: client.query.bind(client), release: client.release.bind(client) };
        const recording = (arg: unknown, ...rest: unknown[]): unknown => {
          const text = typeof arg === 'string' ? arg : (arg as { text?: unknown }).text;
          sent.push(typeof text === 'string' ? text : '');
          return (own.query as (...a: unknown[]) => unknown)(arg, ...rest);
        };
        client.query = recording as typeof client.query;
        client.release = (err?: Error | boolean) => {
          client.query = own.query;
          client.release = own.release;
          own.release(err);
        };
        return client;
      };
    },
  });
}

test('first samples of series the write itself creates go in by plain COPY; those of stored series, only where absent', async () => {
  const ts = new Date('2026-11-22T09:00:15.000Z');
  const sent: string[] = [];
  const pool = recordingPool(store.pool, sent);
  // A new pod's containers: the write creates their series, so nothing stored can be one of them.
  const fresh = Array.from({ length: 5 }, (_, i) => ({ ...containerRow(3000 + i, ts, { pod_uid: 'uid-created-now', source: 's' }), [FIRST_SAMPLE]: 1 }));
  assert.deepEqual(await writeMetricRows(pool, 'container', fresh, { batchId: randomUUID() }), { inserted: 5, duplicates: 0 });
  assert.ok(sent.some((q) => q.startsWith('COPY kubepulse."container_sample"')), `the rows were COPied into the table: ${sent.map((q) => q.slice(0, 60)).join(' | ')}`);
  assert.ok(!sent.some((q) => q.includes('kp_stage_')), `no staging: ${sent.filter((q) => q.includes('kp_stage_')).join(' | ')}`);
  // The same samples as a restarted process's first ones (another process: a cache of its own): their
  // series are stored now, so they are staged and found stored.
  sent.length = 0;
  const restarted = recordingPool(store.pool, sent);
  const again = fresh.map((r) => ({ ...r }));
  assert.deepEqual(await writeMetricRows(restarted, 'container', again, { batchId: randomUUID() }), { inserted: 0, duplicates: 5 });
  assert.ok(sent.some((q) => q.includes('kp_stage_container_sample')), 'staged');
  const stored = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.container_metric WHERE pod_uid = 'uid-created-now' AND ts = $1`, [ts]);
  assert.equal(stored.rows[0].n, 5);
});

test('COPY binary round-trips negative and large integers, fractional doubles and reals, ms timestamps and UTF-8 text; a value beyond its type is NULL', async () => {
  const { binaryCopyEncoder, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } = await import('../../src/store/copy-binary.js');
  const pgCopyStreams = (await import('pg-copy-streams')).default;
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  const cols = [
    { column: 'i', sqlType: 'integer' }, { column: 'b', sqlType: 'bigint' }, { column: 'd', sqlType: 'double precision' },
    { column: 'ts', sqlType: 'timestamptz' }, { column: 't', sqlType: 'text' }, { column: 'r', sqlType: 'real' },
  ];
  const rows = [
    { i: -7, b: -5_000_000_123, d: -0.125, ts: new Date('1999-12-31T23:59:59.999Z'), t: 'ünïcødé ✓ \t\n\\', r: 12.34 },
    { i: 2_147_483_647, b: 2 ** 53 - 1, d: 1e-300, ts: new Date('2026-11-25T12:34:56.789Z'), t: '', r: 123456789.123 },
    { i: null, b: 2.5, d: Number.POSITIVE_INFINITY, ts: null, t: null, r: Number.NaN },
    // Beyond int4 and float4: NULL, where a wrapped integer or an Infinity would be a wrong sample.
    { i: 2_147_483_648, b: 1, d: 1, ts: null, t: null, r: 1e39 },
    { i: -2_147_483_649, b: 1, d: 1, ts: null, t: null, r: -1e39 },
  ];
  const client = await store.pool.connect();
  try {
    await client.query('CREATE TEMP TABLE bin (i integer, b bigint, d double precision, ts timestamptz, t text, r real)');
    const body = binaryCopyEncoder(cols)(rows);
    await pipeline(Readable.from([COPY_BINARY_HEADER, body, COPY_BINARY_TRAILER]),
      client.query(pgCopyStreams.from('COPY bin FROM STDIN WITH (FORMAT binary)')));
    const r = await client.query('SELECT i, b::text AS b, d, ts, t, r::text AS r FROM bin');
    assert.deepEqual(r.rows[0], { i: -7, b: '-5000000123', d: -0.125, ts: new Date('1999-12-31T23:59:59.999Z'), t: 'ünïcødé ✓ \t\n\\', r: '12.34' });
    // float4 keeps 7 significant digits, rounded to nearest as PostgreSQL's own float8 → float4 cast does.
    const cast = await client.query<{ r: string }>('SELECT 123456789.123::float8::real::text AS r');
    assert.deepEqual(r.rows[1], { i: 2_147_483_647, b: String(2 ** 53 - 1), d: 1e-300, ts: new Date('2026-11-25T12:34:56.789Z'), t: '', r: cast.rows[0].r });
    assert.deepEqual(r.rows[2], { i: null, b: '3', d: null, ts: null, t: null, r: null });
    assert.deepEqual(r.rows.slice(3).map((x: { i: unknown; r: unknown }) => [x.i, x.r]), [[null, null], [null, null]]);
  } finally {
    client.release();
  }
});

test('COPY binary writes a bigint exactly past 2^53 and a smallint in its range; beyond int64 or int16, NULL', async () => {
  const { binaryCopyEncoder, COPY_BINARY_HEADER, COPY_BINARY_TRAILER } = await import('../../src/store/copy-binary.js');
  const pgCopyStreams = (await import('pg-copy-streams')).default;
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  const cols = [{ column: 'b', sqlType: 'bigint' }, { column: 's', sqlType: 'smallint' }];
  const rows = [{ b: 2n ** 60n + 1n, s: -32_768 }, { b: -(2n ** 63n), s: 32_767 }, { b: 2n ** 63n, s: 32_768 }];
  const client = await store.pool.connect();
  try {
    await client.query('CREATE TEMP TABLE bin2 (b bigint, s smallint)');
    await pipeline(Readable.from([COPY_BINARY_HEADER, binaryCopyEncoder(cols)(rows), COPY_BINARY_TRAILER]),
      client.query(pgCopyStreams.from('COPY bin2 FROM STDIN WITH (FORMAT binary)')));
    const r = await client.query('SELECT b::text AS b, s FROM bin2');
    assert.deepEqual(r.rows, [{ b: String(2n ** 60n + 1n), s: -32_768 }, { b: String(-(2n ** 63n)), s: 32_767 }, { b: null, s: null }]);
  } finally {
    client.release();
  }
});

test('tupleCopy writes value arrays by binary COPY: bytea as given (empty too), text, "char", integer, timestamptz, NULLs; a tuple of the wrong width is refused', async () => {
  const { tupleCopy } = await import('../../src/store/copy-stream.js');
  const cols = [
    { column: 'k', sqlType: 'integer' }, { column: 'name', sqlType: 'text' }, { column: 'src', sqlType: '"char"' },
    { column: 'start_ts', sqlType: 'timestamptz' }, { column: 'body', sqlType: 'bytea' }, { column: 'extra', sqlType: 'bytea' },
  ];
  const tuples = Array.from({ length: 600 }, (_, i) => [
    i, `série ${i}`, i % 2 ? 'c' : 's', new Date(Date.UTC(2026, 10, 1, i % 24)),
    Uint8Array.from({ length: i % 50 }, (_, j) => (i * 7 + j) & 255), i % 3 ? Buffer.from([i & 255]) : null,
  ]);
  const client = await store.pool.connect();
  try {
    await client.query('CREATE TEMP TABLE tup (k integer, name text, src "char", start_ts timestamptz, body bytea, extra bytea)');
    const copy = tupleCopy('tup', cols);
    assert.equal(await copy(client, tuples), 600);
    assert.equal(await copy(client, []), 0);
    const r = await client.query<{ k: number; name: string; src: string; start_ts: Date; body: Buffer; extra: Buffer | null }>('SELECT * FROM tup ORDER BY k');
    assert.equal(r.rows.length, 600);
    r.rows.forEach((row, i) => {
      assert.deepEqual([row.k, row.name, row.src, row.start_ts.getTime()], [i, `série ${i}`, i % 2 ? 'c' : 's', Date.UTC(2026, 10, 1, i % 24)]);
      assert.deepEqual([...row.body], [...(tuples[i][4] as Uint8Array)]);
      assert.deepEqual(row.extra === null ? null : [...row.extra], i % 3 ? [i & 255] : null);
    });
    await assert.rejects(copy(client, [[1, 'x']]), /a tuple of 2 values for 6 columns/);
  } finally {
    client.release(true);
  }
});

test('series ids: a generation retires after 30 minutes too, so the series of deleted pods leave the cache under churn', async () => {
  let now = Date.parse('2026-11-27T10:00:00Z');
  const ids = new SeriesIds(500_000, () => now);
  const ts = new Date(now);
  const client = await store.pool.connect();
  try {
    await ids.resolve(client, 'container', [containerRow(9700, ts)]); // a pod deleted right after
    now += 31 * 60_000;
    await ids.resolve(client, 'container', [containerRow(9701, ts)]); // churn: a new series, a generation retires
    assert.equal(ids.cached, 2);
    now += 31 * 60_000;
    await ids.resolve(client, 'container', [containerRow(9702, ts), containerRow(9701, ts)]);
    assert.equal(ids.cached, 2, 'the deleted pod\'s series left; the live one moved up');
  } finally {
    client.release();
  }
});

test('series ids: one series per key, attributes filled in once, a tiny or cold cache resolves the same ids', async () => {
  const ts = new Date('2026-11-26T10:00:00.000Z');
  const tiny = new SeriesIds(2);
  // A cAdvisor row may come first without the pod's names; the summary row of the same sample has them.
  const first = containerRow(700, ts, { source: 'c', namespace: '', pod: null, node: '' });
  assert.deepEqual(await writeMetricRows(store.pool, 'container', [first], { seriesIds: tiny }), { inserted: 1, duplicates: 0 });
  const named = containerRow(700, ts, { source: 's', namespace: 'team-a', pod: 'pod-700', node: '' });
  await writeMetricRows(store.pool, 'container', [named], { seriesIds: tiny });
  // Once filled in, an attribute is not overwritten by a later empty or different one.
  await writeMetricRows(store.pool, 'container', [containerRow(700, new Date(ts.getTime() + 15_000), { namespace: 'other', node: 'node-9' })], { seriesIds: new SeriesIds() });
  const series = await store.pool.query(
    `SELECT namespace, pod, node FROM kubepulse.container_series WHERE cluster_id = $1 AND container = 'c-700'`, [store.clusterId]);
  assert.deepEqual(series.rows, [{ namespace: 'team-a', pod: 'pod-700', node: 'node-9' }]);

  // Forty series through a cache of two (evicting all the time), then again through a cold cache: every
  // row keeps its own series, no series is created twice.
  const rows = Array.from({ length: 40 }, (_, i) => containerRow(800 + i, new Date(ts.getTime() + (i % 4) * 1000)));
  for (let i = 0; i < rows.length; i += 7) await writeMetricRows(store.pool, 'container', rows.slice(i, i + 7), { seriesIds: tiny });
  const later = rows.map((r) => ({ ...r, ts: new Date(ts.getTime() + 60_000) }));
  assert.deepEqual(await writeMetricRows(store.pool, 'container', later, { seriesIds: new SeriesIds() }), { inserted: 40, duplicates: 0 });
  const check = await store.pool.query<{ container: string; pod_uid: string; n: number; cpu: string }>(
    `SELECT container, pod_uid, count(*)::int AS n, min(cpu_usage_core_nanoseconds)::text AS cpu FROM kubepulse.container_metric
     WHERE cluster_id = $1 AND container LIKE 'c-8__' GROUP BY 1, 2 ORDER BY 1`, [store.clusterId]);
  assert.equal(check.rows.length, 40);
  for (const r of check.rows) {
    const i = Number(r.container.slice(2));
    assert.deepEqual([r.pod_uid, r.n, r.cpu], [`uid-${i % 7}`, 2, String(containerRow(i, ts).cpu_usage_core_nanoseconds)]);
  }
  const made = await store.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM kubepulse.container_series WHERE cluster_id = $1 AND container LIKE 'c-8__'`, [store.clusterId]);
  assert.equal(made.rows[0].n, 40);
});
