// The single table of every metric kubepulse stores. The summary/cadvisor/resource decoders, the SQL
// schema (src/store/schema.ts), docs/SCHEMA.md and the viewer's labels are all derived from it, so a
// metric is added by adding one entry here.

/** What a metric row describes; each entity has its own wide, time-partitioned table. */
export type Entity = 'node' | 'system_container' | 'pod' | 'container' | 'volume' | 'interface';

export type SqlType = 'bigint' | 'double precision' | 'text' | 'timestamptz' | 'integer';

export interface KeyColumn {
  column: string;
  sqlType: SqlType;
  description: string;
}

export interface EntityTable {
  entity: Entity;
  table: string;
  /** Identity of the entity within a cluster, in primary-key order (cluster_id first, ts last). */
  keys: KeyColumn[];
  /** Descriptive columns stored with every row but not part of the key (e.g. pod name next to its uid). */
  attributes: KeyColumn[];
  description: string;
}

export type MetricKind = 'gauge' | 'counter';

export interface MetricDef {
  entity: Entity;
  /** SQL column, snake_case, unit in the name where not obvious. */
  column: string;
  sqlType: SqlType;
  kind: MetricKind;
  /** Unit of the stored value: bytes, nanocores, nanoseconds, count, microseconds, percent, … */
  unit: string;
  description: string;
  /** Dotted path inside the Summary API object of this entity (e.g. `memory.workingSetBytes`). */
  summary?: string;
  /** For counters: the derived per-second rate column kubepulse computes at ingest. */
  rate?: { column: string; unit: string; /** multiply (delta / seconds) by this to get `unit`. */ scale: number };
}

export const TS_KEY: KeyColumn = {
  column: 'ts',
  sqlType: 'timestamptz',
  description: "The kubelet's own sample time (not the scrape time).",
};

const CLUSTER_KEY: KeyColumn = {
  column: 'cluster_id',
  sqlType: 'integer',
  description: 'kubepulse.cluster.id of the cluster the sample came from.',
};

export const ENTITY_TABLES: Record<Entity, EntityTable> = {
  node: {
    entity: 'node',
    table: 'node_metric',
    keys: [CLUSTER_KEY, { column: 'node', sqlType: 'text', description: 'Node name.' }, TS_KEY],
    attributes: [],
    description: 'One row per node per kubelet sample.',
  },
  system_container: {
    entity: 'system_container',
    table: 'system_container_metric',
    keys: [
      CLUSTER_KEY,
      { column: 'node', sqlType: 'text', description: 'Node name.' },
      { column: 'name', sqlType: 'text', description: 'System container: kubelet, runtime, pods, misc.' },
      TS_KEY,
    ],
    attributes: [],
    description: "One row per node system container (the kubelet's systemContainers) per sample.",
  },
  pod: {
    entity: 'pod',
    table: 'pod_metric',
    keys: [CLUSTER_KEY, { column: 'pod_uid', sqlType: 'text', description: 'Pod UID.' }, TS_KEY],
    attributes: [
      { column: 'namespace', sqlType: 'text', description: 'Pod namespace.' },
      { column: 'pod', sqlType: 'text', description: 'Pod name.' },
      { column: 'node', sqlType: 'text', description: 'Node the pod ran on when sampled.' },
    ],
    description: 'One row per pod per sample (the pod cgroup: its containers plus overhead).',
  },
  container: {
    entity: 'container',
    table: 'container_metric',
    keys: [
      CLUSTER_KEY,
      { column: 'pod_uid', sqlType: 'text', description: 'UID of the pod the container belongs to.' },
      { column: 'container', sqlType: 'text', description: 'Container name.' },
      TS_KEY,
    ],
    attributes: [
      { column: 'namespace', sqlType: 'text', description: 'Pod namespace.' },
      { column: 'pod', sqlType: 'text', description: 'Pod name.' },
      { column: 'node', sqlType: 'text', description: 'Node the container ran on when sampled.' },
    ],
    description: 'One row per container per sample.',
  },
  volume: {
    entity: 'volume',
    table: 'volume_metric',
    keys: [
      CLUSTER_KEY,
      { column: 'pod_uid', sqlType: 'text', description: 'UID of the pod that mounts the volume.' },
      { column: 'volume', sqlType: 'text', description: 'Volume name in the pod spec.' },
      TS_KEY,
    ],
    attributes: [
      { column: 'namespace', sqlType: 'text', description: 'Pod namespace.' },
      { column: 'pod', sqlType: 'text', description: 'Pod name.' },
      { column: 'node', sqlType: 'text', description: 'Node name.' },
      { column: 'pvc', sqlType: 'text', description: 'PersistentVolumeClaim name when the volume is a PVC, else null.' },
    ],
    description: 'One row per pod volume per sample.',
  },
  interface: {
    entity: 'interface',
    table: 'interface_metric',
    keys: [
      CLUSTER_KEY,
      { column: 'node', sqlType: 'text', description: 'Node name.' },
      { column: 'pod_uid', sqlType: 'text', description: "Pod UID, or '' for the node's own interfaces." },
      { column: 'interface', sqlType: 'text', description: 'Network interface name.' },
      TS_KEY,
    ],
    attributes: [],
    description: 'One row per network interface (node or pod network namespace) per sample.',
  },
};

/**
 * Metric columns. Draft: the core CPU and memory fields; the metrics work (issue 6) completes the list.
 * Keep entries grouped by entity, in the order they should appear in the table.
 */
export const METRIC_DEFS: MetricDef[] = [
  ...cpuMemory('node'),
  ...cpuMemory('pod'),
  ...cpuMemory('container'),
];

function cpuMemory(entity: Entity): MetricDef[] {
  return [
    {
      entity, column: 'cpu_usage_nanocores', sqlType: 'bigint', kind: 'gauge', unit: 'nanocores',
      summary: 'cpu.usageNanoCores', description: 'CPU in use, averaged over the kubelet window (1e9 = one core).',
    },
    {
      entity, column: 'cpu_usage_core_nanoseconds', sqlType: 'bigint', kind: 'counter', unit: 'nanoseconds',
      summary: 'cpu.usageCoreNanoSeconds', description: 'Cumulative CPU time.',
      rate: { column: 'cpu_rate_millicores', unit: 'millicores', scale: 1e-6 },
    },
    {
      entity, column: 'memory_working_set_bytes', sqlType: 'bigint', kind: 'gauge', unit: 'bytes',
      summary: 'memory.workingSetBytes', description: 'Working set memory (what the OOM killer looks at).',
    },
    {
      entity, column: 'memory_usage_bytes', sqlType: 'bigint', kind: 'gauge', unit: 'bytes',
      summary: 'memory.usageBytes', description: 'Total memory usage including page cache.',
    },
    {
      entity, column: 'memory_rss_bytes', sqlType: 'bigint', kind: 'gauge', unit: 'bytes',
      summary: 'memory.rssBytes', description: 'Anonymous and swap cache memory.',
    },
  ];
}

export function metricsOf(entity: Entity): MetricDef[] {
  return METRIC_DEFS.filter((d) => d.entity === entity);
}

/** A decoded sample row: key columns, attribute columns and metric columns, by column name. */
export type MetricRow = Record<string, string | number | Date | null>;

/** What one scrape of one node yields, grouped by entity. `cluster_id` is filled by the collector. */
export type MetricRows = { [E in Entity]: MetricRow[] };

export function emptyMetricRows(): MetricRows {
  return { node: [], system_container: [], pod: [], container: [], volume: [], interface: [] };
}
