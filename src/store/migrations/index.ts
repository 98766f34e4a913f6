// The ordered list of schema migrations. A migration is never edited once released: a change is a new
// file NNN_<what>.ts and one line here.
import type { KindDef } from '../../inventory/kind.js';
import { initial } from './001_initial.js';
import { rollups } from './002_rollups.js';
import { collectorStatus } from './003_collector_status.js';
import { podWorkloadIndex } from './004_pod_workload_index.js';

export interface MigrationContext {
  /** The inventory kinds whose tables exist (ALL_KINDS in production). */
  kinds: KindDef[];
}

export interface Migration {
  version: number;
  name: string;
  /** SQL statements run in order, in one transaction with the schema_migrations row. */
  statements: (ctx: MigrationContext) => string[];
}

export const MIGRATIONS: Migration[] = [initial, rollups, collectorStatus, podWorkloadIndex];
