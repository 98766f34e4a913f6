// Kubelet cAdvisor metrics (`/metrics/cadvisor`, Prometheus text) → the same metric rows as the summary,
// for what the summary lacks: CFS throttling, memory cache/mapped/failcnt, tasks and descriptors, per
// interface packets and drops, disk I/O per device. Streaming: samples are mapped as the parser emits them.
//
// Which row a series belongs to comes from its cgroup `id` (K8S-REFERENCE §7.1):
//   id="/"                                   → node
//   …/pod<uid>  (cgroupfs) or …-pod<uid_>.slice (systemd), nothing below → pod (the pod cgroup: all its
//                                               containers plus the sandbox and overhead)
//   below the pod cgroup, container label set (not "POD")  → container
//   below the pod cgroup, container "" (containerd, CRI-O) or "POD" (dockershim) → the pause sandbox: its
//     network series are the pod's interfaces (the sandbox owns the pod's network namespace); its other
//     series are skipped, since the pod cgroup row already counts the sandbox
//   kubelet / runtime services and the kubepods root       → system_container kubelet, runtime, pods
//   any other cgroup (other system services)               → skipped
// Pre-1.16 kubelets label pod/container as pod_name/container_name (the 1.15 fixture), and their pod
// cgroup rows have empty pod names: those are filled from the pod's other rows by uid.
import { emptyMetricRows, rowFactory, type Entity, type MetricRow, type MetricRows } from '../definitions.js';
import { CADVISOR_ONLY_TARGETS, CPU_USAGE_FAMILY, IGNORED_CADVISOR_FAMILIES, NETWORK_FAMILIES, START_TIME_FAMILY, TARGETS, type Target, type Targets } from './cadvisor-families.js';
import { INT64_LIMIT, MetricDecodeError, emptyStartTimes, isIdleRow, type StartTimes } from './decode-util.js';
import { PromParseError, PromTextParser, type PromSample } from './prom-text.js';

export interface CadvisorDecodeOptions {
  nodeName: string;
  /** Time for samples without a timestamp (pre-1.16 kubelets send none): the scrape time. */
  scrapeTime: Date;
  /** Look for families no definition maps (default true). */
  checkUnmapped?: boolean;
  /** Keep interface and disk rows whose counters are all zero (default false; see isIdleRow). */
  keepIdle?: boolean;
  /**
   * The cluster collects the Summary API too: leave the columns it fills to it (their families are not
   * even parsed; see CADVISOR_ONLY_TARGETS). Default false: cAdvisor fills every column it maps.
   */
  summaryCollected?: boolean;
}

export interface DecodedCadvisor {
  nodeName: string;
  rows: MetricRows;
  startTimes: StartTimes;
  /** Families present in the payload that are neither mapped nor deliberately ignored. */
  unmapped: string[];
  /** Samples skipped on purpose: pause-sandbox non-network series, other system cgroups, per-CPU parts. */
  skippedSamples: number;
  samples: number;
  /** Interface and disk rows left out because all their counters were zero. */
  idleInterfaces: number;
  idleDisks: number;
}

const NEW_ROW = {
  node: rowFactory('node'),
  system_container: rowFactory('system_container'),
  pod: rowFactory('pod'),
  container: rowFactory('container'),
  interface: rowFactory('interface'),
  disk_io: rowFactory('disk_io'),
};

/** What a cgroup id is, decided once per id per payload. */
type Cgroup =
  | { kind: 'node' }
  | { kind: 'system'; name: string }
  | { kind: 'pod'; uid: string }
  | { kind: 'below-pod'; uid: string }
  | { kind: 'other' };

// Pod UIDs: API pods have RFC 4122 UIDs; static pods use a 32-hex config hash. systemd writes '_' for '-'.
const POD_CGROUP = /(?:\/|-)pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}|[0-9a-f]{32})(?:\.slice)?(\/.*)?$/;

const SYSTEM_CGROUPS: Record<string, string> = {
  '/system.slice/kubelet.service': 'kubelet',
  '/kubelet': 'kubelet',
  '/kubelet.slice': 'kubelet',
  '/system.slice/containerd.service': 'runtime',
  '/system.slice/docker.service': 'runtime',
  '/system.slice/crio.service': 'runtime',
  '/kubepods': 'pods',
  '/kubepods.slice': 'pods',
};

export function classifyCgroup(id: string): Cgroup {
  if (id === '/') return { kind: 'node' };
  const system = SYSTEM_CGROUPS[id];
  if (system) return { kind: 'system', name: system };
  const m = POD_CGROUP.exec(id);
  if (m) {
    const uid = m[1].replace(/_/g, '-');
    return m[2] && m[2] !== '/' ? { kind: 'below-pod', uid } : { kind: 'pod', uid };
  }
  return { kind: 'other' };
}

/** Which row a family's samples go to: a network interface's, a block device's, or the cgroup's own. */
const USE_INTERFACE = 0;
const USE_DISK = 1;
const USE_CGROUP = 2;
type RowUse = typeof USE_INTERFACE | typeof USE_DISK | typeof USE_CGROUP;

interface RowTarget { row: MetricRow; entity: Entity }

/** What a mapped family's lines need, looked up once per run of its lines. */
interface FamilyPlan {
  byEntity: Map<Entity, Target[]>;
  /** Per-interface network counters (the interface row, not the cgroup's). */
  network: boolean;
  /** The family maps to disk_io rows (by its device label) as well as to cgroup rows. */
  disk: boolean;
  /** container_cpu_usage_seconds_total, whose per-CPU parts are summed where no cpu="total" exists. */
  perCpu: boolean;
}

/** Maps samples into rows; feed it with `add`, then `finish`. */
class CadvisorMapper {
  private readonly rows = emptyMetricRows();
  private readonly startTimes = emptyStartTimes();
  private readonly unmapped = new Set<string>();
  private readonly cgroups = new Map<string, Cgroup>();
  private readonly rowByKey = new Map<string, MetricRow>();
  /** Older kubelets (the 1.15 fixture) expose only per-CPU usage (cpu00, cpu01…): summed when no cpu="total" exists. */
  private readonly perCpuSum = new Map<MetricRow, number>();
  private readonly podNames = new Map<string, { namespace: string; pod: string }>();
  /** Per label set, the row of each use (indexed by RowUse; null: skipped), decided once per payload. */
  private readonly rowOf = new Map<Readonly<Record<string, string>>, Array<RowTarget | null | undefined>>();
  private planName = '';
  private plan: FamilyPlan | null = null;
  private skipped = 0;
  private count = 0;

  private readonly wanted = new Map<string, boolean>();

  private readonly targets: Targets;

  constructor(private readonly opts: CadvisorDecodeOptions) {
    this.targets = opts.summaryCollected ? CADVISOR_ONLY_TARGETS : TARGETS;
  }

  /** For the parser's wantFamily: mapped families and start times are parsed; others only noted. */
  wantFamily(name: string): boolean {
    let want = this.wanted.get(name);
    if (want === undefined) {
      want = this.targets.has(name) || name === START_TIME_FAMILY;
      if (!want && !TARGETS.has(name) && this.opts.checkUnmapped !== false && !(name in IGNORED_CADVISOR_FAMILIES)) this.unmapped.add(name);
      this.wanted.set(name, want);
    }
    return want;
  }

  add(s: PromSample): void {
    this.count++;
    // A family's lines come together: its plan is looked up once per run of lines.
    if (s.name !== this.planName) {
      this.planName = s.name;
      this.plan = this.planOf(s.name);
    }
    const plan = this.plan;
    // The parser hands over only families wantFamily took (which noted the unmapped ones): mapped
    // families and the start times.
    if (plan === null) {
      if (s.name === START_TIME_FAMILY) this.startTime(s);
      return;
    }
    const l = s.labels;
    const use = plan.network ? USE_INTERFACE : plan.disk && l.device !== undefined ? USE_DISK : USE_CGROUP;
    // Lines with one label set share its object (PromSample.labels): the row it maps to is found once.
    let memo = this.rowOf.get(l);
    if (!memo) this.rowOf.set(l, (memo = [undefined, undefined, undefined]));
    let target = memo[use];
    if (target === undefined) memo[use] = target = this.rowFor(l, use);
    if (target === null) return this.skip();
    const { row, entity } = target;
    const targets = plan.byEntity.get(entity);
    if (!targets) return this.skip();
    if (plan.perCpu && l.cpu !== undefined && l.cpu !== 'total') {
      this.perCpuSum.set(row, (this.perCpuSum.get(row) ?? 0) + s.value);
      this.stamp(row, s);
      return;
    }
    for (let k = 0; k < targets.length; k++) {
      const t = targets[k];
      if (!labelsMatch(l, t.labels)) continue;
      row[t.column] = toColumn(s.value * t.scale, t.integer);
      this.stamp(row, s);
    }
  }

  private planOf(name: string): FamilyPlan | null {
    const byEntity = this.targets.get(name);
    if (!byEntity) return null;
    return { byEntity, network: NETWORK_FAMILIES.has(name), disk: byEntity.has('disk_io'), perCpu: name === CPU_USAGE_FAMILY };
  }

  /** The row a label set's samples of one kind of family go to (null: skipped), decided once per label set. */
  private rowFor(l: Readonly<Record<string, string>>, use: RowUse): RowTarget | null {
    const id = l.id;
    if (id === undefined) return null;
    const cg = this.cgroupOf(id);
    const container = l.container ?? l.container_name ?? '';
    if (use === USE_INTERFACE) {
      // Interfaces exist per network namespace: the node's, and each pod's (seen on the sandbox or pod cgroup).
      const iface = l.interface;
      if (iface === undefined) return null;
      if (cg.kind === 'node') return { row: this.interfaceRow('', iface, l), entity: 'interface' };
      if (cg.kind === 'pod' || (cg.kind === 'below-pod' && (container === '' || container === 'POD'))) {
        return { row: this.interfaceRow(cg.uid, iface, l), entity: 'interface' };
      }
      return null;
    }
    if (use === USE_DISK) {
      const device = l.device;
      if (cg.kind === 'node') return { row: this.diskRow('', '', device, l), entity: 'disk_io' };
      if (cg.kind === 'pod') return { row: this.diskRow(cg.uid, '', device, l), entity: 'disk_io' };
      if (cg.kind === 'below-pod' && container !== '' && container !== 'POD') return { row: this.diskRow(cg.uid, container, device, l), entity: 'disk_io' };
      return null;
    }
    switch (cg.kind) {
      case 'node': return { row: this.cgroupRow('node', 'node', () => ({})), entity: 'node' };
      case 'system': { const name = cg.name; return { row: this.cgroupRow('system_container', `s/${name}`, () => ({ name })), entity: 'system_container' }; }
      case 'pod': { const uid = cg.uid; return { row: this.cgroupRow('pod', `p/${uid}`, () => this.podAttrs(uid, l)), entity: 'pod' }; }
      case 'below-pod': {
        if (container === '' || container === 'POD') return null;
        const uid = cg.uid;
        return { row: this.cgroupRow('container', `c/${uid}/${container}`, () => ({ ...this.podAttrs(uid, l), container })), entity: 'container' };
      }
      default: return null;
    }
  }

  /** `skippedLines`: lines of families wantFamily turned away (the parser counts them). */
  finish(skippedLines: number): DecodedCadvisor {
    const cpuScale = TARGETS.get(CPU_USAGE_FAMILY)!.get('node')![0].scale;
    for (const [row, sum] of this.perCpuSum) {
      if (row.cpu_usage_core_nanoseconds === null) row.cpu_usage_core_nanoseconds = toColumn(sum * cpuScale, true);
    }
    for (const list of [this.rows.pod, this.rows.container, this.rows.disk_io]) {
      for (const row of list) {
        if (row.pod_uid && !row.pod) {
          const names = this.podNames.get(row.pod_uid as string);
          if (names) Object.assign(row, names);
        }
      }
    }
    let idleInterfaces = 0;
    let idleDisks = 0;
    if (!this.opts.keepIdle) {
      const activeInterfaces = this.rows.interface.filter((r) => !isIdleRow('interface', r));
      idleInterfaces = this.rows.interface.length - activeInterfaces.length;
      this.rows.interface = activeInterfaces;
      const activeDisks = this.rows.disk_io.filter((r) => !isIdleRow('disk_io', r));
      idleDisks = this.rows.disk_io.length - activeDisks.length;
      this.rows.disk_io = activeDisks;
    }
    for (const list of Object.values(this.rows)) {
      for (const row of list) if (row.ts === null) row.ts = this.opts.scrapeTime;
    }
    return {
      nodeName: this.opts.nodeName, rows: this.rows, startTimes: this.startTimes, unmapped: [...this.unmapped],
      skippedSamples: this.skipped, samples: this.count + skippedLines, idleInterfaces, idleDisks,
    };
  }

  private skip(): void {
    this.skipped++;
  }

  /**
   * The row's time is cAdvisor's sample time truncated to whole seconds. The Summary API reports the same
   * housekeeping sample with metav1.Time, which marshals whole seconds, so truncating makes a cgroup's
   * summary row and cAdvisor row share one key and merge into one stored row (verified on the 1.22–1.35
   * fixture pairs: every cgroup read in the same housekeeping pass matches to the second).
   */
  private stamp(row: MetricRow, s: PromSample): void {
    if (row.ts === null && s.timestampMs !== null) row.ts = new Date(s.timestampMs - (s.timestampMs % 1000));
  }

  private podAttrs(uid: string, l: Readonly<Record<string, string>>): { namespace: string; pod: string } {
    const pod = l.pod ?? l.pod_name ?? '';
    const namespace = l.namespace ?? '';
    if (pod !== '' && !this.podNames.has(uid)) this.podNames.set(uid, { namespace, pod });
    return { namespace, pod };
  }

  private cgroupRow(entity: 'node' | 'system_container' | 'pod' | 'container', key: string,
    attrs: () => Record<string, string>): MetricRow {
    let row = this.rowByKey.get(key);
    if (row) return row;
    row = NEW_ROW[entity]();
    row.node = this.opts.nodeName;
    if (entity === 'pod' || entity === 'container') row.pod_uid = key.split('/')[1]!;
    Object.assign(row, attrs());
    this.rowByKey.set(key, row);
    this.rows[entity].push(row);
    return row;
  }

  private interfaceRow(uid: string, iface: string, l: Readonly<Record<string, string>>): MetricRow {
    const key = `i/${uid}/${iface}`;
    let row = this.rowByKey.get(key);
    if (row) return row;
    if (uid) this.podAttrs(uid, l);
    row = NEW_ROW.interface();
    row.node = this.opts.nodeName;
    row.pod_uid = uid;
    row.interface = iface;
    this.rowByKey.set(key, row);
    this.rows.interface.push(row);
    return row;
  }

  private diskRow(uid: string, container: string, device: string, l: Readonly<Record<string, string>>): MetricRow {
    const key = `d/${uid}/${container}/${device}`;
    let row = this.rowByKey.get(key);
    if (row) return row;
    row = NEW_ROW.disk_io();
    row.node = this.opts.nodeName;
    row.pod_uid = uid;
    row.container = container;
    row.device = device;
    const names = uid ? this.podAttrs(uid, l) : { namespace: '', pod: '' };
    row.namespace = names.namespace;
    row.pod = names.pod;
    this.rowByKey.set(key, row);
    this.rows.disk_io.push(row);
    return row;
  }

  private cgroupOf(id: string): Cgroup {
    let cg = this.cgroups.get(id);
    if (!cg) this.cgroups.set(id, (cg = classifyCgroup(id)));
    return cg;
  }

  private startTime(s: PromSample): void {
    const id = s.labels.id;
    if (id === undefined || !Number.isFinite(s.value)) return;
    const ms = Math.round(s.value * 1000);
    const cg = this.cgroupOf(id);
    const container = s.labels.container ?? s.labels.container_name ?? '';
    if (cg.kind === 'node') this.startTimes.node = ms;
    else if (cg.kind === 'system') this.startTimes.systemContainers.set(cg.name, ms);
    else if (cg.kind === 'pod') this.startTimes.pods.set(cg.uid, ms);
    else if (cg.kind === 'below-pod' && container !== '' && container !== 'POD') this.startTimes.containers.set(`${cg.uid}/${container}`, ms);
  }
}

function labelsMatch(l: Readonly<Record<string, string>>, want: Array<[string, string]>): boolean {
  for (let i = 0; i < want.length; i++) if (l[want[i][0]] !== want[i][1]) return false;
  return true;
}

/** NaN/±Inf (no data) and negative values → null; integer columns rounded and bounded like the summary. */
function toColumn(v: number, integer: boolean): number | null {
  if (!(v >= 0) || v === Infinity) return null;
  if (!integer) return v;
  return v >= INT64_LIMIT ? null : Math.round(v);
}

/** Decodes a whole payload or a stream of chunks (e.g. an HTTP response body). */
export async function decodeCadvisor(
  input: string | Buffer | AsyncIterable<Buffer | string>,
  opts: CadvisorDecodeOptions,
): Promise<DecodedCadvisor> {
  const mapper = new CadvisorMapper(opts);
  const parser = new PromTextParser((s) => mapper.add(s), { wantFamily: (name) => mapper.wantFamily(name), comments: false });
  try {
    if (typeof input === 'string' || Buffer.isBuffer(input)) parser.push(input);
    else for await (const chunk of input) parser.push(chunk);
    parser.end();
  } catch (err) {
    if (err instanceof PromParseError) throw new MetricDecodeError('cadvisor', `line ${err.line}`, `${err.problem}: ${JSON.stringify(err.text.slice(0, 120))}`);
    throw err;
  }
  return mapper.finish(parser.skipped);
}

/** Synchronous form for a body already in memory. */
export function decodeCadvisorText(input: string | Buffer, opts: CadvisorDecodeOptions): DecodedCadvisor {
  const mapper = new CadvisorMapper(opts);
  const parser = new PromTextParser((s) => mapper.add(s), { wantFamily: (name) => mapper.wantFamily(name), comments: false });
  try {
    parser.push(input);
    parser.end();
  } catch (err) {
    if (err instanceof PromParseError) throw new MetricDecodeError('cadvisor', `line ${err.line}`, `${err.problem}: ${JSON.stringify(err.text.slice(0, 120))}`);
    throw err;
  }
  return mapper.finish(parser.skipped);
}
