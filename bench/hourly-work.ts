// The hourly work of kubepulse's maintenance, per stored value, measured on a run's own data once the run
// is over: the 1-hour rollup and the compaction of raw partitions into history blocks. A bench window of
// minutes holds the writes and the 1-minute rollup passes but not these (they come once an hour, for the
// hour before); issue 15 counts compaction in kubepulse's CPU per value, so the side-by-side bench adds
// this per-value cost to the window's.
//
// How: the collector has stopped (its embedded server with it); this process starts the server again on
// the same data folder, finishes the 1-minute rollup (the minutes since the collector's last pass; not
// measured), then runs — with the code the collector's maintenance runs — the 1-hour rollup of every hour
// the run wrote and the compaction of every raw partition, reading this process's CPU and the server's
// (postmaster and every backend, exited ones included) before and after each. The run's hours are partial
// (minutes of data each), so each block holds fewer samples than an hour's would: per value the
// compaction costs a little more here than in a day-long run.
import type pg from 'pg';
import { ENTITIES, metricColumnsOf } from '../src/metrics/definitions.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { createPool } from '../src/store/pool.js';
import { DAY_MS, PartitionManager } from '../src/store/partitions.js';
import { Rollups } from '../src/store/rollups.js';
import { Compactor } from '../src/store/history/compactor.js';
import { sampleTable } from '../src/store/series-schema.js';
import { postgresCpuSeconds } from './harness.js';

const HOUR_MS = 3_600_000;

export interface HourlyWork {
  /** Raw rows and non-null metric values the run stored (what the compaction took). */
  rows: number;
  values: number;
  /** CPU seconds (this process + the server) of the 1 h rollup and of the compaction. */
  rollupCpuS: number;
  compactCpuS: number;
  blocks: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6 + postgresCpuSeconds(process.pid);
}

async function rawContents(pool: pg.Pool): Promise<{ rows: number; values: number; lastMs: number }> {
  let rows = 0;
  let values = 0;
  let lastMs = 0;
  for (const e of ENTITIES) {
    const cols = metricColumnsOf(e).map((c) => `"${c.column}"`).join(', ');
    const r = await pool.query<{ rows: string; values: string | null; last: Date | null }>(
      `SELECT count(*) AS rows, sum(num_nonnulls(${cols})) AS values, max(ts) AS last FROM kubepulse."${sampleTable(e)}"`,
    );
    rows += Number(r.rows[0].rows);
    values += Number(r.rows[0].values ?? 0);
    lastMs = Math.max(lastMs, r.rows[0].last?.getTime() ?? 0);
  }
  return { rows, values, lastMs };
}

/** Runs the hourly work on the stopped collector's data folder; see the file's header. */
export async function measureHourlyWork(dataDir: string, port: number): Promise<HourlyWork> {
  const server = await startEmbeddedPostgres({ dataDir, port });
  const pool = createPool(server.url, { max: 2 });
  try {
    const { rows, values, lastMs } = await rawContents(pool);
    if (rows === 0) throw new Error('hourly work: the run stored no raw rows');
    const rawPartitions = new PartitionManager(pool);
    // Every hour the run wrote is over as far as these passes are concerned.
    const endMs = (Math.floor(lastMs / HOUR_MS) + 1) * HOUR_MS;
    // A step of ∞ leaves a resolution out of a pass.
    const only = (res: '1m' | '1h') => new Rollups(pool, { settleMs: 0, rawPartitions, minStepMs: res === '1m' ? { '1h': Infinity } : { '1m': Infinity } });
    await only('1m').run(endMs);
    const c0 = cpuSeconds();
    await only('1h').run(endMs);
    const c1 = cpuSeconds();
    const blockPartitions = new PartitionManager(pool, { widthMs: DAY_MS, ahead: 0 });
    const report = await new Compactor(pool, { compactAfterMs: 1, rawPartitions, blockPartitions }).run(endMs + 1);
    const c2 = cpuSeconds();
    if (report.rows !== rows) throw new Error(`hourly work: the compaction took ${report.rows} of the run's ${rows} raw rows`);
    return { rows, values, rollupCpuS: c1 - c0, compactCpuS: c2 - c1, blocks: report.blocks };
  } finally {
    await pool.end();
    await server.stop();
  }
}
