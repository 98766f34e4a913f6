// The example queries the demo prints and README.md shows (a test runs each against a real database).
export const EXAMPLE_QUERIES: Array<{ title: string; sql: string }> = [
  {
    title: 'nodes of every cluster with their latest CPU and memory',
    sql: `SELECT c.name AS cluster, m.node, m.ts,
       round(m.cpu_usage_nanocores / 1e6) AS cpu_millicores,
       pg_size_pretty(m.memory_working_set_bytes) AS memory
FROM kubepulse.node_metric m JOIN kubepulse.cluster c ON c.id = m.cluster_id
WHERE m.ts > now() - interval '5 minutes'
ORDER BY m.ts DESC LIMIT 10;`,
  },
  {
    title: 'top 5 pods by CPU over the last 5 minutes',
    sql: `SELECT c.name AS cluster, p.namespace, p.pod,
       round(avg(p.cpu_usage_nanocores) / 1e6) AS avg_cpu_millicores
FROM kubepulse.pod_metric p JOIN kubepulse.cluster c ON c.id = p.cluster_id
WHERE p.ts > now() - interval '5 minutes'
GROUP BY 1, 2, 3 ORDER BY 4 DESC NULLS LAST LIMIT 5;`,
  },
  {
    title: 'running pods per node, from the inventory',
    sql: `SELECT c.name AS cluster, p.node, count(*) AS pods
FROM kubepulse.pod p JOIN kubepulse.cluster c ON c.id = p.cluster_id
WHERE p.deleted_at IS NULL AND p.phase = 'Running'
GROUP BY 1, 2 ORDER BY 1, 2;`,
  },
  {
    title: "a node's CPU over the last day: <entity>_history(from, to) reads raw rows and compressed history alike",
    sql: `SELECT h.node, date_trunc('hour', h.ts) AS hour, round(avg(h.cpu_usage_nanocores) / 1e6) AS avg_cpu_millicores
FROM kubepulse.node_history(now() - interval '1 day', now()) h
GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 24;`,
  },
];
