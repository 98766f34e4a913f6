// Discovery documents (/version, /api, /apis, /api/v1, /apis/{g}/{v}) in the legacy (non-aggregated)
// form: clients fall back to it when the response Content-Type is plain application/json
// (client-go discovery_client.go), which keeps the simulator valid for kubectl 1.20 … 1.3x alike. Clients
// that ask for aggregated discovery get aggregated-discovery.ts instead.
import { RESOURCES, apiGroups, groupVersion, type ResourceDef } from '../model/resources.js';

export const FULL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function versionInfo(gitVersion: string): Record<string, string> {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  const minor = Number(m?.[2] ?? 35);
  const goVersion = minor >= 34 ? 'go1.24.6' : minor >= 30 ? 'go1.22.8' : minor >= 27 ? 'go1.20.14' : 'go1.19.13';
  return {
    major: m?.[1] ?? '1', minor: String(minor), gitVersion, gitCommit: 'c0ffee0000000000000000000000000000000000'.slice(0, 40), gitTreeState: 'clean',
    buildDate: '2025-09-09T00:00:00Z', goVersion, compiler: 'gc', platform: 'linux/amd64',
  };
}

export function apiVersions(): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }] };
}

export function apiGroupList(): Record<string, unknown> {
  const groups: Record<string, unknown>[] = apiGroups().map((g) => ({
    name: g.name,
    versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0] },
  }));
  // metrics.k8s.io so that `kubectl top` finds it (served from the kubelets' figures).
  groups.push({ name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }], preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' } });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

function entry(r: ResourceDef): Record<string, unknown>[] {
  const e: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: FULL_VERBS };
  if (r.shortNames) e.shortNames = r.shortNames;
  if (r.categories) e.categories = r.categories;
  const out = [e, { name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] }];
  if (r.scalable) out.push({ name: `${r.plural}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  if (r.plural === 'nodes') out.push({ name: 'nodes/proxy', singularName: '', namespaced: false, kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });
  if (r.plural === 'pods') out.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  return out;
}

/** APIResourceList for one group/version, or undefined when it is not served. */
export function resourceList(gv: string): Record<string, unknown> | undefined {
  if (gv === 'metrics.k8s.io/v1beta1') {
    return {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
      resources: [
        { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ],
    };
  }
  const rs = RESOURCES.filter((r) => groupVersion(r) === gv);
  if (rs.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: rs.flatMap(entry) };
}
