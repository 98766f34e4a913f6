// Writes docs/SCHEMA.md from the declarations (run after `npx tsc -p .`). `--check` exits 1 when the
// committed file differs, for CI.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { renderSchemaDoc } = await import(join(root, 'dist/src/store/schema-doc.js'));
const target = join(root, 'docs/SCHEMA.md');
const text = renderSchemaDoc();
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch { /* missing counts as different */ }
  if (current !== text) {
    console.error('docs/SCHEMA.md is out of date: run `npx tsc -p . && node scripts/gen-schema-doc.mjs`');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${text.length} bytes)`);
}
