// Bytes per stored value of candidate raw-row layouts, side by side on one embedded PostgreSQL: today's
// container_metric table (text keys and attributes on every row, primary key + (cluster_id, ts) index)
// against rows keyed by an integer series id (keys and attributes once, in a series table) with a unique
// (cluster_id, series_id, ts, source) index, or with a plain (cluster_id, series_id) index that btree
// deduplication keeps to a posting list per series. The rows are the container table's real columns with
// the share of non-null values measured on the simulator (SAMPLE_NON_NULL); what differs between layouts
// is only the row overhead and the index, so synthetic values are enough for this comparison.
//
// Run: npm run build && node dist/bench/storage-layout.js
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Figures } from './figure.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { migrate } from '../src/store/migrate.js';
import { createPool } from '../src/store/pool.js';
import { metricColumns, metricKeyColumns, quoteIdent } from '../src/store/schema.js';
import { freePort } from '../test/helpers/pg.js';

/** Non-null metric values per container row, as the simulator's summary + cAdvisor rows carry them. */
const SAMPLE_NON_NULL = 31;
const SERIES = 3_000;
const SAMPLES = 100;

export async function run(): Promise<Figures> {
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-layout-'));
  await chmod(root, 0o711); // the embedded server runs as its own user when we are root
  const server = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), port: await freePort(), initdbFlags: ['--no-sync'] });
  const pool = createPool(server.url, { max: 1 });
  try {
    await migrate(server.url);
    const keys = new Set([...metricKeyColumns('container'), 'namespace', 'pod', 'node']);
    const metrics = metricColumns('container').filter((c) => !keys.has(c.column));
    const filled = metrics.slice(0, SAMPLE_NON_NULL);
    const values = filled.map((c) => (c.sqlType === 'bigint' ? 'g * 1000 + s' : 'random()'));
    const list = filled.map((c) => quoteIdent(c.column)).join(', ');
    const rows = SERIES * SAMPLES;
    const gen = `FROM generate_series(1, ${SERIES}) s, generate_series(1, ${SAMPLES}) g ORDER BY g, s`;
    await pool.query(`CREATE TABLE kubepulse.container_metric_bench PARTITION OF kubepulse.container_metric
      FOR VALUES FROM ('2000-01-01') TO ('2000-01-02')`);
    await pool.query(`INSERT INTO kubepulse.container_metric (cluster_id, pod_uid, container, ts, namespace, pod, node, ${list})
      SELECT 1, md5(s::text)::uuid::text, 'container-' || (s % 3), TIMESTAMPTZ '2000-01-01' + g * interval '15 s',
        'namespace-' || (s % 20), 'deployment-name-7d9f8b6c5-' || s, 'node-' || (s % 100), ${values.join(', ')} ${gen}`);
    const series = `(cluster_id integer NOT NULL, series_id integer NOT NULL, ts timestamptz NOT NULL, source "char" NOT NULL,
      ${metrics.map((c) => `${quoteIdent(c.column)} ${c.sqlType}`).join(', ')})`;
    const fill = (t: string) => `INSERT INTO ${t} (cluster_id, series_id, ts, source, ${list})
      SELECT 1, s, TIMESTAMPTZ '2000-01-01' + g * interval '15 s', 's', ${values.join(', ')} ${gen}`;
    await pool.query(`CREATE TABLE bench_series_unique ${series}`);
    await pool.query('CREATE UNIQUE INDEX ON bench_series_unique (cluster_id, series_id, ts, source)');
    await pool.query(fill('bench_series_unique'));
    await pool.query(`CREATE TABLE bench_series_posting ${series}`);
    await pool.query('CREATE INDEX ON bench_series_posting (cluster_id, series_id)');
    await pool.query(fill('bench_series_posting'));
    await pool.query('VACUUM ANALYZE');
    const perValue = async (table: string): Promise<{ heap: number; index: number; value: number }> => {
      const r = await pool.query<{ heap: string; index: string }>(
        'SELECT pg_table_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS index', [table]);
      const heap = Number(r.rows[0].heap) / rows;
      const index = Number(r.rows[0].index) / rows;
      return { heap, index, value: (heap + index) / SAMPLE_NON_NULL };
    };
    const today = await perValue('kubepulse.container_metric_bench');
    const unique = await perValue('bench_series_unique');
    const posting = await perValue('bench_series_posting');
    const method = (what: string, m: { heap: number; index: number }) =>
      `${what}: ${rows.toLocaleString('en')} container rows (${SERIES} series × ${SAMPLES} samples, inserted in time order), ` +
      `${SAMPLE_NON_NULL} non-null values per row as the simulator's rows carry; heap ${m.heap.toFixed(0)} B + indexes ` +
      `${m.index.toFixed(0)} B per row, after VACUUM; bench/storage-layout.ts`;
    return {
      layout_today_bytes_per_value: { value: round(today.value), unit: 'bytes', method: method('today\'s container_metric (text keys and attributes per row, primary key + (cluster_id, ts) index)', today) },
      layout_series_unique_bytes_per_value: { value: round(unique.value), unit: 'bytes', method: method('integer series id + source per row, unique (cluster_id, series_id, ts, source) index', unique) },
      layout_series_posting_bytes_per_value: { value: round(posting.value), unit: 'bytes', method: method('integer series id + source per row, (cluster_id, series_id) index deduplicated into posting lists', posting) },
    };
  } finally {
    await pool.end();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

const round = (v: number): number => Math.round(v * 100) / 100;


if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}
