// The schema migrations are the committed files NNN_<what>.sql in this directory, applied in version order.
// They are plain SQL on purpose: what a database gets is the text in the repository, not whatever today's
// declarations would generate, so an installation upgraded step by step and a fresh one end up the same.
// `npm run build` copies them next to the compiled loader (scripts/copy-migrations.mjs), so they are found
// from dist/ in a checkout and in an installed package alike; run from src/ (tsx) they are read in place.
// How to add one: docs/ARCHITECTURE.md, "Adding a migration".
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
  version: number;
  /** The file name without number and extension (`initial_schema`), recorded in schema_migrations. */
  name: string;
  /** The whole file, run as one multi-statement query in the migration's transaction. */
  sql: string;
}

/** Where the loader finds the files: beside this module (src/ under tsx, dist/src/ once built). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('.', import.meta.url));

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/**
 * Reads every migration file of `dir`, checked: names follow NNN_snake_case.sql and the versions run
 * 1, 2, 3… without gap or repeat (a gap means a file went missing, e.g. from an incomplete build copy).
 */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const sqlFiles = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  if (sqlFiles.length === 0) {
    throw new Error(
      `no migration files (NNN_name.sql) in ${dir}: a build copies them there from src/store/migrations ` +
        '(npm run build runs scripts/copy-migrations.mjs)',
    );
  }
  const out: Migration[] = [];
  for (const file of sqlFiles) {
    const m = FILE_NAME.exec(file);
    if (!m) throw new Error(`migration file ${join(dir, file)}: name must be NNN_snake_case.sql (e.g. 005_metric_history.sql)`);
    const version = Number(m[1]);
    const expected = out.length + 1;
    if (version !== expected) {
      throw new Error(
        `migration file ${join(dir, file)}: expected version ${String(expected).padStart(3, '0')} next ` +
          '(versions run 1, 2, 3… without gaps or repeats)',
      );
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    if (!/\S/.test(sql.replace(/--[^\n]*/g, ''))) throw new Error(`migration file ${join(dir, file)} holds no SQL`);
    out.push({ version, name: m[2], sql });
  }
  return out;
}
