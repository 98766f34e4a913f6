#!/usr/bin/env node
// Build step: tsc compiles only .ts, so the SQL migrations (src/store/migrations/NNN_*.sql) are copied next
// to their compiled loader in dist/, where it looks for them in a checkout and in an installed package.
// .sql files in dist/ that no longer exist in src/ are removed, so a renamed migration cannot linger twice.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const from = 'src/store/migrations';
const to = 'dist/src/store/migrations';
mkdirSync(to, { recursive: true });
const sources = readdirSync(from).filter((f) => f.endsWith('.sql'));
if (sources.length === 0) throw new Error(`no .sql migrations in ${from}`);
for (const f of readdirSync(to)) if (f.endsWith('.sql') && !sources.includes(f)) rmSync(join(to, f));
for (const f of sources) copyFileSync(join(from, f), join(to, f));
console.log(`copied ${sources.length} migration(s) to ${to}`);
