// Writes a client needs to drive change: DELETE (pods with a short grace period, nodes, workloads with
// background cascade), PATCH (merge, strategic merge (`strategic-merge.ts`), JSON patch; pods take
// patches of their labels and annotations), and the scale subresource (GET / PUT / PATCH). Every write
// bumps the resourceVersion and emits watch events through the store.
import type { World, Owner } from '../model/world.js';
import { RES } from '../model/world.js';
import type { SimObject } from '../model/store.js';
import type { ResourceDef } from '../model/resources.js';
import { groupVersion } from '../model/resources.js';
import { PodRecord } from '../model/pod.js';
import { iso, selectorString } from '../model/objects.js';
import type { WorkloadSpecFields, WorkloadStatusFields } from '../model/fields.js';
import { ApiError, badRequest, conflict, notFound } from './status.js';
import { strategicMergePatch } from './strategic-merge.js';

/** One RFC 6902 operation as the client sent it (checked field by field below). */
interface JsonPatchOp { op?: unknown; path?: unknown; value?: unknown }

/** A patched object before it replaces the stored one: only what the checks read is named. */
interface PatchedObject {
  metadata?: { name?: unknown; uid?: string; creationTimestamp?: string; [k: string]: unknown };
  spec?: { replicas?: unknown; [k: string]: unknown };
  [k: string]: unknown;
}

/** A Scale sent with PUT, or the patched Scale. */
type ScaleBody = { metadata?: { resourceVersion?: unknown }; spec?: { replicas?: unknown } } | null | undefined;

/** RFC 7386 merge patch: maps merge, everything else (lists too) is replaced. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch: add, replace, remove, test. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch: expected an array of operations');
  const doc: unknown = structuredClone(target);
  for (const op of ops as Array<JsonPatchOp | null>) {
    if (!op || typeof op.path !== 'string') throw badRequest('json patch: each operation needs a path');
    const path = op.path;
    const parts = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    let parent = doc;
    for (const p of parts) {
      if (parent == null || typeof parent !== 'object') throw new ApiError(422, 'Invalid', `json patch: path ${path} does not exist`);
      parent = (parent as Record<string, unknown>)[p];
    }
    if (parent == null || typeof parent !== 'object' || last === undefined) throw new ApiError(422, 'Invalid', `json patch: path ${path} does not exist`);
    // Arrays are indexed by the same string keys ('0', '1' …), as JSON pointers write them.
    const fields = parent as Record<string, unknown>;
    switch (op.op) {
      case 'add':
      case 'replace':
        if (Array.isArray(parent) && last === '-') parent.push(op.value);
        else fields[last] = op.value;
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete fields[last];
        break;
      case 'test':
        if (JSON.stringify(fields[last]) !== JSON.stringify(op.value)) throw new ApiError(422, 'Invalid', `json patch: test failed at ${path}`);
        break;
      default:
        throw badRequest(`json patch: unsupported op "${String(op.op)}"`);
    }
  }
  return doc;
}

/** Applies a PATCH body of this content type to `target`, a plain JSON copy of an object of `plural`. */
export function applyPatch(contentType: string, target: unknown, body: string, plural: string): unknown {
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch {
    throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json');
  }
  const type = contentType.split(';')[0].trim();
  if (type === 'application/json-patch+json') return jsonPatch(target, patch);
  if (type === 'application/merge-patch+json') return mergePatch(target, patch);
  if (type === 'application/strategic-merge-patch+json') return strategicMergePatch(plural, target, patch);
  throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
}

/** Replaces an object's top-level fields in place, so that references held by controllers stay valid. */
function assignInPlace(obj: SimObject, next: Record<string, unknown>): void {
  for (const k of Object.keys(obj)) if (!(k in next)) delete (obj as Record<string, unknown>)[k];
  Object.assign(obj, next);
}

export function ownerOf(world: World, obj: SimObject): Owner | undefined {
  if (obj.kind === 'Deployment') return [...world.owners.values()].find((o) => o.parent === obj);
  return world.owners.get(obj.metadata.uid);
}

export function patchObject(world: World, def: ResourceDef, resource: string, obj: SimObject, contentType: string, body: string): SimObject {
  if (obj instanceof PodRecord) return patchPod(world, obj, contentType, body);
  const beforeReplicas = (obj.spec as WorkloadSpecFields | undefined)?.replicas;
  const patched = applyPatch(contentType, JSON.parse(JSON.stringify(obj)), body, def.plural) as PatchedObject | null;
  const metadata = patched?.metadata;
  if (!patched || !metadata || metadata.name !== obj.metadata.name) throw new ApiError(422, 'Invalid', `${def.plural} "${obj.metadata.name}" is invalid: metadata.name: Invalid value: the name cannot change`);
  metadata.uid = obj.metadata.uid;
  metadata.creationTimestamp = obj.metadata.creationTimestamp;
  const replicas = patched.spec?.replicas;
  if (def.scalable && replicas !== beforeReplicas) {
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) throw new ApiError(422, 'Invalid', `${def.plural} "${obj.metadata.name}" is invalid: spec.replicas: Invalid value: ${String(replicas)}: must be greater than or equal to 0`);
    patched.spec!.replicas = beforeReplicas; // replicas is a number, so spec is there
    assignInPlace(obj, patched);
    world.scaleTo(obj, replicas);
    return obj;
  }
  assignInPlace(obj, patched);
  if (def.plural === 'nodes') world.syncUnschedulableTaint(obj);
  world.store.touch(resource, obj);
  return obj;
}

/**
 * Pods are compact records rendered when served: a patch may change their labels and annotations (what
 * `kubectl label` and `annotate` send); any other change is refused, as the API server refuses most pod
 * updates ("pod updates may not change fields other than …").
 */
function patchPod(world: World, pod: PodRecord, contentType: string, body: string): SimObject {
  const current = pod.toJSON() as PatchedObject;
  const patched = applyPatch(contentType, structuredClone(current), body, 'pods') as PatchedObject | null;
  const name = pod.metadata.name;
  const rest = (o: PatchedObject | null): string => JSON.stringify({ ...o, metadata: { ...o?.metadata, labels: undefined, annotations: undefined, resourceVersion: undefined } });
  if (rest(patched) !== rest(current)) throw new ApiError(422, 'Invalid', `Pod "${name}" is invalid: the simulator's pods take patches of metadata.labels and metadata.annotations only`);
  const labels = (patched!.metadata!.labels ?? {}) as Record<string, string>; // rest() equal: patched has metadata
  const annotations = (patched!.metadata!.annotations ?? {}) as Record<string, string>;
  const given = current.metadata!.annotations as Record<string, string>;
  const derived = Object.keys(given).filter((k) => !(k in annotations) && !(k in (pod.extraAnnotations ?? {})));
  if (derived.length) throw new ApiError(422, 'Invalid', `Pod "${name}" is invalid: metadata.annotations: ${derived.join(', ')} cannot be removed (the kubelet sets them)`);
  const values = [...Object.values(labels), ...Object.values(annotations)];
  if (values.some((v) => typeof v !== 'string')) throw new ApiError(422, 'Invalid', `Pod "${name}" is invalid: label and annotation values must be strings`);
  pod.metadata.labels = { ...labels };
  pod.extraAnnotations = Object.fromEntries(Object.entries(annotations).filter(([k, v]) => given[k] !== v || k in (pod.extraAnnotations ?? {})));
  world.store.touch(RES.pods, pod);
  return pod;
}

export function scaleObject(obj: SimObject): Record<string, unknown> {
  const m = obj.metadata;
  const spec = obj.spec as WorkloadSpecFields;
  const status = obj.status as WorkloadStatusFields | undefined;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status?.replicas ?? 0, selector: selectorString(spec.selector?.matchLabels ?? {}) },
  };
}

export function writeScale(world: World, def: ResourceDef, obj: SimObject, method: string, contentType: string, body: string): Record<string, unknown> {
  const current = scaleObject(obj);
  let next: ScaleBody;
  if (method === 'PUT') {
    try {
      next = JSON.parse(body) as ScaleBody;
    } catch {
      throw badRequest('invalid Scale body: not JSON');
    }
    const rv = next?.metadata?.resourceVersion;
    if (rv && rv !== obj.metadata.resourceVersion) throw conflict(`${def.plural}.${def.group}`, obj.metadata.name);
  } else {
    next = applyPatch(contentType, current, body, 'scale') as ScaleBody;
  }
  const replicas = next?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) throw new ApiError(422, 'Invalid', `Scale.autoscaling "${obj.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  if (replicas !== (obj.spec as WorkloadSpecFields).replicas) world.scaleTo(obj, replicas);
  return scaleObject(obj);
}

export interface DeleteOutcome { body: unknown; pending: boolean }

/**
 * Deletes an object. Pods with a grace period first get deletionTimestamp (MODIFIED), then vanish after
 * a short simulated shutdown (DELETED), so `kubectl delete` sees what it sees on a real cluster.
 */
export function deleteObject(world: World, def: ResourceDef, resource: string, obj: SimObject, gracePeriodSeconds: number | undefined, schedule: (fn: () => void, ms: number) => void): DeleteOutcome {
  if (obj instanceof PodRecord) {
    if (gracePeriodSeconds === 0) {
      world.removePod(obj);
      return { body: obj, pending: false };
    }
    if (!obj.deletionTimestamp) {
      obj.deletionTimestamp = iso(world.now());
      world.store.touch(RES.pods, obj);
      const owner = obj.owner as Owner | undefined;
      if (owner) world.syncEndpoints(owner);
      schedule(() => world.removePod(obj), Math.min(1000, (gracePeriodSeconds ?? 30) * 1000));
    }
    return { body: obj, pending: true };
  }
  if (def.plural === 'nodes') {
    world.removeNode(obj.metadata.name);
    return { body: obj, pending: false };
  }
  const owner = ownerOf(world, obj);
  if (owner) {
    // Background cascade: the owner goes now, its replicaset and pods right after.
    world.owners.delete(owner.obj.metadata.uid);
    for (const p of [...owner.pods]) world.removePod(p, '');
    if (owner.parent) world.store.remove(RES.replicasets, owner.obj.metadata.namespace, owner.obj.metadata.name);
  }
  world.store.remove(resource, obj.metadata.namespace, obj.metadata.name);
  return { body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: obj.metadata.name, group: def.group, kind: def.plural, uid: obj.metadata.uid } }, pending: false };
}

export function requireObject(world: World, def: ResourceDef, resource: string, namespace: string | undefined, name: string): SimObject {
  const obj = world.store.get(resource, namespace, name);
  if (!obj) throw notFound(def.plural, name, def.group);
  return obj;
}

export { groupVersion };
