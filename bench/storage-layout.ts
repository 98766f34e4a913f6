// Bytes per stored value of raw-row layouts, side by side on one embedded PostgreSQL: the layout before
// migration 008 (text keys and attributes on every row, primary key + (cluster_id, ts) index), the layout
// 008 made (kubepulse.container_sample rows keyed by an integer series id, unique (cluster_id, series_id, ts,
// source) index + BRIN on ts; keys and attributes once in kubepulse.container_series), and a variant with a
// plain (cluster_id, series_id) index that btree deduplication keeps to a posting list per series. The rows
// are the container table's real columns with the share of non-null values measured on the simulator
// (SAMPLE_NON_NULL); what differs between layouts is only the row overhead and the index, so synthetic values
// are enough for this comparison. It also reads through the view kubepulse.container_metric: the plan and
// time of a query by (cluster_id, pod_uid, ts range), and of a rollup's 3-minute time range with and without
// the BRIN index.
//
// Run: npm run build && npx node dist/bench/run.js storage-layout
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { Figures } from './figure.js';
import { startEmbeddedPostgres } from '../src/store/embedded.js';
import { migrate } from '../src/store/migrate.js';
import { createPool } from '../src/store/pool.js';
import { columnDdl, metricColumns, metricKeyColumns, quoteIdent } from '../src/store/schema.js';
import { sampleValueColumns } from '../src/store/series-schema.js';
import { freePort } from '../test/helpers/pg.js';

/** Non-null metric values per container row, as the simulator's summary + cAdvisor rows carry them. */
const SAMPLE_NON_NULL = 31;
const SERIES = 3_000;
const SAMPLES = 100;

interface Size { heap: number; index: number; value: number }

export async function run(): Promise<Figures> {
  const root = await mkdtemp(join(tmpdir(), 'kubepulse-layout-'));
  await chmod(root, 0o711); // the embedded server runs as its own user when we are root
  const server = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), port: await freePort(), initdbFlags: ['--no-sync'] });
  const pool = createPool(server.url, { max: 1 });
  try {
    await migrate(server.url);
    const metrics = sampleValueColumns('container');
    const filled = metrics.slice(0, SAMPLE_NON_NULL);
    const values = filled.map((c) => (c.sqlType === 'bigint' ? 'g * 1000 + s' : 'random()'));
    const list = filled.map((c) => quoteIdent(c.column)).join(', ');
    const rows = SERIES * SAMPLES;
    const gen = `FROM generate_series(1, ${SERIES}) s, generate_series(1, ${SAMPLES}) g ORDER BY g, s`;
    const at = (g: string) => `TIMESTAMPTZ '2000-01-01' + ${g} * interval '15 s'`;

    // Before 008: the wide table with its text keys per row.
    await pool.query(`CREATE TABLE bench_text_keys (${metricColumns('container').map(columnDdl).join(', ')},
      PRIMARY KEY (${metricKeyColumns('container').join(', ')}))`);
    await pool.query('CREATE INDEX ON bench_text_keys (cluster_id, ts)');
    await pool.query(`INSERT INTO bench_text_keys (cluster_id, pod_uid, container, ts, namespace, pod, node, source, ${list})
      SELECT 1, md5(s::text)::uuid::text, 'container-' || (s % 3), ${at('g')},
        'namespace-' || (s % 20), 'deployment-name-7d9f8b6c5-' || s, 'node-' || (s % 100), 's', ${values.join(', ')} ${gen}`);

    // 008: the real tables, through a partition of their own.
    await pool.query(`CREATE TABLE kubepulse.container_sample_bench PARTITION OF kubepulse.container_sample
      FOR VALUES FROM ('2000-01-01') TO ('2000-01-02')`);
    await pool.query(`INSERT INTO kubepulse.container_series (cluster_id, pod_uid, container, namespace, pod, node)
      SELECT 1, md5(s::text)::uuid::text, 'container-' || (s % 3), 'namespace-' || (s % 20), 'deployment-name-7d9f8b6c5-' || s, 'node-' || (s % 100)
      FROM generate_series(1, ${SERIES}) s ORDER BY s`);
    await pool.query(`INSERT INTO kubepulse.container_sample (cluster_id, series_id, ts, source, ${list})
      SELECT 1, s, ${at('g')}, 's', ${values.join(', ')} ${gen}`);

    const posting = `(cluster_id integer NOT NULL, series_id integer NOT NULL, ts timestamptz NOT NULL,
      ${metrics.map((c) => `${quoteIdent(c.column)} ${c.sqlType}`).join(', ')}, source "char" NOT NULL)`;
    await pool.query(`CREATE TABLE bench_series_posting ${posting}`);
    await pool.query('CREATE INDEX ON bench_series_posting (cluster_id, series_id)');
    await pool.query(`INSERT INTO bench_series_posting (cluster_id, series_id, ts, source, ${list})
      SELECT 1, s, ${at('g')}, 's', ${values.join(', ')} ${gen}`);
    await pool.query('VACUUM ANALYZE');

    const size = async (table: string, plus = 0): Promise<Size> => {
      const r = await pool.query<{ heap: string; index: string }>(
        'SELECT pg_table_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS index', [table]);
      const heap = Number(r.rows[0].heap) / rows;
      const index = Number(r.rows[0].index) / rows;
      return { heap, index, value: (heap + index + plus / rows) / SAMPLE_NON_NULL };
    };
    const seriesBytes = await pool.query<{ b: string }>(`SELECT pg_total_relation_size('kubepulse.container_series') AS b`);
    const brinBytes = await pool.query<{ b: string }>(
      `SELECT pg_relation_size(i.indexrelid) AS b FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'kubepulse.container_sample_bench'::regclass AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'brin')`);
    const today = await size('bench_text_keys');
    const ids = await size('kubepulse.container_sample_bench', Number(seriesBytes.rows[0].b));
    const postingSize = await size('bench_series_posting');

    const byPod = await explain(pool, `SELECT ts, cpu_rate_millicores FROM kubepulse.container_metric
      WHERE cluster_id = 1 AND pod_uid = md5('17')::uuid::text AND ts >= TIMESTAMPTZ '2000-01-01 00:05' AND ts < TIMESTAMPTZ '2000-01-01 00:20'`);
    const rollupRange = `SELECT pod_uid, container, count(*), avg(cpu_usage_core_nanoseconds) FROM kubepulse.container_metric
      WHERE ts >= TIMESTAMPTZ '2000-01-01 00:10' AND ts < TIMESTAMPTZ '2000-01-01 00:13' GROUP BY 1, 2`;
    const withBrin = await explain(pool, rollupRange);
    await pool.query('BEGIN');
    await pool.query('DROP INDEX kubepulse.container_sample_ts_brin');
    const withoutBrin = await explain(pool, rollupRange);
    await pool.query('ROLLBACK');

    const method = (what: string, m: Size) =>
      `${what}: ${rows.toLocaleString('en')} container rows (${SERIES} series × ${SAMPLES} samples, inserted in time order), ` +
      `${SAMPLE_NON_NULL} non-null values per row as the simulator's rows carry; heap ${m.heap.toFixed(1)} B + indexes ` +
      `${m.index.toFixed(1)} B per row, after VACUUM; bench/storage-layout.ts`;
    return {
      layout_today_bytes_per_value: { value: round(today.value), unit: 'bytes', method: method('the layout before migration 008 (text keys and attributes per row, primary key + (cluster_id, ts) index)', today) },
      layout_series_unique_bytes_per_value: {
        value: round(ids.value), unit: 'bytes',
        method: method(`migration 008's kubepulse.container_sample (integer series id + source per row, unique (cluster_id, series_id, ts, source) index, BRIN on ts ${brinBytes.rows[0]?.b ?? '?'} B) + kubepulse.container_series (${seriesBytes.rows[0].b} B for ${SERIES} series, counted in)`, ids),
      },
      layout_series_posting_bytes_per_value: { value: round(postingSize.value), unit: 'bytes', method: method('integer series id + source per row, (cluster_id, series_id) index deduplicated into posting lists', postingSize) },
      layout_view_by_pod_ms: {
        value: byPod.ms, unit: 'ms',
        method: `kubepulse.container_metric (the view) by cluster_id, pod_uid and a 15-minute range, one pod of ${SERIES} series: plan ${byPod.plan}`,
      },
      layout_rollup_range_brin_ms: {
        value: withBrin.ms, unit: 'ms',
        method: `a rollup's read: every series' rows of 3 of 25 minutes through the view, grouped; with the BRIN on ts: ${withBrin.plan}`,
      },
      layout_rollup_range_no_brin_ms: {
        value: withoutBrin.ms, unit: 'ms',
        method: `the same read with the BRIN dropped: ${withoutBrin.plan}`,
      },
    };
  } finally {
    await pool.end();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** Execution time (median of 5) and the plan's scan nodes, one line. */
async function explain(pool: pg.Pool, sql: string): Promise<{ ms: number; plan: string }> {
  const times: number[] = [];
  let plan = '';
  for (let i = 0; i < 5; i++) {
    const r = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${sql}`);
    const lines = r.rows.map((x) => x['QUERY PLAN']);
    times.push(Number(/Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1] ?? NaN));
    plan = lines.filter((l) => /Scan|Join|Nested Loop|Aggregate/.test(l)).map((l) => l.trim().replace(/^->\s*/, '').replace(/ \(actual.*$/, '')).join(' → ');
  }
  times.sort((a, b) => a - b);
  return { ms: round(times[2]), plan };
}

const round = (v: number): number => Math.round(v * 100) / 100;


if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}
