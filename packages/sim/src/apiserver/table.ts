// Server-side printing (meta.k8s.io/v1 Table) for `kubectl get`: kubectl asks for it in Accept and prints
// the cells as they come, so columns follow the apiserver's printers for the kinds people look at (pods,
// nodes, deployments, namespaces) and its default (Name, Created At) elsewhere. K8S-REFERENCE §1.4.
import type { SimObject } from '../model/store.js';
import type { ResourceDef } from '../model/resources.js';

interface Column { name: string; type: string; format: string; description: string; priority: number }

// The JSON form of the objects as the printers read it (what kubectl's printers read on a real apiserver).
interface PrintedMeta { name: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string> }
interface PrintedContainerStatus {
  ready: boolean;
  restartCount: number;
  state?: { waiting?: { reason: string }; terminated?: { reason: string } };
  lastState?: { terminated?: { finishedAt: string } };
}
interface PrintedPod { metadata: PrintedMeta; spec: { nodeName?: string }; status: { phase: string; podIP?: string; containerStatuses?: PrintedContainerStatus[] } }
interface PrintedNode {
  metadata: PrintedMeta;
  spec: { unschedulable?: boolean };
  status: {
    conditions?: Array<{ type: string; status: string }>;
    addresses?: Array<{ type: string; address: string }>;
    nodeInfo: { kubeletVersion: string; osImage: string; kernelVersion: string; containerRuntimeVersion: string };
  };
}
interface PrintedDeployment {
  metadata: PrintedMeta;
  spec: { replicas: number; selector: { matchLabels?: Record<string, string> }; template: { spec: { containers: Array<{ name: string; image: string }> } } };
  status: { readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}
interface PrintedNamespace { metadata: PrintedMeta; status: { phase: string } }

type Cells = (obj: { metadata: PrintedMeta }, nowMs: number) => unknown[];
interface Printer { columns: Column[]; cells: Cells }

/** A printer for one kind: its cells read that kind's printed form (PRINTERS is keyed by the kind's plural). */
function printer<T extends { metadata: PrintedMeta }>(columns: Column[], cells: (obj: T, nowMs: number) => unknown[]): Printer {
  return { columns, cells: cells as Cells };
}

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({ name, type, format, description: name, priority });

/** kubectl's short human duration: 45s, 5m3s, 3h10m, 5d, 2y. */
export function humanAge(sinceIso: string | undefined, nowMs: number): string {
  if (!sinceIso) return '<unknown>';
  const s = Math.max(0, Math.floor((nowMs - Date.parse(sinceIso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const PRINTERS: Record<string, Printer> = {
  pods: printer<PrintedPod>(
    [col('Name', 'string', 0, 'name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    (p, now) => {
      const cs = p.status.containerStatuses ?? [];
      const ready = cs.filter((c) => c.ready).length;
      const restarts = cs.reduce((s, c) => s + c.restartCount, 0);
      const lastRestart = cs.map((c) => c.lastState?.terminated?.finishedAt).filter(Boolean).sort().pop();
      let status = p.status.phase;
      const waiting = cs.find((c) => c.state?.waiting)?.state?.waiting?.reason;
      const terminated = cs.find((c) => c.state?.terminated)?.state?.terminated?.reason;
      if (waiting) status = waiting;
      else if (terminated) status = terminated;
      if (p.metadata.deletionTimestamp) status = 'Terminating';
      return [p.metadata.name, `${ready}/${cs.length}`, status, restarts && lastRestart ? `${restarts} (${humanAge(lastRestart, now)} ago)` : String(restarts), humanAge(p.metadata.creationTimestamp, now), p.status.podIP ?? '<none>', p.spec.nodeName ?? '<none>', '<none>', '<none>'];
    },
  ),
  nodes: printer<PrintedNode>(
    [col('Name', 'string', 0, 'name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    (n, now) => {
      const ready = n.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const status = (ready ? 'Ready' : 'NotReady') + (n.spec.unschedulable ? ',SchedulingDisabled' : '');
      const roles = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24)).join(',') || '<none>';
      const info = n.status.nodeInfo;
      return [n.metadata.name, status, roles, humanAge(n.metadata.creationTimestamp, now), info.kubeletVersion, n.status.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '<none>', '<none>', info.osImage, info.kernelVersion, info.containerRuntimeVersion];
    },
  ),
  deployments: printer<PrintedDeployment>(
    [col('Name', 'string', 0, 'name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    (d, now) => {
      const cs = d.spec.template.spec.containers;
      return [d.metadata.name, `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`, d.status.updatedReplicas ?? 0, d.status.availableReplicas ?? 0, humanAge(d.metadata.creationTimestamp, now), cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(','), Object.entries(d.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')];
    },
  ),
  namespaces: printer<PrintedNamespace>(
    [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
    (n, now) => [n.metadata.name, n.status.phase, humanAge(n.metadata.creationTimestamp, now)],
  ),
};

const DEFAULT_PRINTER = printer(
  [col('Name', 'string', 0, 'name'), col('Created At', 'date')],
  (o) => [o.metadata.name, o.metadata.creationTimestamp],
);

/** True when the client asked for a Table (kubectl get: `application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function tableColumns(def: ResourceDef): Column[] {
  return (PRINTERS[def.plural] ?? DEFAULT_PRINTER).columns;
}

export function tableRow(def: ResourceDef, obj: SimObject, includeObject: string | null, nowMs: number): Record<string, unknown> {
  const full = JSON.parse(JSON.stringify(obj)) as { metadata: PrintedMeta };
  const cells = (PRINTERS[def.plural] ?? DEFAULT_PRINTER).cells(full, nowMs);
  const object = includeObject === 'Object' ? full : includeObject === 'None' ? undefined : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: full.metadata };
  return object ? { cells, object } : { cells };
}

export function tableOf(def: ResourceDef, objs: SimObject[], metadata: Record<string, unknown>, includeObject: string | null, nowMs: number): Record<string, unknown> {
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: tableColumns(def), rows: objs.map((o) => tableRow(def, o, includeObject, nowMs)) };
}

// The apiserver's printer for autoscaling/v1 Scale (`kubectl get deploy x --subresource scale`, kubectl 1.24+).
const SCALE_PRINTER = printer<{ metadata: PrintedMeta; spec: { replicas: number }; status: { replicas: number } }>(
  [col('Name', 'string', 0, 'name'), col('Desired', 'integer'), col('Available', 'integer')],
  (s) => [s.metadata.name, s.spec.replicas, s.status.replicas],
);

export function scaleTable(scale: Record<string, unknown>, resourceVersion: string | undefined, includeObject: string | null): Record<string, unknown> {
  const s = scale as { metadata: PrintedMeta };
  const object = includeObject === 'Object' ? s : includeObject === 'None' ? undefined : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: s.metadata };
  const cells = SCALE_PRINTER.cells(s, 0);
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions: SCALE_PRINTER.columns, rows: [object ? { cells, object } : { cells }] };
}
