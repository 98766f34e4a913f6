// Rollup cost benchmark (issue 15): PostgreSQL's CPU for the rollups per raw container row, against the
// COPY of the same rows, on one embedded PostgreSQL (default durability and the collector's settings).
// One hour of container rows as the simulator sends them (summary every 15 s, cAdvisor every 30 s, each
// source filling its own columns, no rates on a series' first sample) is written through writeMetricRows;
// then, on the same rows and alternately, the rollups as the code before issue 15 ran them (1-minute
// buckets by avg() upserted from the raw rows, 1-hour buckets likewise from the raw rows, default
// work_mem) and as Rollups runs them now (the 1-minute pass every 5 minutes, the 1-hour pass from the
// minutes). CPU is the server backend's own (utime + stime of /proc/<pid>/stat, so Linux only): one
// connection does all the work, and the machine's other load does not count.
//
// Run: npm run build && npx node dist/bench/rollup-cost.js (or npm run bench -- rollup-cost)
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Figures } from './figure.js';
import { ENTITY_TABLES, metricsOf, type MetricRow } from '../src/metrics/definitions.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { migrate } from '../src/store/migrate.js';
import { createPool } from '../src/store/pool.js';
import { ensureCluster } from '../src/store/clusters.js';
import { PartitionManager } from '../src/store/partitions.js';
import { writeMetricRows } from '../src/store/metric-copy.js';
import { Rollups } from '../src/store/rollups.js';
import { RESOLUTIONS, rollupAggregates, rollupTable, type Resolution } from '../src/store/rollup-schema.js';
import { qualified, quoteIdent } from '../src/store/schema.js';
import { sampleTable, seriesTable } from '../src/store/series-schema.js';
import { freePort } from '../test/helpers/pg.js';
import { configureLogging } from '../src/log.js';

const CONTAINERS = Number(process.env.ROLLUP_CONTAINERS ?? 3_000);
const ROUNDS = Number(process.env.ROLLUP_ROUNDS ?? 2);
const HOUR = 3_600_000;
const PASS_MS = 5 * 60_000;
const START = Date.UTC(2026, 0, 5, 10);
const BATCH_ROWS = 5_000;

/** One source's rows of every container at `t`: the columns that source fills, values that vary. */
function sourceRows(clusterId: number, t: number, source: 's' | 'c'): MetricRow[] {
  const metrics = metricsOf('container').filter((m) => (source === 's' ? m.summary : m.cadvisor));
  const k = Math.floor((t - START) / 15_000);
  const rows: MetricRow[] = [];
  for (let i = 0; i < CONTAINERS; i++) {
    const pod = Math.floor(i / 2);
    const row: MetricRow = {
      cluster_id: clusterId, pod_uid: `0b6c4f6e-${pod.toString(16).padStart(8, '0')}-4f1a-9c1e-5d2f3a4b5c6d`,
      container: i % 2 ? 'sidecar' : 'app', ts: new Date(t), source,
      namespace: `team-${pod % 40}`, pod: `workload-${pod % 900}-7d9f8c6b5-${pod.toString(36)}`, node: `node-${Math.floor(pod / 15)}`,
    };
    metrics.forEach((m, j) => {
      // Some nodes' kernels have no PSI, some containers no memory limit: columns NULL for a whole series.
      if ((m.column.includes('psi') && i % 3 === 0) || (m.column === 'memory_available_bytes' && i % 4 === 0)) return;
      row[m.column] = m.kind === 'counter' ? 1_000_000 * k * (1 + (i % 7)) + j
        : m.sqlType === 'real' ? ((i * 13 + k * 7 + j) % 1000) / 100 : 1e8 + ((i * 7919 + k * 104729 + j) % 9e8);
      if (m.rate && k > 0) row[m.rate.column] = ((i * 31 + k) % 4000) / 7;
    });
    rows.push(row);
  }
  return rows;
}

/** The rollup statement of the code before issue 15 (src/store/rollups.ts then): avg(), upserted, from raw rows. */
function previousSql(res: Resolution): string {
  const t = ENTITY_TABLES.container;
  const keys = t.keys.filter((k) => k.column !== 'ts').map((k) => quoteIdent(k.column));
  const attrs = t.attributes.map((x) => quoteIdent(x.column));
  const aggs = rollupAggregates('container');
  const target = [...keys, '"ts"', ...attrs, '"samples"', ...aggs.map((x) => quoteIdent(x.column))];
  const aggregate = (x: (typeof aggs)[number]) => (x.fn === 'avg' ? `avg(${quoteIdent(x.source)})::double precision` : `max(${quoteIdent(x.source)})`);
  return `INSERT INTO ${qualified(rollupTable('container', res))} (${target.join(', ')})
    SELECT ${[...keys.map((k) => `r.${k}`), 'a.ts', ...attrs.map((x) => `r.${x}`), 'a.samples', ...aggs.map((_, i) => `a.v${i}`)].join(', ')}
      FROM (SELECT cluster_id, series_id, date_bin($3::interval, ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS ts, count(*)::integer AS samples,
                   ${aggs.map((x, i) => `${aggregate(x)} AS v${i}`).join(', ')}
              FROM ${qualified(sampleTable('container'))} WHERE ts >= $1 AND ts < $2 GROUP BY 1, 2, 3) a
      JOIN ${qualified(seriesTable('container'))} r ON r.cluster_id = a.cluster_id AND r.series_id = a.series_id
    ON CONFLICT (${[...keys, '"ts"'].join(', ')}) DO UPDATE SET ${target.slice(keys.length + 1).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}

/** CPU milliseconds the server process `pid` has used so far (user + system). */
async function backendCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch((err: Error) => {
    throw new Error(`the rollup benchmark reads a backend's CPU from /proc/${pid}/stat (Linux only): ${err.message}`);
  });
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 1/100 s (USER_HZ)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round2 = (x: number) => Math.round(x * 100) / 100;

export async function run(): Promise<Figures> {
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-bench-rollup-'));
  await chmod(root, 0o711);
  const server = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), port: await freePort(), initdbFlags: ['--no-sync'] });
  // One connection: the writer, both rollups and every statement run in the backend whose CPU is read.
  const pool = createPool(server.url, { max: 1, statementTimeoutMs: 3_600_000 });
  try {
    await migrate(server.url);
    const clusterId = await ensureCluster(pool, 'bench');
    const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const partitions = new PartitionManager(pool, { widthMs: HOUR });
    let copyMs = 0;
    let rawRows = 0;
    for (let t = START; t < START + HOUR; t += 15_000) {
      const rows = [...sourceRows(clusterId, t, 's'), ...((t - START) % 30_000 === 0 ? sourceRows(clusterId, t + 1_000, 'c') : [])];
      for (let i = 0; i < rows.length; i += BATCH_ROWS) {
        const before = await backendCpuMs(pid);
        await writeMetricRows(pool, 'container', rows.slice(i, i + BATCH_ROWS), { partitions, path: 'direct' });
        copyMs += (await backendCpuMs(pid)) - before;
      }
      rawRows += rows.length;
    }
    await pool.query('VACUUM ANALYZE kubepulse.container_sample');
    const [minute, hour] = RESOLUTIONS;
    for (const res of RESOLUTIONS) await new PartitionManager(pool, { widthMs: res.partitionWidthMs }).ensureFor(rollupTable('container', res), [START]);
    const reset = async () => {
      await pool.query(`TRUNCATE ${qualified(rollupTable('container', minute))}, ${qualified(rollupTable('container', hour))}`);
      await pool.query('CHECKPOINT');
    };
    const timed = async (fn: () => Promise<unknown>) => {
      const before = await backendCpuMs(pid);
      await fn();
      return ((await backendCpuMs(pid)) - before) * 1000 / rawRows;
    };
    const previous = { minute: [] as number[], hour: [] as number[] };
    const current = { minute: [] as number[], hour: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      await reset();
      const sql = [previousSql(minute), previousSql(hour)];
      previous.minute.push(await timed(async () => {
        for (let a = START; a < START + HOUR; a += PASS_MS) await pool.query(sql[0], [new Date(a), new Date(a + PASS_MS), minute.interval]);
      }));
      previous.hour.push(await timed(() => pool.query(sql[1], [new Date(START), new Date(START + HOUR), hour.interval])));

      await reset();
      // The statements of the maintenance loop's passes: the minutes every 5 minutes, then the hour from them.
      const rollups = new Rollups(pool, { rawPartitions: partitions });
      current.minute.push(await timed(async () => {
        for (let a = START; a < START + HOUR; a += PASS_MS) await rollups.rollupRange('container', minute, a, a + PASS_MS, 'raw');
      }));
      current.hour.push(await timed(() => rollups.rollupRange('container', hour, START, START + HOUR, 'raw')));
    }
    const copyUs = (copyMs * 1000) / rawRows;
    const before = median(previous.minute) + median(previous.hour);
    const after = median(current.minute) + median(current.hour);
    const method =
      `${CONTAINERS} containers × 1 h (summary 15 s + cAdvisor 30 s: ${rawRows} raw rows) written by writeMetricRows; ` +
      `PostgreSQL backend CPU (/proc utime+stime) per raw row, median of ${ROUNDS} alternating rounds`;
    return {
      rollup_pg_us_per_raw_row: {
        value: round2(after), unit: 'µs',
        method: `1 m passes every 5 min (sum/count, DELETE + INSERT, 64 MB work_mem: ${round2(median(current.minute))} µs) + the 1 h pass from the minutes (${round2(median(current.hour))} µs); ${method}`,
      },
      rollup_vs_copy: {
        value: round2(after / copyUs), unit: 'ratio',
        method: `rollup_pg_us_per_raw_row ÷ the COPY's ${round2(copyUs)} µs per row (writeMetricRows, direct path, same rows, same backend); ${method}`,
      },
      rollup_pg_us_per_raw_row_before: {
        value: round2(before), unit: 'µs',
        method: `the SQL before issue 15 on the same rows: 1 m avg() upserts every 5 min (${round2(median(previous.minute))} µs) + 1 h avg() upsert from the raw rows (${round2(median(previous.hour))} µs), default work_mem; ${method}`,
      },
    };
  } finally {
    await pool.end();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  configureLogging({ level: 'error', console: 'json' });
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => { console.error(e); process.exit(1); });
}
