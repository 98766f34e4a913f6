import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { createPool } from '../../src/store/pool.js';
import { ENTITIES, ENTITY_TABLES, METRIC_DEFS, type MetricDef } from '../../src/metrics/definitions.js';
import { MIGRATIONS_DIR, loadMigrations, type Migration } from '../../src/store/migrations/index.js';
import {
  DeclarationMismatchError, checkDeclarations, describeMismatches, type DeclarationMismatch,
} from '../../src/store/migrations/declarations.js';
import { RESOLUTIONS, rollupColumns, rollupTable } from '../../src/store/rollup-schema.js';
import { ALL_KINDS } from '../../src/inventory/kinds/index.js';
import type { KindDef } from '../../src/inventory/kind.js';
import { childColumns, kindColumns, metricColumns, type ColumnSpec } from '../../src/store/schema.js';
import { sampleColumns, sampleTable, seriesColumns, seriesTable } from '../../src/store/series-schema.js';
import { PartitionManager } from '../../src/store/partitions.js';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { createDatabase } from './migrate-catalog.js';

let db: TestDatabase;
let pool: pg.Pool;
before(async () => {
  db = await startTestDatabase();
  pool = createPool(db.url, { max: 2 }); // logs (not throws) if an idle connection is cut at server stop
});
after(async () => {
  await pool?.end();
  await db?.stop();
});

/** information_schema's name for each declared SQL type. */
const INFO_TYPE: Record<string, string> = {
  bigint: 'bigint',
  integer: 'integer',
  smallint: 'smallint',
  real: 'real',
  text: 'text',
  'double precision': 'double precision',
  timestamptz: 'timestamp with time zone',
  jsonb: 'jsonb',
  boolean: 'boolean',
  '"char"': '"char"',
};

async function assertColumns(table: string, declared: ColumnSpec[], inOrder = false): Promise<void> {
  const r = await pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'kubepulse' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  if (inOrder) assert.deepEqual(r.rows.map((x) => x.column_name), declared.map((c) => c.column), `${table} has the declared columns in order`);
  const actual = new Map(r.rows.map((x) => [x.column_name, { type: x.data_type, nullable: x.is_nullable === 'YES' }]));
  assert.ok(actual.size > 0, `table ${table} exists`);
  for (const c of declared) {
    const got = actual.get(c.column);
    assert.ok(got, `${table}.${c.column} exists`);
    assert.equal(got.type, INFO_TYPE[c.sqlType], `${table}.${c.column} has type ${c.sqlType}`);
    if (c.notNull) assert.equal(got.nullable, false, `${table}.${c.column} is NOT NULL`);
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const named = (list: DeclarationMismatch[]) => list.map((m) => `${m.table}${m.column ? `.${m.column}` : ''}`).sort();

test('two concurrent migrations apply each version once and create every declared column', async () => {
  const [a, b] = await Promise.all([migrate(db.url), migrate(db.url)]);
  // The advisory lock serialises them: one applied every migration, the other found them done.
  const all = loadMigrations().map((m) => m.version);
  assert.ok(all.length >= 4);
  assert.deepEqual([a.applied, b.applied].sort((x, y) => y.length - x.length), [all, []]);
  const versions = await pool.query<{ version: number; name: string }>('SELECT version, name FROM kubepulse.schema_migrations ORDER BY version');
  assert.deepEqual(versions.rows.map((r) => r.version), all);
  assert.equal(versions.rows[0].name, 'initial_schema');

  for (const e of ENTITIES) {
    // <entity>_metric is a view (migration 009) with the columns the table had, in its order; a view has
    // no NOT NULL, so nullability is checked on the tables it joins.
    await assertColumns(ENTITY_TABLES[e].table, metricColumns(e).map((c) => ({ ...c, notNull: false })), true);
    await assertColumns(sampleTable(e), sampleColumns(e), true);
    await assertColumns(seriesTable(e), seriesColumns(e), true);
    for (const r of RESOLUTIONS) await assertColumns(rollupTable(e, r), rollupColumns(e, r));
    const part = await pool.query<{ partstrat: string }>(
      `SELECT partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'kubepulse' AND c.relname = $1`,
      [sampleTable(e)],
    );
    assert.equal(part.rows[0]?.partstrat, 'r', `${sampleTable(e)} is range-partitioned`);
  }
  assert.ok(ALL_KINDS.length >= 3);
  for (const k of ALL_KINDS) {
    await assertColumns(k.table, kindColumns(k));
    for (const c of k.children ?? []) await assertColumns(c.table, childColumns(k, c));
  }
  await assertColumns('cluster', [{ column: 'id', sqlType: 'integer' }, { column: 'name', sqlType: 'text' }]);
  await assertColumns('change_log', [
    { column: 'cluster_id', sqlType: 'integer', notNull: true },
    { column: 'op', sqlType: 'text', notNull: true },
    { column: 'changed', sqlType: 'jsonb' },
  ]);

  assert.deepEqual(await migrate(db.url), { applied: [] });
});

test('the declarations in code match the columns the migrations create', async () => {
  // Fails when a metric, kind column or rollup column is declared without a migration creating it; the
  // message names each column and the SQL to put in the next src/store/migrations/NNN_*.sql.
  const mismatches = await withClient(db.url, (c) => checkDeclarations(c, ALL_KINDS));
  assert.deepEqual(named(mismatches), [], `declared but not migrated:\n${describeMismatches(mismatches)}`);
});

test('a metric or kind declared without a migration is named with its SQL, and that SQL as a migration fixes it', async () => {
  const url = await createDatabase(db.url, 'grown_declarations');
  await migrate(url);
  const metric: MetricDef = {
    entity: 'node', column: 'test_only_gauge_bytes', sqlType: 'bigint', kind: 'gauge', unit: 'bytes', description: 'Test.',
  };
  const widget: KindDef = {
    name: 'widget', listPath: '/apis/example.com/v1/widgets', kind: 'Widget', namespaced: true,
    table: 'widget', description: 'Test kind.',
    columns: [{ column: 'size_bytes', sqlType: 'bigint', description: 'Size.', value: (o) => (o.spec as { size?: number } | undefined)?.size ?? null }],
    children: [{
      table: 'widget_part', keys: ['part'], description: 'Parts.',
      columns: [{ column: 'part', sqlType: 'text', description: 'Part name.' }],
      rows: () => [],
    }],
  };
  METRIC_DEFS.push(metric);
  try {
    const kinds = [...ALL_KINDS, widget];
    const mismatches = await withClient(url, (c) => checkDeclarations(c, kinds));
    assert.deepEqual(named(mismatches), [
      'node_block.test_only_gauge_bytes',
      'node_metric.test_only_gauge_bytes',
      'node_metric_1h.test_only_gauge_bytes_avg', 'node_metric_1h.test_only_gauge_bytes_max',
      'node_metric_1m.test_only_gauge_bytes_avg', 'node_metric_1m.test_only_gauge_bytes_max', 'node_metric_1m.test_only_gauge_bytes_samples',
      'node_metric_1m_block.test_only_gauge_bytes_avg', 'node_metric_1m_block.test_only_gauge_bytes_max', 'node_metric_1m_block.test_only_gauge_bytes_samples',
      'node_sample.test_only_gauge_bytes',
      'widget', 'widget_part',
    ]);
    // At start-up the same check stops migrate() with the column and the fix in the message.
    await assert.rejects(migrate(url, { kinds }), (err: Error) => {
      assert.ok(err instanceof DeclarationMismatchError);
      assert.equal(err.code, '42703');
      assert.match(err.message, /kubepulse\.node_sample\.test_only_gauge_bytes: column is declared but no migration creates it/);
      assert.match(err.message, /ALTER TABLE kubepulse\."node_sample" ADD COLUMN "test_only_gauge_bytes" bigint;/);
      // The view is re-created whole, its new column in the declared place.
      assert.match(err.message, /kubepulse\.node_metric\.test_only_gauge_bytes: column is declared but the view does not have it/);
      assert.match(err.message, /DROP VIEW IF EXISTS kubepulse\."node_metric";\s+DROP FUNCTION/);
      assert.match(err.message, /CREATE TABLE IF NOT EXISTS kubepulse\."widget_part"/);
      return true;
    });

    // The drafted SQL, frozen as the next migration, is what the declarations need.
    const shipped = loadMigrations();
    const next: Migration = { version: shipped.length + 1, name: 'test_grown', sql: mismatches.map((m) => m.fix).join('\n') };
    assert.deepEqual(await migrate(url, { kinds, migrations: [...shipped, next] }), { applied: [next.version] });

    // A column added to the kind afterwards is reported on its own.
    const grown: KindDef = {
      ...widget, columns: [...widget.columns, { column: 'ready', sqlType: 'boolean', description: 'Ready.', value: () => true }],
    };
    const again = await withClient(url, (c) => checkDeclarations(c, [...ALL_KINDS, grown]));
    assert.deepEqual(named(again), ['widget.ready']);
  } finally {
    METRIC_DEFS.splice(METRIC_DEFS.indexOf(metric), 1);
  }
});

test('a column whose type or nullability differs from its declaration is reported', async () => {
  const url = await createDatabase(db.url, 'drifted_columns');
  await migrate(url);
  await withClient(url, (c) =>
    c.query(`ALTER TABLE kubepulse.namespace ALTER COLUMN created_at TYPE text, ALTER COLUMN labels SET NOT NULL`));
  const mismatches = await withClient(url, (c) => checkDeclarations(c, ALL_KINDS));
  assert.deepEqual(mismatches.map((m) => [m.table, m.column, m.problem]), [
    ['namespace', 'created_at', 'declared timestamp with time zone, the database has text'],
    ['namespace', 'labels', 'declared nullable, the database has it NOT NULL'],
  ]);
  await assert.rejects(migrate(url), (err: Error) => (err as DeclarationMismatchError).code === '42804');
});

/** A value for a column of a raw row: distinct per row and column, at the edges of its type's exactness. */
function rawValue(c: ColumnSpec, n: number, col: number, series: number, source: string): unknown {
  if (c.sqlType === 'bigint') return n % 7 === col % 7 ? null : 9_007_199_254_000_000 + n * 1_000 + col;
  if (c.sqlType === 'double precision') return n % 5 === col % 5 ? null : (n * 131 + col) / 3;
  // Exact in float4 and int4, so a value stored as double or bigint before 013 reads back the same after it.
  if (c.sqlType === 'real') return n % 5 === col % 5 ? null : (n * 131 + col) / 4;
  if (c.sqlType === 'integer') return n % 7 === col % 7 ? null : n * 1_000 + col;
  if (c.sqlType === 'text') return c.column === 'pvc' && series === 2 ? null : `${c.column}-${series}`;
  if (c.sqlType === '"char"') return source;
  throw new Error(`no test value for ${c.column} (${c.sqlType})`);
}

test('migrations 009 to 013 move every row of a database at 008 into series and samples, value for value', async () => {
  const url = await createDatabase(db.url, 'rows_at_007');
  const shipped = loadMigrations();
  const at009 = shipped.findIndex((m) => m.name === 'series_ids');
  assert.equal(shipped[at009]?.version, 9);
  await migrate(url, { migrations: shipped.slice(0, at009), checkDeclarations: false });
  const old = createPool(url, { max: 1 });
  try {
    const hourly = new PartitionManager(old, { widthMs: 3_600_000 });
    const t0 = Date.UTC(2026, 2, 1, 10);
    // Three hourly partitions, two of them with two sample times; two series in each of two clusters.
    const times = [t0 + 60_000, t0 + 3_600_000 + 15_000, t0 + 7_200_000 + 30_000, t0 + 7_200_000 + 45_000];
    const view = (e: (typeof ENTITIES)[number]) => `SELECT to_jsonb(t)::text AS row FROM kubepulse."${ENTITY_TABLES[e].table}" t`;
    const before: Record<string, string[]> = {};
    const partitionsBefore: Record<string, string[]> = {};
    let n = 0;
    for (const e of ENTITIES) {
      const table = ENTITY_TABLES[e].table;
      await hourly.ensureFor(table, times);
      const cols = metricColumns(e);
      const rows: unknown[][] = [];
      for (const cluster of [1, 2]) for (const series of [1, 2]) for (const ts of times) for (const source of ['s', 'c']) {
        n++;
        rows.push(cols.map((c, i) => (c.column === 'cluster_id' ? cluster : c.column === 'ts' ? new Date(ts) : rawValue(c, n, i, series, source))));
      }
      const params = rows.flat();
      const tuples = rows.map((_, r) => `(${cols.map((__, i) => `$${r * cols.length + i + 1}`).join(', ')})`);
      await old.query(`INSERT INTO kubepulse."${table}" (${cols.map((c) => `"${c.column}"`).join(', ')}) VALUES ${tuples.join(', ')}`, params);
      before[e] = (await old.query<{ row: string }>(view(e))).rows.map((r) => r.row).sort();
      assert.equal(before[e].length, 32);
      partitionsBefore[e] = (await hourly.list(table)).map((p) => `${p.name.replace('_metric_', '_sample_')} ${p.fromMs}-${p.toMs}`);
      assert.equal(partitionsBefore[e].length, 3);
    }

    assert.deepEqual(await migrate(url), { applied: shipped.slice(at009).map((m) => m.version) });
    for (const e of ENTITIES) {
      const after = (await old.query<{ row: string }>(view(e))).rows.map((r) => r.row).sort();
      assert.deepEqual(after, before[e], `${ENTITY_TABLES[e].table} reads every stored value back through the view`);
      assert.deepEqual((await hourly.list(sampleTable(e))).map((p) => `${p.name} ${p.fromMs}-${p.toMs}`), partitionsBefore[e],
        `${sampleTable(e)} has the old partitions' bounds`);
      const series = await old.query<{ n: string }>(`SELECT count(*) AS n FROM kubepulse."${seriesTable(e)}"`);
      assert.equal(Number(series.rows[0].n), 4, `${seriesTable(e)}: one row per series and cluster`);
    }
    // The 007 history functions name the view by text and read it unchanged.
    const hist = await old.query<{ n: string }>(`SELECT count(*) AS n FROM kubepulse.container_history($1, $2)`, [new Date(t0), new Date(t0 + 3 * 3_600_000)]);
    assert.equal(Number(hist.rows[0].n), 32);
    // Rows inserted into the view go through its trigger: the series is found, the sample stored.
    await old.query(`INSERT INTO kubepulse.pod_metric (cluster_id, pod_uid, ts, namespace, pod, node) VALUES (1, 'pod_uid-1', $1, 'ns', 'p', 'n')`, [new Date(t0 + 90_000)]);
    const added = await old.query<{ source: string; namespace: string; series: string }>(
      `SELECT m.source, m.namespace, (SELECT count(*) FROM kubepulse.pod_series) AS series FROM kubepulse.pod_metric m WHERE ts = $1`, [new Date(t0 + 90_000)]);
    assert.deepEqual(added.rows, [{ source: 's', namespace: 'namespace-1', series: '4' }]);
  } finally {
    await old.end();
  }
});

test('a database with a migration newer than this code is refused', async () => {
  const url = await createDatabase(db.url, 'newer_schema');
  await migrate(url);
  await withClient(url, (c) => c.query(`INSERT INTO kubepulse.schema_migrations (version, name) VALUES (999, 'future')`));
  await assert.rejects(migrate(url), /migrations 999 this kubepulse does not know/);
});

test('the build ships every migration file next to the loader, unchanged', () => {
  const source = 'src/store/migrations';
  const sqlOf = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  assert.ok(sqlOf(source).length >= 4);
  assert.deepEqual(sqlOf(MIGRATIONS_DIR), sqlOf(source), `${MIGRATIONS_DIR} holds the .sql files of ${source}`);
  for (const f of sqlOf(source)) {
    assert.equal(readFileSync(join(MIGRATIONS_DIR, f), 'utf8'), readFileSync(join(source, f), 'utf8'), `${f} copied unchanged`);
  }
});

/**
 * Released migrations never change (installed databases already ran them): their content is pinned here.
 * A new migration gets its line when it is released (sha256 of the file, LF line endings).
 */
const RELEASED: Record<string, string> = {
  '001_initial_schema.sql': 'db25018090deaebe6c2632c64188c85e44fbfba8f445ad1450fed82062b1034d',
  '002_rollups.sql': 'bbbcdd8479ec0c78a87f23d85bacdce48ecf24fbc97a723e87d5359f7c79103e',
  '003_collector_status.sql': '071e8a3c76204aafcaa6ea2b304a63c061836ab34a8410150abbec75bd4c5ab9',
  '004_pod_workload_index.sql': 'd17ea31d42c5edbc3de8d2300e708117cb04f666c3097881117fe1d26df30cfa',
  '005_inventory_deleted_index.sql': '12fcd8c5ae4f5b8e58ea7b5af8ee5aab0ee940bfec1cba5ba0443a6965f789b5',
  '006_metric_rows_by_source.sql': 'c32d14efa74fa84b1a7fe3e8c5305a2c0e82145486b8c908b06f485252e317f4',
  '007_history_blocks.sql': 'ac845f9ab1abed8a30b5ecc7bd1186b6e6835e946441e96e0f783883761655a1',
  '008_history_derived_rates.sql': '44e021fc6a744b61d620d2127c317e50e133df27d4c18f7d98133243b6e04cea',
  '009_series_ids.sql': '980906faec31d62ede3244d1ed61d41d40f4fb7ab0efed343b2defb3eaa479d7',
  '010_sample_posting_index.sql': '7a9305e8888e1291135e60690324edc5907f9cadbfe2edf1dd38da6c1dbcba8f',
  '011_rollup_pending.sql': '4d8128895a0ee20de81f3a9b2a0281de07b5106a3fab11d45aa503a2ca724eab',
  '012_series_purge.sql': 'cce95d7ff67767c5ede21dfa205d06660106cef33b8f4ad1e998ff739781ba21',
};

test('released migrations are unchanged', () => {
  for (const [file, sha] of Object.entries(RELEASED)) {
    const text = readFileSync(join(MIGRATIONS_DIR, file), 'utf8').replace(/\r\n/g, '\n');
    assert.equal(createHash('sha256').update(text).digest('hex'), sha, `${file} was edited after release: add a new migration instead`);
  }
});

test('migration files are checked: names, a version sequence without gaps, some SQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubepulse-migrations-'));
  try {
    assert.throws(() => loadMigrations(dir), /no migration files \(NNN_name\.sql\) in .*scripts\/copy-migrations\.mjs/);
    writeFileSync(join(dir, '001_first.sql'), 'SELECT 1;\n');
    writeFileSync(join(dir, 'README.md'), 'not a migration');
    assert.deepEqual(loadMigrations(dir), [{ version: 1, name: 'first', sql: 'SELECT 1;\n' }]);
    writeFileSync(join(dir, '003_third.sql'), 'SELECT 3;\n');
    assert.throws(() => loadMigrations(dir), /003_third\.sql: expected version 002 next/);
    rmSync(join(dir, '003_third.sql'));
    writeFileSync(join(dir, '002-Second.sql'), 'SELECT 2;\n');
    assert.throws(() => loadMigrations(dir), /002-Second\.sql: name must be NNN_snake_case\.sql/);
    rmSync(join(dir, '002-Second.sql'));
    writeFileSync(join(dir, '002_empty.sql'), '-- only a comment\n');
    assert.throws(() => loadMigrations(dir), /002_empty\.sql holds no SQL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('jsonb_diff reports changed paths with new values and removed keys as null', async () => {
  const r = await pool.query<{ d: unknown }>(`SELECT kubepulse.jsonb_diff($1::jsonb, $2::jsonb) AS d`, [
    JSON.stringify({ spec: { nodeName: 'a', x: 1 }, status: { phase: 'Pending' }, keep: [1] }),
    JSON.stringify({ spec: { nodeName: 'b', x: 1 }, status: {}, keep: [1], extra: true }),
  ]);
  assert.deepEqual(r.rows[0].d, { spec: { nodeName: 'b' }, status: { phase: null }, extra: true });
});
