#!/usr/bin/env node
// Runs part of the compiled test suite under the supported Node LTS lines other than the one `npm test`
// runs on: that one is the root devDependency `node` (24), which npm puts first on PATH for every npm
// script; the others (22) are pinned in scripts/node-versions/package.json (the npm registry's `node`
// package, installed there on first use). Each run puts its Node first on PATH, so child processes (the
// installed CLI of the package test, npm itself) use it too.
// Usage: node scripts/node-matrix.mjs [file-filters...]   (default: DEFAULT_FILTERS; needs `npm run build`)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = join(root, 'scripts/node-versions');
/**
 * The simulator package's tests, config, metrics decoding, the packed-package smoke test, the CLI, and the
 * scrape scheduler with its memory bounds (scopedAbort stands in for AbortSignal.any, which leaks on 22).
 */
const DEFAULT_FILTERS = [
  'packages/sim/', 'test/config/', 'test/metrics/', 'ops/package.test', 'ops/workspace-boundaries',
  'test/cli/', 'scrape/scheduling', 'ops/memory-bounds',
];

const deps = JSON.parse(readFileSync(join(toolDir, 'package.json'), 'utf8')).dependencies;
const lines = Object.keys(deps).sort();
if (!lines.every((l) => existsSync(join(toolDir, 'node_modules', l, 'bin/node')))) {
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: toolDir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('node-matrix: could not install the Node binaries (scripts/node-versions)');
    process.exit(1);
  }
}
if (!existsSync(join(root, 'dist/test'))) {
  console.error('node-matrix: no compiled tests; run `npm run build` first');
  process.exit(1);
}
const filters = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_FILTERS;
const failed = [];
for (const line of lines) {
  const bin = join(toolDir, 'node_modules', line, 'bin');
  const version = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== ${line}: ${version} — ${filters.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(join(bin, 'node'), [join(root, 'scripts/run-tests.mjs'), ...filters], {
    cwd: root, stdio: 'inherit', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  console.log(`=== ${line}: ${version} ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (r.status !== 0) failed.push(`${line} (${version})`);
}
if (failed.length) {
  console.error(`node-matrix: failed under ${failed.join(', ')}`);
  process.exit(1);
}
