// Rollup tables: per entity and resolution (1 min, 1 h), one row per entity per time bucket holding
// avg and max of every gauge and rate column and max (the last value) of every cumulative counter, plus
// the number of raw samples. The 1-minute tables also hold, per averaged column, how many raw values its
// average is of: the 1-hour rollup is computed from the minutes (rollups.ts), and a minute's rows from
// the summary and cAdvisor fill different columns, so each column's hour average weights its minutes by
// its own count. Described by the same declarations as the raw tables; the tables themselves come from
// migrations 002 and 019 (drafted by rollupTableDdl, which now only drafts later migrations).
import { ENTITIES, ENTITY_TABLES, metricsOf, type Entity } from '../metrics/definitions.js';
import { qualified, quoteIdent, quoteLiteral, statisticsOnlyOn, type ColumnSpec } from './schema.js';

/** partitions.ts's DAY_MS; not imported from there, as partitions.ts reads this module. */
const DAY_MS = 86_400_000;

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

/**
 * Entities whose 1-minute and 1-hour rollups the compactor computes, from the rows it packs into history
 * blocks (history/minute-rollup.ts), when their hour is compacted ([retention] compact_after), storing
 * the minutes packed (history/minute-schema.ts). The SQL pass cost ~5 µs of PostgreSQL CPU per raw row
 * (~190 aggregates a row, each through the executor), about as much as storing the row, for minutes
 * nothing reads before the samples themselves are gone: charts read samples and blocks over the raw
 * retention (viewer/series.ts). Node and pod minutes stay near real time, as rows (the SQL pass every 5
 * minutes): the overview's usage over time, top-N and per-namespace figures read them for ranges past 3
 * hours (viewer/range-source.ts), and reading hours of raw pod rows instead is too slow; they are packed
 * once no such range reaches them (history/minute-packer.ts).
 */
export function minutesAtCompaction(entity: Entity): boolean {
  return entity !== 'node' && entity !== 'pod';
}

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

/**
 * The 1-minute column counting the raw values behind `<source>_avg` (NULL where there were none). A
 * smallint: at the shortest scrape interval (1 s) a minute has at most 60 rows per source.
 */
export function rollupCountColumn(source: string): string {
  return `${source}_samples`;
}

/** Resolutions whose rows carry the per-column counts (the ones a coarser rollup is computed from). */
export function rollupHasCounts(res: Resolution): boolean {
  return res.name === '1m';
}

export function rollupColumns(entity: Entity, res: Resolution): ColumnSpec[] {
  const t = ENTITY_TABLES[entity];
  const aggs = rollupAggregates(entity);
  const counts = rollupHasCounts(res) ? aggs.filter((a) => a.fn === 'avg').map((a) => ({ column: rollupCountColumn(a.source), sqlType: 'smallint' })) : [];
  return [
    ...t.keys.map((k) => ({ column: k.column, sqlType: k.sqlType, notNull: true })),
    ...t.attributes.map((a) => ({ column: a.column, sqlType: a.sqlType })),
    { column: 'samples', sqlType: 'integer', notNull: true },
    ...aggs.map((a) => ({ column: a.column, sqlType: a.sqlType })),
    // After the aggregates: migration 019 added them to existing tables, and ADD COLUMN appends.
    ...counts,
  ];
}

export function rollupTableDdl(entity: Entity, res: Resolution): string[] {
  const t = ENTITY_TABLES[entity];
  const table = rollupTable(entity, res);
  const cols = rollupColumns(entity, res).map((c) => `${quoteIdent(c.column)} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified(table)} (\n  ${cols.join(',\n  ')},\n` +
      `  PRIMARY KEY (${t.keys.map((k) => quoteIdent(k.column)).join(', ')})\n) PARTITION BY RANGE (ts)`,
    `COMMENT ON TABLE ${qualified(table)} IS ${quoteLiteral(
      `${res.interval} rollup of ${t.table}: ts is the bucket start; <col>_avg and <col>_max per gauge and rate, ` +
        '<counter>_max = cumulative value at bucket end; samples = raw rows aggregated' +
        (rollupHasCounts(res) ? '; <col>_samples = raw values behind <col>_avg (NULL: none).' : '.'),
    )}`,
    ...(rollupHasCounts(res) ? [`CREATE INDEX ${quoteIdent(`${table}_ts_brin`)} ON ${qualified(table)} USING brin (ts)`] : []),
  ];
}

const ROLLUP_OF = new Map(ENTITIES.flatMap((e) => RESOLUTIONS.map((r) => [rollupTable(e, r), { entity: e, res: r }] as const)));

/**
 * What a new partition of a rollup table needs after its CREATE (SQL, or '' for any other table): no
 * planner statistics on its aggregate columns. Rollup queries filter on keys, attributes and ts, never on an
 * aggregate; but autovacuum's ANALYZE of a growing 1-minute partition sampled and sorted ~250 columns of
 * 30,000 rows: ~6 s of CPU a time for the container table at 100 nodes (0.18 s without them), a third of
 * PostgreSQL's CPU in a 10-minute window of a young database. Migration 020 set them on the partitions that
 * existed; like a sample partition (series-schema.ts), a new one does not inherit them.
 */
export function rollupPartitionColumnSettings(table: string, partition: string): string {
  const of = ROLLUP_OF.get(table);
  if (!of) return '';
  const t = ENTITY_TABLES[of.entity];
  return statisticsOnlyOn(partition, [...t.keys, ...t.attributes].map((c) => c.column));
}
