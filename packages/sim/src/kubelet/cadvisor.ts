// Renders /metrics/cadvisor: the families, label sets and row kinds a kubelet's embedded cAdvisor exposes
// for the simulated version (checked against the 1.22/1.28/1.35 fixtures), values from the same NodeSample
// as /stats/summary. Families in alphabetical order, Go-style floats, ms timestamps on sampled values and
// none on spec_*, start_time and machine_* (cAdvisor sets timestamps only on values it collected).
import type { NodeSample } from './sample.js';
import { goFloat } from './promfmt.js';
import { scratch, type TextWriter } from './text-writer.js';
import { buildRows, type LabelCache, type Row } from './cadvisor-rows.js';
import { hex64 } from './sample.js';
import { hash32 } from './series.js';
import type { KubeletFeatures } from './version.js';

const BLOCK_DEVICE = '/dev/nvme0n1';
const BLOCK_MAJOR = 'major="259",minor="0",';
const COMMA = 44;

interface RootFs {
  device: string;
  capacityBytes: number;
  usedBytes: number;
  inodes: number;
  inodesFree: number;
  reads: number;
  writes: number;
}

interface Ctx {
  w: TextWriter;
  rows: Row[];
  /** ' <ms>\n' appended after a value that carries cAdvisor's sample time */
  ts: Buffer;
  tickS: number;
  fs: RootFs[];
}

/** Writes one family's samples; `open` is the pre-encoded 'name{'. */
type Emit = (ctx: Ctx, open: Buffer) => void;

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  emit: Emit;
  /** Only emitted when the simulated version has it. */
  when?: (f: KubeletFeatures) => boolean;
}

const NEWLINE = Buffer.from('\n');

/** One sample per row with the six base labels; getter returns null to skip a row. */
function perRow(get: (r: Row, ctx: Ctx) => number | null, withTs = true): Emit {
  return (ctx, open) => {
    const { w } = ctx;
    const tail = withTs ? ctx.ts : NEWLINE;
    for (const r of ctx.rows) {
      const v = get(r, ctx);
      if (v !== null) w.bytes(open).bytes(r.l.base).str('} ').promFloat(v).bytes(tail);
    }
  };
}

/** {container,<extra>,id,image,name,namespace,pod} — for the labels that sort after container. */
function withExtra(w: TextWriter, open: Buffer, r: Row, extra: string): TextWriter {
  return w.bytes(open).bytes(r.l.c).byte(COMMA).str(extra).bytes(r.l.ii).byte(COMMA).bytes(r.l.nn).byte(COMMA).bytes(r.l.p).str('} ');
}

/** Per block device rows ([readBytes, writeBytes, reads, writes] index), plus the root's filesystems. */
function perDevice(ioIndex: number, rootFs: ((fs: RootFs) => number) | null): Emit {
  const blockLabel = `device="${BLOCK_DEVICE}",`;
  return (ctx, open) => {
    const { w } = ctx;
    for (const r of ctx.rows) {
      if (r.kind === 'root' && rootFs) {
        for (const fs of ctx.fs) withExtra(w, open, r, `device="${fs.device}",`).promFloat(rootFs(fs)).bytes(ctx.ts);
      }
      if (r.io && ioIndex >= 0) withExtra(w, open, r, blockLabel).promFloat(r.io[ioIndex]).bytes(ctx.ts);
    }
  };
}

function perInterface(index: number): Emit {
  return (ctx, open) => {
    const { w } = ctx;
    for (const r of ctx.rows) {
      if (!r.net) continue;
      for (const i of r.net) {
        w.bytes(open).bytes(r.l.c).byte(COMMA).bytes(r.l.ii).str(',interface="').str(i[0]).str('",').bytes(r.l.nn).byte(COMMA).bytes(r.l.p).str('} ');
        w.promFloat(i[index] as number).bytes(ctx.ts);
      }
    }
  };
}

const blkio: Emit = (ctx, open) => {
  const { w } = ctx;
  for (const r of ctx.rows) {
    if (!r.io) continue;
    for (const [op, v] of [['Read', r.io[0]], ['Write', r.io[1]]] as const) {
      w.bytes(open).bytes(r.l.c).str(`,device="${BLOCK_DEVICE}",`).bytes(r.l.ii).byte(COMMA).str(BLOCK_MAJOR).bytes(r.l.nn).str(`,operation="${op}",`).bytes(r.l.p).str('} ');
      w.promFloat(v).bytes(ctx.ts);
    }
  }
};

const memoryFailures: Emit = (ctx, open) => {
  const { w } = ctx;
  for (const r of ctx.rows) {
    for (const type of ['pgfault', 'pgmajfault'] as const) {
      const v = type === 'pgfault' ? r.pageFaults : r.majorPageFaults;
      for (const scope of ['container', 'hierarchy'] as const) {
        w.bytes(open).bytes(r.l.c).str(`,failure_type="${type}",`).bytes(r.l.ii).byte(COMMA).bytes(r.l.nn).byte(COMMA).bytes(r.l.p).str(`,scope="${scope}"} `);
        w.promFloat(v).bytes(ctx.ts);
      }
    }
  }
};

const TASK_STATES = ['iowaiting', 'running', 'sleeping', 'stopped', 'uninterruptible'] as const;

const tasksState: Emit = (ctx, open) => {
  const { w } = ctx;
  for (const r of ctx.rows) {
    const running = r.kind === 'pause' ? 0 : r.cpuNs > 0 ? 1 : 0;
    for (const state of TASK_STATES) {
      const v = state === 'running' ? running : state === 'sleeping' ? Math.max(0, r.threads - running) : 0;
      w.bytes(open).bytes(r.l.base).str(`,state="${state}"} `).promFloat(v).bytes(ctx.ts);
    }
  }
};

const ulimits: Emit = (ctx, open) => {
  const { w } = ctx;
  for (const r of ctx.rows) {
    if (r.kind === 'root' || r.kind === 'app' || r.kind === 'pause') w.bytes(open).bytes(r.l.base).str(',ulimit="max_open_files"} 1.048576e+06').bytes(ctx.ts);
  }
};

const cpuUsage: Emit = (ctx, open) => {
  const { w } = ctx;
  for (const r of ctx.rows) withExtra(w, open, r, 'cpu="total",').promFloat(r.cpuNs / 1e9).bytes(ctx.ts);
};

const notRootFs = (f: (fs: RootFs) => number): Emit => perDevice(-1, f);
const newer = (f: KubeletFeatures) => f.newerCadvisorFamilies;
const psi = (f: KubeletFeatures) => f.psi;
const oomUlimit = (f: KubeletFeatures) => f.oomEventsAndUlimits;

/** All families, alphabetical (the order client_golang's Gather() yields). */
const FAMILIES: Family[] = [
  { name: 'container_blkio_device_usage_total', type: 'counter', help: 'Blkio Device bytes usage', emit: blkio },
  { name: 'container_cpu_cfs_periods_total', type: 'counter', help: 'Number of elapsed enforcement period intervals.', emit: perRow((r) => (r.cfs ? r.cfs[0] : null)) },
  { name: 'container_cpu_cfs_throttled_periods_total', type: 'counter', help: 'Number of throttled period intervals.', emit: perRow((r) => (r.cfs ? r.cfs[1] : null)) },
  { name: 'container_cpu_cfs_throttled_seconds_total', type: 'counter', help: 'Total time duration the container has been throttled.', emit: perRow((r) => (r.cfs ? r.cfs[2] / 1e9 : null)) },
  { name: 'container_cpu_load_average_10s', type: 'gauge', help: 'Value of container cpu load average over the last 10 seconds.', emit: perRow(() => 0) },
  { name: 'container_cpu_load_d_average_10s', type: 'gauge', help: 'Value of container cpu load.d average over the last 10 seconds.', emit: perRow(() => 0), when: newer },
  { name: 'container_cpu_system_seconds_total', type: 'counter', help: 'Cumulative system cpu time consumed in seconds.', emit: perRow((r) => Math.round(r.cpuNs * 0.3 / 1e3) / 1e6) },
  { name: 'container_cpu_usage_seconds_total', type: 'counter', help: 'Cumulative cpu time consumed in seconds.', emit: cpuUsage },
  { name: 'container_cpu_user_seconds_total', type: 'counter', help: 'Cumulative user cpu time consumed in seconds.', emit: perRow((r) => Math.round(r.cpuNs * 0.7 / 1e3) / 1e6) },
  { name: 'container_file_descriptors', type: 'gauge', help: 'Number of open file descriptors for the container.', emit: perRow((r) => r.fds) },
  { name: 'container_fs_inodes_free', type: 'gauge', help: 'Number of available Inodes', emit: notRootFs((f) => f.inodesFree) },
  { name: 'container_fs_inodes_total', type: 'gauge', help: 'Number of Inodes', emit: notRootFs((f) => f.inodes) },
  { name: 'container_fs_io_current', type: 'gauge', help: 'Number of I/Os currently in progress', emit: notRootFs(() => 0) },
  { name: 'container_fs_io_time_seconds_total', type: 'counter', help: 'Cumulative count of seconds spent doing I/Os', emit: notRootFs((f) => (f.reads + f.writes) * 0.0002) },
  { name: 'container_fs_io_time_weighted_seconds_total', type: 'counter', help: 'Cumulative weighted I/O time in seconds', emit: notRootFs((f) => (f.reads + f.writes) * 0.0005) },
  { name: 'container_fs_limit_bytes', type: 'gauge', help: 'Number of bytes that can be consumed by the container on this filesystem.', emit: notRootFs((f) => f.capacityBytes) },
  { name: 'container_fs_read_seconds_total', type: 'counter', help: 'Cumulative count of seconds spent reading', emit: notRootFs((f) => f.reads * 0.0003) },
  { name: 'container_fs_reads_bytes_total', type: 'counter', help: 'Cumulative count of bytes read', emit: perDevice(0, null) },
  { name: 'container_fs_reads_merged_total', type: 'counter', help: 'Cumulative count of reads merged', emit: notRootFs((f) => Math.floor(f.reads / 10)) },
  { name: 'container_fs_reads_total', type: 'counter', help: 'Cumulative count of reads completed', emit: perDevice(2, (f) => f.reads) },
  { name: 'container_fs_sector_reads_total', type: 'counter', help: 'Cumulative count of sector reads completed', emit: notRootFs((f) => f.reads * 64) },
  { name: 'container_fs_sector_writes_total', type: 'counter', help: 'Cumulative count of sector writes completed', emit: notRootFs((f) => f.writes * 32) },
  { name: 'container_fs_usage_bytes', type: 'gauge', help: 'Number of bytes that are consumed by the container on this filesystem.', emit: notRootFs((f) => f.usedBytes) },
  { name: 'container_fs_write_seconds_total', type: 'counter', help: 'Cumulative count of seconds spent writing', emit: notRootFs((f) => f.writes * 0.0004) },
  { name: 'container_fs_writes_bytes_total', type: 'counter', help: 'Cumulative count of bytes written', emit: perDevice(1, null) },
  { name: 'container_fs_writes_merged_total', type: 'counter', help: 'Cumulative count of writes merged', emit: notRootFs((f) => Math.floor(f.writes / 5)) },
  { name: 'container_fs_writes_total', type: 'counter', help: 'Cumulative count of writes completed', emit: perDevice(3, (f) => f.writes) },
  { name: 'container_last_seen', type: 'gauge', help: 'Last time a container was seen by the exporter', emit: perRow((_r, ctx) => Math.floor(ctx.tickS)) },
  { name: 'container_memory_cache', type: 'gauge', help: 'Number of bytes of page cache memory.', emit: perRow((r) => r.mem.cacheBytes) },
  { name: 'container_memory_failcnt', type: 'counter', help: 'Number of memory usage hits limits', emit: perRow(() => 0) },
  { name: 'container_memory_failures_total', type: 'counter', help: 'Cumulative count of memory allocation failures.', emit: memoryFailures },
  { name: 'container_memory_kernel_usage', type: 'gauge', help: 'Size of kernel memory allocated in bytes.', emit: perRow((r) => r.mem.kernelBytes), when: newer },
  { name: 'container_memory_mapped_file', type: 'gauge', help: 'Size of memory mapped files in bytes.', emit: perRow((r) => r.mem.mappedFileBytes) },
  { name: 'container_memory_max_usage_bytes', type: 'gauge', help: 'Maximum memory usage recorded in bytes', emit: perRow((r) => Math.floor(r.mem.usageBytes * 1.08 / 4096) * 4096) },
  { name: 'container_memory_rss', type: 'gauge', help: 'Size of RSS in bytes.', emit: perRow((r) => r.mem.rssBytes) },
  { name: 'container_memory_swap', type: 'gauge', help: 'Container swap usage in bytes.', emit: perRow(() => 0) },
  { name: 'container_memory_total_active_file_bytes', type: 'gauge', help: 'Current total active file in bytes.', emit: perRow((r) => Math.floor(r.mem.cacheBytes / 8192) * 4096), when: newer },
  { name: 'container_memory_total_inactive_file_bytes', type: 'gauge', help: 'Current total inactive file in bytes.', emit: perRow((r) => r.mem.cacheBytes - Math.floor(r.mem.cacheBytes / 8192) * 4096), when: newer },
  { name: 'container_memory_usage_bytes', type: 'gauge', help: 'Current memory usage in bytes, including all memory regardless of when it was accessed', emit: perRow((r) => r.mem.usageBytes) },
  { name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set in bytes.', emit: perRow((r) => r.mem.workingSetBytes) },
  { name: 'container_network_receive_bytes_total', type: 'counter', help: 'Cumulative count of bytes received', emit: perInterface(1) },
  { name: 'container_network_receive_errors_total', type: 'counter', help: 'Cumulative count of errors encountered while receiving', emit: perInterface(3) },
  { name: 'container_network_receive_packets_dropped_total', type: 'counter', help: 'Cumulative count of packets dropped while receiving', emit: perInterface(4) },
  { name: 'container_network_receive_packets_total', type: 'counter', help: 'Cumulative count of packets received', emit: perInterface(2) },
  { name: 'container_network_transmit_bytes_total', type: 'counter', help: 'Cumulative count of bytes transmitted', emit: perInterface(5) },
  { name: 'container_network_transmit_errors_total', type: 'counter', help: 'Cumulative count of errors encountered while transmitting', emit: perInterface(7) },
  { name: 'container_network_transmit_packets_dropped_total', type: 'counter', help: 'Cumulative count of packets dropped while transmitting', emit: perInterface(8) },
  { name: 'container_network_transmit_packets_total', type: 'counter', help: 'Cumulative count of packets transmitted', emit: perInterface(6) },
  { name: 'container_oom_events_total', type: 'counter', help: 'Count of out of memory events observed for the container', emit: perRow((r) => r.oomEvents), when: oomUlimit },
  { name: 'container_pressure_cpu_stalled_seconds_total', type: 'counter', help: 'Total time duration no tasks in the container could make progress due to CPU congestion.', emit: perRow((r) => r.psi[1] / 1e6), when: psi },
  { name: 'container_pressure_cpu_waiting_seconds_total', type: 'counter', help: 'Total time duration tasks in the container have waited due to CPU congestion.', emit: perRow((r) => r.psi[0] / 1e6), when: psi },
  { name: 'container_pressure_io_stalled_seconds_total', type: 'counter', help: 'Total time duration no tasks in the container could make progress due to IO congestion.', emit: perRow((r) => r.psi[5] / 1e6), when: psi },
  { name: 'container_pressure_io_waiting_seconds_total', type: 'counter', help: 'Total time duration tasks in the container have waited due to IO congestion.', emit: perRow((r) => r.psi[4] / 1e6), when: psi },
  { name: 'container_pressure_memory_stalled_seconds_total', type: 'counter', help: 'Total time duration no tasks in the container could make progress due to memory congestion.', emit: perRow((r) => r.psi[3] / 1e6), when: psi },
  { name: 'container_pressure_memory_waiting_seconds_total', type: 'counter', help: 'Total time duration tasks in the container have waited due to memory congestion.', emit: perRow((r) => r.psi[2] / 1e6), when: psi },
  { name: 'container_processes', type: 'gauge', help: 'Number of processes running inside the container.', emit: perRow((r) => r.processes) },
  { name: 'container_sockets', type: 'gauge', help: 'Number of open sockets for the container.', emit: perRow((r) => r.sockets) },
  { name: 'container_spec_cpu_period', type: 'gauge', help: 'CPU period of the container.', emit: perRow(() => 100000, false) },
  { name: 'container_spec_cpu_quota', type: 'gauge', help: 'CPU quota of the container.', emit: perRow((r) => r.quotaUs, false) },
  { name: 'container_spec_cpu_shares', type: 'gauge', help: 'CPU share of the container.', emit: perRow((r) => r.shares, false) },
  { name: 'container_spec_memory_limit_bytes', type: 'gauge', help: 'Memory limit for the container.', emit: perRow((r) => r.memLimitBytes, false) },
  { name: 'container_spec_memory_reservation_limit_bytes', type: 'gauge', help: 'Memory reservation limit for the container.', emit: perRow(() => 0, false) },
  { name: 'container_spec_memory_swap_limit_bytes', type: 'gauge', help: 'Memory swap limit for the container.', emit: perRow((r) => r.swapLimitBytes, false) },
  { name: 'container_start_time_seconds', type: 'gauge', help: 'Start time of the container since unix epoch in seconds.', emit: perRow((r) => Math.floor(r.startS), false) },
  { name: 'container_tasks_state', type: 'gauge', help: 'Number of tasks in given state', emit: tasksState },
  { name: 'container_threads', type: 'gauge', help: 'Number of threads running inside the container', emit: perRow((r) => r.threads) },
  { name: 'container_threads_max', type: 'gauge', help: 'Maximum number of threads allowed inside the container, infinity if value is zero', emit: perRow(() => 0) },
  { name: 'container_ulimits_soft', type: 'gauge', help: 'Soft ulimit values for the container root process. Unlimited if -1, except priority and nice', emit: ulimits, when: oomUlimit },
];

function header(w: TextWriter, name: string, type: string, help: string): void {
  w.str('# HELP ').str(name).byte(32).str(help).str('\n# TYPE ').str(name).byte(32).str(type).byte(10);
}

/** 'name{' per family, encoded once. */
const OPEN = new Map<string, Buffer>();
function openOf(name: string): Buffer {
  let b = OPEN.get(name);
  if (!b) OPEN.set(name, (b = Buffer.from(`${name}{`, 'latin1')));
  return b;
}

function rootFilesystems(s: NodeSample, io: [number, number, number, number]): RootFs[] {
  const MiB = 1024 * 1024;
  const small = (device: string, capacityBytes: number, usedBytes: number): RootFs => ({
    device, capacityBytes, usedBytes, inodes: Math.floor(capacityBytes / 4096), inodesFree: Math.floor(capacityBytes / 4096) - 1 - Math.floor(usedBytes / 4096), reads: 0, writes: 0,
  });
  return [
    small('/dev', 64 * MiB, 0),
    small('/dev/shm', 64 * MiB, 0),
    { device: '/dev/nvme0n1p1', capacityBytes: s.fs.capacityBytes, usedBytes: s.fs.usedBytes, inodes: s.fs.inodes, inodesFree: s.fs.inodes - s.fs.inodesUsed, reads: io[2], writes: io[3] },
    small('/run', Math.floor(s.view.memoryBytes / 5 / 4096) * 4096, (4 + (s.view.seed % 12)) * MiB),
    small('/run/lock', 5 * MiB, 0),
  ];
}

function machineLabels(s: NodeSample): string {
  const v = s.view;
  const boot = hex64(hash32(v.seed, v.startTime.getTime() % 2147483647));
  const machine = hex64(hash32(v.seed, 0x3ac4)).slice(0, 32);
  return `boot_id="${boot.slice(0, 8)}-${boot.slice(8, 12)}-${boot.slice(12, 16)}-${boot.slice(16, 20)}-${boot.slice(20, 32)}",machine_id="${machine}",system_uuid="${machine.slice(0, 8)}-${machine.slice(8, 12)}-${machine.slice(12, 16)}-${machine.slice(16, 20)}-${machine.slice(20, 32)}"`;
}

function kernelOf(f: KubeletFeatures): [string, string] {
  if (f.minor >= 33) return ['6.12.54-cloud-amd64', 'Debian GNU/Linux 12 (bookworm)'];
  if (f.minor >= 27) return ['6.5.0-1025-aws', 'Ubuntu 22.04.4 LTS'];
  return ['5.15.0-1057-aws', 'Ubuntu 20.04.6 LTS'];
}

/** The whole /metrics/cadvisor body as a string; labelCache is the kubelet's own (returned updated). */
export function renderCadvisor(s: NodeSample, labelCache: LabelCache = new Map()): { body: string; labelCache: LabelCache } {
  const r = writeCadvisor(s, labelCache);
  return { body: r.w.toString(), labelCache: r.labelCache };
}

/** Writes the /metrics/cadvisor body into `w` (by default the shared scratch writer, valid until the next render). */
export function writeCadvisor(s: NodeSample, labelCache: LabelCache = new Map(), w: TextWriter = scratch.reset()): { w: TextWriter; labelCache: LabelCache } {
  const { rows, next } = buildRows(s, labelCache);
  const root = rows[0];
  const ctx: Ctx = { w, rows, ts: Buffer.from(` ${s.tickMs}\n`, 'latin1'), tickS: s.tickMs / 1000, fs: rootFilesystems(s, root.io!) };
  const f = s.features;
  const [kernel, os] = kernelOf(f);
  header(w, 'cadvisor_version_info', 'gauge', "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.");
  w.str(`cadvisor_version_info{cadvisorRevision="",cadvisorVersion="",dockerVersion="",kernelVersion="${kernel}",osVersion="${os}"} 1\n`);
  for (const fam of FAMILIES) {
    if (fam.when && !fam.when(f)) continue;
    header(w, fam.name, fam.type, fam.help);
    fam.emit(ctx, openOf(fam.name));
    if (fam.name === 'container_processes') {
      header(w, 'container_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
      w.str('container_scrape_error 0\n');
    }
  }
  const ml = machineLabels(s);
  const v = s.view;
  const machine: Array<[string, string, string]> = [
    ['machine_cpu_cores', 'Number of logical CPU cores.', `machine_cpu_cores{${ml}} ${v.cpuCores}\n`],
    ['machine_cpu_physical_cores', 'Number of physical CPU cores.', `machine_cpu_physical_cores{${ml}} ${Math.max(1, Math.floor(v.cpuCores / 2))}\n`],
    ['machine_cpu_sockets', 'Number of CPU sockets.', `machine_cpu_sockets{${ml}} 1\n`],
    ['machine_memory_bytes', 'Amount of memory installed on the machine.', `machine_memory_bytes{${ml}} ${goFloat(v.memoryBytes)}\n`],
    ['machine_nvm_avg_power_budget_watts', 'NVM power budget.', `machine_nvm_avg_power_budget_watts{${ml}} 0\n`],
    ['machine_nvm_capacity', 'NVM capacity value labeled by NVM mode (memory mode or app direct mode).', `machine_nvm_capacity{${ml.replace(',system_uuid', ',mode="app_direct_mode",system_uuid')}} 0\nmachine_nvm_capacity{${ml.replace(',system_uuid', ',mode="memory_mode",system_uuid')}} 0\n`],
    ['machine_scrape_error', '1 if there was an error while getting machine metrics, 0 otherwise.', 'machine_scrape_error 0\n'],
  ];
  if (f.newerCadvisorFamilies) machine.push(['machine_swap_bytes', 'Amount of swap memory available on the machine.', `machine_swap_bytes{${ml}} ${goFloat(s.swapCapacityBytes)}\n`]);
  for (const [name, help, lines] of machine) {
    header(w, name, 'gauge', help);
    w.str(lines);
  }
  return { w, labelCache: next };
}
