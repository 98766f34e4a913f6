// Ingest benchmark (issue 6): kubepulse's metric writer against a raw COPY of the same rows into a table of
// the text-keyed shape the rows had before migration 008 (same columns, primary key (cluster_id, keys, ts,
// source) + (cluster_id, ts) index, same daily partitions), side by side in one run on one embedded
// PostgreSQL with default durability settings. Runs rounds alternately so drift hits both alike. Also: a raw
// COPY of the same samples with their series ids already known into a copy of kubepulse.container_sample
// (the floor the writer's series resolution adds to), and the heap a cached series id takes.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { Figures } from './figure.js';
import { metricsOf, type MetricRow } from '../src/metrics/definitions.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { migrate } from '../src/store/migrate.js';
import { createPool } from '../src/store/pool.js';
import { ensureCluster } from '../src/store/clusters.js';
import { PartitionManager } from '../src/store/partitions.js';
import { writeMetricRows } from '../src/store/metric-copy.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, binaryCopyEncoder } from '../src/store/copy-binary.js';
import pgCopyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { columnDdl, metricColumns, metricKeyColumns } from '../src/store/schema.js';
import { sampleColumns } from '../src/store/series-schema.js';
import { SeriesIds } from '../src/store/series-ids.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { freePort } from '../test/helpers/pg.js';

const ROWS_PER_ROUND = Number(process.env.INGEST_ROWS ?? 200_000);
const BATCH_ROWS = 5_000;
const ROUNDS = 3;


/** Container rows as a 1,000-node cluster with 30 pods of 2 containers per node yields them per sample. */
function makeBatches(clusterId: number, ts: Date): MetricRow[][] {
  const metrics = metricsOf('container');
  const rows: MetricRow[] = [];
  for (let i = 0; i < ROWS_PER_ROUND; i++) {
    const podIndex = Math.floor(i / 2);
    const row: MetricRow = {
      cluster_id: clusterId,
      pod_uid: `0b6c4f6e-${(podIndex % 100000).toString(16).padStart(8, '0')}-4f1a-9c1e-5d2f3a4b5c6d`,
      container: i % 2 ? 'sidecar' : 'app',
      ts,
      source: 's',
      namespace: `team-${podIndex % 40}`,
      pod: `workload-${podIndex % 900}-7d9f8c6b5-${(podIndex % 99991).toString(36)}`,
      node: `node-${Math.floor(podIndex / 30)}`,
    };
    for (const m of metrics) {
      row[m.column] = Math.floor(1e6 + ((i * 7919 + m.column.length * 104729) % 9e8));
      if (m.rate) row[m.rate.column] = ((i * 31) % 4000) / 7;
    }
    rows.push(row);
  }
  const batches: MetricRow[][] = [];
  for (let i = 0; i < rows.length; i += BATCH_ROWS) batches.push(rows.slice(i, i + BATCH_ROWS));
  return batches;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<Figures> {
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-bench-ingest-'));
  await chmod(root, 0o711);
  const server = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), port: await freePort(), initdbFlags: ['--no-sync'] });
  const pool = createPool(server.url, { max: 2 });
  try {
    await migrate(server.url);
    const clusterId = await ensureCluster(pool, 'bench');
    // The raw side: the same rows, text keys and all, into the pre-008 shape; no kubepulse code on the path.
    await pool.query(`CREATE TABLE kubepulse.raw_container_metric (${metricColumns('container').map(columnDdl).join(', ')},
                      PRIMARY KEY (${metricKeyColumns('container').join(', ')})) PARTITION BY RANGE (ts)`);
    await pool.query('CREATE INDEX ON kubepulse.raw_container_metric (cluster_id, ts)');
    await pool.query(`CREATE TABLE kubepulse.raw_container_sample (LIKE kubepulse.container_sample INCLUDING ALL) PARTITION BY RANGE (ts)`);
    const partitions = new PartitionManager(pool);
    const encode = binaryCopyEncoder(metricColumns('container'));
    const list = metricColumns('container').map((c) => `"${c.column}"`).join(', ');
    const encodeIds = binaryCopyEncoder(sampleColumns('container'), 'series_id');
    const idList = sampleColumns('container').map((c) => `"${c.column}"`).join(', ');

    const ours: number[] = [];
    const staging: number[] = [];
    const raw: number[] = [];
    const rawIds: number[] = [];
    let oursFirst = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const ts = new Date(Date.UTC(2026, 0, 1 + round, 12));
      // Each side gets its own sample time so no side meets the other's rows; partitions made up front
      // for the raw side so it pays nothing kubepulse would not.
      const batches = makeBatches(clusterId, ts);
      await partitions.ensureFor('raw_container_metric', [ts.getTime()]);
      const texts = batches.map((b) => encode(b));

      let t = process.hrtime.bigint();
      const client = await pool.connect();
      for (const body of texts) {
        const sql = `COPY kubepulse.raw_container_metric (${list}) FROM STDIN WITH (FORMAT binary)`;
        await pipeline(Readable.from([COPY_BINARY_HEADER, body, COPY_BINARY_TRAILER]), client.query(pgCopyStreams.from(sql)));
      }
      client.release();
      raw.push(ROWS_PER_ROUND / (Number(process.hrtime.bigint() - t) / 1e9));

      t = process.hrtime.bigint();
      for (const b of batches) await writeMetricRows(pool, 'container', b, { partitions });
      ours.push(ROWS_PER_ROUND / (Number(process.hrtime.bigint() - t) / 1e9));
      if (round === 0) oursFirst = ours[0];

      // The floor: the samples with their ids known, encoded before timing, COPied into a sample-shaped table.
      await partitions.ensureFor('raw_container_sample', [ts.getTime()]);
      const known = new SeriesIds();
      const idTexts: Buffer[] = [];
      const c2 = await pool.connect();
      for (const b of batches) idTexts.push(encodeIds(b, await known.resolve(c2, 'container', b)));
      t = process.hrtime.bigint();
      for (const body of idTexts) {
        const sql = `COPY kubepulse.raw_container_sample (${idList}) FROM STDIN WITH (FORMAT binary)`;
        await pipeline(Readable.from([COPY_BINARY_HEADER, body, COPY_BINARY_TRAILER]), c2.query(pgCopyStreams.from(sql)));
      }
      c2.release();
      rawIds.push(ROWS_PER_ROUND / (Number(process.hrtime.bigint() - t) / 1e9));

      const later = new Date(ts.getTime() + 3_600_000);
      const stagedBatches = batches.map((b) => b.map((r) => ({ ...r, ts: later })));
      t = process.hrtime.bigint();
      for (const b of stagedBatches) await writeMetricRows(pool, 'container', b, { partitions, path: 'staging' });
      staging.push(ROWS_PER_ROUND / (Number(process.hrtime.bigint() - t) / 1e9));
      await pool.query('CHECKPOINT'); // start each round with no dirty-buffer debt from the previous one
    }
    const cachedBytes = await bytesPerCachedSeries(pool, makeBatches(clusterId, new Date(Date.UTC(2026, 0, 1, 12))));
    const cols = metricColumns('container').length;
    const method =
      `${ROUNDS} alternating rounds of ${ROWS_PER_ROUND} container rows (${cols} columns) in batches of ${BATCH_ROWS} ` +
      'into embedded PostgreSQL (default durability); median per side';
    return {
      ingest_vs_raw_copy: {
        value: round3(median(ours) / median(raw)),
        unit: 'ratio',
        method: `writeMetricRows (key checks + partition check + binary encoding streamed into COPY, staging only after a duplicate) ÷ raw binary COPY of the same rows pre-encoded before timing, into a same-shape table; ${method}`,
      },
      ingest_rows_per_s: { value: Math.round(median(ours)), unit: 'rows/s', method: `writeMetricRows throughput; ${method}` },
      ingest_raw_copy_rows_per_s: { value: Math.round(median(raw)), unit: 'rows/s', method: `raw binary COPY throughput into the pre-008 text-keyed shape (encoding not timed); ${method}` },
      ingest_raw_copy_series_ids_rows_per_s: {
        value: Math.round(median(rawIds)), unit: 'rows/s',
        method: `raw binary COPY of the same samples with their series ids known (resolution and encoding not timed) into a copy of kubepulse.container_sample (unique (cluster_id, series_id, ts, source) + BRIN on ts); ${method}`,
      },
      ingest_first_round_rows_per_s: {
        value: Math.round(oursFirst), unit: 'rows/s',
        method: `writeMetricRows throughput of the first round, where every one of the ${ROWS_PER_ROUND / 2} pods' containers is a new series (created in one statement per batch); ${method}`,
      },
      ingest_series_cache_bytes_per_series: {
        value: Math.round(cachedBytes), unit: 'bytes',
        method: `heap (after gc) of a SeriesIds cache holding the ids of ${ROWS_PER_ROUND} container series (key: cluster id + pod uid + container name), divided by the series cached`,
      },
      ingest_staging_vs_raw_copy: {
        value: round3(median(staging) / median(raw)),
        unit: 'ratio',
        method: `writeMetricRows forced through the staging table + INSERT … ON CONFLICT DO NOTHING (the duplicate-safe path) ÷ raw COPY; ${method}`,
      },
    };
  } finally {
    await pool.end();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Heap per series id cached, measured around resolving every row of `batches` into a fresh cache. */
async function bytesPerCachedSeries(pool: pg.Pool, batches: MetricRow[][]): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const cache = new SeriesIds();
  const client = await pool.connect();
  try {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (const b of batches) await cache.resolve(client, 'container', b);
    gc(); // the rows stay referenced through both measurements: only the cache is the difference
    return (process.memoryUsage().heapUsed - before) / cache.cached;
  } finally {
    client.release();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => { console.error(e); process.exit(1); });
}
