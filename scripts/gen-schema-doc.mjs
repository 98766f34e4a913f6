// Rewrites the generated regions of docs/SCHEMA.md (tables, example queries) and docs/API.md (the series
// table) from the declarations, leaving the prose around them (run after `npx tsc -p .`). `--check`
// exits 1 when a committed file differs, for CI.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { renderSchemaDoc } = await import(join(root, 'dist/src/store/schema-doc.js'));
const { withSeriesTable } = await import(join(root, 'dist/src/viewer/chart-declarations.js'));
const read = (path) => {
  try { return readFileSync(path, 'utf8'); } catch { return ''; /* missing counts as different */ }
};
const apiDoc = join(root, 'docs/API.md');
const schemaDoc = join(root, 'docs/SCHEMA.md');
const targets = [
  [schemaDoc, renderSchemaDoc(read(schemaDoc))],
  [apiDoc, withSeriesTable(read(apiDoc))],
];
let stale = false;
for (const [target, text] of targets) {
  if (process.argv.includes('--check')) {
    if (read(target) !== text) {
      console.error(`${target} is out of date: run \`npx tsc -p . && node scripts/gen-schema-doc.mjs\``);
      stale = true;
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target} (${text.length} bytes)`);
  }
}
if (stale) process.exit(1);
