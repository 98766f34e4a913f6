// The Summary API mapping, compiled: METRIC_DEFS' `summary` paths become a tree of plans, one per object
// type (node, system container, pod, container, volume, interface), and each plan becomes a generated
// function that copies the object's numbers into a row and notices keys no plan knows.
import { generated, prop } from '../../util/generated-code.js';
import { METRIC_DEFS, isFloatType, type Entity, type MetricRow } from '../definitions.js';
import { FieldError, INT64_LIMIT, prefixError, toColumnNumber, typeName } from './decode-util.js';

interface Field { key: string; column: string; integer: boolean }
interface Child { key: string; plan: Plan }
export interface Plan {
  /** Path prefix for unmapped reports, e.g. `pods[].cpu.` */
  path: string;
  fields: Field[];
  children: Child[];
  /** Keys that are mapped, structural (handled by the decoder) or deliberately not stored. */
  known: Set<string>;
  /** Keys ignored while null or empty (deprecated userDefinedMetrics/accelerators); reported otherwise. */
  emptyOk: Set<string>;
  /** Key order of the last object verified to hold only known keys (a cache; see checkKeys). */
  verifiedKeys: string[];
}

function newPlan(path: string): Plan {
  return { path, fields: [], children: [], known: new Set(['time']), emptyOk: new Set(), verifiedKeys: [] };
}

function childPlan(plan: Plan, key: string): Plan {
  let child = plan.children.find((c) => c.key === key);
  if (!child) {
    child = { key, plan: newPlan(`${plan.path}${key}.`) };
    plan.children.push(child);
    plan.known.add(key);
  }
  return child.plan;
}

function addField(root: Plan, dotted: string, column: string, integer: boolean): void {
  const parts = dotted.split('.');
  let plan = root;
  for (const part of parts.slice(0, -1)) plan = childPlan(plan, part);
  const key = parts[parts.length - 1];
  plan.fields.push({ key, column, integer });
  plan.known.add(key);
}

/** Marks a path as handled outside the plan (identity, nested arrays); intermediate objects are walked. */
function addKnown(root: Plan, dotted: string): void {
  const parts = dotted.split('.');
  let plan = root;
  for (const part of parts.slice(0, -1)) plan = childPlan(plan, part);
  plan.known.add(parts[parts.length - 1]);
}

function compile(entity: Entity, path: string, structural: string[], emptyOk: string[] = []): Plan {
  const root = newPlan(path);
  for (const def of METRIC_DEFS) {
    if (def.entity === entity && def.summary) addField(root, def.summary, def.column, !isFloatType(def.sqlType));
  }
  for (const p of structural) addKnown(root, p);
  for (const k of emptyOk) root.emptyOk.add(k);
  return root;
}

export const PLANS = {
  node: compile('node', 'node.', ['nodeName', 'startTime', 'systemContainers', 'network.name', 'network.interfaces']),
  system_container: compile('system_container', 'node.systemContainers[].', ['name', 'startTime'],
    ['userDefinedMetrics', 'accelerators']),
  pod: compile('pod', 'pods[].', ['podRef.name', 'podRef.namespace', 'podRef.uid', 'startTime', 'containers',
    'volume', 'network.name', 'network.interfaces']),
  container: compile('container', 'pods[].containers[].', ['name', 'startTime'], ['userDefinedMetrics', 'accelerators']),
  volume: compile('volume', 'pods[].volume[].', ['name', 'pvcRef.name', 'pvcRef.namespace']),
  nodeInterface: compile('interface', 'node.network.interfaces[].', ['name']),
  podInterface: compile('interface', 'pods[].network.interfaces[].', ['name']),
  top: { ...newPlan(''), known: new Set(['node', 'pods']) },
};

type FillFn = (obj: Record<string, unknown>, row: MetricRow, unmapped: Set<string> | null) => void;

const FILLERS = new WeakMap<Plan, FillFn>();

/** Runs the plan over one object: numbers into the row's columns, child objects recursively. */
export function fill(obj: Record<string, unknown>, plan: Plan, row: MetricRow, unmapped: Set<string> | null): void {
  let fn = FILLERS.get(plan);
  if (!fn) FILLERS.set(plan, (fn = generateFiller(plan)));
  fn(obj, row, unmapped);
}

/**
 * Generates the plan's walk, nested groups included, as one straight-line function
 * (`const g1 = o["cpu"]; … v = g1["usageNanoCores"]; if (…) row["cpu_usage_nanocores"] = v`), because
 * constant property names let V8 cache each lookup and one function per object avoids a call and a
 * try/catch per group; a generic loop over `obj[field.key]` cost about twice as much, and the walk must
 * stay well under JSON.parse's own time (issue 6). Field paths for errors are embedded at generation.
 * Keys, columns and paths come from METRIC_DEFS and are embedded with JSON.stringify, never from input.
 */
function generateFiller(root: Plan): FillFn {
  const lines: string[] = ['let v;'];
  const plans: Plan[] = [];
  let groups = 0;
  const emit = (plan: Plan, obj: string, path: string): void => {
    for (const f of plan.fields) {
      const fast = f.integer
        ? 'typeof v === "number" && v >= 0 && v < LIMIT && v % 1 === 0'
        : 'typeof v === "number" && v >= 0';
      lines.push(`v = ${prop(obj, f.key)}; if (v !== undefined) ${prop('row', f.column)} = `
        + `(${fast}) ? v : num(v, ${f.integer}, ${JSON.stringify(path + f.key)});`);
    }
    for (const c of plan.children) {
      const g = `g${++groups}`;
      const childPath = path + c.key;
      lines.push(`const ${g} = ${prop(obj, c.key)};`);
      lines.push(`if (${g} !== undefined && ${g} !== null) {`);
      lines.push(`if (typeof ${g} !== "object" || Array.isArray(${g})) notObject(${g}, ${JSON.stringify(childPath)});`);
      emit(c.plan, g, `${childPath}.`);
      lines.push('}');
    }
    plans.push(plan);
    lines.push(`if (unmapped !== null) checkKeys(${obj}, plans[${plans.length - 1}], unmapped);`);
  };
  emit(root, 'o', '');
  // The generated decoder is the point of this module; its source is built above from METRIC_DEFS only.
  return generated<FillFn>(`function fill(o, row, unmapped) {\n${lines.join('\n')}\n}`,
    { LIMIT: INT64_LIMIT, num: slowNumber, notObject, checkKeys, plans });
}

function slowNumber(v: unknown, integer: boolean, path: string): number | null {
  try {
    return toColumnNumber(v, integer);
  } catch (err) {
    throw prefixError(err, path);
  }
}

function notObject(v: unknown, path: string): never {
  throw new FieldError(path, `expected an object, got ${typeName(v)}`);
}

/**
 * Adds the keys of `obj` no plan knows to `unmapped`. Objects of one kind nearly always have the same keys
 * in the same order (the kubelet serialises Go structs), so the keys are first compared with the last
 * all-known key list: one identity comparison per key instead of a set lookup. Any difference falls back
 * to checking each key, and an all-known result becomes the new reference.
 */
export function checkKeys(obj: Record<string, unknown>, plan: Plan, unmapped: Set<string>): void {
  const verified = plan.verifiedKeys;
  let i = 0;
  let same = true;
  for (const k in obj) {
    if (i >= verified.length || verified[i] !== k) {
      same = false;
      break;
    }
    i++;
  }
  if (same && i === verified.length) return;
  // A key tolerated only while empty must be looked at every time, so its object never becomes the reference.
  let reusable = true;
  for (const k in obj) {
    if (plan.known.has(k)) continue;
    reusable = false;
    if (plan.emptyOk.has(k)) {
      const v = obj[k];
      if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    }
    unmapped.add(plan.path + k);
  }
  if (reusable) plan.verifiedKeys = Object.keys(obj);
}
