#!/usr/bin/env node
// Runs every compiled test file, the root's (dist/test) and each workspace package's (packages/*/dist/test),
// with node's built-in runner. Extra arguments (file name filters, matched against the path) narrow the run.
// The tests need the Node of package.json's engines: started by an older one (a system Node 20 outside
// `npm test`), it runs them on the project's pinned Node (the `node` devDependency) instead.
import fs from 'node:fs'; // not { globSync }: Node 20 has none, and a missing named import fails before the check below
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { olderThanEngines } from './node-engines.mjs';

const tooOld = olderThanEngines(process.version);
if (tooOld) {
  const pinned = join(process.cwd(), 'node_modules/.bin/node');
  if (!fs.existsSync(pinned)) {
    console.error(`run-tests: ${tooOld}, and node_modules/.bin/node is missing: run \`npm ci\` first`);
    process.exit(1);
  }
  console.error(`run-tests: ${tooOld}; running on node_modules/.bin/node`);
  const r = spawnSync(pinned, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const filters = process.argv.slice(2);
const files = fs.globSync('{dist/test,packages/*/dist/test}/**/*.test.js')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(`run-tests: ${files.length} files on node ${process.version}`);
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
