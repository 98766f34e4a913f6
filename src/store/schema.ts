// The SQL schema, generated from the declarations: ENTITY_TABLES + METRIC_DEFS for the metric tables,
// KindDef objects for the inventory tables. Nothing here names a metric or kind column by hand, so adding
// a declaration adds its column. Pure functions: declarations in, SQL text and column lists out.
import { ENTITY_TABLES, metricsOf, type Entity, type EntityTable } from '../metrics/definitions.js';
import type { ChildTable, KindDef } from '../inventory/kind.js';

export const SCHEMA = 'kubepulse';

export interface ColumnSpec {
  column: string;
  sqlType: string;
  notNull?: boolean;
}

/** `kubepulse."name"` — every identifier quoted: declarations are data, not trusted SQL. */
export function qualified(table: string): string {
  return `${SCHEMA}.${quoteIdent(table)}`;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`invalid SQL identifier in a declaration: ${JSON.stringify(name)} (expected snake_case)`);
  }
  return `"${name}"`;
}

// ---------------------------------------------------------------------------------------------------------
// Metric tables

/** Every column of an entity's metric table, in table order: keys, attributes, metrics (+ their rates). */
export function metricColumns(entity: Entity): ColumnSpec[] {
  const t: EntityTable = ENTITY_TABLES[entity];
  const cols: ColumnSpec[] = [
    ...t.keys.map((k) => ({ column: k.column, sqlType: k.sqlType, notNull: true })),
    ...t.attributes.map((a) => ({ column: a.column, sqlType: a.sqlType })),
  ];
  for (const m of metricsOf(entity)) {
    cols.push({ column: m.column, sqlType: m.sqlType });
    // Rates are fractional per-second values whatever the counter's type.
    if (m.rate) cols.push({ column: m.rate.column, sqlType: 'double precision' });
  }
  assertUnique(t.table, cols.map((c) => c.column));
  return cols;
}

export function metricKeyColumns(entity: Entity): string[] {
  return ENTITY_TABLES[entity].keys.map((k) => k.column);
}

export function metricTableDdl(entity: Entity): string[] {
  const t = ENTITY_TABLES[entity];
  const cols = metricColumns(entity);
  const keys = metricKeyColumns(entity);
  if (keys[0] !== 'cluster_id' || keys[keys.length - 1] !== 'ts') {
    throw new Error(`metric table ${t.table}: keys must start with cluster_id and end with ts, got ${keys.join(', ')}`);
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified(t.table)} (\n  ${cols.map(columnDdl).join(',\n  ')},\n` +
      `  PRIMARY KEY (${keys.map(quoteIdent).join(', ')})\n) PARTITION BY RANGE (ts)`,
    // Time-range reads across all entities of a cluster (dashboards, rollups) go by (cluster_id, ts).
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${t.table}_cluster_ts`)} ON ${qualified(t.table)} (cluster_id, ts)`,
    `COMMENT ON TABLE ${qualified(t.table)} IS ${quoteLiteral(t.description)}`,
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Inventory tables

/** Columns every kind table has (docs/ARCHITECTURE.md), before the kind's typed columns. */
export const COMMON_KIND_COLUMNS: ColumnSpec[] = [
  { column: 'cluster_id', sqlType: 'integer', notNull: true },
  { column: 'uid', sqlType: 'text', notNull: true },
  { column: 'namespace', sqlType: 'text' },
  { column: 'name', sqlType: 'text', notNull: true },
  { column: 'resource_version', sqlType: 'text' },
  { column: 'created_at', sqlType: 'timestamptz' },
  { column: 'deleted_at', sqlType: 'timestamptz' },
  { column: 'labels', sqlType: 'jsonb' },
  { column: 'annotations', sqlType: 'jsonb' },
  { column: 'owner_kind', sqlType: 'text' },
  { column: 'owner_name', sqlType: 'text' },
  { column: 'object', sqlType: 'jsonb' },
  { column: 'updated_at', sqlType: 'timestamptz', notNull: true },
  // Hash of the stored object without resourceVersion and heartbeat times: an update whose fingerprint
  // equals the stored one is not a change worth a change_log row (see inventory-writer.ts).
  { column: 'fingerprint', sqlType: 'text' },
];

export function kindColumns(kind: KindDef): ColumnSpec[] {
  const cols = [...COMMON_KIND_COLUMNS, ...kind.columns.map((c) => ({ column: c.column, sqlType: c.sqlType }))];
  assertUnique(kind.table, cols.map((c) => c.column));
  return cols;
}

/** The child table's column naming the parent: `pod_uid` for the pod kind. */
export function parentUidColumn(kind: KindDef): string {
  return `${kind.name}_uid`;
}

export function childColumns(kind: KindDef, child: ChildTable): ColumnSpec[] {
  const declared = new Map(child.columns.map((c) => [c.column, c]));
  const cols: ColumnSpec[] = [
    { column: 'cluster_id', sqlType: 'integer', notNull: true },
    { column: parentUidColumn(kind), sqlType: 'text', notNull: true },
  ];
  // Key columns first (not null); a key not among the declared columns is text.
  for (const k of child.keys) cols.push({ column: k, sqlType: declared.get(k)?.sqlType ?? 'text', notNull: true });
  for (const c of child.columns) if (!child.keys.includes(c.column)) cols.push({ column: c.column, sqlType: c.sqlType });
  assertUnique(child.table, cols.map((c) => c.column));
  return cols;
}

export function childKeyColumns(kind: KindDef, child: ChildTable): string[] {
  return ['cluster_id', parentUidColumn(kind), ...child.keys];
}

export function kindTableDdl(kind: KindDef): string[] {
  const cols = kindColumns(kind);
  const t = quoteIdent(kind.table);
  const out = [
    `CREATE TABLE IF NOT EXISTS ${qualified(kind.table)} (\n  ${cols.map(columnDdl).join(',\n  ')},\n` +
      `  PRIMARY KEY (cluster_id, uid)\n)`,
    `CREATE INDEX IF NOT EXISTS "${kind.table}_cluster_ns_name" ON ${SCHEMA}.${t} (cluster_id, namespace, name)`,
    `COMMENT ON TABLE ${qualified(kind.table)} IS ${quoteLiteral(kind.description)}`,
  ];
  for (const child of kind.children ?? []) {
    const ccols = childColumns(kind, child);
    out.push(
      `CREATE TABLE IF NOT EXISTS ${qualified(child.table)} (\n  ${ccols.map(columnDdl).join(',\n  ')},\n` +
        `  PRIMARY KEY (${childKeyColumns(kind, child).map(quoteIdent).join(', ')})\n)`,
      `COMMENT ON TABLE ${qualified(child.table)} IS ${quoteLiteral(child.description)}`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Fixed tables

export const CLUSTER_DDL = `CREATE TABLE IF NOT EXISTS ${SCHEMA}.cluster (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

export const CHANGE_LOG_DDL = [
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.change_log (
  cluster_id integer NOT NULL,
  id bigserial,
  kind text NOT NULL,
  uid text NOT NULL,
  namespace text,
  name text NOT NULL,
  op text NOT NULL CHECK (op IN ('add', 'update', 'delete')),
  at timestamptz NOT NULL,
  resource_version text,
  changed jsonb,
  state jsonb,
  PRIMARY KEY (cluster_id, id)
)`,
  `COMMENT ON TABLE ${SCHEMA}.change_log IS 'Append-only history of inventory adds, updates and deletes. ` +
    `changed: for add the whole stored object, for update only the paths that changed (new values, null = removed); ` +
    `state: the typed columns after the change, so a past moment is one DISTINCT ON query.'`,
  `CREATE INDEX IF NOT EXISTS change_log_kind_uid_at ON ${SCHEMA}.change_log (cluster_id, kind, uid, at)`,
  `CREATE INDEX IF NOT EXISTS change_log_kind_at ON ${SCHEMA}.change_log (cluster_id, kind, at)`,
];

/**
 * What changed between two stored objects: recursively, the keys whose value differs, with the new value
 * (JSON null when the key was removed). Arrays are compared whole. Used by the change log's `changed`.
 */
export const JSONB_DIFF_FUNCTION = `CREATE OR REPLACE FUNCTION ${SCHEMA}.jsonb_diff(old jsonb, new jsonb)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  IF old IS NULL OR new IS NULL OR jsonb_typeof(old) <> 'object' OR jsonb_typeof(new) <> 'object' THEN
    RETURN new;
  END IF;
  RETURN COALESCE((
    SELECT jsonb_object_agg(k, CASE
             WHEN NOT (new ? k) THEN 'null'::jsonb
             WHEN jsonb_typeof(old -> k) = 'object' AND jsonb_typeof(new -> k) = 'object'
               THEN ${SCHEMA}.jsonb_diff(old -> k, new -> k)
             ELSE new -> k END)
    FROM (SELECT jsonb_object_keys(old) UNION SELECT jsonb_object_keys(new)) AS keys(k)
    WHERE (old -> k) IS DISTINCT FROM (new -> k)), '{}'::jsonb);
END
$fn$`;

// ---------------------------------------------------------------------------------------------------------

/** `"name" type [NOT NULL]`: one column of a CREATE TABLE. */
export function columnDdl(c: ColumnSpec): string {
  return `${quoteIdent(c.column)} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''}`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function assertUnique(table: string, columns: string[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new Error(`table ${table}: column ${c} is declared twice`);
    seen.add(c);
  }
}

/** `ALTER TABLE … ADD COLUMN IF NOT EXISTS` for every nullable declared column (see migrate.ts). */
export function addMissingColumnsDdl(table: string, cols: ColumnSpec[]): string {
  const adds = cols.filter((c) => !c.notNull).map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdent(c.column)} ${c.sqlType}`);
  return `ALTER TABLE ${qualified(table)} ${adds.join(', ')}`;
}
