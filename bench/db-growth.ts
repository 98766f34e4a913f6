// Database size growth in steady state, under pod churn, with retention applied: the collector (in this
// process) on a 100-node simulated cluster (a child process; KUBEPULSE_GROWTH_NODES scales it) replacing a
// pod every KUBEPULSE_GROWTH_CHURN_MS (default 200 ms), for KUBEPULSE_GROWTH_MINUTES (by default until 20 min
// of steady part, below: 50 to 110 min depending on the hour it starts).
//
// A steady state needs every retention window to have passed once; at the real windows (30 days) that takes
// a month. So every time window is divided by the same factor KUBEPULSE_GROWTH_SCALE (default 2880: a day
// becomes 30 s): the [retention] keys (set on the parsed config, below the 1 h the config file allows) and
// the maintenance loop's own periods (change-log pass, series purge and its grace, batch-id keep, index rebuild). What the
// collector writes per second (samples, churn, status rows) is unchanged. Retention is left to the
// collector's own maintenance loop and PostgreSQL's autovacuum (no VACUUM of the bench's own).
//
// Conversion to the real windows: once every window has passed, each second of churn adds rows and the
// retention removes as many, whatever the window's length; the window only sets how many rows are kept
// (rate × window: the steady LEVEL here is SCALE times below the real one). What still grows once the
// windows have passed — bloat the retention's deletes leave, rows no retention reaches — grows per real
// second of churn, so the slope over the steady part, in bytes per second × 86,400, is the MiB/day at the
// real windows. The method states the level too, scaled back to the real windows.
//
// Two clocks don't scale: raw partitions are an hour wide and compacted only once both rollups passed
// their end, and the `<entity>_series` rows of a gone pod go only once no raw row names them — so the
// series tables turn over once an hour whatever the factor; the steady part starts after the first hour
// boundary's compaction and series purge. Partitioned tables (raw samples, rollups, history blocks) are
// dropped whole past their retention (partitions of 1 h to 7 days, which don't scale either): they are
// bounded by construction, kept out of the value, and their fill rate is stated in the method.
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Figures } from './figure.js';
import { slope } from './soak.js';
import { startSimChild } from './harness.js';
import { buildConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { Collector } from '../src/collector/collector.js';
import { configureLogging } from '../src/log.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { createPool } from '../src/store/pool.js';
import { StoreMaintenance, maintenanceRetention } from '../src/store/maintenance.js';
import { BATCH_ID_KEEP_MS } from '../src/store/metric-copy.js';
import { DAY_MS } from '../src/store/partitions.js';
import { qualified } from '../src/store/schema.js';

const CHURN_MS = Number(process.env.KUBEPULSE_GROWTH_CHURN_MS ?? 200);
const NODES = Number(process.env.KUBEPULSE_GROWTH_NODES ?? 100);
const SCALE = Number(process.env.KUBEPULSE_GROWTH_SCALE ?? 2880);
const PODS_PER_NODE = 30;
const SAMPLE_EVERY_MS = 30_000;
/** The maintenance loop's interval here (60 s in the collector): with windows of minutes, passes come oftener. */
const MAINTENANCE_EVERY_MS = 30_000;
/** The loop's own hourly periods (maintenance.ts defaults), scaled like the windows. */
const HOUR_MS = 3_600_000;
/**
 * The series purge, scaled (1.25 s at the default factor) but not oftener than once a minute: each purge
 * that deletes series makes the writes in flight resolve their ids again, and on a loaded machine purges
 * every few seconds made writes fail three times in a row and go to the spool (a run failed that way).
 */
const SERIES_PURGE_EVERY_MS = Math.max(60_000, HOUR_MS / SCALE);
/**
 * Raw retention is not cut below this: a raw partition is an hour wide and is compacted only once both
 * rollups passed its end (a few minutes), so a shorter window would drop it uncompacted, which the real
 * window (7 days) never does. It changes nothing else: the partition's rows stay an hour at least anyway.
 */
const RAW_FLOOR_MS = 15 * 60_000;
/**
 * The hour's turnover — the rollups settle (2 min), then one maintenance pass compacts the hour and purges
 * its series, which takes minutes (retention waits meanwhile, so the plain tables swell and shrink back) —
 * is over at the first sample after a pass that started past the boundary and purged series; the steady
 * part starts AUTOVACUUM_LAG_MS later (autovacuum's naptime: the purge's space becomes reusable).
 */
const HOURLY_TURNOVER_MS = 8 * 60_000;
const AUTOVACUUM_LAG_MS = 60_000;
/** The least churn before the first hour boundary whose series purge starts the steady part. */
const FIRST_CYCLE_MS = Number(process.env.KUBEPULSE_GROWTH_FIRST_CYCLE_MIN ?? 20) * 60_000;
const MIB = 2 ** 20;
/** The [retention] keys of plain tables (deleted rows): the others drop partitions (status_history too, since migration 017). */
const PLAIN_WINDOWS = ['inventory_deleted', 'events', 'change_log'] as const;

if (!(SCALE >= 1)) throw new Error(`KUBEPULSE_GROWTH_SCALE must be a number ≥ 1, got ${process.env.KUBEPULSE_GROWTH_SCALE}`);

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
  /** Autovacuum runs on the plain tables so far. */
  autovacuums: number;
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
  const av = await pool.query<{ n: string }>(`SELECT coalesce(sum(autovacuum_count), 0) AS n FROM pg_stat_user_tables
     WHERE schemaname = 'kubepulse' AND relid IN (SELECT oid FROM pg_class WHERE relkind = 'r' AND NOT relispartition)`);
  return { plain, indexes, live, partitioned, database: Number(db.rows[0].bytes), autovacuums: Number(av.rows[0].n) };
}

/** Every [retention] window divided by SCALE (raw no lower than RAW_FLOOR_MS); the config's own values are the real ones. */
function scaledRetention(real: Config['retention']): Config['retention'] {
  const out = { ...real };
  for (const k of Object.keys(out) as Array<keyof Config['retention']>) out[k] = Math.round(real[k] / SCALE);
  out.raw = Math.max(out.raw, RAW_FLOOR_MS);
  return out;
}

/** The `<entity>_series` tables together (part of the plain tables). */
function seriesTotal(m: Map<string, number>): number {
  return [...m].filter(([t]) => t.endsWith('_series')).reduce((a, [, b]) => a + b, 0);
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const mib = (bytes: number) => (bytes / MIB).toFixed(1);

export async function run(): Promise<Figures> {
  configureLogging({ level: 'warn', console: 'json', file: '' });
  const dir = mkdtempSync(join(tmpdir(), 'kp-growth-'));
  chmodSync(dir, 0o711);
  const pgServer = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: 15000 + Math.floor(Math.random() * 10000), postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] });
  const sim = await startSimChild({ nodes: NODES, podsPerNode: PODS_PER_NODE, podChurnMs: CHURN_MS, seed: 3 }).catch(async (e: unknown) => {
    await pgServer.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const cfg = buildConfig({
    server: { listen: '127.0.0.1:0' },
    database: { url: pgServer.url },
    spool: { dir: join(dir, 'spool') },
    clusters: [{ name: 'growth', kubeconfig: sim.kubeconfig, context: 'sim-1' }],
  }, 'db-growth', {});
  const real = cfg.retention;
  cfg.retention = scaledRetention(real);
  const collector = await Collector.start(cfg);
  // The collector's loop, again with the scaled windows and the loop's hourly periods scaled as well.
  await collector.db.maintenance?.stop();
  const maintenance = new StoreMaintenance(collector.db.pool, {
    partitions: collector.db.partitions!, retentionMs: maintenanceRetention(cfg.retention), intervalMs: MAINTENANCE_EVERY_MS,
    changeLogEveryMs: HOUR_MS / SCALE, seriesPurgeEveryMs: SERIES_PURGE_EVERY_MS, seriesGoneGraceMs: HOUR_MS / SCALE, batchIdKeepMs: BATCH_ID_KEEP_MS / SCALE,
    reindexEveryMs: DAY_MS / SCALE,
  });
  collector.db.maintenance = maintenance;
  maintenance.start();
  // A generous connect timeout: on a shared, loaded machine the server can be busy for a while.
  const pool = createPool(pgServer.url, { max: 2, connectionTimeoutMs: 120_000 });
  const started = Date.now();
  const boundary = Math.ceil((started + FIRST_CYCLE_MS) / HOUR_MS) * HOUR_MS;
  const runMs = process.env.KUBEPULSE_GROWTH_MINUTES ? Number(process.env.KUBEPULSE_GROWTH_MINUTES) * 60_000 : boundary + HOURLY_TURNOVER_MS + 20 * 60_000 - started;
  const MINUTES = Math.round(runMs / 60_000);
  const samples: Array<{ tS: number; s: Sizes }> = [];
  let maintenanceErrors = 0;
  let turnoverS = Infinity;
  // Every pass's report, not only the one current at a sample: passes come every 30 s, like the samples,
  // so the pass that purged the series could be replaced before a sample read it (a run missed it so).
  let seen: typeof maintenance.lastReport = null;
  const watch = setInterval(() => {
    const report = maintenance.lastReport;
    if (!report || report === seen) return;
    seen = report;
    if (report.error) maintenanceErrors++;
    if (turnoverS === Infinity && report.at.getTime() >= boundary && Object.keys(report.purgedSeries).length) turnoverS = (Date.now() - started) / 1000;
  }, 1000);
  try {
    try {
      while (Date.now() - started < runMs) {
        await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
        samples.push({ tS: (Date.now() - started) / 1000, s: await sizes(pool) });
        if (process.env.KUBEPULSE_GROWTH_TRACE === '1') {
          const last = samples.at(-1)!.s;
          process.stderr.write(`growth t=${samples.at(-1)!.tS.toFixed(0)}s plain=${mib(total(last.plain))}MiB live=${mib(total(last.live))}MiB `
            + `change_log=${mib(last.plain.get('change_log') ?? 0)}MiB (indexes ${mib(last.indexes.get('change_log') ?? 0)}, live ${mib(last.live.get('change_log') ?? 0)}) `
            + `series=${mib(seriesTotal(last.plain))}MiB partitioned=${mib(last.partitioned)}MiB db=${mib(last.database)}MiB autovacuums=${last.autovacuums}\n`);
        }
      }
    } finally {
      clearInterval(watch);
      await collector.stop();
    }
  } finally {
    // A failed run leaves no server, simulator or folder behind.
    await pool.end();
    await sim.stop();
    await pgServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  // The steady part: every scaled window of the plain tables has passed (plus two maintenance passes and
  // autovacuum's naptime), and so has the series purge after the first hour boundary with at least
  // FIRST_CYCLE_MS of churn before it: the space that purge frees is then refilled by the next hour's series
  // (the method gives both lengths: the steady part must not outlast the first cycle's freed space).
  const longest = Math.max(...PLAIN_WINDOWS.map((k) => cfg.retention[k]));
  const steadyS = Math.max((longest + 2 * MAINTENANCE_EVERY_MS + AUTOVACUUM_LAG_MS) / 1000, turnoverS + AUTOVACUUM_LAG_MS / 1000);
  const after = samples.filter((x) => x.tS >= steadyS);
  if (after.length < 10) {
    throw new Error(`the steady part (past ${steadyS.toFixed(0)} s) has ${after.length} samples: run longer (KUBEPULSE_GROWTH_MINUTES=${MINUTES}) so it has at least 10`);
  }
  const perDay = (y: (s: Sizes) => number) => (slope(after.map((x) => ({ x: x.tS, y: y(x.s) }))) * 86_400) / MIB;
  const first = after[0].s;
  const last = after.at(-1)!.s;
  const value = Number(perDay((s) => total(s.plain)).toFixed(1));
  const tables = [...first.plain.keys()];
  const growers = tables.map((t) => ({ t, d: perDay((s) => s.plain.get(t) ?? 0), live: perDay((s) => s.live.get(t) ?? 0) })).sort((a, b) => b.d - a.d).slice(0, 4);
  // The steady level: what the live objects hold (the first sample, before anything was deleted) plus what
  // the windows keep of the churn, SCALE times as much at the real windows — the series tables excepted,
  // whose turnover (an hour here) is compact_after + about 2 h at the real windows.
  const liveNoSeries = (s: Sizes) => total(s.live) - seriesTotal(s.live);
  const base = liveNoSeries(samples[0].s);
  const windowHeld = Math.max(0, liveNoSeries(last) - base);
  const levelReal = base + windowHeld * SCALE;
  const fill = perDay((s) => s.partitioned);
  const windows = (r: Config['retention']) => Object.entries(r).map(([k, v]) => `${k} ${(v / 1000).toFixed(v < 60_000 ? 1 : 0)} s`).join(', ');
  return {
    db_size_growth_mib_per_day_steady_100_nodes: {
      value,
      unit: 'MiB/day',
      method: `collector on ${NODES} simulated nodes x ${PODS_PER_NODE} pods, a pod replaced every ${CHURN_MS} ms (defaults: summary 15 s, cadvisor 30 s), ${MINUTES} min; `
        + `every time window divided by ${SCALE} (a day becomes ${(86_400 / SCALE).toFixed(0)} s): [retention] ${windows(cfg.retention)} (raw kept at least ${RAW_FLOOR_MS / 60_000} min: its hourly partitions are compacted first, as at the real window), the maintenance loop's hourly periods (change-log pass, series grace) ${(HOUR_MS / SCALE / 1000).toFixed(2)} s, the series purge every ${(SERIES_PURGE_EVERY_MS / 1000).toFixed(0)} s, batch ids ${(BATCH_ID_KEEP_MS / SCALE / 1000).toFixed(0)} s, the daily index rebuild of change_log and the series tables ${(DAY_MS / SCALE / 1000).toFixed(0)} s; maintenance every ${MAINTENANCE_EVERY_MS / 1000} s, autovacuum as migration 015 sets it (no VACUUM of the bench's own: ${last.autovacuums} autovacuum runs on the plain tables). `
        + `Value: least-squares slope of the plain tables' total size (heap, indexes, TOAST) over the steady part — ${after.length} samples from ${steadyS.toFixed(0)} s to the end, when every scaled window and the compaction and series purge of the first hour boundary (${((boundary - started) / 60_000).toFixed(0)} min of churn before it, more than the steady part's ${((runMs / 1000 - steadyS) / 60).toFixed(0)} min) had passed — per day. `
        + `Conversion: rows are written per real second whatever the windows and retention removes as many once its window has passed, so what still grows in the steady part grows per real second: the slope × 86,400 s is the MiB/day at the real windows; the windows set only the level kept (rate × window). `
        + `Level: plain tables ${mib(total(first.plain))} → ${mib(total(last.plain))} MiB over the steady part (live rows ${mib(total(first.live))} → ${mib(total(last.live))}); of the live rows, the retention windows hold ${mib(windowHeld)} MiB here, about ${mib(levelReal)} MiB with the live objects at the real windows (× ${SCALE}); the series tables ${mib(seriesTotal(last.plain))} MiB (an hour's turnover here, compact_after + ~2 h at the real windows). `
        + `Largest growers in the steady part, file (live rows): ${growers.map((g) => `${g.t} ${g.d.toFixed(1)} (${g.live.toFixed(1)})`).join(', ')} MiB/day; change_log's indexes ${mib(first.indexes.get('change_log') ?? 0)} → ${mib(last.indexes.get('change_log') ?? 0)} MiB. `
        + `Partitioned tables (raw samples, rollups, history blocks) fill at ${fill.toFixed(0)} MiB/day and are dropped whole past their retention (partitions 1 h to 7 d wide, real windows ${windows(real)}): bounded by construction, not in the value. `
        + `About ${Math.round(runMs / CHURN_MS)} pods replaced; database ${mib(last.database)} MiB at the end; ${maintenanceErrors} samples saw a failed maintenance pass.`,
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
