// Compacted history at rest and read back by plain SQL: rows generated through the real writer
// (writeMetricRows), rolled up and compacted by the real maintenance pass, then measured. Accelerated:
// sample times are generated, not waited for.
import { writeMetricRows } from '../src/store/metric-copy.js';
import { StoreMaintenance } from '../src/store/maintenance.js';
import { DAY_MS } from '../src/store/partitions.js';
import { blockTable, blockValueColumns, historyFunction } from '../src/store/history/schema.js';
import { ENTITY_TABLES, metricsOf, type MetricRow } from '../src/metrics/definitions.js';
import { seededRandom, jitteredCounter, wanderingGauge } from '../src/store/history/synthetic.js';
import type { Figures } from './figure.js';
import { openBenchStore } from './bench-store.js';

const HOUR = 3_600_000;
const STEP = 15_000;
const DAYS = Number(process.env.KP_HISTORY_DAYS ?? 7);
const NAMESPACES = 10;
const PODS_PER_NAMESPACE = 6;

/** One pod's container rows for one hour: jittered counters, wandering gauges, rates from the counters. */
function containerHour(rnd: () => number, clusterId: number, pod: number, hourMs: number): MetricRow[] {
  const n = HOUR / STEP;
  const ts = Array.from({ length: n }, (_, i) => hourMs + i * STEP + Math.floor(rnd() * 3) * 1000);
  const cols = new Map<string, Array<number | null>>();
  for (const m of metricsOf('container')) {
    if (m.column.includes('psi') || m.column.startsWith('swap')) continue; // absent on cgroup v1 nodes: null
    if (m.kind === 'counter') {
      const c = jitteredCounter(rnd, ts, 1e9 * (1 + pod), 2e7 * (1 + (pod % 5)));
      cols.set(m.column, c);
      if (m.rate) cols.set(m.rate.column, c.map((v, i) => (i === 0 ? null : ((v - c[i - 1]) / ((ts[i] - ts[i - 1]) / 1000)) * m.rate!.scale)));
    } else {
      cols.set(m.column, wanderingGauge(rnd, n, 1e8 * (1 + (pod % 7)), 0.3, 1e6, 4096));
    }
  }
  return ts.map((t, i) => {
    const row: MetricRow = {
      cluster_id: clusterId, pod_uid: `uid-${pod}`, container: 'app', ts: new Date(t),
      namespace: `ns-${pod % NAMESPACES}`, pod: `pod-${pod}`, node: `node-${pod % 4}`,
    };
    for (const [c, v] of cols) row[c] = v[i]!;
    return row;
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

export async function run(): Promise<Figures> {
  const store = await openBenchStore('history-bench', 2);
  const { pool, partitions } = store;
  const cluster = store.clusterId;
  try {
    const start = Date.parse('2026-11-01T00:00:00Z');
    const end = start + DAYS * DAY_MS;
    const maintenance = new StoreMaintenance(pool, {
      partitions, retentionMs: { raw: 30 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS, compact_after: 6 * HOUR },
    });
    const rnd = seededRandom(15);
    const pods = NAMESPACES * PODS_PER_NAMESPACE;
    let rows = 0;
    let values = 0;
    let compactMs = 0;
    const valueColumns = blockValueColumns('container').map((c) => c.column);
    for (let day = start; day < end; day += DAY_MS) {
      for (let h = day; h < day + DAY_MS; h += HOUR) {
        const batch: MetricRow[] = [];
        for (let p = 0; p < pods; p++) batch.push(...containerHour(rnd, cluster, p, h));
        await writeMetricRows(pool, 'container', batch, { partitions });
        rows += batch.length;
        for (const row of batch) for (const c of valueColumns) if (row[c] !== null && row[c] !== undefined) values++;
      }
      // A maintenance pass as if a day later: rollups, then the day's partitions compacted.
      const report = await maintenance.runOnce(day + DAY_MS + 7 * HOUR);
      if (report.error) throw new Error(`maintenance failed: ${report.error}`);
      compactMs += report.compaction?.ms ?? 0;
    }
    const bt = blockTable('container');
    const size = await pool.query<{ bytes: string }>(
      `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass`, [`kubepulse."${bt}"`],
    );
    const bytesPerValue = Number(size.rows[0].bytes) / values;
    const rawLeft = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${ENTITY_TABLES.container.table}`);
    // Long-range aggregates decode only the column they need from the blocks (plain SQL: unnest of one
    // kp_decode_* per block); <entity>_history() decodes every column of every block it returns.
    // The CPU rate column is stored derived from its counter: kp_decode_rate gives the stored rates back.
    const query = `SELECT b.namespace, avg(v) AS cpu FROM kubepulse.${bt} b,
      unnest(kubepulse.kp_decode_rate(b.cpu_rate_millicores, b.cpu_usage_core_nanoseconds, b.ts)) v
      WHERE b.start_ts >= $1 AND b.start_ts < $2 GROUP BY b.namespace`;
    const [, oneDayFnMs] = await timed(() => pool.query(
      `SELECT namespace, avg(cpu_rate_millicores) FROM kubepulse.${historyFunction('container')}($1, $2) GROUP BY namespace`,
      [new Date(start), new Date(start + DAY_MS)]));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await timed(() => pool.query(query, [new Date(start), new Date(end)])))[1]);
    times.sort((a, b) => a - b);
    const what = `${DAYS} days of container rows (${pods} pods in ${NAMESPACES} namespaces, one sample per 15 s with 0–2 s jitter, ` +
      `${rows} rows, ${rawLeft.rows[0].n} left raw) written by writeMetricRows into hourly partitions, rolled up and compacted by ` +
      `StoreMaintenance.runOnce; counters jittered around a steady rate, gauges wandering (30 % of samples change by up to 1 MB in 4 KiB steps), ` +
      'rates computed from the counters, PSI and swap columns null';
    return {
      // The figure is measured on the simulator's data (history-sim.ts); this one on jittered synthetic rows.
      compacted_bytes_per_value_synthetic: {
        value: Number(bytesPerValue.toFixed(3)), unit: 'bytes/value',
        method: `pg_total_relation_size of every ${bt} partition (heap, TOAST, indexes) ÷ non-null metric values in it; ${what}. Compaction took ${Math.round(compactMs)} ms in total.`,
      },
      history_sql_ms_7d_namespace_cpu: {
        value: Number(times[1].toFixed(1)), unit: 'ms',
        method: `median of 3 runs (all: ${times.map((t) => Math.round(t)).join(', ')} ms) of \`${query.replace(/\s+/g, ' ')}\` over the whole range on embedded PostgreSQL 17 (the same average ` +
          `through ${historyFunction('container')}(from, to), which decodes every column, took ${Math.round(oneDayFnMs)} ms for one day); ${what}.`,
      },
    };
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
