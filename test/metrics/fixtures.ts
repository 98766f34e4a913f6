// Locates ../shared/fixtures relative to the repository root (the folder holding package.json above this
// compiled file: dist/test/metrics/ → repo root), so tests run from any worktree.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('test fixtures: no package.json above the test file');
    dir = up;
  }
  return dir;
}

export const FIXTURES_DIR = join(repoRoot(), '..', 'shared', 'fixtures');

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
