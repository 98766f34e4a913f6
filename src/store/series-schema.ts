// The raw rows' physical layout (migration 009): per entity a series table holding each series' text keys and
// attributes once, keyed by an integer series_id, and a sample table whose rows carry only that id, the
// time, the source and the values. `<entity>_metric` (ENTITY_TABLES[e].table) is a view joining the two
// with exactly the columns the table had, so every reader keeps its SQL; inserting into the view works too
// (an INSTEAD OF trigger resolves the series), for ad-hoc loads and tests. Like schema.ts these functions
// only draft SQL: migrations 009 and 010 are the frozen text that made the tables (009 from an earlier
// version of these functions, in git history with its generator; series_id_sequence turned series_id's
// identity into a sequence default, as seriesTableDdl drafts it now); the declarations check
// (migrations/declarations.ts) compares the tables and the view against these column lists.
import { ENTITIES, ENTITY_TABLES, SOURCE_COLUMN, entityKeyColumnsOf, type Entity } from '../metrics/definitions.js';
import { columnDdl, metricColumns, qualified, quoteIdent, quoteLiteral, statisticsOnlyOn, type ColumnSpec } from './schema.js';

export function seriesTable(entity: Entity): string {
  return ENTITY_TABLES[entity].table.replace(/_metric$/, '_series');
}

/** The partitioned table the raw rows are stored in (the writer, partitions, retention, compactor use it). */
export function sampleTable(entity: Entity): string {
  return ENTITY_TABLES[entity].table.replace(/_metric$/, '_sample');
}

const SAMPLE_TABLES = new Set(ENTITIES.map(sampleTable));

/**
 * The storage parameters of a new partition of `table` (a WITH clause, or ''). A raw sample partition only
 * grows, for one hour: with the default scale factors autovacuum analyzes it every 10 % of growth (~100
 * times from 1,000 rows to 2 million, each sampling 30,000 wide rows) and vacuums it every 20 %; on
 * doubling, ~15 analyzes and ~11 vacuums keep its statistics as useful.
 */
export function partitionStorage(table: string): string {
  return SAMPLE_TABLES.has(table) ? ' WITH (autovacuum_analyze_scale_factor = 1, autovacuum_vacuum_insert_scale_factor = 1)' : '';
}

const SAMPLE_ENTITY = new Map(ENTITIES.map((e) => [sampleTable(e), e]));

/**
 * What a new partition of `table` needs after its CREATE (SQL, or '' for none). A raw sample partition
 * collects no statistics on its value columns: every query of the raw rows filters and groups on series_id
 * and ts, never on a value, while ANALYZE of the ~90 value columns was the most expensive upkeep of the
 * hot path: rows with NULLs cannot cache attribute offsets, so each column read walks the row from its
 * start (PostgreSQL's nocachegetattr, ~17 % of the maintenance CPU in a perf profile at 300 nodes) and each
 * column's 30,000-value sample is sorted (another ~12 %). A partition does not inherit the parent's
 * per-column targets, so each gets them here; migration 018 set them on the partitions that existed.
 */
export function partitionColumnSettings(table: string, partition: string): string {
  const entity = SAMPLE_ENTITY.get(table);
  if (!entity) return '';
  return statisticsOnlyOn(partition, ['cluster_id', 'series_id', 'ts', SOURCE_COLUMN.column]);
}

/** A series' identity within its cluster: the entity keys without cluster_id and ts. */
export function seriesKeyNames(entity: Entity): string[] {
  return entityKeyColumnsOf(entity);
}

export function seriesAttributeNames(entity: Entity): string[] {
  return ENTITY_TABLES[entity].attributes.map((a) => a.column);
}

/** `<entity>_series`: cluster_id, series_id (from its sequence), the keys, the attributes. */
export function seriesColumns(entity: Entity): ColumnSpec[] {
  const t = ENTITY_TABLES[entity];
  return [
    { column: 'cluster_id', sqlType: 'integer', notNull: true },
    { column: 'series_id', sqlType: 'integer', notNull: true },
    ...t.keys.filter((k) => k.column !== 'cluster_id' && k.column !== 'ts').map((k) => ({ column: k.column, sqlType: k.sqlType, notNull: true })),
    ...t.attributes.map((a) => ({ column: a.column, sqlType: a.sqlType })),
  ];
}

/** The columns of the view that are values of a sample (not keys, attributes or source). */
export function sampleValueColumns(entity: Entity): ColumnSpec[] {
  const t = ENTITY_TABLES[entity];
  const notValues = new Set([...t.keys, ...t.attributes, SOURCE_COLUMN].map((k) => k.column));
  return metricColumns(entity).filter((c) => !notValues.has(c.column));
}

/**
 * `<entity>_sample`, in storage order: the two integers and ts (16 bytes), the 8-byte values (bigint, double
 * precision), then the 4-byte ones (integer, real) and the one-byte source. A NULL takes no room, so any
 * present 4-byte value after an 8-byte one would otherwise cost 4 bytes of padding; grouped at the end they
 * pack two to 8 bytes, and the source fills the row's own 8-byte alignment (migration 013).
 */
export function sampleColumns(entity: Entity): ColumnSpec[] {
  const values = sampleValueColumns(entity);
  const wide = values.filter((c) => c.sqlType === 'bigint' || c.sqlType === 'double precision');
  const narrow = values.filter((c) => c.sqlType !== 'bigint' && c.sqlType !== 'double precision');
  return [
    { column: 'cluster_id', sqlType: 'integer', notNull: true },
    { column: 'series_id', sqlType: 'integer', notNull: true },
    { column: 'ts', sqlType: 'timestamptz', notNull: true },
    ...wide,
    ...narrow,
    { column: SOURCE_COLUMN.column, sqlType: SOURCE_COLUMN.sqlType, notNull: true },
  ];
}

/**
 * What makes two sample rows the same sample: a replayed row is a duplicate of a stored one with these
 * equal. No index enforces it since migration 010 (metric-copy.ts does, per batch); the sample index is
 * SAMPLE_INDEX_COLUMNS, a prefix of it.
 */
export const SAMPLE_KEY_COLUMNS = ['cluster_id', 'series_id', 'ts', 'source'];

/** The sample tables' btree: non-unique, so btree deduplication keeps a posting list per series. */
export const SAMPLE_INDEX_COLUMNS = ['cluster_id', 'series_id'];

/**
 * `serial` for series_id: an integer defaulting to nextval of the sequence AS integer it owns, as the
 * migration series_id_sequence left the tables. Not the identity column 009 made it: Citus refuses to
 * distribute a table with an integer identity (docs/DISTRIBUTED.md, F1).
 */
export function seriesTableDdl(entity: Entity): string[] {
  const table = qualified(seriesTable(entity));
  const cols = seriesColumns(entity).map((c) => (c.column === 'series_id' ? `${quoteIdent(c.column)} serial` : columnDdl(c)));
  return [
    `CREATE TABLE ${table} (\n  ${cols.join(',\n  ')},\n  PRIMARY KEY (cluster_id, series_id),\n` +
      `  UNIQUE (${['cluster_id', ...seriesKeyNames(entity)].map(quoteIdent).join(', ')})\n)`,
    `COMMENT ON TABLE ${table} IS ${quoteLiteral(
      `The series of ${ENTITY_TABLES[entity].table}: keys and attributes once per series; ${sampleTable(entity)} rows name it by series_id.`)}`,
  ];
}

export function sampleTableDdl(entity: Entity): string[] {
  const table = qualified(sampleTable(entity));
  return [
    `CREATE TABLE ${table} (\n  ${sampleColumns(entity).map(columnDdl).join(',\n  ')}\n) PARTITION BY RANGE (ts)`,
    // A series' rows (charts, the compactor): ~6 bytes per row as posting lists, where a unique key with ts
    // took ~36 and a uniqueness check per row (migration 010).
    `CREATE INDEX ${quoteIdent(`${sampleTable(entity)}_series`)} ON ${table} (${SAMPLE_INDEX_COLUMNS.join(', ')})`,
    // Time-range reads without a series (the rollups' last minutes of the current hour): a BRIN of a few
    // pages, since rows arrive in time order.
    `CREATE INDEX ${quoteIdent(`${sampleTable(entity)}_ts_brin`)} ON ${table} USING brin (ts)`,
    `COMMENT ON TABLE ${table} IS ${quoteLiteral(
      `Raw samples of ${ENTITY_TABLES[entity].table} (read them through that view): one row per series, time and source, hourly partitions.`)}`,
  ];
}

/** The view `<entity>_metric`, its insert trigger, and its comment: the raw table as readers know it. */
export function metricViewDdl(entity: Entity): string[] {
  const t = ENTITY_TABLES[entity];
  const view = qualified(t.table);
  const fromSeries = new Set([...seriesKeyNames(entity), ...seriesAttributeNames(entity)]);
  const select = metricColumns(entity).map((c) => `${fromSeries.has(c.column) ? 'r' : 's'}.${quoteIdent(c.column)}`);
  const keys = ['cluster_id', ...seriesKeyNames(entity)].map(quoteIdent);
  const attrs = seriesAttributeNames(entity).map(quoteIdent);
  const seriesCols = [...keys, ...attrs];
  const fill = attrs.length
    ? attrs.map((a) => `${a} = COALESCE(NULLIF(r.${a}, ''), EXCLUDED.${a})`).join(', ')
    : '"cluster_id" = EXCLUDED."cluster_id"';
  const sampleCols = sampleColumns(entity).map((c) => quoteIdent(c.column));
  const sampleVals = sampleColumns(entity).map((c) => (c.column === 'series_id' ? 'sid' : `NEW.${quoteIdent(c.column)}`));
  const fn = `${SCHEMA_PREFIX}${quoteIdent(`${t.table}_insert`)}`;
  return [
    `CREATE VIEW ${view} AS\n  SELECT ${select.join(', ')}\n  FROM ${qualified(sampleTable(entity))} s\n` +
      `  JOIN ${qualified(seriesTable(entity))} r ON r.cluster_id = s.cluster_id AND r.series_id = s.series_id`,
    // As the table had it since 006: a row inserted without a source is a summary row.
    `ALTER VIEW ${view} ALTER COLUMN source SET DEFAULT 's'`,
    `COMMENT ON VIEW ${view} IS ${quoteLiteral(`${t.description} A view of ${sampleTable(entity)} joined to ${seriesTable(entity)}.`)}`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE sid integer;
BEGIN
  INSERT INTO ${qualified(seriesTable(entity))} AS r (${seriesCols.join(', ')})
  VALUES (${seriesCols.map((c) => `NEW.${c}`).join(', ')})
  ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${fill}
  RETURNING r.series_id INTO sid;
  INSERT INTO ${qualified(sampleTable(entity))} (${sampleCols.join(', ')})
  VALUES (${sampleVals.join(', ')});
  RETURN NEW;
END
$fn$`,
    `CREATE TRIGGER ${quoteIdent(`${t.table}_insert`)} INSTEAD OF INSERT ON ${view} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

const SCHEMA_PREFIX = 'kubepulse.';
