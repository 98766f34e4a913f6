// Versioned schema migrations — the committed SQL files src/store/migrations/NNN_<what>.sql — applied in
// order under a PostgreSQL advisory lock so that two collectors (or a collector and `kubepulse migrate`)
// starting at once never race: the second waits, then finds nothing left to do. Each migration runs in its
// own transaction together with its schema_migrations row. Afterwards the declarations in code are checked
// against the migrated tables (migrations/declarations.ts): a declared column no migration creates stops
// the start with the SQL the missing migration needs, instead of failing every write later.
import pg from 'pg';
import type { KindDef } from '../inventory/kind.js';
import { ALL_KINDS } from '../inventory/kinds/index.js';
import { log } from '../log.js';
import { loadMigrations, type Migration } from './migrations/index.js';
import { DeclarationMismatchError, checkDeclarations } from './migrations/declarations.js';
import { SCHEMA } from './schema.js';

/** Advisory lock key: 'kubepulse' folded into a bigint. Any constant works as long as it never changes. */
const MIGRATION_LOCK_KEY = 0x6b75_6265_7075_6c73n;

export interface MigrateOptions {
  /** The inventory kinds whose declarations are checked against the migrated tables (default ALL_KINDS). */
  kinds?: KindDef[];
  /** Override the migration list (tests: apply a prefix, as an older installation had). */
  migrations?: Migration[];
  /** Check the declarations against the migrated tables (default true; off only for a partial list). */
  checkDeclarations?: boolean;
}

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was current). */
  applied: number[];
}

export async function migrate(url: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = checkedOrder(opts.migrations ?? loadMigrations());
  const client = new pg.Client({ connectionString: url, application_name: 'kubepulse-migrate', options: '-c TimeZone=UTC' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      const applied = await applyPending(client, migrations);
      if (opts.checkDeclarations ?? true) {
        const mismatches = await checkDeclarations(client, opts.kinds ?? ALL_KINDS);
        if (mismatches.length) throw new DeclarationMismatchError(mismatches);
      }
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(client: pg.Client, migrations: Migration[]): Promise<number[]> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set(
    (await client.query<{ version: number }>(`SELECT version FROM ${SCHEMA}.schema_migrations`)).rows.map((r) => r.version),
  );
  const newest = migrations[migrations.length - 1]?.version ?? 0;
  const unknown = [...done].filter((v) => v > newest);
  if (unknown.length) {
    throw new Error(
      `the database schema has migrations ${unknown.join(', ')} this kubepulse does not know (newest known: ${newest}); ` +
        'run a newer kubepulse against this database',
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    log('store').info({ version: m.version, name: m.name }, 'applying migration');
    await client.query('BEGIN');
    try {
      // No parameters: the simple query protocol runs the whole file, all its statements, in this transaction.
      await client.query(m.sql);
      await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
    }
    applied.push(m.version);
  }
  return applied;
}

function checkedOrder(migrations: Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (i > 0 && sorted[i - 1].version === m.version) throw new Error(`two migrations share version ${m.version}`);
  });
  return sorted;
}
