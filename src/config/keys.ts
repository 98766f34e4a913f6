// Every key path of the configuration schema, found by walking the zod schema itself (not a second
// list): `retention.inventory_deleted`, `clusters[].kinds`. Records (log.modules, clusters[].kinds) are
// keys whose entries are free; their contents are not walked. Tests use it to check that every key is
// both documented and read by the code.
import type { z } from 'zod';
import { configSchema } from './schema.js';

type AnyZod = z.core.$ZodType;

/** Strips wrappers (default, prefault, optional, pipe/transform) down to the schema that gives the shape. */
function unwrap(s: AnyZod): AnyZod {
  let cur = s;
  for (let i = 0; i < 20; i++) {
    const def = cur._zod.def as unknown as { type: string; innerType?: AnyZod; in?: AnyZod };
    if (def.innerType) cur = def.innerType;
    else if (def.type === 'pipe' && def.in) cur = def.in;
    else return cur;
  }
  throw new Error('config schema: wrappers nested too deep to walk');
}

function walk(s: AnyZod, prefix: string[], out: string[][]): void {
  const inner = unwrap(s);
  const def = inner._zod.def as unknown as { type: string; shape?: Record<string, AnyZod>; element?: AnyZod };
  if (def.type === 'object' && def.shape) {
    for (const [k, v] of Object.entries(def.shape)) {
      const path = [...prefix, k];
      const child = unwrap(v)._zod.def as unknown as { type: string };
      if (child.type === 'object' || child.type === 'array') walk(v, path, out);
      else out.push(path);
    }
  } else if (def.type === 'array' && def.element) {
    walk(def.element, [...prefix.slice(0, -1), `${prefix[prefix.length - 1]}[]`], out);
  } else {
    out.push(prefix);
  }
}

/** Every leaf key path, e.g. ['server', 'listen'], ['clusters[]', 'summary_interval']. */
export function configKeyPaths(schema: AnyZod = configSchema): string[][] {
  const out: string[][] = [];
  walk(schema, [], out);
  return out;
}
