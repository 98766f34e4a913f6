// Strategic merge patches (what `kubectl patch` sends by default, and `kubectl apply`, `label`,
// `annotate`, `set image` …) as the API server applies them: a merge patch, except that lists with a patch
// merge key in the Kubernetes types (containers by name, ports by containerPort, conditions by type …) are
// merged element by element, lists with the "merge" strategy of primitives (finalizers) are unions, and
// every other list is replaced. Directives: `$patch: replace` and `$patch: delete` on maps and list
// elements, `$retainKeys`, `$deleteFromPrimitiveList/<field>`. `$setElementOrder/<field>` only orders
// the merged list, and the order a list keeps is of no consequence to anything the simulator serves: it
// is accepted and ignored (merged elements stay where they were, new ones are appended, as without it).
import { ApiError } from './status.js';

/** What the Kubernetes types say about one field: a merge key (list of objects), a set (list of primitives). */
interface FieldMeta {
  mergeKey?: string;
  set?: true;
  /** The fields of the object, or of each list element. */
  fields?: Schema;
}
type Schema = Record<string, FieldMeta>;

const conditions: FieldMeta = { mergeKey: 'type' };
const container: Schema = {
  ports: { mergeKey: 'containerPort' },
  env: { mergeKey: 'name' },
  volumeMounts: { mergeKey: 'mountPath' },
  volumeDevices: { mergeKey: 'devicePath' },
};
const podSpec: Schema = {
  containers: { mergeKey: 'name', fields: container },
  initContainers: { mergeKey: 'name', fields: container },
  ephemeralContainers: { mergeKey: 'name', fields: container },
  volumes: { mergeKey: 'name' },
  imagePullSecrets: { mergeKey: 'name' },
  hostAliases: { mergeKey: 'ip' },
  topologySpreadConstraints: { mergeKey: 'topologyKey' },
  resourceClaims: { mergeKey: 'name' },
  schedulingGates: { mergeKey: 'name' },
};
const metadata: FieldMeta = { fields: { finalizers: { set: true }, ownerReferences: { mergeKey: 'uid' } } };
const podTemplate: FieldMeta = { fields: { metadata, spec: { fields: podSpec } } };
const withConditions: FieldMeta = { fields: { conditions } };
const workload: Schema = { metadata, spec: { fields: { template: podTemplate } }, status: withConditions };

/** Patch metadata per resource plural (every kind has metadata's). */
const SCHEMAS: Record<string, Schema> = {
  pods: { metadata, spec: { fields: podSpec }, status: { fields: { conditions, podIPs: { mergeKey: 'ip' }, hostIPs: { mergeKey: 'ip' } } } },
  nodes: { metadata, spec: { fields: { podCIDRs: { set: true } } }, status: { fields: { conditions, addresses: { mergeKey: 'type' } } } },
  services: { metadata, spec: { fields: { ports: { mergeKey: 'port' } } }, status: withConditions },
  namespaces: { metadata, status: withConditions },
  persistentvolumeclaims: { metadata, status: withConditions },
  horizontalpodautoscalers: { metadata, status: withConditions },
  deployments: workload,
  replicasets: workload,
  statefulsets: workload,
  daemonsets: workload,
  jobs: workload,
  cronjobs: { metadata, spec: { fields: { jobTemplate: { fields: { metadata, spec: { fields: { template: podTemplate } } } } } } },
};

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function invalid(message: string): ApiError {
  return new ApiError(422, 'Invalid', `strategic merge patch: ${message}`);
}

/** Applies a strategic merge patch for the resource `plural` (unknown kinds: metadata's rules only). */
export function strategicMergePatch(plural: string, target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) throw new ApiError(400, 'BadRequest', 'strategic merge patch: the patch must be a JSON object');
  return mergeMap(isMap(target) ? target : {}, patch, SCHEMAS[plural] ?? { metadata }, '');
}

function mergeMap(original: Obj, patch: Obj, schema: Schema | undefined, at: string): Obj {
  const directive = patch.$patch;
  if (directive === 'replace') return stripDirectives(patch) as Obj;
  if (directive !== undefined && directive !== 'merge') throw invalid(`${at || 'the object'}: unknown $patch ${JSON.stringify(directive)} on a map`);
  const out: Obj = { ...original };
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw invalid(`${at}.$retainKeys must be a list`);
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    const path = `${at}.${k}`;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(v)) throw invalid(`${path} must be a list`);
      if (Array.isArray(out[field])) out[field] = out[field].filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x)));
      continue;
    }
    if (k.startsWith('$')) throw invalid(`${path}: unknown directive`);
    const meta = schema?.[k];
    if (v === null) delete out[k];
    else if (isMap(v)) {
      if (v.$patch === 'delete') delete out[k];
      else out[k] = mergeMap(isMap(out[k]) ? out[k] : {}, v, meta?.fields, path);
    } else if (Array.isArray(v) && meta?.mergeKey) out[k] = mergeList(Array.isArray(out[k]) ? out[k] : [], v, meta, path);
    else if (Array.isArray(v) && meta?.set) out[k] = mergeSet(Array.isArray(out[k]) ? out[k] : [], v);
    else out[k] = stripDirectives(v);
  }
  return out;
}

/** A list of objects merged by key; `{$patch: replace}` as an element replaces the list with the others. */
function mergeList(original: unknown[], patch: unknown[], meta: FieldMeta, at: string): unknown[] {
  const key = meta.mergeKey!;
  if (patch.some((e) => isMap(e) && e.$patch === 'replace')) return patch.filter((e) => !(isMap(e) && e.$patch === 'replace')).map(stripDirectives);
  const out = [...original];
  const indexOf = (value: unknown): number => out.findIndex((e) => isMap(e) && JSON.stringify(e[key]) === JSON.stringify(value));
  for (const element of patch) {
    if (!isMap(element)) throw invalid(`${at}: element ${JSON.stringify(element)} is not an object (the list merges by ${key})`);
    if (!(key in element)) throw invalid(`${at}: map: ${JSON.stringify(stripDirectives(element))} does not contain declared merge key: ${key}`);
    const i = indexOf(element[key]);
    if (element.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    const where = `${at}[${key}=${JSON.stringify(element[key])}]`;
    if (i >= 0) out[i] = mergeMap(isMap(out[i]) ? out[i] : {}, element, meta.fields, where);
    else out.push(mergeMap({}, element, meta.fields, where));
  }
  return out;
}

/** A list of primitives with the "merge" strategy: the union, the original's order first. */
function mergeSet(original: unknown[], patch: unknown[]): unknown[] {
  const out = [...original];
  for (const v of patch) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(v);
  return out;
}

/** A value as stored: without directives (a replaced or newly added subtree may carry them). */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isMap(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}
