// Every statement the real code sends, with its plan: a pool that behaves as the one it wraps, except
// that each text statement is first EXPLAINed (FORMAT JSON) on the same connection with the same
// parameters — inside the caller's transaction, so temporary staging tables and partitions about to be
// dropped are still there — and recorded under the label the test set before calling. COPY is recorded
// by its text (there is no plan to read); transaction control and other utility statements by their
// text too. EXPLAIN without ANALYZE runs nothing, so the code under test behaves as it would unobserved.
import type pg from 'pg';

/** One node of EXPLAIN (FORMAT JSON)'s plan tree: the fields the scope check reads, and the rest. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'CTE Name'?: string;
  'Function Name'?: string;
  'Subplan Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
  [field: string]: unknown;
}

export interface CapturedStatement {
  label: string;
  sql: string;
  kind: 'planned' | 'copy' | 'utility';
  /** The plan, for `planned`; its relations mapped to the partitioned table they belong to (`roots`). */
  plan?: PlanNode;
  /** Relation name in the plan → the table a check should judge (a partition's root); temp tables absent. */
  roots?: Map<string, string>;
}

/** Statements with a plan; a cursor's declaration is planned as its query. */
const PLANNED = /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE|VALUES)\b/i;
const CURSOR = /^\s*DECLARE\s+\w+\s+(?:NO\s+SCROLL\s+)?CURSOR\s+FOR\s+/i;

export class StatementCapture {
  /** Set by the test before each call of code under test: names what issued the next statements. */
  label = 'unlabelled';
  readonly statements: CapturedStatement[] = [];
  readonly pool: pg.Pool;
  private readonly clients = new WeakMap<pg.PoolClient, pg.PoolClient>();

  constructor(private readonly real: pg.Pool) {
    const connect = async (): Promise<pg.PoolClient> => this.wrap(await real.connect());
    const query = async (text: string, params?: unknown[]): Promise<pg.QueryResult> => {
      const client = await connect();
      try {
        return await client.query(text, params);
      } finally {
        client.release();
      }
    };
    this.pool = new Proxy(real, {
      get(target, prop) {
        if (prop === 'connect') return connect;
        if (prop === 'query') return query;
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  /** The statements recorded under `label` (all of them when omitted). */
  byLabel(label: string): CapturedStatement[] {
    return this.statements.filter((s) => s.label === label);
  }

  private wrap(client: pg.PoolClient): pg.PoolClient {
    const known = this.clients.get(client);
    if (known) return known;
    const recordCopy = (arg: unknown): void => {
      // pg-copy-streams' COPY … FROM STDIN query object carries its SQL as `text`.
      const text = (arg as { text?: unknown }).text;
      this.statements.push({ label: this.label, sql: typeof text === 'string' ? text : '(query object)', kind: 'copy' });
    };
    const record = async (arg: string, params: unknown): Promise<void> => {
      const query = CURSOR.test(arg) ? arg.replace(CURSOR, '') : arg;
      if (!PLANNED.test(query)) {
        this.statements.push({ label: this.label, sql: arg, kind: 'utility' });
        return;
      }
      const explained = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${query}`, params as unknown[] | undefined);
      const plan = explained.rows[0]['QUERY PLAN'][0].Plan;
      const names = [...relationNames(plan)];
      const r = await client.query<{ rel: string; root: string }>(
        `SELECT c.relname AS rel, coalesce(r.relname, c.relname) AS root FROM pg_class c
           LEFT JOIN pg_class r ON r.oid = pg_partition_root(c.oid)
          WHERE c.relnamespace = 'kubepulse'::regnamespace AND c.relname = ANY($1)`,
        [names],
      );
      this.statements.push({ label: this.label, sql: arg, kind: 'planned', plan, roots: new Map(r.rows.map((x) => [x.rel, x.root])) });
    };
    const wrapped = new Proxy(client, {
      get(target, prop) {
        if (prop === 'query') {
          const run = (a: unknown, p?: unknown): unknown => (target.query as (this: pg.PoolClient, a: unknown, p?: unknown) => unknown).call(target, a, p);
          return (arg: unknown, params?: unknown) => {
            // A COPY stream is returned at once (the caller pipes into it): no await before it.
            if (typeof arg !== 'string') {
              recordCopy(arg);
              return run(arg, params);
            }
            return record(arg, params).then(() => run(arg, params));
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    this.clients.set(client, wrapped);
    return wrapped;
  }
}

/** Every relation a plan scans or modifies. */
function* relationNames(node: PlanNode): Generator<string> {
  if (node['Relation Name']) yield node['Relation Name'];
  for (const child of node.Plans ?? []) yield* relationNames(child);
}
