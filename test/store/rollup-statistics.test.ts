// Rollup partitions keep planner statistics on their keys and attributes only (migration 020 and
// rollup-schema.ts rollupPartitionColumnSettings): a partition that existed before 020 gets the targets from
// the migration, one made after it from the partition manager, and ANALYZE then samples only the columns
// rollup queries filter on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { loadMigrations } from '../../src/store/migrations/index.js';
import { PartitionManager } from '../../src/store/partitions.js';
import { RESOLUTIONS, rollupColumns, rollupTable } from '../../src/store/rollup-schema.js';
import { ENTITIES, ENTITY_TABLES, type Entity } from '../../src/metrics/definitions.js';
import { useMigrationServer } from './migrate-catalog.js';

const MIGRATIONS = loadMigrations();
const database = useMigrationServer();

async function targets(pool: pg.Pool, rel: string): Promise<Map<string, number | null>> {
  const r = await pool.query<{ attname: string; target: number | null }>(
    `SELECT a.attname, a.attstattarget AS target FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relname = $1 AND c.relnamespace = 'kubepulse'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped`, [rel]);
  return new Map(r.rows.map((x) => [x.attname, x.target]));
}

function described(entity: Entity): Set<string> {
  const t = ENTITY_TABLES[entity];
  return new Set([...t.keys, ...t.attributes].map((c) => c.column));
}

async function assertKeysOnly(pool: pg.Pool, entity: Entity, rel: string, resolution: (typeof RESOLUTIONS)[number]): Promise<void> {
  const got = await targets(pool, rel);
  const cols = rollupColumns(entity, resolution);
  assert.equal(got.size, cols.length, `${rel} has the declared columns`);
  for (const c of cols) {
    const target = got.get(c.column);
    // -1 (PostgreSQL 16 and before) or NULL (17): the default target.
    if (described(entity).has(c.column)) assert.ok(target === null || target === -1, `${rel}.${c.column} keeps the default target`);
    else assert.equal(target, 0, `${rel}.${c.column} collects no statistics`);
  }
}

test('rollup partitions made before migration 020 and after it collect statistics on keys and attributes only', async () => {
  const at = MIGRATIONS.findIndex((m) => m.name === 'rollup_aggregate_statistics');
  assert.ok(at > 0, 'the migration rollup_aggregate_statistics is shipped');
  const { url, pool } = await database('rollup_statistics');
  await migrate(url, { migrations: MIGRATIONS.slice(0, at), checkDeclarations: false });
  // Before 020: a partition of every rollup table, made by the code of the time (no per-column targets).
  const before = Date.UTC(2026, 10, 2, 5);
  for (const r of RESOLUTIONS) {
    const tables = ENTITIES.map((e) => rollupTable(e, r));
    for (const t of tables) {
      const from = Math.floor(before / r.partitionWidthMs) * r.partitionWidthMs;
      await pool.query(`CREATE TABLE kubepulse."${t}_old" PARTITION OF kubepulse."${t}" FOR VALUES FROM ('${new Date(from).toISOString()}') TO ('${new Date(from + r.partitionWidthMs).toISOString()}')`);
      const untouched = await targets(pool, `${t}_old`);
      assert.ok([...untouched.values()].every((v) => v === null || v === -1), `${t}_old starts with default targets`);
    }
  }
  await migrate(url);
  const later = Date.UTC(2026, 11, 20, 5);
  for (const r of RESOLUTIONS) {
    const pm = new PartitionManager(pool, { widthMs: r.partitionWidthMs });
    for (const e of ENTITIES) {
      const t = rollupTable(e, r);
      await assertKeysOnly(pool, e, `${t}_old`, r);
      await pm.ensureFor(t, [later]);
      const made = (await pm.list(t)).find((p) => p.fromMs <= later && later < p.toMs);
      assert.ok(made, `a partition of ${t} for ${new Date(later).toISOString()}`);
      await assertKeysOnly(pool, e, made.name, r);
    }
  }
  // ANALYZE leaves the aggregates out of pg_stats and keeps the keys and attributes.
  await pool.query(`INSERT INTO kubepulse.node_metric_1m (cluster_id, node, ts, samples, cpu_usage_nanocores_avg) VALUES (1, 'n1', $1, 4, 10)`, [new Date(later)]);
  const part = (await new PartitionManager(pool).list('node_metric_1m')).find((p) => p.fromMs <= later && later < p.toMs)!;
  await pool.query(`ANALYZE kubepulse."${part.name}"`);
  const stats = await pool.query<{ attname: string }>('SELECT attname FROM pg_stats WHERE schemaname = $1 AND tablename = $2', ['kubepulse', part.name]);
  assert.deepEqual(stats.rows.map((x) => x.attname).sort(), [...described('node')].sort());
});
