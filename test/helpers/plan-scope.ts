// Reads a statement's plan (EXPLAIN FORMAT JSON) for what a database distributed by cluster_id would
// need: how each scan of a cluster-scoped table is narrowed to clusters, and whether every join between
// two cluster-scoped inputs matches them on cluster_id (a co-located join) — the condition for a Citus
// cluster to answer it shard by shard instead of moving rows between nodes.
import type { PlanNode } from './statement-capture.js';

/** How a table would be placed: distributed by cluster_id, replicated to every node, or neither. */
export type TableRole = 'distributed' | 'reference' | 'global';

/**
 * How one scan of a distributed table is narrowed:
 * - pinned: cluster_id equals a constant or parameter (one cluster, one shard);
 * - colocated: cluster_id equals another cluster-scoped row's cluster_id (a parameterized join or a
 *   correlated subquery on cluster_id: the rows of the same cluster);
 * - by-rows: cluster_id equals a column of rows the statement brings itself (unnest of its parameters,
 *   a temporary staging table): each of those rows looks up its own cluster;
 * - per-cluster: cluster_id equals the `cluster` table's id (a lookup for every cluster there is);
 * - unfiltered: no condition on cluster_id at all (every cluster's rows).
 */
type Narrowing = 'pinned' | 'colocated' | 'by-rows' | 'per-cluster' | 'unfiltered';

interface ScanVerdict {
  table: string;
  alias: string;
  narrowing: Narrowing;
  conditions: string;
}

export interface StatementScope {
  /** Every scan of a distributed table (partitions reported as their table). */
  scans: ScanVerdict[];
  /** True when some scan reads rows of clusters no constant, parameter or co-located row selects. */
  crossCluster: boolean;
  /** Joins between two inputs holding distributed rows that do not match them on cluster_id. */
  unmatchedJoins: string[];
}

const SCAN_CONDITIONS = ['Index Cond', 'Recheck Cond', 'Filter', 'TID Cond'];
const JOIN_CONDITIONS = ['Hash Cond', 'Merge Cond', 'Join Filter'];
const JOINS = new Set(['Nested Loop', 'Hash Join', 'Merge Join']);
/** `alias.cluster_id = alias.cluster_id`, as a join condition prints it. */
const CLUSTER_MATCH = /\b\w+\.cluster_id\s*=\s*\w+\.cluster_id\b/;
/** A history function (`<entity>_history(from, to)`) reads every cluster's raw rows and blocks. */
const HISTORY_FUNCTION = /_history$/;

type Source = TableRole | 'rows' | 'derived';

function conditionsOf(node: PlanNode, fields: string[]): string {
  return fields.map((f) => node[f]).filter((v): v is string => typeof v === 'string').join(' AND ');
}

/** A bitmap heap scan's index conditions sit on its bitmap index scans below it. */
function scanConditions(node: PlanNode): string {
  const own = [conditionsOf(node, SCAN_CONDITIONS)];
  if (node['Node Type'] === 'Bitmap Heap Scan') {
    const stack = [...(node.Plans ?? [])];
    while (stack.length) {
      const n = stack.pop()!;
      own.push(conditionsOf(n, ['Index Cond']));
      stack.push(...(n.Plans ?? []));
    }
  }
  return own.filter(Boolean).join(' AND ');
}

/** What each alias of the plan stands for (its scans' tables, functions, subqueries). */
/** Whether a plan subtree scans a distributed table (or a history function over them). */
function readsTables(n: PlanNode, roots: Map<string, string>, roleOf: (table: string) => TableRole | undefined): boolean {
  const rel = n['Relation Name'];
  if (rel !== undefined && roots.has(rel) && roleOf(roots.get(rel)!) === 'distributed') return true;
  if (n['Node Type'] === 'Function Scan' && HISTORY_FUNCTION.test(String(n['Function Name'] ?? ''))) return true;
  return (n.Plans ?? []).some((c) => readsTables(c, roots, roleOf));
}

/** The CTE bodies of a plan by name (`CTE i` subplans). */
function cteBodies(plan: PlanNode): Map<string, PlanNode> {
  const out = new Map<string, PlanNode>();
  const visit = (n: PlanNode): void => {
    const sub = n['Subplan Name'];
    if (sub?.startsWith('CTE ')) out.set(sub.slice(4), n);
    for (const c of n.Plans ?? []) visit(c);
  };
  visit(plan);
  return out;
}

function aliasSources(plan: PlanNode, roots: Map<string, string>, roleOf: (table: string) => TableRole | undefined): Map<string, Source> {
  const out = new Map<string, Source>();
  const ctes = cteBodies(plan);
  const visit = (n: PlanNode): void => {
    const alias = n.Alias;
    if (alias) {
      const rel = n['Relation Name'];
      if (rel !== undefined) {
        const root = roots.get(rel);
        // Not in the kubepulse schema: a temporary staging table of the statement's own rows.
        out.set(alias, root === undefined ? 'rows' : (roleOf(root) ?? 'global'));
        // A partition's scan is aliased `s_1`, `s_2` … while conditions above it name `s`.
        out.set(alias.replace(/_\d+$/, ''), out.get(alias)!);
      } else if (n['Node Type'] === 'Function Scan') {
        out.set(alias, HISTORY_FUNCTION.test(String(n['Function Name'] ?? '')) ? 'distributed' : 'rows');
      } else if (n['Node Type'] === 'Values Scan') {
        out.set(alias, 'rows');
      } else {
        // A subquery or CTE: derived from cluster-scoped rows when it reads any, else the statement's own.
        const cte = n['CTE Name'];
        const body = cte === undefined ? n : ctes.get(cte);
        out.set(alias, body && readsTables(body, roots, roleOf) ? 'derived' : 'rows');
      }
    }
    for (const c of n.Plans ?? []) visit(c);
  };
  visit(plan);
  return out;
}

function narrowing(conditions: string, sources: Map<string, Source>): Narrowing {
  const partners: string[] = [];
  for (const m of conditions.matchAll(/(?:^|[\s(])(?:\w+\.)?cluster_id\s*=\s*(ANY\b|[^\s)]+)/g)) partners.push(m[1]);
  // Reversed (`c.id = cluster_id`); a bare `cluster_id` on the left is this scan's own column, matched above.
  for (const m of conditions.matchAll(/([^\s(]+)\s*=\s*(?:\w+\.)?cluster_id\b/g)) if (m[1] !== 'cluster_id') partners.push(m[1]);
  if (partners.length === 0) return 'unfiltered';
  const kinds = partners.map((p): Narrowing => {
    const ref = /^(\w+)\.\w+$/.exec(p);
    if (!ref) return 'pinned'; // a constant, a parameter, ANY (array): chosen by the statement
    const source = sources.get(ref[1]);
    if (source === 'reference') return 'per-cluster';
    if (source === 'rows') return 'by-rows';
    return 'colocated';
  });
  // The narrowest wins: `cluster_id = 3 AND cluster_id = c.id` is one cluster.
  for (const k of ['pinned', 'colocated', 'by-rows', 'per-cluster'] as const) if (kinds.includes(k)) return k;
  return 'unfiltered';
}

/** `x.cluster_id = c.id` (or reversed) where `c` scans a reference table (the cluster table). */
function referenceMatch(conditions: string, sources: Map<string, Source>): boolean {
  for (const m of conditions.matchAll(/\b(\w+)\.cluster_id\s*=\s*(\w+)\.id\b|\b(\w+)\.id\s*=\s*(\w+)\.cluster_id\b/g)) {
    if (sources.get(m[2] ?? m[3]) === 'reference') return true;
  }
  return false;
}

/** The scope of one planned statement. `roots`: plan relation → table; `roleOf`: table → placement. */
export function statementScope(plan: PlanNode, roots: Map<string, string>, roleOf: (table: string) => TableRole | undefined): StatementScope {
  const sources = aliasSources(plan, roots, roleOf);
  const scans: ScanVerdict[] = [];
  const verdictOf = new Map<PlanNode, ScanVerdict>();
  const ctes = cteBodies(plan);
  const collect = (n: PlanNode): void => {
    const rel = n['Relation Name'];
    const table = rel === undefined ? undefined : roots.get(rel);
    const historyFn = n['Node Type'] === 'Function Scan' && HISTORY_FUNCTION.test(String(n['Function Name'] ?? ''));
    const isScan = n['Node Type'] !== 'ModifyTable' && (table !== undefined || historyFn);
    if (isScan && (historyFn || roleOf(table!) === 'distributed')) {
      const conditions = scanConditions(n);
      const v: ScanVerdict = { table: table ?? String(n['Function Name']), alias: n.Alias ?? '', narrowing: historyFn ? 'unfiltered' : narrowing(conditions, sources), conditions };
      scans.push(v);
      verdictOf.set(n, v);
    }
    for (const c of n.Plans ?? []) collect(c);
  };
  collect(plan);

  /** The distributed scans an input reads, through subqueries and the CTEs it scans. */
  const scansUnder = (n: PlanNode, seen = new Set<PlanNode>()): ScanVerdict[] => {
    if (seen.has(n)) return [];
    seen.add(n);
    const out: ScanVerdict[] = [];
    const v = verdictOf.get(n);
    if (v) out.push(v);
    const cte = n['CTE Name'];
    if (cte !== undefined && ctes.has(cte)) out.push(...scansUnder(ctes.get(cte)!, seen));
    for (const c of n.Plans ?? []) out.push(...scansUnder(c, seen));
    return out;
  };

  const unmatchedJoins: string[] = [];
  const checkJoins = (n: PlanNode): void => {
    if (JOINS.has(n['Node Type'])) {
      const outer = (n.Plans ?? []).filter((c) => c['Parent Relationship'] === 'Outer');
      const inner = (n.Plans ?? []).filter((c) => c['Parent Relationship'] === 'Inner');
      const left = outer.flatMap((c) => scansUnder(c));
      const right = inner.flatMap((c) => scansUnder(c));
      if (left.length && right.length) {
        const conditions = conditionsOf(n, JOIN_CONDITIONS);
        // Matched on cluster_id in the join itself (directly or through the cluster table's id, which is
        // what cluster_id holds); or the inner side is looked up per outer row by cluster_id; or every
        // scan on both sides carries its own equality on cluster_id, where the planner moved the join's
        // (equivalence classes: `a.cluster_id = b.cluster_id AND b.cluster_id = 3` becomes `= 3` on both).
        const matched = CLUSTER_MATCH.test(conditions) || referenceMatch(conditions, sources) ||
          right.some((s) => s.narrowing === 'colocated') ||
          [...left, ...right].every((s) => s.narrowing !== 'unfiltered');
        if (!matched) {
          unmatchedJoins.push(`${n['Node Type']} of ${left.map((s) => s.table).join('+')} with ${right.map((s) => s.table).join('+')}` +
            (conditions ? ` on ${conditions}` : ''));
        }
      }
    }
    for (const c of n.Plans ?? []) checkJoins(c);
  };
  checkJoins(plan);

  return { scans, crossCluster: scans.some((s) => s.narrowing === 'unfiltered' || s.narrowing === 'per-cluster'), unmatchedJoins };
}
