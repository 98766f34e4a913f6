// Time series for the charts, bucketed to at most a few hundred points. A chart is computed from its
// samples wherever they are held — raw rows in the raw window, history blocks past it (sample-series.ts)
// — for any range the samples still cover; a rollup answers only a range reaching back past the
// samples' retention (raw retention, 7 days by default; the rollups are kept far longer). Why not the
// rollups wherever they would do: the samples give exact sample-weighted averages (a rollup's
// avg of minute averages weights minutes, not samples), include the newest minutes (a rollup lags its
// job), and were measured fast enough (bench/history-viewer.ts: a 24 h node chart from blocks + raw
// rows well under the 100 ms target). Metric names are looked up in the table derived from the metric
// declarations (chart-declarations.ts); no request text ever becomes SQL.
import type pg from 'pg';
import { ENTITY_TABLES } from '../metrics/definitions.js';
import { RequestError } from '../server/http-server.js';
import { bucketSeconds, grainFor, type Resolution } from './params.js';
import { SERIES_METRICS, chartsFor, type ChartSpec, type SeriesEntity } from './chart-declarations.js';
import { GROUP, entityFilter, type BucketRow, type SeriesRequest } from './series-request.js';
import { sampleBuckets, samplesHorizonMs } from './sample-series.js';
import { minuteBlockTable, minuteRowsAbsent } from '../store/history/minute-schema.js';

export { SERIES_METRICS, type SeriesEntity } from './chart-declarations.js';

export interface SeriesResult {
  /** `raw`: averaged from the samples (raw rows and history blocks); `1m` / `1h`: from that rollup. */
  resolution: Resolution;
  /** The tables that held the data: `node_metric`, `node_block`, both joined by `+`, or a rollup. */
  table: string;
  bucketS: number;
  from: string;
  to: string;
  /** Bucket starts, epoch seconds (uPlot's x axis). */
  ts: number[];
  /**
   * `values` aligned with `ts`: null where the entity (or group) reported nothing in that bucket — a real
   * gap. `unsampled`: buckets where it did report, but in another source's row without this metric (each
   * source's rows stand alone, at their own times); a chart joins its line across those.
   */
  series: Array<{ metric: string; group: string | null; unit: string; values: Array<number | null>; unsampled: number[] }>;
  /** How the browser draws these series: the declared charts of the entity made of the requested metrics. */
  charts: ChartSpec[];
}

export function parseMetricList(entity: SeriesEntity, text: string | null): string[] {
  const known = SERIES_METRICS[entity];
  if (!text) return Object.keys(known);
  const names = text.split(',');
  for (const n of names) {
    if (!Object.hasOwn(known, n)) throw new RequestError(400, `query parameter metrics: unknown metric ${JSON.stringify(n.slice(0, 40))} for ${entity} (known: ${Object.keys(known).join(', ')})`);
  }
  return names;
}

type Rollup = Exclude<Resolution, 'raw'>;

/** The SQL of a chart read from a rollup (exported for tests: it names the table). */
export function rollupSeriesSql(q: SeriesRequest, rollup: Rollup): { sql: string; params: unknown[]; table: string; bucketS: number } {
  const bucketS = bucketSeconds(q.range, rollup);
  const table = `${ENTITY_TABLES[q.entity].table}_${rollup}`;
  const cols = q.metrics.map((m, i) => {
    const d = SERIES_METRICS[q.entity][m];
    return `avg(${d.column}_avg) * ${d.scale} AS m${i}`;
  });
  const params: unknown[] = [];
  const where = entityFilter(q, params);
  params.push(q.range.from, q.range.to, bucketS);
  const [from, to, bucket] = [params.length - 2, params.length - 1, params.length];
  const group = GROUP[q.entity];
  const select = `SELECT extract(epoch FROM date_bin(make_interval(secs => $${bucket}), ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'))::bigint AS t` +
    `${group ? `, ${group} AS g` : ', NULL::text AS g'}, ${cols.join(', ')}\n`;
  const tail = '\nGROUP BY 1, 2 ORDER BY 1 LIMIT 20000';
  if (rollup === '1h') {
    return { sql: `${select}FROM kubepulse.${table} WHERE ${[...where, `ts >= $${from}`, `ts < $${to}`].join(' AND ')}${tail}`, params, table, bucketS };
  }
  // Minutes of compacted hours are packed in minute blocks (store/history/minute-schema.ts): the charted
  // columns of the entity's blocks meeting the range decoded beside its minute rows (a series-hour's rows
  // over its block).
  const avgCols = q.metrics.map((m) => `${SERIES_METRICS[q.entity][m].column}_avg`);
  const blocks = minuteBlockTable(q.entity);
  const keep = group ? [group] : [];
  const decoded = ['kubepulse.kp_decode_ts(b.ts)', ...avgCols.map((c) => `kubepulse.kp_decode_float(b.${c})`)];
  const sql = `${select}FROM (
  SELECT ts${keep.map((k) => `, ${k}`).join('')}${avgCols.map((c) => `, ${c}`).join('')} FROM kubepulse.${table}
    WHERE ${[...where, `ts >= $${from}`, `ts < $${to}`].join(' AND ')}
  UNION ALL
  SELECT d.ts${keep.map((k) => `, b.${k}`).join('')}${avgCols.map((c) => `, d.${c}`).join('')} FROM kubepulse.${blocks} b
    CROSS JOIN LATERAL unnest(${decoded.join(', ')}) AS d(ts${avgCols.map((c) => `, ${c}`).join('')})
    WHERE ${[...where.map((w) => `b.${w}`), `b.start_ts > $${from}::timestamptz - interval '1 hour'`, `b.start_ts < $${to}`, minuteRowsAbsent(q.entity, 'b'), `d.ts >= $${from}`, `d.ts < $${to}`].join(' AND ')}
) m${tail}`;
  return { sql, params, table: `${table}+${blocks}`, bucketS };
}

/**
 * The rollup that must answer q, or null when the samples serve: only when the range starts before the
 * oldest partition still holding samples and the rollup does hold rows of the entity from before it
 * (a young install has neither, and its charts stay on the samples).
 */
async function rollupAnswering(pool: pg.Pool, q: SeriesRequest): Promise<Rollup | null> {
  const horizonMs = await samplesHorizonMs(pool, q.entity);
  if (q.range.from.getTime() >= horizonMs) return null;
  const rollup: Rollup = grainFor(q.range) === '1h' ? '1h' : '1m';
  const params: unknown[] = [];
  const entity = entityFilter(q, params);
  params.push(q.range.from, new Date(Math.min(horizonMs, q.range.to.getTime())));
  const [from, to] = [`$${params.length - 1}`, `$${params.length}`];
  const inRows = [...entity, `ts >= ${from}`, `ts < ${to}`];
  const r = await pool.query(`SELECT 1 FROM kubepulse.${ENTITY_TABLES[q.entity].table}_${rollup} WHERE ${inRows.join(' AND ')} LIMIT 1`, params);
  if (r.rowCount) return rollup;
  if (rollup === '1h') return null;
  // Or minute blocks (the minutes of compacted hours), chosen by their hour.
  const inBlocks = [...entity, `start_ts > ${from}::timestamptz - interval '1 hour'`, `start_ts < ${to}`];
  const b = await pool.query(`SELECT 1 FROM kubepulse.${minuteBlockTable(q.entity)} WHERE ${inBlocks.join(' AND ')} LIMIT 1`, params);
  return b.rowCount ? rollup : null;
}

/** The answer's series from bucket rows (either path): one line per metric and group, aligned on ts. */
function assemble(q: SeriesRequest, rows: BucketRow[]): Pick<SeriesResult, 'ts' | 'series'> {
  const ts = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
  const at = new Map(ts.map((t, i) => [t, i]));
  const groups = [...new Set(rows.map((r) => r.g))].sort();
  const series: SeriesResult['series'] = [];
  q.metrics.forEach((metric, mi) => {
    for (const group of groups) {
      const values = new Array<number | null>(ts.length).fill(null);
      const reported = new Array<boolean>(ts.length).fill(false);
      for (const r of rows) {
        if (r.g !== group) continue;
        const i = at.get(r.t)!;
        reported[i] = true;
        if (r.values[mi] !== null) values[i] = r.values[mi];
      }
      const unsampled: number[] = [];
      for (let i = 0; i < ts.length; i++) if (reported[i] && values[i] === null) unsampled.push(i);
      series.push({ metric, group, unit: SERIES_METRICS[q.entity][metric].unit, values, unsampled });
    }
  });
  return { ts, series };
}

/** date_bin's origin in every bucketing query (epoch seconds of 2000-01-01T00:00Z): buckets never move. */
const BIN_ORIGIN_S = Date.UTC(2000, 0, 1) / 1000;

/**
 * The buckets from `afterS` on (epoch seconds, a bucket start the caller holds; its own bucket is sent
 * again, as it may have filled since): how a live page appends to the charts it holds rather than
 * fetching the whole range again. The answer's `since` says what it holds: the bucket start it begins
 * at, or null when it is the whole range (a rollup answers, or afterS is not inside the range).
 */
export async function querySeries(pool: pg.Pool, q: SeriesRequest, afterS?: number): Promise<SeriesResult & { since?: number | null }> {
  const rollup = await rollupAnswering(pool, q);
  let resolution: Resolution;
  let table: string;
  let bucketS: number;
  let rows: BucketRow[];
  let since: number | null = null;
  if (rollup) {
    const s = rollupSeriesSql(q, rollup);
    const got = (await pool.query<Record<string, unknown>>(s.sql, s.params)).rows;
    rows = got.map((r) => ({
      t: Number(r.t), g: (r.g as string | null) ?? null,
      values: q.metrics.map((_, i) => (r[`m${i}`] === null ? null : Number(r[`m${i}`]))),
    }));
    [resolution, table, bucketS] = [rollup, s.table, s.bucketS];
  } else {
    // Same bucket widths as the rollups gave these ranges: a 24 h chart still has 240 s buckets.
    bucketS = bucketSeconds(q.range, grainFor(q.range));
    const sinceS = afterS === undefined ? null : BIN_ORIGIN_S + Math.floor((afterS - BIN_ORIGIN_S) / bucketS) * bucketS;
    since = sinceS !== null && sinceS * 1000 > q.range.from.getTime() && sinceS * 1000 < q.range.to.getTime() ? sinceS : null;
    const s = await sampleBuckets(pool, since === null ? q : { ...q, range: { from: new Date(since * 1000), to: q.range.to } }, bucketS);
    [resolution, table, rows] = ['raw', s.tables.join('+'), s.rows];
  }
  return {
    resolution, table, bucketS, from: q.range.from.toISOString(), to: q.range.to.toISOString(), ...assemble(q, rows),
    charts: chartsFor(q.entity, q.metrics), ...(afterS === undefined ? {} : { since }),
  };
}
