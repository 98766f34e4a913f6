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
