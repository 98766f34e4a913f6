// Drafts src/store/migrations/007_history_blocks.sql from the declarations (run after `npx tsc -p .`).
// Migrations are frozen once committed: this only wrote 007 the first time; a later change to the block
// tables needs a new migration (docs/ARCHITECTURE.md, "Adding a migration"), drafted the same way.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { historyMigrationSql } = await import(join(root, 'dist/src/store/history/schema.js'));
const target = process.argv[2] ?? join(root, 'src/store/migrations/007_history_blocks.sql');
writeFileSync(target, historyMigrationSql());
console.log(`wrote ${target}`);
