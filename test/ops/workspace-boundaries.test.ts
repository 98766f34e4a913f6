// The simulated cluster is a package of its own (packages/sim, @kubepulse/sim): the collector's code must
// not depend on it (only the `demo` and `sim` commands start it), and the sim must depend on nothing but
// Node's built-ins and the dependencies its own package.json declares — never on the collector's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

/** Only these files of the collector's src/ may import the simulator. */
const SIM_USERS = new Set(['src/cli/demo.ts', 'src/cli/sim.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [p] : [];
  });
}

/** The fields of a package.json these tests read. */
function readPackage(path: string): { version: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8')) as { version: string; dependencies?: Record<string, string> };
}

/** Module specifiers of static imports, re-exports and dynamic import() calls. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

test('the collector imports the simulator only from the demo and sim commands', () => {
  const users: string[] = [];
  for (const file of tsFiles(join(REPO_ROOT, 'src'))) {
    const rel = relative(REPO_ROOT, file);
    const specs = specifiers(readFileSync(file, 'utf8'));
    if (specs.some((s) => s === '@kubepulse/sim' || s.startsWith('@kubepulse/sim/') || s.includes('packages/sim'))) users.push(rel);
  }
  assert.ok(users.length > 0, 'the parser finds the demo command\'s import');
  assert.deepEqual(users.filter((u) => !SIM_USERS.has(u)), [], 'files of src/ that import the simulator');
});

test('the simulator imports only Node built-ins, its own files and its declared dependencies', () => {
  const pkgDir = join(REPO_ROOT, 'packages/sim');
  const declared = Object.keys(readPackage(join(pkgDir, 'package.json')).dependencies ?? {});
  let seen = 0;
  for (const file of tsFiles(join(pkgDir, 'src'))) {
    for (const s of specifiers(readFileSync(file, 'utf8'))) {
      seen++;
      if (s.startsWith('node:')) continue;
      if (s.startsWith('.')) {
        const target = resolve(dirname(file), s);
        assert.ok(!relative(join(pkgDir, 'src'), target).startsWith('..'), `${relative(REPO_ROOT, file)} imports ${s}, outside packages/sim/src`);
        continue;
      }
      const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0];
      assert.ok(declared.includes(name), `${relative(REPO_ROOT, file)} imports ${s}, not a dependency in packages/sim/package.json`);
    }
  }
  assert.ok(seen > 100, `imports checked (${seen})`);
});

test('node-forge is the simulator\'s dependency, not the collector\'s', () => {
  const root = readPackage(join(REPO_ROOT, 'package.json'));
  const sim = readPackage(join(REPO_ROOT, 'packages/sim/package.json'));
  assert.equal(root.dependencies?.['node-forge'], undefined);
  assert.match(sim.dependencies?.['node-forge'] ?? '(missing)', /^\d+\.\d+\.\d+$/, 'pinned exactly');
  assert.equal(root.dependencies?.['@kubepulse/sim'], sim.version, 'the root depends on the workspace\'s exact version');
});
