// The check that the declarations in code (metric definitions, inventory kind columns, rollup columns) match
// the tables the SQL migrations create. Migrations are frozen text, declarations are live code: adding a
// metric or a kind column without a migration would otherwise only show up as a failing COPY in production.
// migrate() runs this after migrating and refuses to start on a mismatch; test/store/migrate.test.ts runs it
// on a fresh database, and its failure names each column together with the SQL a new migration needs.
import type pg from 'pg';
import { ENTITIES, ENTITY_TABLES } from '../../metrics/definitions.js';
import type { KindDef } from '../../inventory/kind.js';
import { RESOLUTIONS, rollupColumns, rollupTable, rollupTableDdl } from '../rollup-schema.js';
import {
  SCHEMA, childColumns, kindColumns, kindTableDdl, metricColumns, qualified, quoteIdent, type ColumnSpec,
} from '../schema.js';
import {
  metricViewDdl, sampleColumns, sampleTable, sampleTableDdl, seriesColumns, seriesTable, seriesTableDdl,
} from '../series-schema.js';
import { blockColumns, blockTable, blockTableDdl } from '../history/schema.js';
import { minuteBlockColumns, minuteBlockTable, minuteBlockTableDdl } from '../history/minute-schema.js';

/** A table the running code writes, with the columns its declarations say it has. */
interface DeclaredTable {
  table: string;
  columns: ColumnSpec[];
  /** Draft DDL creating the table as declared today, offered when a migration for it is missing. */
  draft: () => string[];
  /**
   * A view: only its column names and types are compared (a view has no NOT NULL), and any difference is
   * fixed by re-creating it whole (its columns cannot be inserted in the middle).
   */
  view?: boolean;
}

/**
 * Every table generated from declarations: raw (series, sample, and the `<entity>_metric` view over them),
 * rollup, block and minute block metric tables, kind tables and child tables.
 */
function declaredTables(kinds: KindDef[]): DeclaredTable[] {
  const out: DeclaredTable[] = [];
  for (const e of ENTITIES) {
    out.push({ table: seriesTable(e), columns: seriesColumns(e), draft: () => seriesTableDdl(e) });
    out.push({ table: sampleTable(e), columns: sampleColumns(e), draft: () => sampleTableDdl(e) });
    out.push({ table: ENTITY_TABLES[e].table, columns: metricColumns(e), draft: () => recreateView(e), view: true });
    for (const r of RESOLUTIONS) out.push({ table: rollupTable(e, r), columns: rollupColumns(e, r), draft: () => rollupTableDdl(e, r) });
    out.push({ table: blockTable(e), columns: blockColumns(e), draft: () => blockTableDdl(e) });
    out.push({ table: minuteBlockTable(e), columns: minuteBlockColumns(e), draft: () => minuteBlockTableDdl(e) });
  }
  for (const k of kinds) {
    // kindTableDdl covers the kind and its children; each table takes the statements naming it.
    const draftOf = (table: string) => () => kindTableDdl(k).filter((s) => s.includes(`${qualified(table)} `));
    out.push({ table: k.table, columns: kindColumns(k), draft: draftOf(k.table) });
    for (const c of k.children ?? []) out.push({ table: c.table, columns: childColumns(k, c), draft: draftOf(c.table) });
  }
  return out;
}

/** The view and its insert trigger dropped and created again from today's declarations. */
function recreateView(entity: (typeof ENTITIES)[number]): string[] {
  const name = ENTITY_TABLES[entity].table;
  return [
    `DROP VIEW IF EXISTS ${qualified(name)}`,
    `DROP FUNCTION IF EXISTS ${SCHEMA}.${quoteIdent(`${name}_insert`)}()`,
    ...metricViewDdl(entity),
  ];
}

export interface DeclarationMismatch {
  table: string;
  /** Absent when the whole table is missing. */
  column?: string;
  problem: string;
  /** SQL a new migration would need (a draft: review it, then freeze it in NNN_*.sql). */
  fix: string;
}

/** What the database has: table → column → canonical type and nullability. */
async function catalogColumns(client: pg.ClientBase, tables: string[]): Promise<Map<string, Map<string, { type: string; notNull: boolean }>>> {
  const r = await client.query<{ table: string; column: string; type: string; not_null: boolean }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = ANY($2) AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
    [SCHEMA, tables],
  );
  const out = new Map<string, Map<string, { type: string; notNull: boolean }>>();
  for (const row of r.rows) {
    if (!out.has(row.table)) out.set(row.table, new Map());
    out.get(row.table)!.set(row.column, { type: row.type, notNull: row.not_null });
  }
  return out;
}

/** PostgreSQL's own spelling of each declared type ('timestamptz' → 'timestamp with time zone'). */
async function canonicalTypes(client: pg.ClientBase, declared: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of new Set(declared)) {
    try {
      const r = await client.query<{ canonical: string }>('SELECT format_type($1::regtype, NULL) AS canonical', [t]);
      out.set(t, r.rows[0].canonical);
    } catch (err) {
      throw new Error(`a declaration names SQL type ${JSON.stringify(t)}, which PostgreSQL does not know: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}

/** Every difference between the declared tables and the database (empty when they match). */
export async function checkDeclarations(client: pg.ClientBase, kinds: KindDef[]): Promise<DeclarationMismatch[]> {
  const declared = declaredTables(kinds);
  const have = await catalogColumns(client, declared.map((t) => t.table));
  const types = await canonicalTypes(client, declared.flatMap((t) => t.columns.map((c) => c.sqlType)));
  const out: DeclarationMismatch[] = [];
  for (const t of declared) {
    const cols = have.get(t.table);
    if (!cols) {
      out.push({ table: t.table, problem: 'table is declared but no migration creates it', fix: t.draft().map((s) => `${s};`).join('\n') });
      continue;
    }
    if (t.view) {
      out.push(...viewMismatches(t, cols, types));
      continue;
    }
    const target = `ALTER TABLE ${qualified(t.table)}`;
    for (const c of t.columns) {
      const got = cols.get(c.column);
      const want = types.get(c.sqlType)!;
      if (!got) {
        out.push({
          table: t.table, column: c.column, problem: 'column is declared but no migration creates it',
          fix: `${target} ADD COLUMN ${quoteIdent(c.column)} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''};`,
        });
      } else if (got.type !== want) {
        out.push({
          table: t.table, column: c.column, problem: `declared ${want}, the database has ${got.type}`,
          fix: `${target} ALTER COLUMN ${quoteIdent(c.column)} TYPE ${c.sqlType};`,
        });
      } else if (got.notNull !== Boolean(c.notNull)) {
        out.push({
          table: t.table, column: c.column,
          problem: `declared ${c.notNull ? 'NOT NULL' : 'nullable'}, the database has it ${got.notNull ? 'NOT NULL' : 'nullable'}`,
          fix: `${target} ALTER COLUMN ${quoteIdent(c.column)} ${c.notNull ? 'SET' : 'DROP'} NOT NULL;`,
        });
      }
    }
  }
  return out;
}

/** A view's columns against the declared ones, names and types in order; each difference carries the re-creation. */
function viewMismatches(
  t: DeclaredTable, cols: Map<string, { type: string; notNull: boolean }>, types: Map<string, string>,
): DeclarationMismatch[] {
  const fix = t.draft().map((s) => `${s};`).join('\n');
  const out: DeclarationMismatch[] = [];
  const have = [...cols.keys()];
  for (const c of t.columns) {
    const got = cols.get(c.column);
    const want = types.get(c.sqlType)!;
    if (!got) out.push({ table: t.table, column: c.column, problem: 'column is declared but the view does not have it', fix });
    else if (got.type !== want) out.push({ table: t.table, column: c.column, problem: `declared ${want}, the view has ${got.type}`, fix });
  }
  // Columns in another order are only worth naming when none is missing (a missing one shifts the rest).
  if (out.length === 0) {
    t.columns.forEach((c, i) => {
      if (have[i] !== c.column) out.push({ table: t.table, column: c.column, problem: `declared as column ${i + 1} of the view, it is column ${have.indexOf(c.column) + 1}`, fix });
    });
  }
  return out;
}

export function describeMismatches(list: DeclarationMismatch[]): string {
  return list
    .map((m) => `  ${SCHEMA}.${m.table}${m.column ? `.${m.column}` : ''}: ${m.problem}\n    ${m.fix.replace(/\n/g, '\n    ')}`)
    .join('\n');
}

/**
 * The declarations and the migrated schema disagree. Its SQLSTATE-like code (42703 undefined_column,
 * 42804 datatype_mismatch) marks it as bad data rather than an unreachable database, so a collector
 * started with tolerateUnreachable stops instead of spooling while it retries a migration that cannot help.
 */
export class DeclarationMismatchError extends Error {
  readonly code: string;
  constructor(readonly mismatches: DeclarationMismatch[]) {
    super(
      `the declarations in code do not match the migrated schema (${mismatches.length} difference(s)); ` +
        'add a migration src/store/migrations/NNN_<what>.sql (see docs/ARCHITECTURE.md, "Adding a migration"):\n' +
        describeMismatches(mismatches),
    );
    this.name = 'DeclarationMismatchError';
    this.code = mismatches.some((m) => m.problem.includes('no migration creates')) ? '42703' : '42804';
  }
}
