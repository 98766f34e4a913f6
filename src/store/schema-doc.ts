// The tables of docs/SCHEMA.md, generated from the same declarations the migrations use (metric
// definitions, kind definitions, rollup aggregates) and, for the bookkeeping tables, from FIXED_TABLES
// below, so the document cannot drift from the database: a test compares the committed file with
// renderSchemaDoc(), every table, column and column type of a migrated database with documentedTables(),
// finds no column table outside a generated region, and runs every example query. The prose around the
// regions lives in docs/SCHEMA.md itself. Regenerate with `node scripts/gen-schema-doc.mjs`.
import { blockColumns, blockKeyColumns, blockTable, blockValueColumns, historyFunction } from './history/schema.js';
import { minuteBlockColumns, minuteBlockKeyColumns, minuteBlockTable, minuteValueColumns, minutesFunction } from './history/minute-schema.js';
import { ENTITIES, ENTITY_TABLES, RATE_SQL_TYPE, SOURCE_COLUMN, metricsOf, type MetricDef } from '../metrics/definitions.js';
import { ALL_KINDS } from '../inventory/kinds/index.js';
import type { KindDef } from '../inventory/kind.js';
import { COMMON_KIND_COLUMNS, childColumns, kindColumns, metricColumns, metricKeyColumns, parentUidColumn } from './schema.js';
import { RESOLUTIONS, minutesAtCompaction, rollupColumns, rollupHasCounts, rollupTable } from './rollup-schema.js';
import { SAMPLE_INDEX_COLUMNS, SAMPLE_KEY_COLUMNS, sampleColumns, sampleTable, seriesColumns, seriesKeyNames, seriesTable } from './series-schema.js';
import { SCHEMA_EXAMPLES } from './schema-examples.js';
import { replaceRegion } from '../util/doc-regions.js';

interface DocColumn {
  column: string;
  type: string;
  unit?: string;
  description: string;
}

interface DocTable {
  table: string;
  description: string;
  key: string[];
  /** What `key` is: the primary key unless said otherwise (a view's rows are unique by its columns). */
  keyLabel?: string;
  columns: DocColumn[];
  /** Rendered as this sentence instead of a column table (the columns repeat another table's). */
  compact?: string;
}

const COMMON_KIND_DESCRIPTIONS: Record<string, string> = {
  cluster_id: 'kubepulse.cluster.id.',
  uid: 'metadata.uid.',
  namespace: 'metadata.namespace (null for cluster-scoped kinds).',
  name: 'metadata.name.',
  resource_version: 'metadata.resourceVersion of the stored state.',
  created_at: 'metadata.creationTimestamp.',
  deleted_at: 'When kubepulse saw the delete (null while the object exists).',
  labels: 'metadata.labels.',
  annotations: 'metadata.annotations (sanitized).',
  owner_kind: 'Kind of the controller owner reference.',
  owner_name: 'Name of the controller owner reference.',
  object: 'The whole object as last seen, sanitized (no secret values, no managedFields; metadata.resourceVersion is the resource_version column).',
  updated_at: 'When kubepulse last wrote the row.',
  fingerprint: 'Hash of the object without resourceVersion and heartbeat times (change detection).',
};

const FIXED_TABLES: DocTable[] = [
  {
    table: 'cluster', description: 'One row per collected cluster; every other table refers to it by cluster_id.', key: ['id'],
    columns: [
      { column: 'id', type: 'integer', description: 'Cluster id (serial).' },
      { column: 'name', type: 'text', description: 'Cluster name from the configuration (unique).' },
      { column: 'meta', type: 'jsonb', description: 'Server URL, version and other facts about the cluster.' },
      { column: 'created_at', type: 'timestamptz', description: 'First time kubepulse collected the cluster.' },
      { column: 'updated_at', type: 'timestamptz', description: 'Last change of the row.' },
    ],
  },
  {
    table: 'change_log',
    description: 'Append-only history of inventory adds, updates and deletes: what a kind table looked like at any past moment.',
    key: ['cluster_id', 'id'],
    columns: [
      { column: 'cluster_id', type: 'integer', description: 'kubepulse.cluster.id.' },
      { column: 'id', type: 'bigint', description: 'Increasing id (bigserial): the order of changes.' },
      { column: 'kind', type: 'text', description: "Kind name as in the config: 'pod', 'node', 'deployment' …" },
      { column: 'uid', type: 'text', description: 'metadata.uid of the object.' },
      { column: 'namespace', type: 'text', description: 'metadata.namespace.' },
      { column: 'name', type: 'text', description: 'metadata.name.' },
      { column: 'op', type: 'text', description: "'add', 'update' or 'delete'." },
      { column: 'at', type: 'timestamptz', description: 'When the change was seen.' },
      { column: 'resource_version', type: 'text', description: 'metadata.resourceVersion after the change.' },
      { column: 'changed', type: 'jsonb', description: 'add: the whole stored object; update: only the changed paths (new values, null = removed).' },
      { column: 'state', type: 'jsonb', description: "The kind table's typed columns (plus namespace, name, labels, owner) after the change; null for deletes." },
    ],
  },
  {
    table: 'collector_status',
    description: "The collector's own health, one row per health interval, kept as history so outages can be examined afterwards. Partitioned by UTC day (collector_status_pYYYYMMDD): `[retention] status_history` (default 30 days) drops whole days. Collector-wide, so its key is (at, pid), not a cluster.",
    key: ['at', 'pid'],
    columns: [
      { column: 'at', type: 'timestamptz', description: 'When the row was written.' },
      { column: 'pid', type: 'integer', description: 'Worker process id.' },
      { column: 'database_state', type: 'text', description: "'connected' or 'unreachable' (a row written late, from the spool, says so)." },
      { column: 'clusters_down', type: 'text[]', description: 'Names of clusters whose API server was unreachable.' },
      { column: 'nodes_not_reporting', type: 'integer', description: 'Nodes whose last kubelet scrape failed, over all clusters.' },
      { column: 'queue_rows', type: 'bigint', description: 'Metric rows waiting in the write queue.' },
      { column: 'spool_bytes', type: 'bigint', description: 'Bytes in the on-disk spool.' },
      { column: 'spool_oldest_age_s', type: 'double precision', description: 'Age of the oldest spooled batch, seconds.' },
      { column: 'heap_bytes', type: 'bigint', description: 'V8 heap in use, bytes.' },
      { column: 'rss_bytes', type: 'bigint', description: 'Resident memory of the worker, bytes.' },
      { column: 'event_loop_delay_p99_ms', type: 'double precision', description: 'Event-loop delay, 99th percentile, ms.' },
      { column: 'restarts', type: 'integer', description: 'Worker restarts by the watchdog so far.' },
      { column: 'status', type: 'jsonb', description: 'The whole /api/status report at that moment.' },
    ],
  },
  {
    table: 'metric_batch', key: ['id'],
    description: 'The metric batches stored in the last day, by id: a batch retried or replayed from the spool after a commit whose answer was lost is found here and not stored again. Maintenance prunes it.',
    columns: [
      { column: 'id', type: 'uuid', description: 'The id the writer gave the batch (kept with it in the spool).' },
      { column: 'written_at', type: 'timestamptz', description: 'When the batch was stored.' },
    ],
  },
  {
    table: 'series_purge', key: [],
    description: 'One row: an epoch the series purge bumps when it deletes series rows of gone pods and nodes; metric writers read it under a shared lock and resolve their cached series ids again when it changed.',
    columns: [{ column: 'epoch', type: 'bigint', description: 'Purges that deleted rows so far.' }],
  },
  {
    table: 'collector_member', key: ['member_id'],
    description: 'The collector processes of a group sharing this database ([group] enabled, docs/GROUP.md), one row each, heartbeated by the database clock; a row older than the member TTL is a dead member, and its share moves.',
    columns: [
      { column: 'member_id', type: 'uuid', description: 'Random id the process took at start.' },
      { column: 'name', type: 'text', description: 'group.name, or host:pid.' },
      { column: 'host', type: 'text', description: 'Host name of the process.' },
      { column: 'pid', type: 'integer', description: 'Process id.' },
      { column: 'http_address', type: 'text', description: 'Where its /api/status answers.' },
      { column: 'clusters', type: 'text[]', description: 'Names of the clusters of its configuration: it takes a share of these only.' },
      { column: 'owned_nodes', type: 'jsonb', description: 'Nodes it scraped per cluster at its last heartbeat.' },
      { column: 'started_at', type: 'timestamptz', description: 'Its first heartbeat.' },
      { column: 'heartbeat_at', type: 'timestamptz', description: 'Its last heartbeat (database clock).' },
    ],
  },
  {
    table: 'collector_lease', key: ['cluster_id'],
    description: "Per cluster, the group member running its inventory informers until expires_at, and the fencing token every inventory write must carry (checked in the write's transaction).",
    columns: [
      { column: 'cluster_id', type: 'integer', description: 'kubepulse.cluster.id.' },
      { column: 'holder', type: 'uuid', description: 'collector_member.member_id of the holder (null: released).' },
      { column: 'token', type: 'bigint', description: 'Fencing token: grows by one at every change of holder.' },
      { column: 'acquired_at', type: 'timestamptz', description: 'When the holder took it.' },
      { column: 'renewed_at', type: 'timestamptz', description: 'Its last renewal.' },
      { column: 'expires_at', type: 'timestamptz', description: 'Until when it holds without renewing (database clock).' },
      { column: 'takeovers', type: 'bigint', description: 'Times a member took it from a holder that had not released it.' },
    ],
  },
  {
    table: 'rollup_pending', key: ['entity', 'hour'],
    description: 'Hours of metric rows stored later than the rollups could take them (a spool replay after an outage, a backlog), one row per entity and hour however many batches: the next rollup pass recomputes their buckets and deletes the rows; hours past the raw retention are dropped unrecomputed (nothing is left to aggregate).',
    columns: [
      { column: 'entity', type: 'text', description: 'The metric entity (node, pod, container, …).' },
      { column: 'hour', type: 'timestamptz', description: 'Start of the hour owed a rollup.' },
      { column: 'version', type: 'bigint', description: 'Changes on every late batch of the hour: a pass deletes the row only if unchanged since it read it.' },
      { column: 'noted_at', type: 'timestamptz', description: 'When a late batch last marked the hour.' },
    ],
  },
  {
    table: 'rollup_state', description: 'Rollup progress: each rollup table is complete before done_until (the 1 minute rollups the compactor writes: up to the last compacted hour).', key: ['rollup_table'],
    columns: [
      { column: 'rollup_table', type: 'text', description: 'Rollup table name.' },
      { column: 'done_until', type: 'timestamptz', description: 'Buckets before this time are rolled up.' },
      { column: 'updated_at', type: 'timestamptz', description: 'Last progress.' },
    ],
  },
  {
    table: 'schema_migrations', key: ['version'],
    description: 'Applied schema migrations: the committed files src/store/migrations/NNN_<name>.sql, run in version order.',
    columns: [
      { column: 'version', type: 'integer', description: 'Migration number (NNN of the file).' },
      {
        column: 'name', type: 'text',
        description: 'The file name without number and extension (older databases keep the names they were migrated with).',
      },
      { column: 'applied_at', type: 'timestamptz', description: 'When it was applied.' },
    ],
  },
];

function kindTables(kind: KindDef): DocTable[] {
  const typed = new Map(kind.columns.map((c) => [c.column, c.description]));
  const out: DocTable[] = [{
    table: kind.table, description: `${kind.description} (${kind.kind}, \`${kind.listPath}\`)`, key: ['cluster_id', 'uid'],
    columns: kindColumns(kind).map((c) => ({ column: c.column, type: c.sqlType, description: typed.get(c.column) ?? COMMON_KIND_DESCRIPTIONS[c.column] ?? '' })),
  }];
  for (const child of kind.children ?? []) {
    const described = new Map(child.columns.map((c) => [c.column, c.description]));
    described.set('cluster_id', 'kubepulse.cluster.id.');
    described.set(parentUidColumn(kind), `metadata.uid of the ${kind.name}.`);
    out.push({
      table: child.table, description: child.description, key: ['cluster_id', parentUidColumn(kind), ...child.keys],
      columns: childColumns(kind, child).map((c) => ({ column: c.column, type: c.sqlType, description: described.get(c.column) ?? '' })),
    });
  }
  return out;
}

function sourcesOf(m: MetricDef): string {
  const parts: string[] = [];
  if (m.summary) parts.push(`summary \`${m.summary}\``);
  if (m.cadvisor) parts.push(`cAdvisor \`${m.cadvisor.family}${m.cadvisor.labels ? `{${Object.entries(m.cadvisor.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}` : ''}\``);
  if (m.resource) parts.push(`resource \`${m.resource.family}\``);
  return parts.join(', ');
}

function metricTable(entity: (typeof ENTITIES)[number]): DocTable {
  const t = ENTITY_TABLES[entity];
  const cols: DocColumn[] = [...t.keys, SOURCE_COLUMN, ...t.attributes].map((k) => ({ column: k.column, type: k.sqlType, description: k.description }));
  for (const m of metricsOf(entity)) {
    cols.push({ column: m.column, type: m.sqlType, unit: m.unit, description: `${m.kind === 'counter' ? 'Counter. ' : ''}${m.description} From ${sourcesOf(m)}.` });
  }
  for (const m of metricsOf(entity)) {
    if (m.rate) cols.push({ column: m.rate.column, type: RATE_SQL_TYPE, unit: m.rate.unit, description: `Per-second rate of ${m.column} between this sample and the previous one (null at a counter reset or after a gap; float4: recompute it from the counter where more than 7 digits matter).` });
  }
  const declared = new Set(metricColumns(entity).map((c) => c.column));
  if (cols.length !== declared.size || !cols.every((c) => declared.has(c.column))) throw new Error(`schema doc: ${t.table} columns differ from the declaration`);
  return {
    table: t.table,
    description: `${t.description} A view: kubepulse.${sampleTable(entity)} joined to kubepulse.${seriesTable(entity)} by series_id ` +
      '(migration 009); inserting into it works too (a trigger finds or creates the series).',
    key: metricKeyColumns(entity), keyLabel: 'Rows unique by', columns: cols,
  };
}

/** Where the view's rows are stored: the series (keys and attributes once) and the samples. */
function rawStorageDocTables(entity: (typeof ENTITIES)[number]): DocTable[] {
  const t = ENTITY_TABLES[entity];
  const identity = new Map([...t.keys, ...t.attributes].map((k) => [k.column, k.description]));
  const fixed: Record<string, string> = {
    cluster_id: 'kubepulse.cluster.id of the cluster the sample came from.',
    series_id: `Identity of the series within the entity (assigned by ${seriesTable(entity)}).`,
    ts: "The kubelet's own sample time (not the scrape time).",
    source: SOURCE_COLUMN.description,
  };
  const describe = (column: string) => fixed[column] ?? identity.get(column) ?? `As ${t.table}.${column}.`;
  return [
    {
      table: seriesTable(entity),
      description: `The series of ${t.table}: its keys and attributes, stored once; an attribute first seen empty is filled in by a later row.`,
      key: ['cluster_id', 'series_id'],
      columns: seriesColumns(entity).map((c) => ({ column: c.column, type: c.sqlType, description: describe(c.column) })),
    },
    {
      table: sampleTable(entity),
      description: `The raw rows of ${t.table}, hourly partitions on ts (a BRIN index on ts for time-range reads). ` +
        `A sample is one (${SAMPLE_KEY_COLUMNS.join(', ')}); the writer stores each once (metric_batch), no index enforces it.`,
      key: SAMPLE_INDEX_COLUMNS,
      keyLabel: 'Index (non-unique)',
      columns: sampleColumns(entity).map((c) => ({ column: c.column, type: c.sqlType, description: describe(c.column) })),
      compact: `Columns: \`cluster_id\` integer, \`series_id\` integer, \`ts\` timestamptz, then every value column of ` +
        `\`${t.table}\` in its order (its keys ${seriesKeyNames(entity).map((k) => `\`${k}\``).join(', ')} and attributes are in ` +
        `\`${seriesTable(entity)}\`), then \`source\` "char" (last: it would cost 7 bytes of alignment padding before an 8-byte value).`,
    },
  ];
}

function rollupDocTable(entity: (typeof ENTITIES)[number], res: (typeof RESOLUTIONS)[number]): DocTable {
  const t = ENTITY_TABLES[entity];
  const units = new Map<string, string>();
  for (const m of metricsOf(entity)) {
    units.set(m.column, m.unit);
    if (m.rate) units.set(m.rate.column, m.rate.unit);
  }
  const identity = new Map([...t.keys, ...t.attributes].map((k) => [k.column, k.description]));
  return {
    table: rollupTable(entity, res),
    description: `${res.interval} rollup of ${t.table}: ts is the bucket start; avg and max of every gauge and rate, max of every counter (its value at the end of the bucket)` +
      (rollupHasCounts(res) ? '; per average, the count of raw values behind it.' : `; computed from the 1 minute rollup's rows (each average weighted by its count).`) +
      (minutesAtCompaction(entity)
        ? (rollupHasCounts(res)
          ? ` Computed when its hour is compacted ([retention] compact_after, 6 h by default) and stored packed in ${minuteBlockTable(entity)}; rows here only where an owed hour was recomputed. Read both with kubepulse.${minutesFunction(entity)}(from, to).`
          : ' Computed when its hour is compacted, from the same samples as its minutes.')
        : (rollupHasCounts(res) ? ` Rows kept 3 days for the overview; compacted hours are in ${minuteBlockTable(entity)} too (read both with kubepulse.${minutesFunction(entity)}(from, to)).` : '')),
    key: t.keys.map((k) => k.column),
    columns: rollupColumns(entity, res).map((c) => {
      if (c.column === 'ts') return { column: 'ts', type: c.sqlType, description: 'Bucket start.' };
      if (c.column === 'samples') return { column: 'samples', type: c.sqlType, description: 'Raw rows in the bucket.' };
      if (identity.has(c.column)) return { column: c.column, type: c.sqlType, description: identity.get(c.column)! };
      const counted = /^(.*)_samples$/.exec(c.column);
      if (counted) return { column: c.column, type: c.sqlType, description: `Raw values behind ${counted[1]}_avg (NULL: none); the 1 h rollup weights the minute by it.` };
      const m = /^(.*)_(avg|max)$/.exec(c.column);
      const source = m?.[1] ?? c.column;
      return { column: c.column, type: c.sqlType, unit: units.get(source), description: `${m?.[2] === 'avg' ? 'Average' : 'Maximum'} of ${source}.` };
    }),
  };
}

/** Every documented table (without the schema prefix) and its columns: the test compares it with the database. */
export function documentedTables(): DocTable[] {
  return [
    ...FIXED_TABLES,
    ...ALL_KINDS.flatMap(kindTables),
    ...ENTITIES.flatMap((e) => [metricTable(e), ...rawStorageDocTables(e)]),
    ...ENTITIES.flatMap((e) => RESOLUTIONS.map((r) => rollupDocTable(e, r))),
    ...ENTITIES.map(blockDocTable),
    ...ENTITIES.map(minuteBlockDocTable),
  ];
}

function minuteBlockDocTable(entity: (typeof ENTITIES)[number]): DocTable {
  const t = ENTITY_TABLES[entity];
  const identity = new Map([...t.keys, ...t.attributes].map((k) => [k.column, k.description]));
  const fixed: Record<string, string> = {
    start_ts: 'Start of the hour the block covers.',
    minutes: 'Minutes in the block.',
    ts: 'Minute starts, encoded.',
  };
  return {
    table: minuteBlockTable(entity),
    description: `Minutes of ${rollupTable(entity, RESOLUTIONS[0])} for compacted hours, one row per series and hour ` +
      `(read with kubepulse.${minutesFunction(entity)}, where a series-hour's minute rows win over its block).`,
    key: minuteBlockKeyColumns(entity),
    columns: minuteBlockColumns(entity).map((c) => ({
      column: c.column, type: c.sqlType,
      description: identity.get(c.column) ?? fixed[c.column] ?? `${rollupTable(entity, RESOLUTIONS[0])}.${c.column}, encoded (NULL: null in every minute).`,
    })),
  };
}

function blockDocTable(entity: (typeof ENTITIES)[number]): DocTable {
  const t = ENTITY_TABLES[entity];
  const identity = new Map([...t.keys, ...t.attributes].map((k) => [k.column, k.description]));
  const fixed: Record<string, string> = {
    source: "Source of the samples: 's' summary, 'c' cAdvisor, 'r' resource.",
    start_ts: 'Start of the hour the block covers.',
    samples: 'Samples in the block.',
    ts: 'Sample times, encoded.',
  };
  return {
    table: blockTable(entity),
    description: `Compacted ${t.table} rows, one per series, source and hour (read with kubepulse.${historyFunction(entity)}).`,
    key: blockKeyColumns(entity),
    columns: blockColumns(entity).map((c) => ({
      column: c.column, type: c.sqlType,
      description: identity.get(c.column) ?? fixed[c.column] ?? `${c.column}, encoded (NULL: every sample null).`,
    })),
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function renderTable(t: DocTable, withUnits: boolean): string {
  const head = withUnits ? '| column | type | unit | description |\n|---|---|---|---|' : '| column | type | description |\n|---|---|---|';
  const rows = t.columns.map((c) => (withUnits
    ? `| \`${c.column}\` | ${c.type} | ${c.unit ?? ''} | ${cell(c.description)} |`
    : `| \`${c.column}\` | ${c.type} | ${cell(c.description)} |`));
  const keyText = t.key.length ? ` ${t.keyLabel ?? 'Primary key'}: (${t.key.join(', ')}).` : '';
  const intro = `### kubepulse.${t.table}\n\n${t.description}${keyText}\n\n`;
  return t.compact ? `${intro}${t.compact}\n` : `${intro}${head}\n${rows.join('\n')}\n`;
}

const SOURCE = 'src/store/schema-doc.ts';

/** The content of each generated region of docs/SCHEMA.md, by region name. */
function schemaDocRegions(): Record<string, string> {
  const tables = documentedTables();
  const metricNames = new Set(ENTITIES.flatMap((e) => [ENTITY_TABLES[e].table, seriesTable(e), sampleTable(e)]));
  const rollupNames = new Set(ENTITIES.flatMap((e) => RESOLUTIONS.map((r) => rollupTable(e, r))));
  const kindNames = new Set(ALL_KINDS.flatMap((k) => [k.table, ...(k.children ?? []).map((c) => c.table)]));
  const section = (names: Set<string>, withUnits: boolean): string => tables.filter((t) => names.has(t.table)).map((t) => renderTable(t, withUnits)).join('\n');
  const fixed = new Set(FIXED_TABLES.map((t) => t.table));
  return {
    examples: SCHEMA_EXAMPLES.map((x) => `### ${x.title}\n\n${x.why}\n\n\`\`\`sql\n${x.sql}\n\`\`\`\n`).join('\n'),
    bookkeeping: section(fixed, false),
    inventory: `Common columns of every kind table: ${COMMON_KIND_COLUMNS.map((c) => `\`${c.column}\``).join(', ')}.\n\n${section(kindNames, false)}`,
    metrics: section(metricNames, true),
    rollups: section(rollupNames, true),
    history: `${historySection()}\n${section(new Set(ENTITIES.map(blockTable)), false)}`,
    minutes: `${minutesSection()}\n${section(new Set(ENTITIES.map(minuteBlockTable)), false)}`,
  };
}

/** The history block tables and their reading functions, one line per entity. */
function historySection(): string {
  const lines = ['| raw table | block table (primary key) | encoded columns | plain rows over raw + blocks |', '|---|---|---|---|'];
  for (const e of ENTITIES) {
    lines.push(`| \`${ENTITY_TABLES[e].table}\` | \`${blockTable(e)}\` (${blockKeyColumns(e).join(', ')}) | ts + ${blockValueColumns(e).length} metric columns, bytea | ` +
      `\`kubepulse.${historyFunction(e)}(from timestamptz, to timestamptz)\` |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The minute block tables and their reading functions, one line per entity. */
function minutesSection(): string {
  const lines = ['| 1-minute table | minute block table (primary key) | encoded columns | plain minute rows over rows + blocks |', '|---|---|---|---|'];
  for (const e of ENTITIES) {
    lines.push(`| \`${rollupTable(e, RESOLUTIONS[0])}\` | \`${minuteBlockTable(e)}\` (${minuteBlockKeyColumns(e).join(', ')}) | ts + ${minuteValueColumns(e).length} columns, bytea | ` +
      `\`kubepulse.${minutesFunction(e)}(from timestamptz, to timestamptz)\` |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * docs/SCHEMA.md with every generated region (examples, each group of tables) rewritten from the
 * declarations; the prose around the regions is the document's own, written by hand.
 */
export function renderSchemaDoc(doc: string): string {
  let out = doc;
  for (const [name, content] of Object.entries(schemaDocRegions())) out = replaceRegion(out, 'docs/SCHEMA.md', name, SOURCE, content);
  return out;
}
