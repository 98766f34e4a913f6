// Upgrades: a database migrated one release at a time must end up with the same schema as a fresh one, and
// a database left by the code that generated its DDL at run time (migrations 1–4, whose generated text the
// frozen 001–004 files are) must be taken as it is — recognised, never re-migrated, every row kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../src/store/migrate.js';
import { loadMigrations } from '../../src/store/migrations/index.js';
import { readCatalog, useMigrationServer } from './migrate-catalog.js';
import { baseTables, ensurePartitions, seedEmptyTables, tableContents } from './migrate-rows.js';
import { ENTITIES, ENTITY_TABLES } from '../../src/metrics/definitions.js';

const AT = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));
const MIGRATIONS = loadMigrations();

const database = useMigrationServer();

test('a database migrated one version at a time, with data in it, has the schema of a fresh one', async () => {
  const stepwise = await database('stepwise');
  for (let i = 1; i <= MIGRATIONS.length; i++) {
    // One upgrade per release; the declarations only describe the newest schema, so only the last is checked.
    const r = await migrate(stepwise.url, { migrations: MIGRATIONS.slice(0, i), checkDeclarations: i === MIGRATIONS.length });
    assert.deepEqual(r.applied, [i]);
    // A running installation has partitions and rows by the time the next release migrates it.
    await ensurePartitions(stepwise.pool, AT);
    await seedEmptyTables(stepwise.pool, AT);
  }
  const fresh = await database('fresh');
  assert.deepEqual((await migrate(fresh.url)).applied, MIGRATIONS.map((m) => m.version));
  await ensurePartitions(fresh.pool, AT);

  const [a, b] = [await readCatalog(stepwise.url), await readCatalog(fresh.url)];
  // Not two empty catalogs: the comparison covers tables, partitions, indexes and the function.
  assert.ok(b.relations.some((r) => r.relkind === 'p') && b.relations.some((r) => r.relispartition));
  assert.ok(b.indexes.length > b.relations.filter((r) => r.relkind === 'r').length);
  assert.ok(b.functions.some((f) => f.proname === 'jsonb_diff'));
  assert.ok(b.constraints.some((c) => c.contype === 'c'));
  for (const part of Object.keys(b) as (keyof typeof b)[]) {
    assert.deepEqual(a[part], b[part], `the ${part} of the step-by-step database differ from a fresh one`);
  }
});

/** What the run-time-generated migrations recorded as their names (the version numbers are what counts). */
/** The metric tables, whose rows migration 006 gives a source. */
const METRIC_TABLES = new Set(ENTITIES.map((e) => ENTITY_TABLES[e].table));

const GENERATED_CODE_NAMES = [
  'initial schema: cluster, kind tables, change_log, metric tables',
  'rollup tables (1m, 1h) and rollup_state',
  'collector_status history',
  'pod workload resolution index',
];

test('a database created by the run-time DDL code is recognised, migrated onwards, and keeps every row', async () => {
  const old = await database('generated_ddl');
  // The frozen 001–004 files are that code's generated DDL, text for text; the rows it left in
  // schema_migrations carried its own names.
  await migrate(old.url, { migrations: MIGRATIONS.slice(0, GENERATED_CODE_NAMES.length), checkDeclarations: false });
  for (const [i, name] of GENERATED_CODE_NAMES.entries()) {
    await old.pool.query('UPDATE kubepulse.schema_migrations SET name = $2 WHERE version = $1', [i + 1, name]);
  }
  await ensurePartitions(old.pool, AT);
  const seeded = await seedEmptyTables(old.pool, AT);
  const tables = await baseTables(old.pool);
  assert.deepEqual(seeded, tables.filter((t) => t !== 'schema_migrations'), 'every table holds a row');
  const before = await tableContents(old.pool);

  const r = await migrate(old.url);
  assert.deepEqual(r.applied, MIGRATIONS.map((m) => m.version).filter((v) => v > GENERATED_CODE_NAMES.length));

  const afterwards = await tableContents(old.pool);
  // 009 turned the metric tables into views over series + sample tables: their rows are read through them.
  for (const table of METRIC_TABLES) {
    const r = await old.pool.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM kubepulse."${table}" AS t`);
    afterwards[table] = r.rows.map((x) => x.row).sort();
  }
  for (const table of tables) {
    const kept = afterwards[table] ?? [];
    if (table === 'schema_migrations') {
      // The old rows stay as they were; later versions only add rows.
      for (const row of before[table]) assert.ok(kept.includes(row), `schema_migrations keeps ${row}`);
      continue;
    }
    if (METRIC_TABLES.has(table)) {
      // 006 moves these rows on purpose: each gains the source of the rows stored before it, 's'.
      const expected = before[table].map((row) => ({ ...(JSON.parse(row) as object), source: 's' }));
      assert.deepEqual(kept.map((row) => JSON.parse(row) as object), expected, `${table} keeps every stored row, as a summary row`);
      continue;
    }
    // 019 gives each average of the 1-minute rollups a count column, NULL in the rows stored before it.
    const withoutCounts = table.endsWith('_metric_1m')
      ? kept.map((row) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(row) as object).filter(([k, v]) => !(k.endsWith('_samples') && v === null)))))
      : kept;
    assert.deepEqual(withoutCounts.map((row) => JSON.parse(row) as object), before[table].map((row) => JSON.parse(row) as object), `${table} keeps every stored row`);
  }
});
