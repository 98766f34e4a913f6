// The migration series_id_sequence: each <entity>_series.series_id goes from an integer identity (which
// Citus cannot distribute, docs/DISTRIBUTED.md F1) to an integer defaulting to its own sequence. Stored
// series keep their ids, new ones continue after the identity, the writers keep resolving ids, and the
// draft DDL (seriesTableDdl) creates the tables exactly as the migrations leave them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { loadMigrations } from '../../src/store/migrations/index.js';
import { PartitionManager } from '../../src/store/partitions.js';
import { SeriesIds } from '../../src/store/series-ids.js';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { sampleTable, seriesKeyNames, seriesTable, seriesTableDdl } from '../../src/store/series-schema.js';
import { ENTITIES, ENTITY_TABLES, rowFactory, type Entity, type MetricRow } from '../../src/metrics/definitions.js';
import { readCatalog, useMigrationServer, type Catalog } from './migrate-catalog.js';

const MIGRATIONS = loadMigrations();
const AT = Date.UTC(2026, 3, 1, 10, 5);

const database = useMigrationServer();

/** A key value naming series `n` of a cluster. */
const keyValue = (column: string, n: number) => `${column}-${n}`;

/** Stores one sample of series `n` of `cluster` through the view (its trigger creates the series). */
async function insertThroughView(pool: pg.Pool, entity: Entity, cluster: number, n: number, ts: number): Promise<void> {
  const keys = seriesKeyNames(entity);
  await pool.query(
    `INSERT INTO kubepulse."${ENTITY_TABLES[entity].table}" (cluster_id, ts, ${keys.map((k) => `"${k}"`).join(', ')})
     VALUES ($1, $2, ${keys.map((_, i) => `$${i + 3}`).join(', ')})`,
    [cluster, new Date(ts), ...keys.map((k) => keyValue(k, n))],
  );
}

async function seriesIdOf(pool: pg.Pool, entity: Entity, cluster: number, n: number): Promise<number | undefined> {
  const keys = seriesKeyNames(entity);
  const r = await pool.query<{ series_id: number }>(
    `SELECT series_id FROM kubepulse."${seriesTable(entity)}" WHERE cluster_id = $1 AND ${keys.map((k, i) => `"${k}" = $${i + 2}`).join(' AND ')}`,
    [cluster, ...keys.map((k) => keyValue(k, n))],
  );
  return r.rows[0]?.series_id;
}

async function rowsOf(pool: pg.Pool, table: string): Promise<string[]> {
  const r = await pool.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM kubepulse."${table}" t`);
  return r.rows.map((x) => x.row).sort();
}

test('stored series keep their ids; new series, from the view or the writer, get ids after the identity\'s', async () => {
  const at = MIGRATIONS.findIndex((m) => m.name === 'series_id_sequence');
  assert.ok(at > 0, 'the migration series_id_sequence is shipped');
  const { url, pool } = await database('series_ids_before');
  await migrate(url, { migrations: MIGRATIONS.slice(0, at), checkDeclarations: false });
  const partitions = new PartitionManager(pool);
  const before: Record<string, { series: string[]; view: string[] }> = {};
  for (const e of ENTITIES) {
    await partitions.ensureFor(sampleTable(e), [AT, AT + 3_600_000]);
    // Series 1–3 of cluster 1 and 1–2 of cluster 2 take identity values 1–5; then series 3 of cluster 1
    // and series 2 of cluster 2 (id 5) are purged, as the series purge does once no sample names them:
    // the highest stored id (4) is below the identity's last value (5).
    for (const n of [1, 2, 3]) await insertThroughView(pool, e, 1, n, AT);
    await insertThroughView(pool, e, 2, 1, AT);
    await insertThroughView(pool, e, 2, 2, AT);
    assert.deepEqual(
      [await seriesIdOf(pool, e, 1, 1), await seriesIdOf(pool, e, 1, 3), await seriesIdOf(pool, e, 2, 1), await seriesIdOf(pool, e, 2, 2)],
      [1, 3, 4, 5], `${seriesTable(e)}: identity ids before the migration`);
    for (const [cluster, n] of [[1, 3], [2, 2]]) {
      const id = await seriesIdOf(pool, e, cluster, n);
      await pool.query(`DELETE FROM kubepulse."${sampleTable(e)}" WHERE cluster_id = $1 AND series_id = $2`, [cluster, id]);
      await pool.query(`DELETE FROM kubepulse."${seriesTable(e)}" WHERE cluster_id = $1 AND series_id = $2`, [cluster, id]);
    }
    before[e] = { series: await rowsOf(pool, seriesTable(e)), view: await rowsOf(pool, ENTITY_TABLES[e].table) };
    assert.equal(before[e].series.length, 3);
  }

  // The rest of the migrations, with the declarations check a start-up runs.
  assert.deepEqual(await migrate(url), { applied: MIGRATIONS.slice(at).map((m) => m.version) });

  const ids = new SeriesIds();
  const newest: Partial<Record<Entity, number>> = {};
  const client = await pool.connect();
  try {
    for (const e of ENTITIES) {
      const table = seriesTable(e);
      assert.deepEqual(await rowsOf(pool, table), before[e].series, `${table} keeps every series with its id`);
      assert.deepEqual(await rowsOf(pool, ENTITY_TABLES[e].table), before[e].view, `${ENTITY_TABLES[e].table} reads the same rows`);
      const column = await pool.query<{ identity: string; default: string; sequence: string; type: string; owned: string }>(
        `SELECT a.attidentity AS identity, pg_get_expr(d.adbin, d.adrelid) AS default,
                pg_get_serial_sequence($1, 'series_id') AS sequence,
                (SELECT format_type(s.seqtypid, NULL) FROM pg_sequence s WHERE s.seqrelid = pg_get_serial_sequence($1, 'series_id')::regclass) AS type
           FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = $1::regclass AND a.attname = 'series_id'`,
        [`kubepulse."${table}"`]);
      assert.deepEqual(column.rows, [{
        identity: '', default: `nextval('kubepulse.${table}_series_id_seq'::regclass)`,
        sequence: `kubepulse.${table}_series_id_seq`, type: 'integer',
      }], `${table}.series_id is no identity: an integer defaulting to the sequence it owns`);

      // A new series through the view's trigger continues after the identity's last value (5), not after
      // the highest stored id (4).
      await insertThroughView(pool, e, 2, 3, AT + 3_600_000);
      assert.equal(await seriesIdOf(pool, e, 2, 3), 6, `${table}: a new series through the view`);
      // The writer's resolution: a stored series by its id, a new one from the sequence, above every id
      // so far (how far above depends on the values its upsert's conflicting rows drew, as with the identity).
      const row = (cluster: number, n: number): MetricRow => {
        const r = rowFactory(e)();
        r.cluster_id = cluster;
        for (const k of seriesKeyNames(e)) r[k] = keyValue(k, n);
        return r;
      };
      const [stored1, added, stored2, addedAgain] = await ids.resolve(client, e, [row(1, 1), row(1, 4), row(1, 2), row(1, 4)]);
      assert.deepEqual([stored1, stored2, addedAgain], [1, 2, added], `${table}: the writer resolves stored series to their ids`);
      assert.ok(added > 6, `${table}: the writer's new series has id ${added}, after 6`);
      assert.equal(await seriesIdOf(pool, e, 1, 4), added);
      newest[e] = added;
    }
  } finally {
    client.release();
  }
  // The whole writer path stores samples of a new series under the next id.
  const pod = rowFactory('pod')();
  Object.assign(pod, { cluster_id: 2, pod_uid: 'pod_uid-9', ts: new Date(AT + 3_600_000), namespace: 'ns', pod: 'p', node: 'n' });
  assert.deepEqual(await writeMetricRows(pool, 'pod', [pod], { seriesIds: ids }), { inserted: 1, duplicates: 0 });
  const podId = await seriesIdOf(pool, 'pod', 2, 9);
  assert.ok(podId !== undefined && podId > newest.pod!, `the written pod's series has id ${podId}, after ${newest.pod}`);
  const stored = await pool.query<{ ts: Date }>(`SELECT ts FROM kubepulse.pod_metric WHERE cluster_id = 2 AND pod_uid = 'pod_uid-9'`);
  assert.deepEqual(stored.rows, [{ ts: new Date(AT + 3_600_000) }]);
});

/** The parts of a catalog that describe the series tables and their sequences. */
function seriesParts(c: Catalog): Record<string, unknown[]> {
  const tables = new Set(ENTITIES.map(seriesTable));
  const sequences = new Set([...tables].map((t) => `${t}_series_id_seq`));
  return {
    relations: c.relations.filter((r) => tables.has(r.relname as string) || sequences.has(r.relname as string)),
    columns: c.columns.filter((r) => tables.has(r.relname as string)),
    indexes: c.indexes.filter((r) => tables.has(r.table as string)),
    constraints: c.constraints.filter((r) => tables.has(r.table as string)),
    sequences: c.sequences.filter((r) => sequences.has(r.relname as string)),
  };
}

test('seriesTableDdl drafts the series tables and their sequences as the migrations leave them', async () => {
  const migrated = await database('series_migrated');
  await migrate(migrated.url);
  const drafted = await database('series_drafted');
  await drafted.pool.query('CREATE SCHEMA kubepulse');
  for (const e of ENTITIES) for (const sql of seriesTableDdl(e)) await drafted.pool.query(sql);

  const [want, got] = [seriesParts(await readCatalog(migrated.url)), seriesParts(await readCatalog(drafted.url))];
  assert.equal(want.relations.length, 2 * ENTITIES.length, 'a table and a sequence per entity');
  assert.equal(want.sequences.length, ENTITIES.length);
  for (const part of Object.keys(want)) assert.deepEqual(got[part], want[part], `the drafted series tables' ${part}`);
});
