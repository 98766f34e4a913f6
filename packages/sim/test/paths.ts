// Paths the sim's tests share (they run from packages/sim/dist/test/): this package's root, and the real
// kubelet and apiserver fixtures the whole repository keeps in <repo>/test/fixtures (sources and licences
// in test/fixtures/PROVENANCE.md), reached from the repository root.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_ROOT = resolve(PACKAGE_ROOT, '../..');
export const FIXTURES = resolve(REPO_ROOT, 'test/fixtures');

export function fixture(name: string): string {
  return resolve(FIXTURES, name);
}
