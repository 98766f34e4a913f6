// The header's global search: pods, nodes, workloads and namespaces whose name contains the text (any
// case), live objects of every cluster, exact matches first, then the shortest names.
import type pg from 'pg';
import { likeText } from './object-queries.js';

const S = 'kubepulse';

export interface SearchHit { kind: 'pod' | 'node' | 'workload' | 'namespace'; cluster: string; namespace: string | null; name: string; detail: string | null }

export async function globalSearch(pool: pg.Pool, text: string, limit: number): Promise<SearchHit[]> {
  const like = likeText(text);
  // Each kind ranked on its own and cut to `limit`, so many pods never hide the one node that matches.
  const part = (kind: string, table: string, ns: string, detail: string, extra = ''): string =>
    `(SELECT '${kind}' AS kind, c.name AS cluster, ${ns} AS namespace, t.name, ${detail} AS detail
        FROM ${S}.${table} t JOIN ${S}.cluster c ON c.id = t.cluster_id
       WHERE t.deleted_at IS NULL AND t.name ILIKE $1${extra}
       ORDER BY lower(t.name) = lower($2) DESC, length(t.name), t.name LIMIT $3)`;
  const r = await pool.query<SearchHit>(
    [
      part('node', 'node', 'NULL::text', `CASE WHEN t.ready THEN 'Ready' ELSE 'NotReady' END`),
      part('namespace', '"namespace"', 'NULL::text', 'NULL::text'),
      part('workload', 'deployment', 't.namespace', `'Deployment'`),
      part('workload', 'statefulset', 't.namespace', `'StatefulSet'`),
      part('workload', 'daemonset', 't.namespace', `'DaemonSet'`),
      part('pod', 'pod', 't.namespace', 't.phase'),
    ].join(' UNION ALL '),
    [like, text, limit],
  );
  return r.rows;
}
