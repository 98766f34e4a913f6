// The hourly work of kubepulse's maintenance, per stored value, measured on a run's own data once the run
// is over: the 1-hour rollup and the compaction of raw partitions into history blocks. A bench window of
// minutes holds the writes and the 1-minute rollup passes but not these (they come once an hour, for the
// hour before); issue 15 counts compaction in kubepulse's CPU per value, so the side-by-side bench adds
// this per-value cost to the window's.
//
// How: the collector has stopped (its embedded server with it); this process starts the server again on
// the same data folder, completes the node and pod 1-minute rollup (not measured: its passes are in the
// bench window) and runs — with the code the collector's maintenance runs — the compaction of every raw
// partition (Compactor.compactPartition, with the other entities' 1-minute rollup) and the 1-hour rollup
// of every hour the run wrote (Rollups.rollupRange, from the 1-minute rows), reading this process's CPU and the server's (postmaster and every
// backend, exited ones included) before and after each. A run's hours are partial (minutes of data
// each), so each block holds fewer samples than a whole hour's would and costs more per value:
// measureFullHour measures the same on one whole hour of the simulator's data made at accelerated time
// (bench/sim-hours.ts), which is what every partition is in steady state.
import type pg from 'pg';
import { ENTITIES, metricColumnsOf } from '../src/metrics/definitions.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { createPool } from '../src/store/pool.js';
import { DAY_MS, PartitionManager } from '../src/store/partitions.js';
import { Rollups } from '../src/store/rollups.js';
import { RESOLUTIONS, minutesAtCompaction } from '../src/store/rollup-schema.js';
import { Compactor } from '../src/store/history/compactor.js';
import { sampleTable } from '../src/store/series-schema.js';
import { ensureCluster } from '../src/store/clusters.js';
import { migrate } from '../src/store/migrate.js';
import { postgresCpuSeconds } from './harness.js';
import { ingestSimulatedTime } from './sim-hours.js';

const HOUR_MS = 3_600_000;

export interface HourlyWork {
  /** Raw rows and non-null metric values the run stored (what the compaction took). */
  rows: number;
  values: number;
  /** CPU seconds (this process + the server) of the 1 h rollup and of the compaction. */
  rollupCpuS: number;
  compactCpuS: number;
  /** The compaction's part in this process (reading rows, encoding blocks) and in PostgreSQL. */
  compactJsS: number;
  compactPgS: number;
  blocks: number;
}

function cpuSeconds(): { js: number; pg: number; all: number } {
  const u = process.cpuUsage();
  const js = (u.user + u.system) / 1e6;
  const pg = postgresCpuSeconds(process.pid);
  return { js, pg, all: js + pg };
}

async function rawContents(pool: pg.Pool): Promise<{ rows: number; values: number; firstMs: number; lastMs: number }> {
  let rows = 0;
  let values = 0;
  let firstMs = Infinity;
  let lastMs = 0;
  for (const e of ENTITIES) {
    const cols = metricColumnsOf(e).map((c) => `"${c.column}"`).join(', ');
    const r = await pool.query<{ rows: string; values: string | null; first: Date | null; last: Date | null }>(
      `SELECT count(*) AS rows, sum(num_nonnulls(${cols})) AS values, min(ts) AS first, max(ts) AS last FROM kubepulse."${sampleTable(e)}"`,
    );
    rows += Number(r.rows[0].rows);
    values += Number(r.rows[0].values ?? 0);
    firstMs = Math.min(firstMs, r.rows[0].first?.getTime() ?? Infinity);
    lastMs = Math.max(lastMs, r.rows[0].last?.getTime() ?? 0);
  }
  return { rows, values, firstMs, lastMs };
}

/** Runs the hourly work on the stopped collector's data folder; see the file's header. */
export async function measureHourlyWork(dataDir: string, port: number): Promise<HourlyWork> {
  const server = await startEmbeddedPostgres({ dataDir, port });
  const pool = createPool(server.url, { max: 2 });
  try {
    return await measureOn(pool);
  } finally {
    await pool.end();
    await server.stop();
  }
}

export interface FullHourOptions {
  /** An empty folder for the embedded server's data (removed by the caller). */
  dataDir: string;
  port: number;
  nodes: number;
  podsPerNode: number;
  seed: number;
}

/**
 * The hourly work on one whole hour of the simulator's data: a fresh embedded server (the collector's
 * settings), one hour of a seeded world of the bench's shape ingested at accelerated time by the real
 * pipeline (bench/sim-hours.ts), then the same measurement as measureHourlyWork. In steady state every
 * compacted partition is a whole hour (240 samples a block at 15 s); a run of minutes leaves partial hours,
 * whose blocks are shorter and cost more per value.
 */
export async function measureFullHour(o: FullHourOptions): Promise<HourlyWork> {
  const server = await startEmbeddedPostgres({ dataDir: o.dataDir, port: o.port });
  const pool = createPool(server.url, { max: 2, statementTimeoutMs: 600_000 });
  try {
    await migrate(server.url);
    const clusterId = await ensureCluster(pool, 'bench');
    const startMs = Date.parse('2026-11-01T00:00:00Z');
    await ingestSimulatedTime({
      pool, partitions: new PartitionManager(pool), clusterId, cluster: 'bench', seed: o.seed, nodes: o.nodes, podsPerNode: o.podsPerNode, startMs, durationMs: HOUR_MS,
    });
    return await measureOn(pool);
  } finally {
    await pool.end();
    await server.stop();
  }
}

/** The 1 h rollup and the compaction of every raw partition the database holds, measured. */
async function measureOn(pool: pg.Pool): Promise<HourlyWork> {
  const { rows, values, firstMs, lastMs } = await rawContents(pool);
  if (rows === 0) throw new Error('hourly work: the run stored no raw rows');
  const rawPartitions = new PartitionManager(pool);
  const rollups = new Rollups(pool, { rawPartitions });
  // Node and pod minutes come from the SQL pass: complete those first (the minutes since the collector's
  // last 1 m pass; the passes themselves are in the bench window's CPU, so this is not measured). The
  // other entities' minutes and hours are computed by the compaction (rollup-schema.ts minutesAtCompaction):
  // measured with it.
  for (const e of ENTITIES) if (!minutesAtCompaction(e)) await rollups.rollupRange(e, RESOLUTIONS[0], firstMs, lastMs + 1, 'raw');
  const c0 = cpuSeconds();
  const blockPartitions = new PartitionManager(pool, { widthMs: DAY_MS, ahead: 0 });
  const compactor = new Compactor(pool, {
    compactAfterMs: 1, rawPartitions, blockPartitions, rollupPartitions: { minuteBlocks: blockPartitions, hours: rollups.partitionsOf(RESOLUTIONS[1]) },
  });
  let compacted = 0;
  let blocks = 0;
  for (const e of ENTITIES) {
    for (const part of await rawPartitions.list(sampleTable(e))) {
      const r = await compactor.compactPartition(e, part);
      compacted += r.rows;
      blocks += r.blocks;
    }
  }
  const c1 = cpuSeconds();
  // Node's and pod's 1 h buckets come from their 1 m rows, all there now.
  for (const e of ENTITIES) if (!minutesAtCompaction(e)) await rollups.rollupRange(e, RESOLUTIONS[1], firstMs, lastMs + 1, 'raw');
  const c2 = cpuSeconds();
  if (compacted !== rows) throw new Error(`hourly work: the compaction took ${compacted} of the run's ${rows} raw rows`);
  return { rows, values, rollupCpuS: c2.all - c1.all, compactCpuS: c1.all - c0.all, compactJsS: c1.js - c0.js, compactPgS: c1.pg - c0.pg, blocks };
}
