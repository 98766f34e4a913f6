// Drafts src/store/migrations/009_series_ids.sql from the declarations (run after `npx tsc -p .`).
// Migrations are frozen once committed: this only wrote 009 the first time; a later change to the raw
// tables needs a new migration (docs/ARCHITECTURE.md, "Adding a migration"), drafted the same way.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { seriesMigrationSql } = await import(join(root, 'dist/src/store/series-schema.js'));
const target = process.argv[2] ?? join(root, 'src/store/migrations/009_series_ids.sql');
writeFileSync(target, seriesMigrationSql());
console.log(`wrote ${target}`);
