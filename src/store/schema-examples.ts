// Example SQL for docs/SCHEMA.md. Each runs as is in psql (variables as :'name', set with -v name=…);
// test/metrics/schema-doc.test.ts runs every one against a database filled by the collector.

export interface SchemaExample {
  title: string;
  why: string;
  sql: string;
  /** psql variables the query uses, in the order the test binds them. */
  variables: string[];
}

export const SCHEMA_EXAMPLES: SchemaExample[] = [
  {
    title: 'Top pods by CPU over the last hour',
    why: 'cpu_usage_nanocores is the kubelet\'s own average over its window; samples only cAdvisor saw have it null and avg() skips them.',
    variables: [],
    sql: `SELECT c.name AS cluster, p.namespace, p.pod,
       round(avg(p.cpu_usage_nanocores) / 1e6) AS avg_cpu_millicores,
       round(max(p.cpu_usage_nanocores) / 1e6) AS max_cpu_millicores
FROM kubepulse.pod_metric p
JOIN kubepulse.cluster c ON c.id = p.cluster_id
WHERE p.ts > now() - interval '1 hour'
GROUP BY 1, 2, 3
ORDER BY avg_cpu_millicores DESC NULLS LAST
LIMIT 10;`,
  },
  {
    title: 'Node utilisation against allocatable (last 15 minutes)',
    why: 'Usage from node_metric, allocatable from the node inventory table (what the scheduler can hand out).',
    variables: [],
    sql: `SELECT c.name AS cluster, n.name AS node,
       round(avg(m.cpu_usage_nanocores) / 1e6) AS cpu_millicores,
       n.allocatable_cpu_millicores,
       round(100 * avg(m.cpu_usage_nanocores) / 1e6 / nullif(n.allocatable_cpu_millicores, 0), 1) AS cpu_percent,
       pg_size_pretty(avg(m.memory_working_set_bytes)::bigint) AS memory_working_set,
       pg_size_pretty(n.allocatable_memory_bytes) AS allocatable_memory,
       round(100 * avg(m.memory_working_set_bytes) / nullif(n.allocatable_memory_bytes, 0), 1) AS memory_percent
FROM kubepulse.node n
JOIN kubepulse.node_metric m ON m.cluster_id = n.cluster_id AND m.node = n.name
JOIN kubepulse.cluster c ON c.id = n.cluster_id
WHERE n.deleted_at IS NULL AND m.ts > now() - interval '15 minutes'
GROUP BY c.name, n.name, n.allocatable_cpu_millicores, n.allocatable_memory_bytes
ORDER BY cpu_percent DESC NULLS LAST;`,
  },
  {
    title: "Containers' memory against their limit (latest sample)",
    why: 'The working set is what the OOM killer compares with the limit; limits come from the container inventory table.',
    variables: [],
    sql: `SELECT * FROM (
  SELECT DISTINCT ON (m.cluster_id, m.pod_uid, m.container)
         m.namespace, m.pod, m.container, m.ts,
         pg_size_pretty(m.memory_working_set_bytes) AS working_set,
         pg_size_pretty(k.memory_limit_bytes) AS memory_limit,
         round(100.0 * m.memory_working_set_bytes / k.memory_limit_bytes, 1) AS percent_of_limit
  FROM kubepulse.container_metric m
  JOIN kubepulse.container k ON k.cluster_id = m.cluster_id AND k.pod_uid = m.pod_uid AND k.container = m.container
  WHERE m.ts > now() - interval '5 minutes'
    AND m.memory_working_set_bytes IS NOT NULL AND k.memory_limit_bytes > 0
  ORDER BY m.cluster_id, m.pod_uid, m.container, m.ts DESC
) latest
ORDER BY percent_of_limit DESC
LIMIT 20;`,
  },
  {
    title: 'CPU throttling by workload (last hour)',
    why: 'CFS counters come from cAdvisor; the share of enforcement periods in which the container was throttled, per owning workload (pod.workload_kind/name resolve ReplicaSets to Deployments).',
    variables: [],
    sql: `SELECT c.name AS cluster, p.namespace, p.workload_kind, p.workload_name,
       round((100 * sum(m.cpu_cfs_throttled_periods_per_second) / nullif(sum(m.cpu_cfs_periods_per_second), 0))::numeric, 1) AS throttled_percent,
       round(avg(m.cpu_cfs_throttled_millicores)::numeric) AS avg_throttled_millicores
FROM kubepulse.container_metric m
JOIN kubepulse.pod p ON p.cluster_id = m.cluster_id AND p.uid = m.pod_uid
JOIN kubepulse.cluster c ON c.id = m.cluster_id
WHERE m.ts > now() - interval '1 hour' AND m.cpu_cfs_periods_per_second > 0
GROUP BY 1, 2, 3, 4
ORDER BY throttled_percent DESC NULLS LAST
LIMIT 20;`,
  },
  {
    title: 'Which pods ran on node X at time T, with what limits',
    why: "Each pod's last change_log entry at or before T gives its state then (node, phase, pod limits); container limits come from the container table (pod container resources rarely change in place).",
    variables: ['node', 'at'],
    sql: `WITH pod_at AS (
  SELECT DISTINCT ON (l.cluster_id, l.uid) l.cluster_id, l.uid, l.namespace, l.name, l.op, l.state
  FROM kubepulse.change_log l
  WHERE l.kind = 'pod' AND l.at <= :'at'::timestamptz
  ORDER BY l.cluster_id, l.uid, l.at DESC, l.id DESC
)
SELECT c.name AS cluster, p.namespace, p.name AS pod, p.state->>'phase' AS phase,
       (p.state->>'cpu_limit_millicores')::bigint AS pod_cpu_limit_millicores,
       (p.state->>'memory_limit_bytes')::bigint AS pod_memory_limit_bytes,
       k.container, k.cpu_limit_millicores, k.memory_limit_bytes
FROM pod_at p
JOIN kubepulse.cluster c ON c.id = p.cluster_id
LEFT JOIN kubepulse.container k ON k.cluster_id = p.cluster_id AND k.pod_uid = p.uid AND k.type = 'app'
WHERE p.op <> 'delete' AND p.state->>'node' = :'node'
ORDER BY 1, 2, 3, k.container;`,
  },
];

/** The query with psql variables (:'name') turned into bind parameters ($1 …), for a driver. */
export function bindExample(example: SchemaExample): string {
  let sql = example.sql;
  example.variables.forEach((v, i) => {
    sql = sql.split(`:'${v}'`).join(`$${i + 1}`);
  });
  if (/:'[a-z_]+'/.test(sql)) throw new Error(`example "${example.title}": a psql variable is not declared`);
  return sql;
}
