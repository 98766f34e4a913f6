// docs/SCHEMA.md's tables are the generated ones (no table typed by hand around them); they document
// exactly the tables, columns and column types a migrated database has; and every example query runs
// against a database the collector filled from the simulator, with rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { documentedTables, renderSchemaDoc } from '../../src/store/schema-doc.js';
import { withoutRegions } from '../../src/util/doc-regions.js';
import { SCHEMA_EXAMPLES, bindExample } from '../../src/store/schema-examples.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { buildConfig } from '../../src/config/load.js';
import { Collector } from '../../src/collector/collector.js';
import { configureLogging } from '../../src/log.js';
import { createPool } from '../../src/store/pool.js';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait.js';
import { REPO_ROOT } from '../helpers/paths.js';

let db: TestDatabase;
let sim: SimCluster;
let pool: pg.Pool;

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  db = await startTestDatabase();
  sim = await startSim({ name: 'doc', nodes: 2, podsPerNode: 6, seed: 41, podChurnIntervalMs: 0 });
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-doc-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  const cfg = buildConfig(
    {
      server: { listen: '127.0.0.1:0' },
      database: { url: db.url },
      collection: { summary_interval: '1s', cadvisor_interval: '1s', health_interval: '1s', scrape_timeout: '3s' },
      clusters: [{ name: sim.name, kubeconfig, context: sim.name }],
    },
    'test',
    {},
  );
  const collector = await Collector.start(cfg);
  pool = createPool(db.url, { max: 2 });
  try {
    // Two housekeeping samples (10 s apart) give rates, CFS throttling among them.
    await waitFor(async () => (await pool.query('SELECT 1 FROM kubepulse.container_metric WHERE cpu_cfs_periods_per_second > 0 LIMIT 1')).rowCount === 1, 'CFS rates stored', 40_000, 500);
    await waitFor(async () => (await pool.query("SELECT 1 FROM kubepulse.change_log WHERE kind = 'pod' LIMIT 1")).rowCount === 1, 'pod history', 10_000);
  } finally {
    await collector.stop();
  }
});

after(async () => {
  await pool?.end();
  await sim?.stop();
  await db?.stop();
});

test('the tables of docs/SCHEMA.md are generated from the declarations (node scripts/gen-schema-doc.mjs)', () => {
  const committed = readFileSync(join(REPO_ROOT, 'docs', 'SCHEMA.md'), 'utf8');
  assert.equal(committed, renderSchemaDoc(committed));
  // Every table of the document lies in a generated region: the hand-written prose around them has none.
  const handWritten = withoutRegions(committed).split('\n').filter((l) => l.trimStart().startsWith('|'));
  assert.deepEqual(handWritten, [], 'table lines typed by hand in docs/SCHEMA.md');
  for (const t of documentedTables()) assert.ok(committed.includes(`### kubepulse.${t.table}\n`), `${t.table} documented`);
});

test('a generated region missing from the document is an error naming it', () => {
  const committed = readFileSync(join(REPO_ROOT, 'docs', 'SCHEMA.md'), 'utf8');
  assert.throws(() => renderSchemaDoc(committed.replace(/<!-- end generated:rollups -->/, '')), /docs\/SCHEMA.md: generated region rollups is missing/);
});

test('every table and column of a migrated database is documented with its type, and nothing else', async () => {
  const r = await pool.query<{ table_name: string; column_name: string; type: string }>(
    `SELECT k.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_attribute a JOIN pg_class k ON k.oid = a.attrelid JOIN pg_namespace n ON n.oid = k.relnamespace
     WHERE n.nspname = 'kubepulse' AND k.relkind IN ('r', 'p', 'v') AND NOT k.relispartition AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY k.relname, a.attnum`,
  );
  // The document writes timestamptz, as the declarations do.
  const inDb = new Map<string, string[]>();
  for (const row of r.rows) {
    const type = row.type.replace('timestamp with time zone', 'timestamptz');
    inDb.set(row.table_name, [...(inDb.get(row.table_name) ?? []), `${row.column_name} ${type}`]);
  }
  const documented = new Map(documentedTables().map((t) => [t.table, t.columns.map((c) => `${c.column} ${c.type}`)]));
  assert.deepEqual([...documented.keys()].sort(), [...inDb.keys()].sort(), 'tables');
  for (const [table, cols] of inDb) assert.deepEqual([...documented.get(table)!].sort(), [...cols].sort(), `${table} columns and types`);
  for (const t of documentedTables()) {
    for (const c of t.columns) assert.ok(c.description.length > 3, `${t.table}.${c.column} has a description`);
  }
});

for (const example of SCHEMA_EXAMPLES) {
  test(`example query returns rows: ${example.title}`, async () => {
    const node = sim.nodes()[0].name;
    const values: Record<string, unknown> = { node, at: new Date() };
    const r = await pool.query<Record<string, unknown>>(bindExample(example), example.variables.map((v) => values[v]));
    assert.ok(r.rowCount! > 0, `${example.title}: no rows`);
    for (const row of r.rows.slice(0, 3)) assert.ok(Object.values(row).some((v) => v !== null && v !== ''), 'a row with values');
  });
}

test('the node-at-time example lists the pods the API server has on that node', async () => {
  const example = SCHEMA_EXAMPLES.find((x) => x.variables.includes('at'))!;
  const node = sim.nodes()[1].name;
  const r = await pool.query<{ pod: string }>(bindExample(example), [node, new Date()]);
  const stored = await pool.query<{ name: string }>("SELECT name FROM kubepulse.pod WHERE node = $1 AND deleted_at IS NULL AND phase <> 'Pending'", [node]);
  assert.deepEqual([...new Set(r.rows.map((x) => x.pod))].sort(), stored.rows.map((x) => x.name).sort());
  // Before anything was collected, nothing ran there as far as the history knows.
  const early = await pool.query(bindExample(example), [node, new Date(Date.now() - 24 * 3_600_000)]);
  assert.equal(early.rowCount, 0);
});
