// OpenAPI as kubectl reads it. v2 (/openapi/v2) is served as JSON only: a real apiserver also serves it as
// protobuf, which kubectl ≤ 1.26 asks for exclusively; that request gets 406 here (kubectl then fails with
// "failed to download openapi" unless --validate=false), never JSON it cannot parse. v3 (/openapi/v3, one
// document per group-version, kubectl ≥ 1.27) carries the paths and their operations' group-version-kind
// and query parameters without schemas: enough for kubectl's field-validation check, which finds
// `fieldValidation` on the PATCH operation and leaves validation to the server instead of downloading a
// schema; `kubectl explain` finds no schema and says so.
import { createHash } from 'node:crypto';
import { RESOURCES, groupVersion, type ResourceDef } from '../model/resources.js';

/** A minimal valid Swagger 2.0 document, so that client-side validation does not fail on a 404. */
export function openApiV2(gitVersion: string): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: gitVersion }, paths: {}, definitions: {} };
}

/** True when the Accept header admits JSON (absent means anything). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => /^\s*(application\/json|application\/\*|\*\/\*)\s*(;|$)/.test(part));
}

const METRICS_GV = 'metrics.k8s.io/v1beta1';

function groupVersions(): string[] {
  return [...new Set(RESOURCES.map(groupVersion)), METRICS_GV];
}

function urlPrefix(gv: string): string {
  return gv === 'v1' ? 'api/v1' : `apis/${gv}`;
}

const query = (name: string): Record<string, unknown> => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
const OK = { 200: { description: 'OK' } };

function operation(r: { group: string; version: string; kind: string }, action: string, params: string[]): Record<string, unknown> {
  return {
    operationId: `${action}${r.kind}`, parameters: params.map(query), responses: OK,
    'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

function resourcePaths(r: ResourceDef): Record<string, unknown> {
  const base = `/${urlPrefix(groupVersion(r))}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
  const writeParams = ['dryRun', 'fieldManager', 'fieldValidation'];
  const paths: Record<string, unknown> = {
    [base]: { get: operation(r, 'list', ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'watch']), post: operation(r, 'post', writeParams) },
    [`${base}/{name}`]: {
      get: operation(r, 'get', []), put: operation(r, 'put', writeParams), patch: operation(r, 'patch', [...writeParams, 'force']),
      delete: operation(r, 'delete', ['dryRun', 'gracePeriodSeconds', 'propagationPolicy']),
    },
  };
  if (r.scalable) {
    const scale = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    paths[`${base}/{name}/scale`] = { get: operation(scale, 'get', []), put: operation(scale, 'put', writeParams), patch: operation(scale, 'patch', [...writeParams, 'force']) };
  }
  return paths;
}

/** The document for one group-version, or undefined when it is not served. */
export function openApiV3GroupVersion(gv: string, gitVersion: string): Record<string, unknown> | undefined {
  let paths: Record<string, unknown>;
  if (gv === METRICS_GV) {
    paths = {};
    for (const [plural, kind, namespaced] of [['nodes', 'NodeMetrics', false], ['pods', 'PodMetrics', true]] as const) {
      const r = { group: 'metrics.k8s.io', version: 'v1beta1', kind };
      const base = `/apis/${gv}${namespaced ? '/namespaces/{namespace}' : ''}/${plural}`;
      paths[base] = { get: operation(r, 'list', ['labelSelector', 'fieldSelector']) };
      paths[`${base}/{name}`] = { get: operation(r, 'get', []) };
    }
  } else {
    const rs = RESOURCES.filter((r) => groupVersion(r) === gv);
    if (rs.length === 0) return undefined;
    paths = Object.assign({}, ...rs.map(resourcePaths)) as Record<string, unknown>;
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: gitVersion }, paths, components: { schemas: {} } };
}

/** /openapi/v3: each group-version's document, addressed by a hash of its content as a real apiserver does. */
export function openApiV3Index(gitVersion: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const hash = createHash('sha512').update(JSON.stringify(openApiV3GroupVersion(gv, gitVersion))).digest('hex').toUpperCase();
    paths[urlPrefix(gv)] = { serverRelativeURL: `/openapi/v3/${urlPrefix(gv)}?hash=${hash}` };
  }
  return { paths };
}

/** The group-version an /openapi/v3/… path names ('v1' for the core group), or undefined. */
export function openApiV3PathGroupVersion(path: string): string | undefined {
  const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
  return m ? (m[1] ?? m[2]) : undefined;
}
