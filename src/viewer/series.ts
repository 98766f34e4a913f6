// Time series for the charts: one SQL per chart, reading raw rows for short ranges and the 1-minute or
// 1-hour rollups for long ones (params.resolutionFor), bucketed to at most a few hundred points. Metric
// names are looked up in the table derived from the metric declarations (chart-declarations.ts); no
// request text ever becomes SQL.
import type pg from 'pg';
import { ENTITY_TABLES } from '../metrics/definitions.js';
import { RequestError } from '../server/http-server.js';
import { bucketSeconds, resolutionFor, type Resolution, type TimeRange } from './params.js';
import { SERIES_METRICS, chartsFor, type ChartSpec, type SeriesEntity } from './chart-declarations.js';

export { SERIES_METRICS, type SeriesEntity } from './chart-declarations.js';

/** The column splitting one chart into several lines (one per container, one per interface). */
const GROUP: Partial<Record<SeriesEntity, string>> = { container: 'container', interface: 'interface' };

export interface SeriesRequest {
  entity: SeriesEntity;
  clusterId: number;
  /** Identity filter: node name (node, interface) or pod uid (pod, container). */
  node?: string;
  podUid?: string;
  metrics: string[];
  range: TimeRange;
}

export interface SeriesResult {
  resolution: Resolution;
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

/** The SQL for one series request (exported for tests: it names the table the range chose). */
export function seriesSql(q: SeriesRequest): { sql: string; params: unknown[]; resolution: Resolution; table: string; bucketS: number } {
  const resolution = resolutionFor(q.range);
  const bucketS = bucketSeconds(q.range, resolution);
  const table = resolution === 'raw' ? ENTITY_TABLES[q.entity].table : `${ENTITY_TABLES[q.entity].table}_${resolution}`;
  const defs = q.metrics.map((m) => SERIES_METRICS[q.entity][m]);
  const cols = defs.map((d, i) => `avg(${resolution === 'raw' ? d.column : `${d.column}_avg`}) * ${d.scale} AS m${i}`);
  const params: unknown[] = [q.clusterId, q.range.from, q.range.to, bucketS];
  const where = ['cluster_id = $1', 'ts >= $2', 'ts < $3'];
  if (q.entity === 'node' || q.entity === 'interface') {
    params.push(q.node);
    where.push(`node = $${params.length}`);
    if (q.entity === 'interface') where.push(`pod_uid = ''`); // the node's own interfaces
  } else {
    params.push(q.podUid);
    where.push(`pod_uid = $${params.length}`);
  }
  const group = GROUP[q.entity];
  const sql =
    `SELECT extract(epoch FROM date_bin(make_interval(secs => $4), ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'))::bigint AS t` +
    `${group ? `, ${group} AS g` : ', NULL::text AS g'}, ${cols.join(', ')}\n` +
    `FROM kubepulse.${table} WHERE ${where.join(' AND ')}\nGROUP BY 1, 2 ORDER BY 1 LIMIT 20000`;
  return { sql, params, resolution, table, bucketS };
}

export async function querySeries(pool: pg.Pool, q: SeriesRequest): Promise<SeriesResult> {
  const { sql, params, resolution, table, bucketS } = seriesSql(q);
  const rows = (await pool.query<Record<string, unknown>>(sql, params)).rows;
  const ts = [...new Set(rows.map((r) => Number(r.t)))].sort((a, b) => a - b);
  const at = new Map(ts.map((t, i) => [t, i]));
  const groups = [...new Set(rows.map((r) => (r.g as string | null) ?? null))].sort();
  const series: SeriesResult['series'] = [];
  q.metrics.forEach((metric, mi) => {
    for (const group of groups) {
      const values = new Array<number | null>(ts.length).fill(null);
      const reported = new Array<boolean>(ts.length).fill(false);
      for (const r of rows) {
        if ((r.g ?? null) !== group) continue;
        const i = at.get(Number(r.t))!;
        reported[i] = true;
        if (r[`m${mi}`] !== null) values[i] = Number(r[`m${mi}`]);
      }
      const unsampled: number[] = [];
      for (let i = 0; i < ts.length; i++) if (reported[i] && values[i] === null) unsampled.push(i);
      series.push({ metric, group, unit: SERIES_METRICS[q.entity][metric].unit, values, unsampled });
    }
  });
  return {
    resolution, table, bucketS, from: q.range.from.toISOString(), to: q.range.to.toISOString(), ts, series,
    charts: chartsFor(q.entity, q.metrics),
  };
}
