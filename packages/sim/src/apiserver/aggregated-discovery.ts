// Aggregated discovery (apidiscovery.k8s.io/v2, GA in 1.30): /api and /apis answer with every group's
// versions and resources in one document when the client's Accept asks for it, as kubectl ≥ 1.26 does,
// which spares it one request per group-version. Clients that do not ask (kubectl 1.20, the Python client,
// kubepulse) get the legacy documents of discovery.ts; the response's Content-Type tells a client which
// one it got.
import { RESOURCES, type ResourceDef } from '../model/resources.js';
import { FULL_VERBS } from './discovery.js';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when one of the Accept header's media types is the v2 APIGroupDiscoveryList. */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((x) => x.trim());
    const p = new Set(params);
    return type === 'application/json' && p.has('g=apidiscovery.k8s.io') && p.has('v=v2') && p.has('as=APIGroupDiscoveryList');
  });
}

interface Kind { group: string; version: string; kind: string }

const kindOf = (r: ResourceDef, kind = r.kind): Kind => ({ group: r.group, version: r.version, kind });
const sub = (subresource: string, responseKind: Kind, verbs: string[]): Record<string, unknown> => ({ subresource, responseKind, verbs });

function resource(r: ResourceDef): Record<string, unknown> {
  const subresources = [sub('status', kindOf(r), ['get', 'patch', 'update'])];
  if (r.scalable) subresources.push(sub('scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' }, ['get', 'patch', 'update']));
  if (r.plural === 'nodes') subresources.push(sub('proxy', kindOf(r, 'NodeProxyOptions'), ['create', 'delete', 'get', 'patch', 'update']));
  if (r.plural === 'pods') subresources.push(sub('log', kindOf(r), ['get']));
  const out: Record<string, unknown> = {
    resource: r.plural, responseKind: kindOf(r), scope: r.namespaced ? 'Namespaced' : 'Cluster', singularResource: r.singular, verbs: FULL_VERBS, subresources,
  };
  if (r.shortNames) out.shortNames = r.shortNames;
  if (r.categories) out.categories = r.categories;
  return out;
}

function groupItem(name: string, versions: Array<{ version: string; resources: Record<string, unknown>[] }>): Record<string, unknown> {
  return { metadata: name ? { name } : {}, versions: versions.map((v) => ({ ...v, freshness: 'Current' })) };
}

function list(items: Record<string, unknown>[]): Record<string, unknown> {
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** /api: the core group, v1. */
export function aggregatedCore(): Record<string, unknown> {
  return list([groupItem('', [{ version: 'v1', resources: RESOURCES.filter((r) => !r.group).map(resource) }])]);
}

/** /apis: the named groups, preferred version first, and metrics.k8s.io as metrics-server registers it. */
export function aggregatedGroups(): Record<string, unknown> {
  const byGroup = new Map<string, Map<string, ResourceDef[]>>();
  for (const r of RESOURCES.filter((x) => x.group)) {
    const versions = byGroup.get(r.group) ?? new Map<string, ResourceDef[]>();
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
    byGroup.set(r.group, versions);
  }
  const items = [...byGroup].map(([name, versions]) => groupItem(name, [...versions].map(([version, rs]) => ({ version, resources: rs.map(resource) }))));
  const metric = (plural: string, singular: string, kind: string, namespaced: boolean): Record<string, unknown> => ({
    resource: plural, responseKind: { group: 'metrics.k8s.io', version: 'v1beta1', kind }, scope: namespaced ? 'Namespaced' : 'Cluster', singularResource: singular, verbs: ['get', 'list'],
  });
  items.push(groupItem('metrics.k8s.io', [{ version: 'v1beta1', resources: [metric('nodes', '', 'NodeMetrics', false), metric('pods', '', 'PodMetrics', true)] }]));
  return list(items);
}

