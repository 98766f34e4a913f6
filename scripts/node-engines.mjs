// package.json's engines.node floor (">=MAJOR.MINOR[.PATCH]"), for the scripts that must not run on an older
// Node: undici 8 and commander 15 do not load there, and the failure would name neither.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgPath = join(dirname(fileURLToPath(import.meta.url)), '../package.json');

/** The reason `version` (e.g. "v20.20.2") is too old for engines.node, or null when it is new enough. */
export function olderThanEngines(version) {
  const range = JSON.parse(readFileSync(pkgPath, 'utf8')).engines?.node ?? '';
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!m) throw new Error(`package.json engines.node: expected ">=MAJOR.MINOR", got ${JSON.stringify(range)}`);
  const want = [m[1], m[2] ?? 0, m[3] ?? 0].map(Number);
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] !== want[i]) return have[i] < want[i] ? `Node ${version} is older than engines.node ${range}` : null;
  }
  return null;
}
