// The 1-minute and 1-hour rollups the compactor computes (rollup-schema.ts minutesAtCompaction), against a
// real PostgreSQL: raw rows of both sources written by the real writer, minutes (stored as minute blocks,
// read back through <entity>_minutes) and hours from the maintenance pass's compaction compared with the
// SQL rollups of the same raw rows, and with minutes computed here from the rows written, after a replay
// into a compacted hour (its minutes then rows again) and after a compaction that failed midway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { Rollups } from '../../src/store/rollups.js';
import { RESOLUTIONS, minutesAtCompaction, rollupAggregates, rollupCountColumn, rollupTable } from '../../src/store/rollup-schema.js';
import { Compactor } from '../../src/store/history/compactor.js';
import { seriesKeyColumns } from '../../src/store/history/schema.js';
import { minuteBlockTable, minutesFunction } from '../../src/store/history/minute-schema.js';
import { MinutePacker } from '../../src/store/history/minute-packer.js';
import { ENTITIES, ENTITY_TABLES, metricsOf, type Entity, type MetricRow } from '../../src/metrics/definitions.js';
import { sampleTable } from '../../src/store/series-schema.js';
import { metricColumns } from '../../src/store/schema.js';
import { ensureCluster } from '../../src/store/clusters.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore();
const HOUR = 3_600_000;
const STEP = 15_000;
const RETENTION = { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS, compact_after: 6 * HOUR };
const MINUTE = RESOLUTIONS[0];
const COMPACTED = ENTITIES.filter(minutesAtCompaction);

/**
 * Rows of `series` series every 15 s over [fromMs, toMs): a summary row at each step and a cAdvisor row
 * 7 s later at every other one, with nulls, fractions, and counters past 2^53 (as the writer stores them).
 */
function rows(entity: Entity, clusterId: number, fromMs: number, toMs: number, series: number, salt = 0): MetricRow[] {
  const out: MetricRow[] = [];
  for (let t = fromMs; t < toMs; t += STEP) {
    const i = (t - fromMs) / STEP + salt;
    for (let s = 0; s < series; s++) {
      for (const source of i % 2 ? ['s'] : ['s', 'c']) {
        const row: MetricRow = { cluster_id: clusterId, ts: new Date(t + (source === 'c' ? 7_000 : 0)), source };
        for (const k of seriesKeyColumns(entity)) if (k !== 'cluster_id') row[k] = `${k}-${s}`;
        for (const a of ENTITY_TABLES[entity].attributes) row[a.column] = `${a.column}-${s % 2}`;
        metricsOf(entity).forEach((m, c) => {
          const off = (i + c + s + (source === 'c' ? 3 : 0)) % 7 === 0;
          if (m.kind === 'counter') row[m.column] = off ? null : (s === 0 && c === 0 ? 2 ** 60 : 1e9) + i * (4096 + c * 8);
          else row[m.column] = off ? null : m.sqlType === 'double precision' || m.sqlType === 'real' ? ((i * 31 + c * 7 + s) % 97) / 8 : (i * 37 + c * 11 + s) % 1001;
          if (m.rate) row[m.rate.column] = off ? null : ((i * 13 + c) % 41) / 3;
        });
        out.push(row);
      }
    }
  }
  return out;
}

type Row = Record<string, unknown>;

/** The entity's minutes of the cluster, rows and minute blocks alike (<entity>_minutes), in key and time order. */
async function minutesOf(entity: Entity, clusterId: number): Promise<Row[]> {
  const keys = [...seriesKeyColumns(entity), 'ts'].map((k) => `"${k}"`).join(', ');
  return (await store.pool.query<Row>(
    `SELECT * FROM kubepulse.${minutesFunction(entity)}('2000-01-01', '2100-01-01') WHERE cluster_id = $1 ORDER BY ${keys}`, [clusterId],
  )).rows;
}

/** The entity's 1-hour rows of the cluster, in key and time order. */
async function hoursOf(entity: Entity, clusterId: number): Promise<Row[]> {
  const keys = [...seriesKeyColumns(entity), 'ts'].map((k) => `"${k}"`).join(', ');
  return (await store.pool.query<Row>(`SELECT * FROM kubepulse.${rollupTable(entity, RESOLUTIONS[1])} WHERE cluster_id = $1 ORDER BY ${keys}`, [clusterId])).rows;
}

/** Rows of the cluster in a table (minute rows, minute blocks). */
async function countIn(table: string, clusterId: number): Promise<number> {
  return (await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${table} WHERE cluster_id = $1`, [clusterId])).rows[0].n;
}

/** Equal column for column; floats to 1e-12 relative (sums taken in another order round differently). */
function assertSameMinutes(actual: Row[], expected: Row[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: minute rows`);
  assert.ok(expected.length > 0, `${what}: minutes to compare`);
  for (let i = 0; i < expected.length; i++) {
    for (const [k, want] of Object.entries(expected[i])) {
      const got = actual[i][k];
      if (typeof want === 'number' && typeof got === 'number' && want !== got) {
        assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(Math.abs(got), Math.abs(want)), `${what} row ${i} ${k}: ${got} vs ${want}`);
      } else assert.deepEqual(got, want, `${what} row ${i} ${k}`);
    }
  }
}

/** The minutes of `list` computed here: the rollup's definition, independent of both implementations. */
function expectedMinutes(entity: Entity, list: MetricRow[]): Map<string, Record<string, number | null>> {
  const out = new Map<string, Record<string, number | null>>();
  const acc = new Map<string, { n: number; sum: Map<string, number>; count: Map<string, number>; max: Map<string, number> }>();
  const aggs = rollupAggregates(entity);
  // What the writer stores: a real column holds the float4 nearest the value.
  const real = new Set(metricColumns(entity).filter((c) => c.sqlType === 'real').map((c) => c.column));
  for (const r of list) {
    const minute = Math.floor((r.ts as Date).getTime() / 60_000) * 60_000;
    const id = `${seriesKeyColumns(entity).map((k) => r[k]).join('/')}@${minute}`;
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { n: 0, sum: new Map(), count: new Map(), max: new Map() }));
    a.n++;
    for (const x of aggs) {
      const given = r[x.source];
      if (typeof given !== 'number') continue;
      const v = real.has(x.source) ? Math.fround(given) : given;
      if (x.fn === 'avg') {
        a.sum.set(x.source, (a.sum.get(x.source) ?? 0) + v);
        a.count.set(x.source, (a.count.get(x.source) ?? 0) + 1);
      } else a.max.set(x.source, Math.max(a.max.get(x.source) ?? -Infinity, v));
    }
  }
  for (const [id, a] of acc) {
    const row: Record<string, number | null> = { samples: a.n };
    for (const x of aggs) {
      row[x.column] = x.fn === 'avg' ? (a.count.get(x.source) ? a.sum.get(x.source)! / a.count.get(x.source)! : null) : (a.max.get(x.source) ?? null);
      if (x.fn === 'avg') row[rollupCountColumn(x.source)] = a.count.get(x.source) ?? null;
    }
    out.set(id, row);
  }
  return out;
}

function assertMatchesExpected(entity: Entity, stored: Row[], expected: Map<string, Record<string, number | null>>): void {
  assert.equal(stored.length, expected.size, `${entity}: minute rows`);
  for (const r of stored) {
    const id = `${seriesKeyColumns(entity).map((k) => r[k]).join('/')}@${(r.ts as Date).getTime()}`;
    const want = expected.get(id);
    assert.ok(want, `${entity}: unexpected minute ${id}`);
    for (const [k, v] of Object.entries(want)) {
      const got = r[k] === null ? null : Number(r[k]);
      if (v === null || got === null) assert.equal(got, v, `${entity} ${id} ${k}`);
      else assert.ok(Math.abs(got - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${entity} ${id} ${k}: ${got} vs ${v}`);
    }
  }
}

test('the compactor computes the minutes and hours of its entities as the SQL rollups do, the minutes packed', async () => {
  const cluster = await ensureCluster(store.pool, 'minutes-at-compaction');
  const day = Date.parse('2026-11-20T00:00:00Z');
  const from = day + 9 * HOUR + 50 * 60_000;
  const to = day + 12 * HOUR;
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  for (const e of [...COMPACTED, 'pod' as Entity]) await writeMetricRows(store.pool, e, rows(e, cluster, from, to, 3), { partitions: hourly });
  // The SQL rollups' minutes and hours of the same raw rows, then removed: what the compaction must write again.
  const sql = new Rollups(store.pool, { rawPartitions: hourly });
  const expected = new Map<Entity, Row[]>();
  const expectedHours = new Map<Entity, Row[]>();
  for (const e of COMPACTED) {
    await sql.rollupRange(e, MINUTE, from, to, 'raw');
    await sql.rollupRange(e, RESOLUTIONS[1], from, to, 'raw');
    expected.set(e, await minutesOf(e, cluster));
    expectedHours.set(e, await hoursOf(e, cluster));
    for (const r of RESOLUTIONS) await store.pool.query(`DELETE FROM kubepulse.${rollupTable(e, r)} WHERE cluster_id = $1`, [cluster]);
  }

  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: RETENTION });
  const at = day + 18 * HOUR + 30 * 60_000;
  const report = await maintenance.runOnce(at);
  assert.equal(report.error, null);
  // The SQL passes left these entities' rollups to the compaction; pod's they computed themselves, as before.
  for (const e of COMPACTED) for (const r of RESOLUTIONS) assert.equal(report.rollupRows[rollupTable(e, r)], undefined, `${e} ${r.name}`);
  assert.ok(report.rollupRows[rollupTable('pod', MINUTE)] > 0);
  // One minute block per series and hour (3 series, hours 9, 10 and 11), pod's too (its minute rows stay).
  assert.equal(report.compaction?.minuteBlocks, (COMPACTED.length + 1) * 3 * 3);
  assert.equal(await countIn(minuteBlockTable('pod'), cluster), 3 * 3);
  assert.ok(await countIn(rollupTable('pod', MINUTE), cluster) > 0);
  for (const e of COMPACTED) {
    assert.equal(await countIn(minuteBlockTable(e), cluster), 3 * 3, `${e}: minute blocks`);
    assert.equal(await countIn(rollupTable(e, MINUTE), cluster), 0, `${e}: no minute rows`);
    assertSameMinutes(await minutesOf(e, cluster), expected.get(e)!, `${e} minutes`);
    assertSameMinutes(await hoursOf(e, cluster), expectedHours.get(e)!, `${e} hours`);
    for (const r of RESOLUTIONS) {
      const state = await store.pool.query<{ done_until: Date }>('SELECT done_until FROM kubepulse.rollup_state WHERE rollup_table = $1', [rollupTable(e, r)]);
      assert.equal(state.rows[0].done_until.getTime(), to, `${e} ${r.name}: done to the last compacted partition's end`);
    }
  }
  // The next pass leaves them as they are.
  const again = await maintenance.runOnce(at + 60_000);
  assert.equal(again.error, null);
  for (const e of COMPACTED) assertSameMinutes(await hoursOf(e, cluster), expectedHours.get(e)!, `${e} hours after another pass`);
});

test('rows replayed into a compacted hour: its minutes count them with the blocks; a failed compaction writes no minute', async () => {
  const cluster = await ensureCluster(store.pool, 'minutes-replay');
  const day = Date.parse('2026-11-22T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const entity: Entity = 'container';
  const first = rows(entity, cluster, day + 3 * HOUR, day + 4 * HOUR, 2);
  await writeMetricRows(store.pool, entity, first, { partitions: hourly });

  // A compaction failing after its first insert leaves the raw rows, no block, no minute.
  const blockPartitions = new PartitionManager(store.pool, { widthMs: DAY_MS, ahead: 0 });
  const failing = new Compactor(store.pool, {
    compactAfterMs: 6 * HOUR, rawPartitions: hourly, blockPartitions,
    rollupPartitions: { minuteBlocks: blockPartitions, hours: new Rollups(store.pool).partitionsOf(RESOLUTIONS[1]) },
    insertBlocks: 1, afterInsert: () => { throw new Error('crash'); },
  });
  const [part] = (await hourly.list(sampleTable(entity))).filter((p) => p.fromMs === day + 3 * HOUR);
  await assert.rejects(failing.compactPartition(entity, part), /crash/);
  assert.deepEqual(await minutesOf(entity, cluster), []);
  assert.deepEqual(await hoursOf(entity, cluster), []);

  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: RETENTION });
  assert.equal((await maintenance.runOnce(day + 12 * HOUR)).error, null);
  assertMatchesExpected(entity, await minutesOf(entity, cluster), expectedMinutes(entity, first));

  // Rows of other samples of the same hour, stored late (a spool replay): the hour's minutes hold them all.
  const late = rows(entity, cluster, day + 3 * HOUR + 5_000, day + 4 * HOUR, 2, 1).filter((r) => (r.ts as Date).getTime() < day + 4 * HOUR);
  await writeMetricRows(store.pool, entity, late, { partitions: hourly });
  for (const at of [day + 12 * HOUR + 60_000, day + 12 * HOUR + 120_000]) assert.equal((await maintenance.runOnce(at)).error, null);
  const raw = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${sampleTable(entity)} WHERE cluster_id = $1`, [cluster]);
  assert.equal(raw.rows[0].n, 0, 'the replayed rows compacted too');
  const all = expectedMinutes(entity, [...first, ...late]);
  assertMatchesExpected(entity, await minutesOf(entity, cluster), all);
  // Recomputed as rows, which replaced the hour's minute blocks: each minute is held once.
  assert.equal(await countIn(minuteBlockTable(entity), cluster), 0);
  assert.equal(await countIn(rollupTable(entity, MINUTE), cluster), all.size);
  const hours = await hoursOf(entity, cluster);
  assert.deepEqual(hours.map((h) => Number(h.samples)), [0, 1].map((s) => [...first, ...late].filter((r) => r.container === `container-${s}`).length));
});

test('a raw retention shorter than compact_after: partitions are compacted, minutes with them, before retention drops them', async () => {
  const cluster = await ensureCluster(store.pool, 'minutes-short-raw');
  const day = Date.parse('2026-11-24T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const list = rows('volume', cluster, day + 1 * HOUR, day + 2 * HOUR, 2);
  await writeMetricRows(store.pool, 'volume', list, { partitions: hourly });
  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: { ...RETENTION, raw: 2 * HOUR, compact_after: 6 * HOUR } });
  // 2 h 30 min after the partition's end: past the raw retention, not yet past compact_after.
  const report = await maintenance.runOnce(day + 4 * HOUR + 30 * 60_000);
  assert.equal(report.error, null);
  assert.ok(report.compaction?.partitions.some((p) => p.startsWith(sampleTable('volume'))), JSON.stringify(report.compaction));
  assertMatchesExpected('volume', await minutesOf('volume', cluster), expectedMinutes('volume', list));
});

test('node and pod minute rows go after three days, their blocks holding the same minutes; an owed hour after that is rows again, then packed', async () => {
  const cluster = await ensureCluster(store.pool, 'minutes-packed');
  const day = Date.parse('2026-11-26T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const written = new Map<Entity, MetricRow[]>();
  for (const e of ['node', 'pod'] as Entity[]) {
    written.set(e, rows(e, cluster, day + 2 * HOUR + 40 * 60_000, day + 5 * HOUR, 2));
    await writeMetricRows(store.pool, e, written.get(e)!, { partitions: hourly });
  }
  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: RETENTION });
  assert.equal((await maintenance.runOnce(day + 12 * HOUR)).error, null);
  const before = new Map<Entity, Row[]>();
  for (const e of ['node', 'pod'] as Entity[]) {
    // Compacted: the hours' minute blocks are there, the rows kept for the overview; each minute read once.
    assert.equal(await countIn(minuteBlockTable(e), cluster), 2 * 3, `${e}: a block per series and hour`);
    before.set(e, await minutesOf(e, cluster));
    assert.equal(await countIn(rollupTable(e, MINUTE), cluster), before.get(e)!.length, `${e}: minutes are rows for the overview`);
    assertMatchesExpected(e, before.get(e)!, expectedMinutes(e, written.get(e)!));
  }

  // Four days on: the day's minute rows are gone, not read back (the blocks hold them), the same minutes.
  // (The earlier tests' older days first: the packer takes the oldest partitions, a few per pass.)
  while ((await maintenance.minutePacker.run(day + 3 * DAY_MS)).partitions.length > 0);
  const report = await maintenance.runOnce(day + 4 * DAY_MS);
  assert.equal(report.error, null);
  assert.equal(report.minutePacking?.rows, 0);
  for (const e of ['node', 'pod'] as Entity[]) {
    assert.ok(report.minutePacking?.partitions.includes(`${rollupTable(e, MINUTE)}_p20261126`), JSON.stringify(report.minutePacking));
    assert.equal(await countIn(rollupTable(e, MINUTE), cluster), 0, `${e}: no minute rows left`);
    assert.equal(await countIn(minuteBlockTable(e), cluster), 2 * 3, `${e}: a block per series and hour`);
    assertSameMinutes(await minutesOf(e, cluster), before.get(e)!, `${e} packed`);
  }

  // A late pod sample of a packed hour (within the raw retention): its hour is recomputed as rows in place
  // of its blocks, each minute held once, and packed again by the next pass.
  const late = rows('pod', cluster, day + 3 * HOUR + 5_000, day + 3 * HOUR + 65_000, 2, 1);
  await writeMetricRows(store.pool, 'pod', late, { partitions: hourly });
  const all = expectedMinutes('pod', [...written.get('pod')!, ...late]);
  const pass = await maintenance.runOnce(day + 4 * DAY_MS + 60_000);
  assert.equal(pass.error, null);
  assert.equal(pass.minutePacking?.rows, 2 * 60, 'the recomputed hour packed (2 series × 60 minutes)');
  assert.equal(await countIn(rollupTable('pod', MINUTE), cluster), 0);
  assert.equal(await countIn(minuteBlockTable('pod'), cluster), 2 * 3);
  assertMatchesExpected('pod', await minutesOf('pod', cluster), all);
});

test('the packer takes the oldest minute partitions first, a bounded number per run', async () => {
  const day = Date.parse('2026-10-01T00:00:00Z');
  const rollups = new Rollups(store.pool);
  const minutePartitions = rollups.partitionsOf(MINUTE);
  for (const [e, d] of [['volume', 2], ['node', 0], ['pod', 1]] as Array<[Entity, number]>) await minutePartitions.ensureFor(rollupTable(e, MINUTE), [day + d * DAY_MS]);
  const packer = new MinutePacker(store.pool, { minutePartitions, blockPartitions: new PartitionManager(store.pool, { widthMs: DAY_MS, ahead: 0 }), partitionsPerRun: 2 });
  const now = day + 10 * DAY_MS;
  assert.deepEqual((await packer.run(now)).partitions, [`${rollupTable('node', MINUTE)}_p20261001`, `${rollupTable('pod', MINUTE)}_p20261002`]);
  assert.deepEqual((await packer.run(now)).partitions, [`${rollupTable('volume', MINUTE)}_p20261003`]);
  assert.deepEqual((await packer.run(now)).partitions, []);
});
