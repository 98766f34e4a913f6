// Database size growth in steady state, under pod churn, with retention applied: the collector (in this
// process) on a 100-node simulated cluster (a child process; KUBEPULSE_GROWTH_NODES scales it) replacing a
// pod every KUBEPULSE_GROWTH_CHURN_MS (default 200 ms), for KUBEPULSE_GROWTH_MINUTES (default 10).
//
// Steady state within minutes: the row retentions (inventory_deleted, events, change_log and the status
// history) are applied every 30 s by the same functions the maintenance loop calls, with a window of
// WINDOW_MS (2 min) instead of days, so deleted objects and superseded history leave as fast as churn
// makes them: past warm-up, what the plain (unpartitioned) tables still gain per second is what they
// would gain in steady state with any window, extrapolated to a day. Partitioned tables (raw samples,
// rollups, history blocks) are bounded by construction — a partition is dropped whole once it is past its
// retention — so in steady state they gain nothing; their fill rate is given in the method with the
// size it bounds them to under the default retention.
//
// The `<entity>_series` tables are the exception to "within minutes": a gone pod's series rows go (the
// series purge, run here on every pass with the same grace as the row retentions) only once no raw sample
// names them, i.e. once their hourly raw partition is compacted past compact_after (6 h by default;
// KUBEPULSE_GROWTH_COMPACT_AFTER, at least 1h, shortens it). A run shorter than compact_after + 2 h sees
// them only fill; their share of the figure is named in the method.
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Figures } from './figure.js';
import { slope } from './soak.js';
import { startSimChild } from './harness.js';
import { buildConfig } from '../src/config/load.js';
import { Collector } from '../src/collector/collector.js';
import { configureLogging } from '../src/log.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { createPool } from '../src/store/pool.js';
import { ALL_KINDS } from '../src/inventory/kinds/index.js';
import { purgeDeletedInventory } from '../src/store/inventory-retention.js';
import { purgeChangeLog } from '../src/store/change-log-retention.js';
import { pruneStatusRows } from '../src/health/status-history.js';
import { purgeGoneSeries } from '../src/store/series-retention.js';
import { qualified } from '../src/store/schema.js';

const MINUTES = Number(process.env.KUBEPULSE_GROWTH_MINUTES ?? 10);
const CHURN_MS = Number(process.env.KUBEPULSE_GROWTH_CHURN_MS ?? 200);
const NODES = Number(process.env.KUBEPULSE_GROWTH_NODES ?? 100);
const COMPACT_AFTER = process.env.KUBEPULSE_GROWTH_COMPACT_AFTER ?? '6h';
const PODS_PER_NODE = 30;
const WINDOW_MS = 120_000;
const SAMPLE_EVERY_MS = 30_000;
const MIB = 2 ** 20;

interface Sizes {
  /** Bytes per plain table (indexes and TOAST included). */
  plain: Map<string, number>;
  /** Bytes of the indexes per plain table (part of `plain`): index bloat under delete-heavy churn shows here. */
  indexes: Map<string, number>;
  /** Bytes of the live rows per plain table (pg_column_size of each row): the data, without free space or indexes. */
  live: Map<string, number>;
  /** Bytes of every partitioned table's partitions together. */
  partitioned: number;
  database: number;
}

async function sizes(pool: pg.Pool): Promise<Sizes> {
  const r = await pool.query<{ name: string; kind: string; bytes: string; index_bytes: string }>(`
    SELECT c.relname AS name, c.relkind AS kind, pg_indexes_size(c.oid) AS index_bytes,
           CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t)
                ELSE pg_total_relation_size(c.oid) END AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'kubepulse' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`);
  const plain = new Map<string, number>();
  const indexes = new Map<string, number>();
  const live = new Map<string, number>();
  let partitioned = 0;
  for (const row of r.rows) {
    if (row.kind === 'p') partitioned += Number(row.bytes);
    else {
      plain.set(row.name, Number(row.bytes));
      indexes.set(row.name, Number(row.index_bytes));
      const l = await pool.query<{ bytes: string }>(`SELECT coalesce(sum(pg_column_size(t.*)), 0) AS bytes FROM ${qualified(row.name)} t`);
      live.set(row.name, Number(l.rows[0].bytes));
    }
  }
  const db = await pool.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
  return { plain, indexes, live, partitioned, database: Number(db.rows[0].bytes) };
}

/**
 * The row retentions with a window of WINDOW_MS (what the maintenance loop and the health monitor run),
 * then a plain VACUUM of the plain tables: what autovacuum does in steady state (it lags a 2-min window
 * by minutes, and a table's file only stops growing once the space of deleted rows is reused).
 */
async function applyRowRetention(pool: pg.Pool, plainTables: string[]): Promise<void> {
  const now = Date.now();
  await purgeDeletedInventory(pool, ALL_KINDS.filter((k) => k.name !== 'event'), WINDOW_MS, now);
  await purgeDeletedInventory(pool, ALL_KINDS.filter((k) => k.name === 'event'), WINDOW_MS, now);
  await purgeChangeLog(pool, ALL_KINDS.map((k) => k.name), WINDOW_MS, now);
  await pruneStatusRows(pool, WINDOW_MS);
  await purgeGoneSeries(pool, now - WINDOW_MS);
  for (const t of plainTables) await pool.query(`VACUUM ${qualified(t)}`);
}

/** The `<entity>_series` tables together (part of the plain tables). */
function seriesTotal(s: Sizes): number {
  return [...s.plain].filter(([t]) => t.endsWith('_series')).reduce((a, [, b]) => a + b, 0);
}

export async function run(): Promise<Figures> {
  configureLogging({ level: 'warn', console: 'json', file: '' });
  const dir = mkdtempSync(join(tmpdir(), 'kp-growth-'));
  chmodSync(dir, 0o711);
  const pgServer = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: 15000 + Math.floor(Math.random() * 10000), postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] });
  const sim = await startSimChild({ nodes: NODES, podsPerNode: PODS_PER_NODE, podChurnMs: CHURN_MS, seed: 3 });
  const cfg = buildConfig({
    server: { listen: '127.0.0.1:0' },
    database: { url: pgServer.url },
    spool: { dir: join(dir, 'spool') },
    retention: { compact_after: COMPACT_AFTER },
    clusters: [{ name: 'growth', kubeconfig: sim.kubeconfig, context: 'sim-1' }],
  }, 'db-growth', {});
  const collector = await Collector.start(cfg);
  // A generous connect timeout: on a shared, loaded machine a VACUUM pass can keep the server busy.
  const pool = createPool(pgServer.url, { max: 2, connectionTimeoutMs: 120_000 });
  const started = Date.now();
  const samples: Array<{ tS: number; s: Sizes }> = [];
  let lifecycles: number;
  try {
    try {
      while (Date.now() - started < MINUTES * 60_000) {
        await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
        await applyRowRetention(pool, [...(samples.at(-1)?.s.plain.keys() ?? [])]);
        samples.push({ tS: (Date.now() - started) / 1000, s: await sizes(pool) });
        if (process.env.KUBEPULSE_GROWTH_TRACE === '1') {
          const last = samples.at(-1)!.s;
          process.stderr.write(`growth t=${samples.at(-1)!.tS.toFixed(0)}s plain=${([...last.plain.values()].reduce((a, b) => a + b, 0) / MIB).toFixed(2)}MiB live=${([...last.live.values()].reduce((a, b) => a + b, 0) / MIB).toFixed(2)}MiB `
            + `change_log=${((last.plain.get('change_log') ?? 0) / MIB).toFixed(2)}MiB (indexes ${((last.indexes.get('change_log') ?? 0) / MIB).toFixed(2)}, live ${((last.live.get('change_log') ?? 0) / MIB).toFixed(2)}) `
            + `series=${(seriesTotal(last) / MIB).toFixed(2)}MiB partitioned=${(last.partitioned / MIB).toFixed(2)}MiB db=${(last.database / MIB).toFixed(1)}MiB\n`);
        }
      }
    } finally {
      await collector.stop();
    }
    lifecycles = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM kubepulse.change_log WHERE kind = $1 AND op = $2', ['pod', 'add'])).rows[0].n);
  } finally {
    // A failed run leaves no server, simulator or folder behind.
    await pool.end();
    await sim.stop();
    await pgServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  // Warm-up: the window fills (2 min) and the first list is written; the fit is over what follows.
  const warmS = Math.max(WINDOW_MS / 1000 + 120, (MINUTES * 60) / 3);
  const after = samples.filter((x) => x.tS >= warmS);
  const perDay = (y: (s: Sizes) => number) => (slope(after.map((x) => ({ x: x.tS, y: y(x.s) }))) * 86_400) / MIB;
  const changeLogIndexes = perDay((s) => s.indexes.get('change_log') ?? 0);
  const plainTotal = (s: Sizes) => [...s.plain.values()].reduce((a, b) => a + b, 0);
  const tables = [...(after[0]?.s.plain.keys() ?? [])];
  const growers = tables.map((t) => ({ t, d: perDay((s) => s.plain.get(t) ?? 0), live: perDay((s) => s.live.get(t) ?? 0) })).sort((a, b) => b.d - a.d).slice(0, 5);
  const liveTotal = (s: Sizes) => [...s.live.values()].reduce((a, b) => a + b, 0);
  const value = Number(perDay(plainTotal).toFixed(1));
  const fill = perDay((s) => s.partitioned);
  return {
    db_size_growth_mib_per_day_steady_100_nodes: {
      value,
      unit: 'MiB/day',
      method: `collector on ${NODES} simulated nodes x ${PODS_PER_NODE} pods, a pod replaced every ${CHURN_MS} ms (defaults: summary 15 s, cadvisor 30 s), ${MINUTES} min; `
        + `row retentions (inventory_deleted, events, change_log, status history) applied every 30 s by their own functions with a ${WINDOW_MS / 60_000}-min window, so deleted objects and superseded history leave as fast as churn makes them, each pass followed by a plain VACUUM of the plain tables (autovacuum's part in steady state); `
        + `value: least-squares slope of the plain tables' total size (indexes, TOAST) over ${after.length} samples past ${warmS} s, per day. `
        + `Largest growers, file (live rows): ${growers.map((g) => `${g.t} ${g.d.toFixed(1)} (${g.live.toFixed(1)})`).join(', ')} MiB/day; `
        + `the live rows of all plain tables grow ${perDay(liveTotal).toFixed(1)} MiB/day, from ${(liveTotal(after[0].s) / MIB).toFixed(1)} to ${(liveTotal(after.at(-1)!.s) / MIB).toFixed(1)} MiB. `
        + `Partitioned tables (raw samples, rollups, history blocks) fill at ${fill.toFixed(0)} MiB/day (raw rows, compacted into blocks past compact_after) and are dropped whole past their retention, so they gain nothing in steady state. `
        + `Of the value, the <entity>_series tables: ${perDay(seriesTotal).toFixed(1)} MiB/day (their gone pods' rows go once compact_after, here ${COMPACT_AFTER}, has passed over their raw rows, plus the hour of the partition: later than this run ends when it is shorter). `
        + `change_log's indexes grow ${changeLogIndexes.toFixed(1)} MiB/day (${((after[0]?.s.indexes.get('change_log') ?? 0) / MIB).toFixed(2)} to ${((after.at(-1)?.s.indexes.get('change_log') ?? 0) / MIB).toFixed(2)} MiB). `
        + `${lifecycles} pods added during the run; database ${(samples.at(-1)!.s.database / MIB).toFixed(0)} MiB at the end.`,
    },
  };
}

// Run directly: node dist/bench/db-growth.js
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
