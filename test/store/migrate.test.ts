import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { createPool } from '../../src/store/pool.js';
import { ENTITIES, ENTITY_TABLES } from '../../src/metrics/definitions.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { RESOLUTIONS, rollupColumns, rollupTable } from '../../src/store/rollup-schema.js';
import { ALL_KINDS } from '../../src/inventory/kinds/index.js';
import type { KindDef } from '../../src/inventory/kind.js';
import { childColumns, kindColumns, metricColumns, type ColumnSpec } from '../../src/store/schema.js';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';

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
  text: 'text',
  'double precision': 'double precision',
  timestamptz: 'timestamp with time zone',
  jsonb: 'jsonb',
  boolean: 'boolean',
};

async function columnsOf(table: string): Promise<Map<string, { type: string; nullable: boolean }>> {
  const r = await pool.query(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'kubepulse' AND table_name = $1`,
    [table],
  );
  return new Map(r.rows.map((x) => [x.column_name, { type: x.data_type, nullable: x.is_nullable === 'YES' }]));
}

async function assertColumns(table: string, declared: ColumnSpec[]): Promise<void> {
  const actual = await columnsOf(table);
  assert.ok(actual.size > 0, `table ${table} exists`);
  for (const c of declared) {
    const got = actual.get(c.column);
    assert.ok(got, `${table}.${c.column} exists`);
    assert.equal(got.type, INFO_TYPE[c.sqlType], `${table}.${c.column} has type ${c.sqlType}`);
    if (c.notNull) assert.equal(got.nullable, false, `${table}.${c.column} is NOT NULL`);
  }
}

test('two concurrent migrations apply each version once and create every declared column', async () => {
  const [a, b] = await Promise.all([migrate(db.url), migrate(db.url)]);
  // The advisory lock serialises them: one applied every migration, the other found them done.
  const all = MIGRATIONS.map((m) => m.version);
  assert.ok(all.length >= 2);
  assert.deepEqual([a.applied, b.applied].sort((x, y) => y.length - x.length), [all, []]);
  const versions = await pool.query('SELECT version FROM kubepulse.schema_migrations ORDER BY version');
  assert.deepEqual(versions.rows.map((r) => r.version), all);

  for (const e of ENTITIES) {
    await assertColumns(ENTITY_TABLES[e].table, metricColumns(e));
    for (const r of RESOLUTIONS) await assertColumns(rollupTable(e, r), rollupColumns(e));
    const part = await pool.query(
      `SELECT partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'kubepulse' AND c.relname = $1`,
      [ENTITY_TABLES[e].table],
    );
    assert.equal(part.rows[0]?.partstrat, 'r', `${ENTITY_TABLES[e].table} is range-partitioned`);
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

  const again = await migrate(db.url);
  assert.deepEqual(again, { applied: [], addedColumns: [] });
});

test('a kind declared later gets its tables, a grown declaration gets its new columns', async () => {
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
  await migrate(db.url, { kinds: [...ALL_KINDS, widget] });
  await assertColumns('widget', kindColumns(widget));
  await assertColumns('widget_part', childColumns(widget, widget.children![0]!));

  const grown: KindDef = {
    ...widget,
    columns: [...widget.columns, { column: 'ready', sqlType: 'boolean', description: 'Ready.', value: () => true }],
  };
  const r = await migrate(db.url, { kinds: [...ALL_KINDS, grown] });
  assert.deepEqual(r.addedColumns, ['widget.ready']);
  await assertColumns('widget', kindColumns(grown));
});

test('a metric entity declared after the first migration gets its raw and rollup tables', async () => {
  const e = ENTITIES[ENTITIES.length - 1]!;
  const raw = ENTITY_TABLES[e].table;
  // As if the entity had been declared after 001 ran: its tables do not exist yet.
  await pool.query(`DROP TABLE kubepulse.${raw}, ${RESOLUTIONS.map((r) => `kubepulse.${rollupTable(e, r)}`).join(', ')}`);
  const r = await migrate(db.url);
  assert.deepEqual(r.applied, []);
  await assertColumns(raw, metricColumns(e));
  for (const res of RESOLUTIONS) await assertColumns(rollupTable(e, res), rollupColumns(e));
});

test('jsonb_diff reports changed paths with new values and removed keys as null', async () => {
  const r = await pool.query(`SELECT kubepulse.jsonb_diff($1::jsonb, $2::jsonb) AS d`, [
    JSON.stringify({ spec: { nodeName: 'a', x: 1 }, status: { phase: 'Pending' }, keep: [1] }),
    JSON.stringify({ spec: { nodeName: 'b', x: 1 }, status: {}, keep: [1], extra: true }),
  ]);
  assert.deepEqual(r.rows[0].d, { spec: { nodeName: 'b' }, status: { phase: null }, extra: true });
});
