// Paths tests share: the repo root (tests run from dist/test/<area>/) and the real kubelet fixtures in
// test/fixtures/ (their sources and licences in test/fixtures/PROVENANCE.md).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = resolve(REPO_ROOT, 'test/fixtures');

export function fixture(name: string): string {
  return resolve(FIXTURES, name);
}
