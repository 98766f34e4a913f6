// What may be stored of an object. Secret values never reach the database: Secret objects are not
// collected at all, and the places where other kinds carry values that may be secret are stripped here.
import type { KubeObject } from './kind.js';

/** kubectl apply keeps the whole applied manifest (env values included) in this annotation. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops managedFields and the last-applied annotation; every kind's stored object goes through this. */
export function baseSanitize(obj: KubeObject): KubeObject {
  const { managedFields: _mf, annotations, ...meta } = obj.metadata;
  const out: KubeObject = { ...obj, metadata: { ...meta } };
  if (annotations) {
    const kept = { ...annotations };
    delete kept[LAST_APPLIED];
    out.metadata.annotations = kept;
  }
  return out;
}

/** Annotations as stored in the `annotations` column (same rule as the object). */
export function storedAnnotations(obj: KubeObject): Record<string, string> {
  const a = { ...(obj.metadata.annotations ?? {}) };
  delete a[LAST_APPLIED];
  return a;
}

interface EnvVar { name: string; value?: string; valueFrom?: unknown }
interface ContainerSpec { env?: EnvVar[]; [k: string]: unknown }

function stripEnv(containers: ContainerSpec[] | undefined): ContainerSpec[] | undefined {
  if (!Array.isArray(containers)) return containers;
  return containers.map((c) => {
    if (!Array.isArray(c.env)) return c;
    // Keep the name and where a value comes from (a reference is not a secret); drop literal values.
    return { ...c, env: c.env.map(({ value: _v, ...rest }) => (_v === undefined ? rest : { ...rest, value: '[stripped]' })) };
  });
}

/** A pod template or pod spec with every container's literal env values removed. */
export function stripPodSpec(spec: any): any {
  if (!spec || typeof spec !== 'object') return spec;
  return {
    ...spec,
    containers: stripEnv(spec.containers),
    initContainers: stripEnv(spec.initContainers),
    ephemeralContainers: stripEnv(spec.ephemeralContainers),
  };
}

/** For kinds that embed a pod template (deployments, jobs …): spec.template.spec. */
export function stripTemplate(obj: KubeObject): KubeObject {
  const out = baseSanitize(obj);
  const tpl = out.spec?.template ?? out.spec?.jobTemplate?.spec?.template;
  if (!tpl) return out;
  if (out.spec.template) out.spec = { ...out.spec, template: { ...tpl, spec: stripPodSpec(tpl.spec) } };
  else
    out.spec = {
      ...out.spec,
      jobTemplate: { ...out.spec.jobTemplate, spec: { ...out.spec.jobTemplate.spec, template: { ...tpl, spec: stripPodSpec(tpl.spec) } } },
    };
  return out;
}
