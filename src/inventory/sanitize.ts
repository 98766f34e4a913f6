// What may be stored of an object. Secret values never reach the database: Secret objects are not
// collected at all, and the places where other kinds carry values that may be secret are stripped here.
import type { V1EnvVar, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { KubeObject, Wire } from './kind.js';

/** kubectl apply keeps the whole applied manifest (env values included) in this annotation. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops managedFields and the last-applied annotation; every kind's stored object goes through this. */
export function baseSanitize<T extends KubeObject>(obj: T): T {
  const { managedFields: _mf, annotations, ...meta } = obj.metadata;
  // annotations go last, where the original code put them: the stored JSON's key order feeds its fingerprint
  return { ...obj, metadata: annotations ? { ...meta, annotations: storedAnnotations(obj) } : { ...meta } };
}

/** Annotations as stored in the `annotations` column (same rule as the object). */
function storedAnnotations(obj: KubeObject): Record<string, string> {
  const a = { ...(obj.metadata.annotations ?? {}) };
  delete a[LAST_APPLIED];
  return a;
}

type PodSpec = Wire<V1PodSpec>;

type WithEnv = { env?: Array<Wire<V1EnvVar>> };

function stripEnv<C extends WithEnv>(containers: C[]): C[];
function stripEnv<C extends WithEnv>(containers: C[] | undefined): C[] | undefined;
function stripEnv<C extends WithEnv>(containers: C[] | undefined): C[] | undefined {
  // The wire is not validated: anything but an array is passed through untouched.
  if (!Array.isArray(containers)) return containers;
  return containers.map((c) => {
    if (!Array.isArray(c.env)) return c;
    // Keep the name and where a value comes from (a reference is not a secret); drop literal values.
    return { ...c, env: c.env.map(({ value: _v, ...rest }) => (_v === undefined ? rest : { ...rest, value: '[stripped]' })) };
  });
}

/** A pod template or pod spec with every container's literal env values removed. */
export function stripPodSpec(spec: PodSpec | undefined): PodSpec | undefined {
  if (!spec || typeof spec !== 'object') return spec;
  return {
    ...spec,
    containers: stripEnv(spec.containers),
    initContainers: stripEnv(spec.initContainers),
    ephemeralContainers: stripEnv(spec.ephemeralContainers),
  };
}

/** A pod template with its spec stripped (see stripPodSpec). */
export function stripTemplateSpec(tpl: Wire<V1PodTemplateSpec>): Wire<V1PodTemplateSpec> {
  return { ...tpl, spec: stripPodSpec(tpl.spec) };
}

/** For kinds whose spec embeds a pod template (deployments, jobs …): spec.template.spec. */
export function stripTemplate<T extends KubeObject & { spec?: { template?: Wire<V1PodTemplateSpec> } }>(obj: T): T {
  const out = baseSanitize(obj);
  const tpl = out.spec?.template;
  if (!tpl) return out;
  return { ...out, spec: { ...out.spec, template: stripTemplateSpec(tpl) } };
}
