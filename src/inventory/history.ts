// "Which pods ran on node X at time T, with what requests and limits": the change log keeps, with every
// add, update and delete, the typed columns after the change (`state`), so a past moment is the last
// change of each pod at or before T. Parameters: $1 cluster id, $2 node name, $3 the moment.
// docs/SCHEMA.md shows the same query; the inventory test runs it.
export const HISTORY_QUERY = `
WITH last AS (
  SELECT DISTINCT ON (uid) uid, op, at, state
    FROM kubepulse.change_log
   WHERE cluster_id = $1 AND kind = 'pod' AND at <= $3
   ORDER BY uid, at DESC, id DESC
)
SELECT uid,
       state->>'namespace' AS namespace,
       state->>'name' AS name,
       state->>'phase' AS phase,
       state->>'workload_kind' AS workload_kind,
       state->>'workload_name' AS workload_name,
       (state->>'cpu_request_millicores')::bigint AS cpu_request_millicores,
       (state->>'cpu_limit_millicores')::bigint AS cpu_limit_millicores,
       (state->>'memory_request_bytes')::bigint AS memory_request_bytes,
       (state->>'memory_limit_bytes')::bigint AS memory_limit_bytes,
       at AS as_of
  FROM last
 WHERE op <> 'delete' AND state->>'node' = $2
 ORDER BY 2, 3`;
