// Which cAdvisor families kubepulse stores, in which columns of which entity (from the metric
// definitions), and which it leaves out on purpose: the decoder's table of families.
import { METRIC_DEFS, isFloatType, type Entity } from '../definitions.js';

/** Families deliberately not stored, with why, so they are not reported as unmapped. */
export const IGNORED_CADVISOR_FAMILIES: Record<string, string> = {
  cadvisor_version_info: 'build information, not a measurement',
  container_blkio_device_usage_total: 'per major/minor duplicate of the per-device counters in disk_io',
  container_cpu_load_average_10s: 'always 0 unless cAdvisor load reading is enabled (it is not in the kubelet)',
  container_cpu_load_d_average_10s: 'always 0 unless cAdvisor load reading is enabled',
  container_cpu_system_seconds_total: 'user/system split not stored; total CPU is',
  container_cpu_user_seconds_total: 'user/system split not stored; total CPU is',
  container_fs_inodes_free: 'filesystem usage comes from the Summary API (rootfs, logs, nodefs)',
  container_fs_inodes_total: 'filesystem usage comes from the Summary API',
  container_fs_limit_bytes: 'filesystem usage comes from the Summary API',
  container_fs_usage_bytes: 'filesystem usage comes from the Summary API',
  container_fs_io_time_weighted_seconds_total: 'queue-weighted I/O time; io_time_seconds is kept',
  container_fs_reads_merged_total: 'block-layer merge detail',
  container_fs_writes_merged_total: 'block-layer merge detail',
  container_fs_sector_reads_total: 'duplicate of read_bytes (sectors × 512)',
  container_fs_sector_writes_total: 'duplicate of write_bytes (sectors × 512)',
  container_last_seen: 'the scrape time, not a measurement',
  container_memory_total_active_file_bytes: 'page-cache detail; working set already excludes inactive file',
  container_memory_total_inactive_file_bytes: 'page-cache detail; working set already excludes inactive file',
  container_network_tcp_usage_total: 'disabled in the kubelet (always 0)',
  container_network_tcp6_usage_total: 'disabled in the kubelet (always 0)',
  container_network_udp_usage_total: 'disabled in the kubelet (always 0)',
  container_network_udp6_usage_total: 'disabled in the kubelet (always 0)',
  container_scrape_error: 'scrape health, reported by the collector status instead',
  container_spec_cpu_period: 'limits and requests come from the pod spec in the inventory',
  container_spec_cpu_quota: 'limits and requests come from the pod spec in the inventory',
  container_spec_cpu_shares: 'limits and requests come from the pod spec in the inventory',
  container_spec_memory_limit_bytes: 'limits and requests come from the pod spec in the inventory',
  container_spec_memory_reservation_limit_bytes: 'limits and requests come from the pod spec in the inventory',
  container_spec_memory_swap_limit_bytes: 'limits and requests come from the pod spec in the inventory',
  container_start_time_seconds: 'used as the counter-reset start time, not stored as a column',
  container_tasks_state: 'task state histogram; process_count and threads are kept',
  container_ulimits_soft: 'process limits, not usage',
  machine_cpu_cores: 'node capacity comes from the node object in the inventory',
  machine_cpu_physical_cores: 'node capacity comes from the node object',
  machine_cpu_sockets: 'node capacity comes from the node object',
  machine_memory_bytes: 'node capacity comes from the node object',
  machine_swap_bytes: 'node capacity comes from the node object',
  machine_nvm_avg_power_budget_watts: 'NVM hardware detail',
  machine_nvm_capacity: 'NVM hardware detail',
  machine_scrape_error: 'scrape health, reported by the collector status instead',
};

export interface Target { column: string; labels: Array<[string, string]>; scale: number; integer: boolean }

export type Targets = Map<string, Map<Entity, Target[]>>;

/** family → entity → targets (several when label filters split one family, e.g. pgfault/pgmajfault). */
function targetsOf(defs: typeof METRIC_DEFS): Targets {
  const out: Targets = new Map();
  for (const def of defs) {
    if (!def.cadvisor) continue;
    let byEntity = out.get(def.cadvisor.family);
    if (!byEntity) out.set(def.cadvisor.family, (byEntity = new Map<Entity, Target[]>()));
    const list = byEntity.get(def.entity) ?? [];
    list.push({
      column: def.column,
      labels: Object.entries(def.cadvisor.labels ?? {}),
      scale: def.cadvisor.scale ?? 1,
      integer: !isFloatType(def.sqlType),
    });
    byEntity.set(def.entity, list);
  }
  return out;
}

export const TARGETS = targetsOf(METRIC_DEFS);
/**
 * What cAdvisor alone gives when the Summary API is collected too: the summary fills CPU, memory, PSI and
 * network bytes from the same cgroup counters of the same housekeeping pass, so those families are
 * skipped before their labels (about a third of a 30-pod payload's lines) and each value is stored once.
 */
export const CADVISOR_ONLY_TARGETS = targetsOf(METRIC_DEFS.filter((d) => !d.summary));

export const NETWORK_FAMILIES = new Set(
  METRIC_DEFS.filter((d) => d.entity === 'interface' && d.cadvisor).map((d) => d.cadvisor!.family),
);
export const CPU_USAGE_FAMILY = 'container_cpu_usage_seconds_total';
/** Not stored as a column: each cgroup's start time, which tells the rate tracker a counter restarted. */
export const START_TIME_FAMILY = 'container_start_time_seconds';
