// Reads the real kubelet payloads in test/fixtures/ by name or by prefix (all versions of one endpoint).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES as FIXTURES_DIR } from '../helpers/paths.js';

export function fixtureNames(prefix: string): string[] {
  const names = readdirSync(FIXTURES_DIR).filter((n) => n.startsWith(prefix)).sort();
  if (names.length === 0) throw new Error(`no fixtures starting with ${prefix} in ${FIXTURES_DIR}`);
  return names;
}

export function fixturePath(name: string): string {
  return join(FIXTURES_DIR, name);
}

export function readFixture(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

/** Reads a dotted path ("cpu.psi.some.total") from a parsed JSON object. */
export function at(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** The object holding the last part of a dotted path, and that part's key; fails loudly when absent. */
function parentOf(obj: unknown, path: string): { parent: Record<string, unknown>; key: string } {
  const parts = path.split('.');
  const key = parts.pop()!;
  const parent = parts.length ? at(obj, parts.join('.')) : obj;
  if (parent === null || typeof parent !== 'object') throw new Error(`no object at ${parts.join('.')} to change ${key} in`);
  return { parent: parent as Record<string, unknown>, key };
}

/** Sets the value at a dotted path ("pods.2.cpu", array indexes as parts) of a parsed JSON document: how
 * tests build payloads of shapes a decoder must refuse or report. */
export function setAt(obj: unknown, path: string, value: unknown): void {
  const { parent, key } = parentOf(obj, path);
  parent[key] = value;
}

/** Removes the field at a dotted path of a parsed JSON document. */
export function deleteAt(obj: unknown, path: string): void {
  const { parent, key } = parentOf(obj, path);
  delete parent[key];
}
