// Rollup tables: per entity and resolution (1 min, 1 h), one row per entity per time bucket holding
// avg and max of every gauge and rate column and max (the last value) of every cumulative counter, plus
// the number of raw samples. Described by the same declarations as the raw tables; the tables themselves
// come from migration 002 (generated once by rollupTableDdl, which now only drafts later migrations).
import { ENTITY_TABLES, metricsOf, type Entity } from '../metrics/definitions.js';
import { DAY_MS } from './partitions.js';
import { qualified, quoteIdent, quoteLiteral, type ColumnSpec } from './schema.js';

export interface Resolution {
  name: '1m' | '1h';
  /** PostgreSQL interval of one bucket (date_bin stride). */
  interval: string;
  bucketMs: number;
  /** Partition width of the rollup tables: fewer, larger partitions than the raw tables. */
  partitionWidthMs: number;
}

export const RESOLUTIONS: Resolution[] = [
  { name: '1m', interval: '1 minute', bucketMs: 60_000, partitionWidthMs: DAY_MS },
  { name: '1h', interval: '1 hour', bucketMs: 3_600_000, partitionWidthMs: 7 * DAY_MS },
];

/**
 * How long after a bucket's end the rollups wait before taking it (rollups.ts): writes of rows younger than
 * metric-copy.ts's lateness bound need no mark in rollup_pending, since no pass has passed their bucket yet.
 */
export const ROLLUP_SETTLE_MS = 120_000;

export function rollupTable(entity: Entity, res: Resolution): string {
  return `${ENTITY_TABLES[entity].table}_${res.name}`;
}

/** How one raw column is aggregated into rollup columns. */
export interface RollupAggregate {
  source: string;
  column: string;
  fn: 'avg' | 'max';
  sqlType: string;
}

const WIDE_TYPE: Partial<Record<string, string>> = { integer: 'bigint', real: 'double precision' };

export function rollupAggregates(entity: Entity): RollupAggregate[] {
  const out: RollupAggregate[] = [];
  for (const m of metricsOf(entity)) {
    // A cumulative counter's average means nothing; its max is the value at the end of the bucket.
    if (m.kind === 'gauge') out.push({ source: m.column, column: `${m.column}_avg`, fn: 'avg', sqlType: 'double precision' });
    // Rollup rows are few: their max columns keep the 8-byte types the raw columns had before 013.
    out.push({ source: m.column, column: `${m.column}_max`, fn: 'max', sqlType: WIDE_TYPE[m.sqlType] ?? m.sqlType });
    if (m.rate) {
      out.push({ source: m.rate.column, column: `${m.rate.column}_avg`, fn: 'avg', sqlType: 'double precision' });
      out.push({ source: m.rate.column, column: `${m.rate.column}_max`, fn: 'max', sqlType: 'double precision' });
    }
  }
  return out;
}

export function rollupColumns(entity: Entity): ColumnSpec[] {
  const t = ENTITY_TABLES[entity];
  return [
    ...t.keys.map((k) => ({ column: k.column, sqlType: k.sqlType, notNull: true })),
    ...t.attributes.map((a) => ({ column: a.column, sqlType: a.sqlType })),
    { column: 'samples', sqlType: 'integer', notNull: true },
    ...rollupAggregates(entity).map((a) => ({ column: a.column, sqlType: a.sqlType })),
  ];
}

export function rollupTableDdl(entity: Entity, res: Resolution): string[] {
  const t = ENTITY_TABLES[entity];
  const table = rollupTable(entity, res);
  const cols = rollupColumns(entity).map((c) => `${quoteIdent(c.column)} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified(table)} (\n  ${cols.join(',\n  ')},\n` +
      `  PRIMARY KEY (${t.keys.map((k) => quoteIdent(k.column)).join(', ')})\n) PARTITION BY RANGE (ts)`,
    `COMMENT ON TABLE ${qualified(table)} IS ${quoteLiteral(
      `${res.interval} rollup of ${t.table}: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, ` +
        '<counter>_max = cumulative value at bucket end; samples = raw rows aggregated.',
    )}`,
  ];
}
