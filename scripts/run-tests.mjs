#!/usr/bin/env node
// Runs every compiled test file, the root's (dist/test) and each workspace package's (packages/*/dist/test),
// with node's built-in runner. The files are listed here rather than globbed: Node 20's `--test` takes no
// glob (22 and 24 do), and the list is what the filters narrow. Extra arguments (file name filters,
// matched against the path) narrow the run. The runner's report is TAP on Node 20, spec on 22+.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const roots = ['dist/test', ...readdirSync('packages').map((p) => join('packages', p, 'dist/test'))].filter((d) => existsSync(d));
const files = roots
  .flatMap(walk)
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
