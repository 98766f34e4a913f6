// Server-side printing (meta.k8s.io/v1 Table) for `kubectl get`: kubectl asks for it in Accept and prints
// the cells as they come, so columns follow the apiserver's printers for the kinds people look at (pods,
// nodes, deployments, namespaces) and its default (Name, Created At) elsewhere. K8S-REFERENCE §1.4.
import type { SimObject } from '../model/store.js';
import type { ResourceDef } from '../model/resources.js';

interface Column { name: string; type: string; format: string; description: string; priority: number }
type Cells = (obj: any, nowMs: number) => unknown[];

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

const PRINTERS: Record<string, { columns: Column[]; cells: Cells }> = {
  pods: {
    columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (p, now) => {
      const cs = p.status.containerStatuses ?? [];
      const ready = cs.filter((c: any) => c.ready).length;
      const restarts = cs.reduce((s: number, c: any) => s + c.restartCount, 0);
      const lastRestart = cs.map((c: any) => c.lastState?.terminated?.finishedAt).filter(Boolean).sort().pop();
      let status = p.status.phase;
      const waiting = cs.find((c: any) => c.state?.waiting)?.state.waiting.reason;
      const terminated = cs.find((c: any) => c.state?.terminated)?.state.terminated.reason;
      if (waiting) status = waiting;
      else if (terminated) status = terminated;
      if (p.metadata.deletionTimestamp) status = 'Terminating';
      return [p.metadata.name, `${ready}/${cs.length}`, status, restarts && lastRestart ? `${restarts} (${humanAge(lastRestart, now)} ago)` : String(restarts), humanAge(p.metadata.creationTimestamp, now), p.status.podIP ?? '<none>', p.spec.nodeName ?? '<none>', '<none>', '<none>'];
    },
  },
  nodes: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells: (n, now) => {
      const ready = n.status.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';
      const status = (ready ? 'Ready' : 'NotReady') + (n.spec.unschedulable ? ',SchedulingDisabled' : '');
      const roles = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24)).join(',') || '<none>';
      const info = n.status.nodeInfo;
      return [n.metadata.name, status, roles, humanAge(n.metadata.creationTimestamp, now), info.kubeletVersion, n.status.addresses?.find((a: any) => a.type === 'InternalIP')?.address ?? '<none>', '<none>', info.osImage, info.kernelVersion, info.containerRuntimeVersion];
    },
  },
  deployments: {
    columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (d, now) => {
      const cs = d.spec.template.spec.containers;
      return [d.metadata.name, `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`, d.status.updatedReplicas ?? 0, d.status.availableReplicas ?? 0, humanAge(d.metadata.creationTimestamp, now), cs.map((c: any) => c.name).join(','), cs.map((c: any) => c.image).join(','), Object.entries(d.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')];
    },
  },
  namespaces: {
    columns: [col('Name', 'string', 0, 'name'), col('Status'), col('Age')],
    cells: (n, now) => [n.metadata.name, n.status.phase, humanAge(n.metadata.creationTimestamp, now)],
  },
};

const DEFAULT_PRINTER = {
  columns: [col('Name', 'string', 0, 'name'), col('Created At', 'date')],
  cells: ((o: any) => [o.metadata.name, o.metadata.creationTimestamp]) as Cells,
};

/** True when the client asked for a Table (kubectl get: `application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function tableColumns(def: ResourceDef): Column[] {
  return (PRINTERS[def.plural] ?? DEFAULT_PRINTER).columns;
}

export function tableRow(def: ResourceDef, obj: SimObject, includeObject: string | null, nowMs: number): Record<string, unknown> {
  const full = JSON.parse(JSON.stringify(obj));
  const cells = (PRINTERS[def.plural] ?? DEFAULT_PRINTER).cells(full, nowMs);
  const object = includeObject === 'Object' ? full : includeObject === 'None' ? undefined : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: full.metadata };
  return object ? { cells, object } : { cells };
}

export function tableOf(def: ResourceDef, objs: SimObject[], metadata: Record<string, unknown>, includeObject: string | null, nowMs: number): Record<string, unknown> {
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: tableColumns(def), rows: objs.map((o) => tableRow(def, o, includeObject, nowMs)) };
}
