// Where each table of the schema would go in a database distributed by cluster (Citus): the tables with a
// cluster_id are distributed on it and co-located with `node`; the small tables without one are reference
// tables (a copy on every node) or stay on the coordinator. docs/DISTRIBUTED.md explains each choice and
// lists the statements citusStatements() makes; the test checks the two agree with the migrated schema.
import type pg from 'pg';
import type { TableRole } from './plan-scope.js';

/** The table every distributed table is co-located with (any would do: all are keyed the same way). */
const ANCHOR_TABLE = 'node';

/** Tables without cluster_id and where they go, with why (docs/DISTRIBUTED.md, "Tables"). */
export const UNDISTRIBUTED_TABLES: Record<string, { role: 'reference' | 'coordinator'; why: string }> = {
  cluster: { role: 'reference', why: 'the clusters by id and name: read by nearly every viewer query, written once per cluster' },
  rollup_state: { role: 'reference', why: 'one progress mark per rollup table, global: the rollup pass covers every cluster at once' },
  series_purge: { role: 'reference', why: 'one row, the purge epoch every metric write reads in its transaction' },
  metric_batch: { role: 'reference', why: 'the ids of the stored metric batches; a batch spans clusters, so the table has no cluster_id' },
  rollup_pending: { role: 'reference', why: 'late time ranges per entity, for all clusters; emptied by each rollup pass' },
  schema_migrations: { role: 'coordinator', why: 'migrations run on the coordinator, which propagates their DDL' },
  collector_member: { role: 'coordinator', why: 'the collector group\'s members, a few rows heartbeated every few seconds; never joined to a cluster\'s rows' },
  collector_status: { role: 'coordinator', why: "one row per collector process and health interval; never joined to a cluster's rows" },
};

/** The schema's tables (not partitions, not views) and whether each has a cluster_id column. */
export async function schemaTables(pool: pg.Pool): Promise<Array<{ table: string; hasClusterId: boolean }>> {
  const r = await pool.query<{ table: string; has_cluster_id: boolean }>(
    `SELECT c.relname AS table,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'cluster_id' AND NOT a.attisdropped) AS has_cluster_id
       FROM pg_class c WHERE c.relnamespace = 'kubepulse'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  return r.rows.map((x) => ({ table: x.table, hasClusterId: x.has_cluster_id }));
}

/** A placement function over the schema's tables: distributed when it has cluster_id, else as listed. */
export function placement(tables: Array<{ table: string; hasClusterId: boolean }>): (table: string) => TableRole | undefined {
  const roles = new Map<string, TableRole>();
  for (const t of tables) {
    if (t.hasClusterId) roles.set(t.table, 'distributed');
    else if (UNDISTRIBUTED_TABLES[t.table]?.role === 'reference') roles.set(t.table, 'reference');
    else roles.set(t.table, 'global');
  }
  return (table) => roles.get(table);
}

/** The Citus statements, in the order they must run (docs/DISTRIBUTED.md quotes them). */
export function citusStatements(distributed: string[]): string[] {
  const q = (t: string): string => `'kubepulse.${t}'`;
  const reference = Object.entries(UNDISTRIBUTED_TABLES).filter(([, p]) => p.role === 'reference').map(([t]) => t);
  return [
    ...reference.map((t) => `SELECT create_reference_table(${q(t)});`),
    `SELECT create_distributed_table(${q(ANCHOR_TABLE)}, 'cluster_id');`,
    ...distributed.filter((t) => t !== ANCHOR_TABLE).sort()
      .map((t) => `SELECT create_distributed_table(${q(t)}, 'cluster_id', colocate_with => ${q(ANCHOR_TABLE)});`),
  ];
}
