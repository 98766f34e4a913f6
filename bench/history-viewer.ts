// The viewer's long-range charts from compacted history: 100 nodes with a day of node rows (summary and
// cAdvisor, 15 s) written through the real writer, rolled up and compacted by the real maintenance pass
// (accelerated: sample times are generated in the past, not waited for), then the node page's 24 h
// chart computed by querySeries straight on the pool — the same function /api/series calls, without HTTP.
import { writeMetricRows } from '../src/store/metric-copy.js';
import { StoreMaintenance } from '../src/store/maintenance.js';
import { DAY_MS } from '../src/store/partitions.js';
import { metricsOf, type MetricDef, type MetricRow } from '../src/metrics/definitions.js';
import { seededRandom } from '../src/store/history/synthetic.js';
import { blockTable } from '../src/store/history/schema.js';
import { parseMetricList, querySeries, rollupSeriesSql, type SeriesResult } from '../src/viewer/series.js';
import type { SeriesRequest } from '../src/viewer/series-request.js';
import type { Figures } from './figure.js';
import { openBenchStore } from './bench-store.js';

const HOUR = 3_600_000;
const STEP = 15_000;
const NODES = Number(process.env.KP_VIEWER_HISTORY_NODES ?? 100);
const RUNS = 21;

/** Columns a source fills: what the declarations say it reports (PSI and swap null: kernels without them). */
function columnsOf(source: 's' | 'c'): MetricDef[] {
  return metricsOf('node').filter((m) => (source === 's' ? m.summary : m.cadvisor) && !m.column.includes('psi') && !m.column.startsWith('swap'));
}

/** One node's rows of one source: counters growing at a jittered steady rate (and their rates), gauges wandering. */
class NodeSource {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();
  private lastMs = 0;
  constructor(private readonly rnd: () => number, private readonly node: number, private readonly source: 's' | 'c', private readonly cols: MetricDef[]) {
    for (const m of cols) (m.kind === 'counter' ? this.counters : this.gauges).set(m.column, Math.round(1e9 * (1 + (node % 9)) * (1 + this.rnd())));
  }

  row(clusterId: number, tsMs: number): MetricRow {
    const row: MetricRow = { cluster_id: clusterId, node: `node-${this.node}`, ts: new Date(tsMs), source: this.source };
    const seconds = this.lastMs ? (tsMs - this.lastMs) / 1000 : 0;
    for (const m of this.cols) {
      if (m.kind === 'counter') {
        const inc = seconds * 1e6 * (1 + (this.node % 5)) * (0.7 + this.rnd() * 0.6);
        const v = this.counters.get(m.column)! + Math.round(inc);
        this.counters.set(m.column, v);
        row[m.column] = m.sqlType === 'bigint' ? v : v / 1e9;
        if (m.rate) row[m.rate.column] = seconds ? (Math.round(inc) / seconds) * m.rate.scale * (m.sqlType === 'bigint' ? 1 : 1e-9) : null;
      } else {
        let v = this.gauges.get(m.column)!;
        if (this.rnd() < 0.3) v = Math.max(0, v + Math.round((this.rnd() * 2 - 1) * 256) * 4096);
        this.gauges.set(m.column, v);
        row[m.column] = m.sqlType === 'bigint' ? v : v / 4096;
      }
    }
    this.lastMs = tsMs;
    return row;
  }
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: plans, the pool's connections, the block pages in shared buffers
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(RUNS / 2)].toFixed(1));
}

export async function run(): Promise<Figures> {
  const store = await openBenchStore('viewer-history-bench', 4);
  const { pool, partitions } = store;
  const cluster = store.clusterId;
  try {
    const start = Date.parse('2026-11-01T00:00:00Z');
    const end = start + DAY_MS;
    const rnd = seededRandom(42);
    const sources = Array.from({ length: NODES }, (_, n) => [new NodeSource(rnd, n, 's', columnsOf('s')), new NodeSource(rnd, n, 'c', columnsOf('c'))]);
    let rows = 0;
    const writeStarted = performance.now();
    for (let h = start; h < end; h += HOUR) {
      const batch: MetricRow[] = [];
      for (let n = 0; n < NODES; n++) {
        // Nodes at their own offsets in the interval; cAdvisor's scrape 7 s after the summary's.
        const offset = Math.floor((n / NODES) * STEP);
        for (let t = h + offset; t < h + HOUR; t += STEP) {
          batch.push(sources[n][0].row(cluster, t), sources[n][1].row(cluster, t + 7_000));
        }
      }
      await writeMetricRows(pool, 'node', batch, { partitions });
      rows += batch.length;
    }
    const writeMs = performance.now() - writeStarted;
    const retentionMs = { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS, compact_after: 6 * HOUR };
    const maintenance = new StoreMaintenance(pool, { partitions, retentionMs });

    const q: SeriesRequest = { entity: 'node', clusterId: cluster, node: `node-${NODES >> 1}`, metrics: parseMetricList('node', null), range: { from: new Date(start), to: new Date(end) } };
    // As the page sees it at the end of the day: the last 6 h raw, the 18 h before compacted.
    const tail = await maintenance.runOnce(end);
    if (tail.error) throw new Error(`maintenance failed: ${tail.error}`);
    let answer: SeriesResult = await querySeries(pool, q);
    const mixedMs = await median(() => querySeries(pool, q));
    const mixedTable = answer.table;
    // Six hours later the whole day is compacted.
    const later = await maintenance.runOnce(end + 6 * HOUR);
    if (later.error) throw new Error(`maintenance failed: ${later.error}`);
    const compactMs = (tail.compaction?.ms ?? 0) + (later.compaction?.ms ?? 0);
    answer = await querySeries(pool, q);
    if (answer.table !== blockTable('node')) throw new Error(`the 24 h chart read ${answer.table}, expected ${blockTable('node')} alone`);
    const points = answer.ts.length;
    const historyMs = await median(() => querySeries(pool, q));
    const rollup = rollupSeriesSql(q, '1m');
    const rollupMs = await median(() => pool.query(rollup.sql, rollup.params));

    const blocks = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${blockTable('node')} WHERE cluster_id = $1 AND node = $2`, [cluster, q.node]);
    const what = `${NODES} nodes × 24 h of node rows (summary every 15 s with ${columnsOf('s').length} columns, cAdvisor 7 s later with ` +
      `${columnsOf('c').length}; counters at jittered steady rates with their rates, gauges wandering; PSI and swap null), ${rows} rows written ` +
      `by writeMetricRows into hourly partitions in ${Math.round(writeMs / 1000)} s, rolled up and compacted by StoreMaintenance.runOnce ` +
      `(compaction ${Math.round(compactMs / 1000)} s in total); the chart is one node's ${q.metrics.length} series (${q.metrics.join(', ')}), ` +
      `${answer.bucketS} s buckets → ${points} points, embedded PostgreSQL 17, pool of 4`;
    return {
      history_query_ms_24h_node_chart: {
        value: historyMs, unit: 'ms',
        method: `median of ${RUNS} calls (after one warm-up) of querySeries straight on the pool (the function /api/series calls, no HTTP) ` +
          `for a 24 h node chart whose day is wholly compacted (${blocks.rows[0].n} ${blockTable('node')} rows of the node: fetched by key and ` +
          `start_ts with only the charted columns, decoded by decodeBlockRows, bucketed in TypeScript); ${what}.`,
      },
      history_query_ms_24h_node_chart_raw_tail: {
        value: mixedMs, unit: 'ms',
        method: `as history_query_ms_24h_node_chart, but at the end of the day: the last 6 h still raw rows (bucketed in SQL), ` +
          `the 18 h before from blocks (read ${mixedTable}); median of ${RUNS}; ${what}.`,
      },
      rollup_query_ms_24h_node_chart: {
        value: rollupMs, unit: 'ms',
        method: `for comparison, what the viewer ran before: the same chart's SQL over the 1-minute rollup (${rollup.table}, ` +
          `avg of minute averages; its query alone, no assembly), median of ${RUNS}; ${what}.`,
      },
    };
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
