// The single table of every metric kubepulse stores. The summary/cadvisor/resource decoders, the SQL
// schema (src/store/schema.ts), docs/SCHEMA.md and the viewer's labels are all derived from it, so a
// metric is added by adding one entry here.
import { generated, prop } from '../util/generated-code.js';

/** What a metric row describes; each entity has its own wide, time-partitioned table. */
export type Entity = 'node' | 'system_container' | 'pod' | 'container' | 'volume' | 'interface' | 'disk_io';

export const ENTITIES: readonly Entity[] = ['node', 'system_container', 'pod', 'container', 'volume', 'interface', 'disk_io'];

export type SqlType = 'bigint' | 'double precision' | 'real' | 'text' | 'timestamptz' | 'integer' | '"char"';

interface KeyColumn {
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

type MetricKind = 'gauge' | 'counter';

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
  /** The cAdvisor (`/metrics/cadvisor`) series that fills this column for the entity's cgroup. */
  cadvisor?: PromSource;
  /** The `/metrics/resource` series that fills this column. */
  resource?: PromSource;
  /** For counters: the derived per-second rate column kubepulse computes at ingest. */
  rate?: { column: string; unit: string; /** multiply (delta / seconds) by this to get `unit`. */ scale: number };
  /** A line of one of the viewer's charts (declared in ENTITY_CHARTS); absent when the viewer does not chart it. */
  view?: MetricView;
}

/** Units the viewer formats: each chart shows one. */
export type DisplayUnit = 'millicores' | 'bytes' | 'bytes/s' | 'percent' | 'count/s';

/** One chart of an entity's page in the viewer: its lines are the metrics whose `view.chart` is its id. */
export interface ChartDecl {
  id: string;
  title: string;
  unit: DisplayUnit;
  /** Left out of the page while none of its lines has a sample (e.g. PSI on kernels without it). */
  hideWhenEmpty?: boolean;
}

/** How a metric is charted: its name in the series API, the chart it is a line of, and its legend label. */
interface MetricView {
  /** Name in `/api/series?metrics=` (stable: part of the HTTP API). */
  series: string;
  /** ChartDecl id within the metric's entity. */
  chart: string;
  /** Legend label; for entities charted one line per container or interface it prefixes that name. */
  label: string;
  /** Which stored column is charted: the metric itself or its per-second rate. */
  from: 'value' | 'rate';
  /** Drawn dashed, as a bound (a capacity) rather than a measurement. */
  reference?: boolean;
}

/**
 * The viewer's charts, per entity in page order (docs/API.md lists the series they are made of). Only
 * entities listed here are served by /api/series; a metric becomes a series by a `view` naming one of
 * these charts, which the metric helpers below add where the entity declares the chart.
 */
export const ENTITY_CHARTS: Partial<Record<Entity, ChartDecl[]>> = {
  node: [
    { id: 'cpu', title: 'CPU', unit: 'millicores' },
    { id: 'memory', title: 'Memory (working set)', unit: 'bytes' },
    { id: 'network', title: 'Network (node)', unit: 'bytes/s' },
    { id: 'filesystem', title: 'Filesystem', unit: 'bytes' },
    { id: 'pressure', title: 'Pressure (PSI some, avg10)', unit: 'percent', hideWhenEmpty: true },
  ],
  interface: [{ id: 'network', title: 'Network per interface', unit: 'bytes/s' }],
  pod: [
    { id: 'network', title: 'Network (pod)', unit: 'bytes/s' },
    { id: 'ephemeral', title: 'Ephemeral storage used', unit: 'bytes' },
  ],
  container: [
    { id: 'cpu', title: 'CPU per container', unit: 'millicores' },
    { id: 'memory', title: 'Memory per container (working set)', unit: 'bytes' },
    { id: 'throttling', title: 'CPU throttling (CFS periods/s)', unit: 'count/s' },
    { id: 'throttled_cpu', title: 'CPU held back by throttling', unit: 'millicores' },
    { id: 'rootfs', title: 'Writable layer used', unit: 'bytes' },
  ],
};

/** A legend label, left out where each line is one container: the container's name says enough. */
function perContainer(entity: Entity, label: string): string {
  return entity === 'container' ? '' : label;
}

/** A view when the entity's page declares the chart, else nothing (the metric is stored but not charted). */
function viewOn(entity: Entity, chart: string, series: string, label: string, from: 'value' | 'rate' = 'value',
  reference = false): { view?: MetricView } {
  if (!ENTITY_CHARTS[entity]?.some((c) => c.id === chart)) return {};
  return { view: { series, chart, label, from, ...(reference ? { reference } : {}) } };
}

/** A Prometheus series as a metric source: the family, required label values, and a unit conversion. */
interface PromSource {
  family: string;
  /** Only series whose labels have exactly these values (e.g. `{ failure_type: 'pgfault' }`). */
  labels?: Record<string, string>;
  /** Multiply the sample value by this to get the column's unit (e.g. seconds → nanoseconds: 1e9). */
  scale?: number;
}

const TS_KEY: KeyColumn = {
  column: 'ts',
  sqlType: 'timestamptz',
  description: "The kubelet's own sample time (not the scrape time).",
};

/**
 * Which kubelet endpoint a row came from. Each source's rows are stored as they come, side by side under
 * the same entity and time (part of the primary key): the summary and cAdvisor report the same
 * housekeeping sample, and keeping their rows apart is what lets both be appended by COPY with no merge.
 */
export const SOURCE_COLUMN: KeyColumn = {
  column: 'source',
  sqlType: '"char"',
  description: "The kubelet endpoint the row came from: 's' Summary API, 'c' cAdvisor, 'r' resource metrics.",
};

export const SOURCE_CODE = { summary: 's', cadvisor: 'c', resource: 'r' } as const;

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
  disk_io: {
    entity: 'disk_io',
    table: 'disk_io_metric',
    keys: [
      CLUSTER_KEY,
      { column: 'node', sqlType: 'text', description: 'Node name.' },
      { column: 'pod_uid', sqlType: 'text', description: "Pod UID, or '' for the node's root cgroup." },
      { column: 'container', sqlType: 'text', description: "Container name, or '' for the pod cgroup (or the node)." },
      { column: 'device', sqlType: 'text', description: 'Block device, e.g. /dev/nvme0n1.' },
      TS_KEY,
    ],
    attributes: [
      { column: 'namespace', sqlType: 'text', description: "Pod namespace ('' for the node)." },
      { column: 'pod', sqlType: 'text', description: "Pod name ('' for the node)." },
    ],
    description: 'One row per cgroup (node, pod, container) per block device per cAdvisor sample: disk I/O, '
      + 'which the Summary API does not report.',
  },
};

/**
 * Every metric column, grouped by entity in table order. Summary paths are relative to the entity's own
 * object (NodeStats, ContainerStats, PodStats, VolumeStats, InterfaceStats); see K8S-REFERENCE §6–8.
 * Columns shared by the Summary API and cAdvisor name both sources: the decoders fill what their payload
 * has, so a cAdvisor-only deployment still gets CPU and memory.
 */
export const METRIC_DEFS: MetricDef[] = [
  // node: the root cgroup (cAdvisor id="/") plus the node-only groups.
  ...cpu('node'), ...psi('node', 'cpu'), ...memory('node'), ...psi('node', 'memory'), ...psi('node', 'io'),
  ...swap('node'), ...network('node'),
  ...fs('node', 'fs', 'fs', 'The node root filesystem (nodefs)', { chart: 'filesystem', series: 'fs', capacity: true }),
  ...fs('node', 'imagefs', 'runtime.imageFs', 'The filesystem holding container images',
    { chart: 'filesystem', series: 'imagefs', label: 'imagefs used' }),
  ...fs('node', 'containerfs', 'runtime.containerFs', 'The filesystem holding writable layers (1.29+, split image fs)'),
  gauge('node', 'rlimit_maxpid', 'count', 'Maximum number of process ids (pid_max).', { summary: 'rlimit.maxpid' }, 'integer'),
  gauge('node', 'rlimit_curproc', 'count', 'Processes currently running on the node.', { summary: 'rlimit.curproc' }, 'integer'),
  ...cgroupExtras('node'),

  // system_container: kubelet, runtime, pods, misc.
  ...cpu('system_container'), ...psi('system_container', 'cpu'), ...memory('system_container'),
  ...psi('system_container', 'memory'), ...psi('system_container', 'io'), ...swap('system_container'),
  ...cgroupExtras('system_container'),

  // pod: the pod cgroup (its containers plus the sandbox and overhead).
  ...cpu('pod'), ...psi('pod', 'cpu'), ...memory('pod'), ...psi('pod', 'memory'), ...psi('pod', 'io'),
  ...swap('pod'), ...network('pod'),
  ...fs('pod', 'ephemeral_storage', 'ephemeral-storage', 'Ephemeral storage (rootfs + logs + emptyDir on nodefs)',
    { chart: 'ephemeral', series: 'ephemeral' }),
  ...cgroupExtras('pod'),

  // container
  ...cpu('container'), ...psi('container', 'cpu'), ...memory('container'), ...psi('container', 'memory'),
  ...psi('container', 'io'), ...swap('container'),
  ...fs('container', 'rootfs', 'rootfs', 'The writable layer', { chart: 'rootfs', series: 'rootfs', label: '' }),
  ...fs('container', 'logs', 'logs', 'The container log files'),
  ...cgroupExtras('container'),

  // volume: FsStats of each pod volume (the pvc attribute comes from pvcRef).
  ...fs('volume', '', '', 'The volume'),

  // interface: one per interface of the node or of a pod's network namespace.
  ...interfaceCounters(),

  // disk_io: per block device, cAdvisor only.
  counter('disk_io', 'read_bytes', 'bytes', 'Bytes read.', { cadvisor: { family: 'container_fs_reads_bytes_total' } },
    { column: 'read_bytes_per_second', unit: 'bytes/s', scale: 1 }),
  counter('disk_io', 'write_bytes', 'bytes', 'Bytes written.', { cadvisor: { family: 'container_fs_writes_bytes_total' } },
    { column: 'write_bytes_per_second', unit: 'bytes/s', scale: 1 }),
  counter('disk_io', 'read_ops', 'count', 'Reads completed.', { cadvisor: { family: 'container_fs_reads_total' } },
    { column: 'read_ops_per_second', unit: 'ops/s', scale: 1 }),
  counter('disk_io', 'write_ops', 'count', 'Writes completed.', { cadvisor: { family: 'container_fs_writes_total' } },
    { column: 'write_ops_per_second', unit: 'ops/s', scale: 1 }),
  counter('disk_io', 'read_time_seconds', 'seconds', 'Time spent reading.',
    { cadvisor: { family: 'container_fs_read_seconds_total' } },
    { column: 'read_time_percent', unit: 'percent', scale: 100 }, 'double precision'),
  counter('disk_io', 'write_time_seconds', 'seconds', 'Time spent writing.',
    { cadvisor: { family: 'container_fs_write_seconds_total' } },
    { column: 'write_time_percent', unit: 'percent', scale: 100 }, 'double precision'),
  counter('disk_io', 'io_time_seconds', 'seconds', 'Time the device had I/O in progress.',
    { cadvisor: { family: 'container_fs_io_time_seconds_total' } },
    { column: 'io_busy_percent', unit: 'percent', scale: 100 }, 'double precision'),
  gauge('disk_io', 'io_in_progress', 'count', 'I/Os currently in progress.',
    { cadvisor: { family: 'container_fs_io_current' } }, 'integer'),
];

type Sources = Pick<MetricDef, 'summary' | 'cadvisor' | 'resource' | 'view'>;
type Rate = NonNullable<MetricDef['rate']>;

function gauge(entity: Entity, column: string, unit: string, description: string, src: Sources,
  sqlType: SqlType = 'bigint'): MetricDef {
  return { entity, column, sqlType, kind: 'gauge', unit, description, ...src };
}

function counter(entity: Entity, column: string, unit: string, description: string, src: Sources, rate: Rate,
  sqlType: SqlType = 'bigint'): MetricDef {
  return { entity, column, sqlType, kind: 'counter', unit, description, ...src, rate };
}

/** cAdvisor family for a cgroup metric, or none for entities cAdvisor has no cgroup row for. */
function cad(family: string, extra: Omit<PromSource, 'family'> = {}): { cadvisor: PromSource } {
  return { cadvisor: { family, ...extra } };
}

/** /metrics/resource family name for the entities it covers (node_, pod_, container_ prefixes). */
function res(entity: Entity, suffix: string, scale?: number): { resource?: PromSource } {
  if (entity !== 'node' && entity !== 'pod' && entity !== 'container') return {};
  return { resource: { family: `${entity}_${suffix}`, ...(scale === undefined ? {} : { scale }) } };
}

function cpu(entity: Entity): MetricDef[] {
  return [
    gauge(entity, 'cpu_usage_nanocores', 'nanocores',
      'CPU in use, averaged over the kubelet window (1e9 = one core). Absent on the first scrape after start.',
      { summary: 'cpu.usageNanoCores', ...viewOn(entity, 'cpu', 'cpu', perContainer(entity, 'used')) }),
    counter(entity, 'cpu_usage_core_nanoseconds', 'nanoseconds', 'Cumulative CPU time.',
      { summary: 'cpu.usageCoreNanoSeconds', ...cad('container_cpu_usage_seconds_total', { scale: 1e9 }),
        ...res(entity, 'cpu_usage_seconds_total', 1e9) },
      // ns per second / 1e6 = millicores
      { column: 'cpu_rate_millicores', unit: 'millicores', scale: 1e-6 }),
  ];
}

/** Pressure stall information: `total` is cumulative stall time in µs, avgN are percentages. */
function psi(entity: Entity, resource: 'cpu' | 'memory' | 'io'): MetricDef[] {
  const defs: MetricDef[] = [];
  // cAdvisor names PSI "waiting" (some task stalled) and "stalled" (all tasks stalled), in seconds.
  for (const [kind, cadvisorWord] of [['some', 'waiting'], ['full', 'stalled']] as const) {
    defs.push(counter(entity, `${resource}_psi_${kind}_total_microseconds`, 'microseconds',
      `Cumulative time ${kind === 'some' ? 'at least one task' : 'all non-idle tasks'} stalled on ${resource} (PSI ${kind}).`,
      { summary: `${resource}.psi.${kind}.total`,
        ...cad(`container_pressure_${resource}_${cadvisorWord}_seconds_total`, { scale: 1e6 }) },
      // µs stalled per second / 1e6 × 100 = percent of wall time
      { column: `${resource}_psi_${kind}_stalled_percent`, unit: 'percent', scale: 1e-4 }));
    for (const window of ['avg10', 'avg60', 'avg300']) {
      defs.push(gauge(entity, `${resource}_psi_${kind}_${window}_percent`, 'percent',
        `Kernel ${window.slice(3)} s running average of PSI ${kind} for ${resource}.`,
        { summary: `${resource}.psi.${kind}.${window}`,
          ...(kind === 'some' && window === 'avg10' ? viewOn(entity, 'pressure', `psi_${resource}`, resource) : {}) },
        // The kernel gives two decimals in [0, 100]: a float4 holds every such value exactly as text.
        'real'));
    }
  }
  return defs;
}

function memory(entity: Entity): MetricDef[] {
  const perSecond = (column: string): Rate => ({ column: `${column}_per_second`, unit: 'count/s', scale: 1 });
  return [
    gauge(entity, 'memory_available_bytes', 'bytes', 'Memory limit minus working set (absent without a limit).',
      { summary: 'memory.availableBytes' }),
    gauge(entity, 'memory_usage_bytes', 'bytes', 'Total memory usage including page cache.',
      { summary: 'memory.usageBytes', ...cad('container_memory_usage_bytes') }),
    gauge(entity, 'memory_working_set_bytes', 'bytes', 'Working set memory (what the OOM killer looks at).',
      { summary: 'memory.workingSetBytes', ...cad('container_memory_working_set_bytes'),
        ...res(entity, 'memory_working_set_bytes'), ...viewOn(entity, 'memory', 'memory', perContainer(entity, 'working set')) }),
    gauge(entity, 'memory_rss_bytes', 'bytes', 'Anonymous and swap cache memory.',
      { summary: 'memory.rssBytes', ...cad('container_memory_rss') }),
    counter(entity, 'memory_page_faults', 'count', 'Cumulative page faults.',
      { summary: 'memory.pageFaults',
        ...cad('container_memory_failures_total', { labels: { failure_type: 'pgfault', scope: 'container' } }) },
      perSecond('memory_page_faults')),
    counter(entity, 'memory_major_page_faults', 'count', 'Cumulative major page faults (served from disk).',
      { summary: 'memory.majorPageFaults',
        ...cad('container_memory_failures_total', { labels: { failure_type: 'pgmajfault', scope: 'container' } }) },
      perSecond('memory_major_page_faults')),
    gauge(entity, 'memory_cache_bytes', 'bytes', 'Page cache memory.', cad('container_memory_cache')),
    gauge(entity, 'memory_mapped_file_bytes', 'bytes', 'Memory-mapped files.', cad('container_memory_mapped_file')),
    gauge(entity, 'memory_kernel_bytes', 'bytes', 'Kernel memory charged to the cgroup.',
      cad('container_memory_kernel_usage')),
    gauge(entity, 'memory_max_usage_bytes', 'bytes', 'Peak memory usage (cgroup v1 only).',
      cad('container_memory_max_usage_bytes')),
    counter(entity, 'memory_failcnt', 'count', 'Times the memory limit was hit (cgroup v1).',
      cad('container_memory_failcnt'), perSecond('memory_failcnt')),
    counter(entity, 'oom_events', 'count', 'OOM kills in the cgroup.', cad('container_oom_events_total'),
      perSecond('oom_events')),
  ];
}

function swap(entity: Entity): MetricDef[] {
  return [
    gauge(entity, 'swap_available_bytes', 'bytes', 'Swap still available to the cgroup (1.28+).',
      { summary: 'swap.swapAvailableBytes' }),
    gauge(entity, 'swap_usage_bytes', 'bytes', 'Swap in use (1.28+).',
      { summary: 'swap.swapUsageBytes', ...cad('container_memory_swap'), ...res(entity, 'swap_usage_bytes') }),
  ];
}

/** The node's or pod's default interface (eth0) totals; every interface has its own row in `interface`. */
function network(entity: Entity): MetricDef[] {
  return (['rx_bytes', 'rx_errors', 'tx_bytes', 'tx_errors'] as const).map((name) => {
    const field = { rx_bytes: 'rxBytes', rx_errors: 'rxErrors', tx_bytes: 'txBytes', tx_errors: 'txErrors' }[name];
    const unit = name.endsWith('bytes') ? 'bytes' : 'count';
    const direction = name.slice(0, 2);
    return counter(entity, `network_${name}`, unit, `Default interface ${name.replace('_', ' ')}, cumulative.`,
      { summary: `network.${field}`, ...(unit === 'bytes' ? viewOn(entity, 'network', direction, direction, 'rate') : {}) }, { column: `network_${name}_per_second`, unit: `${unit}/s`, scale: 1 });
  });
}

/** Which chart a filesystem's used bytes (and optionally its capacity) are lines of. */
interface FsChart {
  chart: string;
  /** Series name prefix: `<series>_used`, `<series>_capacity`. */
  series: string;
  label?: string;
  capacity?: boolean;
}

/** FsStats (availableBytes … inodesUsed) under a column prefix and a summary path prefix. */
function fs(entity: Entity, prefix: string, path: string, what: string, chart?: FsChart): MetricDef[] {
  const col = (name: string): string => (prefix ? `${prefix}_${name}` : name);
  const at = (field: string): string => (path ? `${path}.${field}` : field);
  const used = chart ? viewOn(entity, chart.chart, `${chart.series}_used`, chart.label ?? 'used') : {};
  const capacity = chart?.capacity ? viewOn(entity, chart.chart, `${chart.series}_capacity`, 'capacity', 'value', true) : {};
  return [
    gauge(entity, col('available_bytes'), 'bytes', `${what}: bytes available.`, { summary: at('availableBytes') }),
    gauge(entity, col('capacity_bytes'), 'bytes', `${what}: capacity.`, { summary: at('capacityBytes'), ...capacity }),
    gauge(entity, col('used_bytes'), 'bytes', `${what}: bytes used.`, { summary: at('usedBytes'), ...used }),
    gauge(entity, col('inodes'), 'count', `${what}: inodes in total.`, { summary: at('inodes') }),
    gauge(entity, col('inodes_free'), 'count', `${what}: free inodes.`, { summary: at('inodesFree') }),
    gauge(entity, col('inodes_used'), 'count', `${what}: inodes used.`, { summary: at('inodesUsed') }),
  ];
}

/** cAdvisor-only cgroup metrics: CFS throttling, tasks, descriptors (and process_count from the summary). */
function cgroupExtras(entity: Entity): MetricDef[] {
  return [
    counter(entity, 'cpu_cfs_periods', 'count', 'Elapsed CFS enforcement periods (only with a CPU limit).',
      // charted beside the throttled periods: the viewer shows their ratio, the throttled share
      { ...cad('container_cpu_cfs_periods_total'), ...viewOn(entity, 'throttling', 'periods', 'periods', 'rate') }, { column: 'cpu_cfs_periods_per_second', unit: 'count/s', scale: 1 }),
    counter(entity, 'cpu_cfs_throttled_periods', 'count', 'CFS periods in which the cgroup was throttled.',
      { ...cad('container_cpu_cfs_throttled_periods_total'), ...viewOn(entity, 'throttling', 'throttled', '', 'rate') },
      { column: 'cpu_cfs_throttled_periods_per_second', unit: 'count/s', scale: 1 }),
    counter(entity, 'cpu_cfs_throttled_seconds', 'seconds', 'Cumulative time the cgroup was throttled.',
      { ...cad('container_cpu_cfs_throttled_seconds_total'), ...viewOn(entity, 'throttled_cpu', 'throttled_cpu', '', 'rate') },
      // throttled seconds per second × 1000 = millicores of demand held back
      { column: 'cpu_cfs_throttled_millicores', unit: 'millicores', scale: 1000 }, 'double precision'),
    gauge(entity, 'process_count', 'count', 'Processes in the cgroup.',
      // For pods the summary's process_stats is used alone: cAdvisor's pod cgroup counts only processes
      // directly in it (0 on cgroup v2, where they live in the container cgroups below).
      entity === 'pod' ? { summary: 'process_stats.process_count' } : cad('container_processes'), 'integer'),
    // Counts bounded by the kernel (pid_max ≤ 2^22, nr_open ≤ 2^30): 4 bytes each.
    gauge(entity, 'threads', 'count', 'Threads in the cgroup.', cad('container_threads'), 'integer'),
    gauge(entity, 'threads_max', 'count', 'Thread limit of the cgroup (0 = unlimited).', cad('container_threads_max'), 'integer'),
    gauge(entity, 'file_descriptors', 'count', 'Open file descriptors.', cad('container_file_descriptors'), 'integer'),
    gauge(entity, 'sockets', 'count', 'Open sockets.', cad('container_sockets'), 'integer'),
  ];
}

function interfaceCounters(): MetricDef[] {
  const defs: MetricDef[] = [];
  const add = (column: string, unit: string, summary: string | undefined, family: string, what: string): void => {
    const direction = column.slice(0, 2);
    const view = column.endsWith('_bytes') ? viewOn('interface', 'network', direction, direction, 'rate') : {};
    defs.push(counter('interface', column, unit, `${what}, cumulative.`,
      { ...(summary ? { summary } : {}), ...cad(family), ...view },
      { column: `${column}_per_second`, unit: `${unit}/s`, scale: 1 }));
  };
  add('rx_bytes', 'bytes', 'rxBytes', 'container_network_receive_bytes_total', 'Bytes received');
  add('rx_errors', 'count', 'rxErrors', 'container_network_receive_errors_total', 'Receive errors');
  add('tx_bytes', 'bytes', 'txBytes', 'container_network_transmit_bytes_total', 'Bytes transmitted');
  add('tx_errors', 'count', 'txErrors', 'container_network_transmit_errors_total', 'Transmit errors');
  add('rx_packets', 'count', undefined, 'container_network_receive_packets_total', 'Packets received');
  add('tx_packets', 'count', undefined, 'container_network_transmit_packets_total', 'Packets transmitted');
  add('rx_dropped', 'count', undefined, 'container_network_receive_packets_dropped_total', 'Received packets dropped');
  add('tx_dropped', 'count', undefined, 'container_network_transmit_packets_dropped_total', 'Transmitted packets dropped');
  return defs;
}

export function metricsOf(entity: Entity): MetricDef[] {
  return METRIC_DEFS.filter((d) => d.entity === entity);
}

/**
 * The type of every derived rate column. A rate is a convenience computed at ingest from its counter, which
 * is stored exactly beside it (and the rate can always be recomputed from it): float4's 7 significant
 * digits are more than a chart or an alert needs, and half of a double's 8 bytes per value (migration 013).
 */
export const RATE_SQL_TYPE: SqlType = 'real';

/** A floating-point SQL type (decoders keep fractions; the history codec encodes it as floats). */
export function isFloatType(t: SqlType): boolean {
  return t === 'double precision' || t === 'real';
}

/** Every stored metric column of an entity in table order: each metric, then the rate columns. */
export function metricColumnsOf(entity: Entity): Array<{ column: string; sqlType: SqlType; unit: string }> {
  const defs = metricsOf(entity);
  return [
    ...defs.map((d) => ({ column: d.column, sqlType: d.sqlType, unit: d.unit })),
    ...defs.flatMap((d) => (d.rate ? [{ column: d.rate.column, sqlType: RATE_SQL_TYPE, unit: d.rate.unit }] : [])),
  ];
}

/** Key, source and attribute column names of an entity (without cluster_id, which the collector adds). */
export function identityColumnsOf(entity: Entity): string[] {
  const t = ENTITY_TABLES[entity];
  return [...t.keys, SOURCE_COLUMN, ...t.attributes].map((k) => k.column).filter((c) => c !== 'cluster_id');
}

/**
 * The columns a cAdvisor row can hold a value in: identity, the metrics cAdvisor maps and their rates. A
 * row object carries every column of its entity (rowFactory); a reader of cAdvisor rows need look at these
 * only.
 */
export function cadvisorColumnsOf(entity: Entity): string[] {
  const metrics = metricsOf(entity).filter((d) => d.cadvisor).flatMap((d) => (d.rate ? [d.column, d.rate.column] : [d.column]));
  return ['cluster_id', ...identityColumnsOf(entity), ...metrics];
}

/** The columns that identify a row's entity within its cluster: its key columns but cluster_id and ts. */
export function entityKeyColumnsOf(entity: Entity): string[] {
  return ENTITY_TABLES[entity].keys.map((k) => k.column).filter((c) => c !== 'cluster_id' && c !== 'ts');
}

/**
 * The identity of a row within a cluster, as one string: its entityKeyColumnsOf joined.
 * Rate state and start times are looked up by it.
 */
export function entityKeyOf(entity: Entity, row: Record<string, unknown>): string {
  return ENTITY_KEY_OF[entity](row);
}

/**
 * Per entity, its key as straight-line code over its key columns (util/generated-code.ts): called for
 * every row more than once on the hot path (join, series ids).
 */
const ENTITY_KEY_OF = Object.fromEntries(
  (Object.keys(ENTITY_TABLES) as Entity[]).map((e) => {
    const parts = entityKeyColumnsOf(e).map((c) => `String(${prop('row', c)} ?? '')`);
    return [e, generated<(row: Record<string, unknown>) => string>(`function entityKey(row) { return ${parts.join(" + '\\u001f' + ")}; }`)];
  }),
) as Record<Entity, (row: Record<string, unknown>) => string>;

/**
 * A row field that is no column: set (to 1) on the first sample of a series this process has seen. It may
 * repeat the last sample a previous process stored or spooled (a kubelet serves the same sample until its
 * next refresh), so the writer inserts it only where absent (metric-copy.ts). It travels with the row into
 * the spool.
 */
export const FIRST_SAMPLE = '@first';

/** A decoded sample row: key columns, attribute columns and metric columns, by column name. */
export type MetricRow = Record<string, string | number | Date | null>;

/** What one scrape of one node yields, grouped by entity. `cluster_id` is filled by the collector. */
export type MetricRows = { [E in Entity]: MetricRow[] };

export function emptyMetricRows(): MetricRows {
  return { node: [], system_container: [], pod: [], container: [], volume: [], interface: [], disk_io: [] };
}

/** Every column of an entity's rows (identity, then metrics, then rates) in table order. */
function rowColumnsOf(entity: Entity): string[] {
  return [...identityColumnsOf(entity), ...metricColumnsOf(entity).map((c) => c.column)];
}

/**
 * A function returning a new row with every column of the entity set to null, in table order. It is
 * generated as one object literal because that is measured ~10× faster than spreading or filling a
 * ~100-column template: V8 turns a literal into a fixed-shape object, while a copied wide object falls
 * back to a slow dictionary. Column names come from the declarations above, never from input.
 */
export function rowFactory(entity: Entity): () => MetricRow {
  const body = rowColumnsOf(entity).map((c) => `${JSON.stringify(c)}: null`).join(', ');
  return generated<() => MetricRow>(`function newRow() { return { ${body} }; }`);
}
