// Inventory rows: the current state of each object of a kind (typed columns from the KindDef, labels,
// annotations, sanitized object), deletes as deleted_at (the row stays), and an append-only change_log row
// for every add, meaningful update and delete. A batch is one transaction and a few statements whatever
// its size, never a round trip per object.
//
// Upserts are staged: the rows are COPied into a session-local temporary table (no WAL, ON COMMIT
// DELETE ROWS) and one statement moves them into the kind table and the change log. Measured on a
// 9,000-pod batch series, this costs PostgreSQL a fraction of expanding a multi-megabyte JSON parameter
// with jsonb_to_recordset: no parse of the whole batch into one jsonb tree, and each object is parsed
// and compressed once (in the stage) instead of once per table it lands in.
//
// Meaningful update: the stored object's fingerprint (a hash without resourceVersion, managedFields and
// heartbeat times) differs from the stored one. The comparison is done in SQL against the row's
// fingerprint column, so the writer needs no read of the old object and keeps no per-object memory.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ChildTable, KindDef, KubeObject } from '../inventory/kind.js';
import { copyFromChunks } from './copy-stream.js';
import { copyEncoder } from './copy-text.js';
import { inTransaction } from './pool.js';
import {
  SCHEMA, childColumns, columnDdl, kindColumns, parentUidColumn, qualified, quoteIdent, quoteLiteral, type ColumnSpec,
} from './schema.js';

export interface InventoryChange {
  op: 'upsert' | 'delete';
  obj: KubeObject;
}

export interface ApplyResult {
  upserted: number;
  deleted: number;
  /** change_log rows written (adds, meaningful updates, deletes). */
  logged: number;
}

export interface ApplyOptions {
  /** Time of the change for change_log.at and deleted_at (default: the database's now()). */
  at?: Date;
  /**
   * The caller knows the objects are not stored yet (a first list into an empty table): skip the read of
   * stored fingerprints that spares a relist from resending unchanged objects. Only a hint: the upsert
   * compares fingerprints itself, so a wrong hint costs work, never correctness.
   */
  assumeNew?: boolean;
  /** Run last in the transaction: throws when this writer may no longer write the cluster (group lease, src/group/leases.ts). */
  fence?: WriteFence;
}

/** A check a write's transaction runs before committing; its throw rolls the write back. */
export type WriteFence = (client: pg.PoolClient) => Promise<void>;

/** Objects per statement: bounds one COPY and one statement's work during a big initial list. */
const OBJECTS_PER_STATEMENT = 1_000;

export async function applyInventory(
  pool: pg.Pool,
  kind: KindDef,
  clusterId: number,
  changes: InventoryChange[],
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  const result: ApplyResult = { upserted: 0, deleted: 0, logged: 0 };
  if (changes.length === 0) return result;
  const sql = statementsFor(kind);
  const at = opts.at ?? null;
  await inTransaction(pool, async (client) => {
    let staged = false;
    let batch = 0;
    for (const round of rounds(changes)) {
      const upserts = round.filter((c) => c.op === 'upsert').map((c) => c.obj);
      const deletes = round.filter((c) => c.op === 'delete').map((c) => c.obj);
      for (let i = 0; i < upserts.length; i += OBJECTS_PER_STATEMENT) {
        const chunk = upserts.slice(i, i + OBJECTS_PER_STATEMENT);
        result.upserted += chunk.length;
        // Relists and resyncs send mostly unchanged objects: compare fingerprints first (a small read of
        // one indexed column) and send only the objects that changed. The upsert re-checks anyway.
        const prepared = chunk.map((o) => kindRow(kind, o));
        let toSend = prepared;
        if (!opts.assumeNew) {
          const stored = await client.query<{ uid: string; fingerprint: string }>(sql.fingerprints, [
            clusterId, chunk.map((o) => o.metadata.uid),
          ]);
          const storedFp = new Map(stored.rows.map((r) => [r.uid, r.fingerprint]));
          toSend = prepared.filter((p) => storedFp.get(p.uid as string) !== p.fingerprint);
        }
        if (toSend.length === 0) continue;
        if (!staged) {
          // Inside the transaction, so a pooler in transaction mode still sees one session.
          await client.query(sql.createStage);
          staged = true;
        }
        batch++;
        for (const p of toSend) p.batch = batch;
        await copyFromChunks(client, sql.copyStage, sql.encodeStage(toSend));
        const logged = await client.query<{ uid: string }>(sql.upsert, [clusterId, batch, kind.name, at]);
        result.logged += logged.rowCount ?? 0;
        // Children are replaced only for objects that changed: their rows derive from the object.
        const changed = new Set(logged.rows.map((r) => r.uid));
        for (const child of kind.children ?? []) {
          const parents = chunk.filter((o) => changed.has(o.metadata.uid));
          if (parents.length === 0) continue;
          await client.query(sql.childDelete.get(child.table)!, [clusterId, parents.map((o) => o.metadata.uid)]);
          const childRows = uniqueChildRows(kind, child, clusterId, parents);
          if (childRows.length) await copyFromChunks(client, sql.childCopy.get(child.table)!, sql.encodeChild.get(child.table)!(childRows));
        }
      }
      for (let i = 0; i < deletes.length; i += OBJECTS_PER_STATEMENT) {
        const chunk = deletes.slice(i, i + OBJECTS_PER_STATEMENT);
        const rows = chunk.map((o) => ({ uid: o.metadata.uid, resource_version: o.metadata.resourceVersion ?? null }));
        const r = await client.query(sql.delete, [clusterId, JSON.stringify(rows), kind.name, at]);
        result.deleted += r.rowCount ?? 0;
        result.logged += r.rowCount ?? 0;
      }
    }
    await opts.fence?.(client);
  });
  return result;
}

/**
 * After a relist (initial, after 410 Gone or an outage): marks deleted every live row of the kind the list
 * no longer contains. Rows written after listStartedAt (by the watch, racing the list) are kept. Both times
 * are the database's clock when listStartedAt comes from databaseNow(). Returns the uids marked deleted.
 */
export async function reconcile(
  pool: pg.Pool,
  kind: KindDef,
  clusterId: number,
  presentUids: Iterable<string>,
  listStartedAt: Date,
  fence?: WriteFence,
): Promise<string[]> {
  const t = qualified(kind.table);
  const run = async (q: pg.Pool | pg.PoolClient) => q.query<{ uid: string }>(
    `WITH gone AS (
       UPDATE ${t} t SET deleted_at = now(), updated_at = now()
       WHERE t.cluster_id = $1 AND t.deleted_at IS NULL AND t.updated_at < $3
         AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(uid) WHERE p.uid = t.uid)
       RETURNING t.uid, t.namespace, t.name, t.resource_version)
     INSERT INTO ${SCHEMA}.change_log (cluster_id, kind, uid, namespace, name, op, at, resource_version, changed)
     SELECT $1, $4, uid, namespace, name, 'delete', now(), resource_version, '{"reason":"absent from relist"}'::jsonb FROM gone
     RETURNING uid`,
    [clusterId, [...presentUids], listStartedAt, kind.name],
  );
  const r = fence
    ? await inTransaction(pool, async (client) => {
      const out = await run(client);
      await fence(client);
      return out;
    })
    : await run(pool);
  return r.rows.map((x) => x.uid);
}

/** Whether the kind's table holds any live object of the cluster (one index probe). */
export async function hasLiveObjects(pool: pg.Pool, kind: KindDef, clusterId: number): Promise<boolean> {
  const r = await pool.query(`SELECT 1 FROM ${qualified(kind.table)} WHERE cluster_id = $1 AND deleted_at IS NULL LIMIT 1`, [clusterId]);
  return (r.rowCount ?? 0) > 0;
}

/** The database's clock, for listStartedAt (compared with updated_at, which the database stamps). */
export async function databaseNow(pool: pg.Pool): Promise<Date> {
  const r = await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  return r.rows[0].now;
}

// ---------------------------------------------------------------------------------------------------------

/** Splits changes into rounds in which each uid appears once, preserving order: every transition is kept. */
function rounds(changes: InventoryChange[]): InventoryChange[][] {
  const out: InventoryChange[][] = [];
  const seen = new Map<string, number>();
  for (const c of changes) {
    const uid = c.obj?.metadata?.uid;
    if (typeof uid !== 'string' || uid === '') {
      throw new Error(`inventory change without metadata.uid: ${JSON.stringify(c.obj?.metadata ?? c.obj).slice(0, 200)}`);
    }
    const n = seen.get(uid) ?? 0;
    seen.set(uid, n + 1);
    (out[n] ??= []).push(c);
  }
  return out;
}

function defaultSanitize(obj: KubeObject): KubeObject {
  const { managedFields: _drop, ...meta } = obj.metadata;
  return { ...obj, metadata: { ...meta } };
}

/**
 * Hash of what makes an update meaningful: the stored object's JSON (already without managedFields and
 * metadata.resourceVersion, which has its own column) without the heartbeat times the kubelet refreshes
 * without anything changing (node conditions' lastHeartbeatTime). Works on the JSON text the writer sends
 * anyway: one serialisation per object instead of two. Key order is the API server's, stable for an object.
 */
function fingerprintOfJson(objectJson: string): string {
  const text = objectJson.includes('"lastHeartbeatTime"') ? objectJson.replace(HEARTBEATS, '') : objectJson;
  return createHash('sha1').update(text).digest('base64url');
}

const HEARTBEATS = /"lastHeartbeatTime":(?:"(?:[^"\\]|\\.)*"|null),?/g;

/** The object as stored: sanitized, and without metadata.resourceVersion (the resource_version column). */
function storedObject(kind: KindDef, obj: KubeObject): KubeObject {
  const sanitized = (kind.sanitize ?? defaultSanitize)(obj);
  const { resourceVersion: _rv, ...meta } = sanitized.metadata;
  return { ...sanitized, metadata: meta };
}

/**
 * One object as a stage row: the common and typed columns, jsonb values as JSON text. The sanitized
 * object is serialised once; its fingerprint is taken from that same text.
 */
function kindRow(kind: KindDef, obj: KubeObject): Record<string, unknown> {
  const sanitized = storedObject(kind, obj);
  const objectJson = JSON.stringify(sanitized);
  const meta = obj.metadata;
  const owner = meta.ownerReferences?.find((r) => r.controller) ?? meta.ownerReferences?.[0];
  const row: Record<string, unknown> = {
    uid: meta.uid,
    namespace: meta.namespace ?? null,
    name: meta.name,
    resource_version: meta.resourceVersion ?? null,
    created_at: meta.creationTimestamp ?? null,
    labels: JSON.stringify(meta.labels ?? {}),
    annotations: JSON.stringify(sanitized.metadata.annotations ?? {}),
    owner_kind: owner?.kind ?? null,
    owner_name: owner?.name ?? null,
    object: objectJson,
    fingerprint: fingerprintOfJson(objectJson),
  };
  for (const c of kind.columns) {
    let v: unknown;
    try {
      v = c.value(obj);
    } catch (err) {
      throw new Error(`${kind.name} ${meta.namespace ?? ''}/${meta.name}: column ${c.column}: ${(err as Error).message}`, { cause: err });
    }
    if (v === undefined) v = null;
    // jsonb values go as JSON text (a typed jsonb column may hold a plain string or number).
    row[c.column] = c.sqlType === 'jsonb' && v !== null ? JSON.stringify(v) : v;
  }
  return row;
}

/**
 * The child rows of `parents`, each key once: a malformed object listing a container name twice keeps
 * its first entry instead of failing the whole batch's COPY on the primary key. The parents' old rows
 * were deleted in the same transaction, so nothing else can collide.
 */
function uniqueChildRows(kind: KindDef, child: ChildTable, clusterId: number, parents: KubeObject[]): Array<Record<string, unknown>> {
  const parentCol = parentUidColumn(kind);
  const out: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  for (const obj of parents) {
    const uid = obj.metadata.uid;
    for (const r of child.rows(obj)) {
      const key = JSON.stringify([uid, ...child.keys.map((k) => r[k] ?? null)]);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...r, cluster_id: clusterId, [parentCol]: uid });
    }
  }
  return out;
}

interface KindStatements {
  fingerprints: string;
  createStage: string;
  copyStage: string;
  encodeStage: (rows: Array<Record<string, unknown>>) => Buffer[];
  upsert: string;
  delete: string;
  childDelete: Map<string, string>;
  childCopy: Map<string, string>;
  encodeChild: Map<string, (rows: Array<Record<string, unknown>>) => Buffer[]>;
}

const statementCache = new WeakMap<KindDef, KindStatements>();

function statementsFor(kind: KindDef): KindStatements {
  const cached = statementCache.get(kind);
  if (cached) return cached;
  const t = qualified(kind.table);
  const fixed = new Set(['cluster_id', 'deleted_at', 'updated_at']);
  const inputCols = kindColumns(kind).filter((c) => !fixed.has(c.column));
  const names = inputCols.map((c) => quoteIdent(c.column));
  const typed = kind.columns.map((c) => c.column);
  // change_log.state: the typed columns plus identity and labels after the change.
  // jsonb_build_object takes at most 100 arguments: 40 pairs per call, calls joined with ||.
  const statePairs = ['namespace', 'name', 'labels', 'owner_kind', 'owner_name', ...typed].map((c) => `${quoteLiteral(c)}, i.${quoteIdent(c)}`);
  const stateParts: string[] = [];
  for (let i = 0; i < statePairs.length; i += 40) stateParts.push(`jsonb_build_object(${statePairs.slice(i, i + 40).join(', ')})`);
  const stateJson = stateParts.join(' || ');
  const stage = quoteIdent(`kp_stage_${kind.table}`);
  const stageCols: ColumnSpec[] = [{ column: 'batch', sqlType: 'integer', notNull: true }, ...inputCols];
  const createStage = `CREATE TEMP TABLE IF NOT EXISTS ${stage} (${stageCols.map(columnDdl).join(', ')}) ON COMMIT DELETE ROWS`;
  const copyStage = `COPY pg_temp.${stage} (${stageCols.map((c) => quoteIdent(c.column)).join(', ')}) FROM STDIN`;
  const upsert = `WITH input AS (
      SELECT ${names.join(', ')} FROM pg_temp.${stage} WHERE batch = $2),
    -- One primary-key lookup per input object (LIMIT 1 keeps the planner from turning this into a join
    -- whose plan, with jsonb_to_recordset's fixed estimate, degrades to scanning the table per object).
    old AS (
      SELECT o.* FROM input i CROSS JOIN LATERAL (
        SELECT t.uid, t.fingerprint, t.deleted_at, t.object FROM ${t} t WHERE t.cluster_id = $1 AND t.uid = i.uid LIMIT 1) o),
    up AS (
      INSERT INTO ${t} AS t (cluster_id, ${names.join(', ')}, deleted_at, updated_at)
      SELECT $1, ${names.join(', ')}, NULL, now() FROM input
      ON CONFLICT (cluster_id, uid) DO UPDATE SET
        ${names.filter((n) => n !== '"uid"').map((n) => `${n} = EXCLUDED.${n}`).join(', ')},
        deleted_at = NULL, updated_at = now()
      -- An unchanged object (a resync, a relist, a heartbeat) is not rewritten: no new 4 kB row version
      -- per object per relist. resource_version and updated_at are those of the last meaningful change.
      WHERE t.fingerprint IS DISTINCT FROM EXCLUDED.fingerprint OR t.deleted_at IS NOT NULL)
    INSERT INTO ${SCHEMA}.change_log (cluster_id, kind, uid, namespace, name, op, at, resource_version, changed, state)
    SELECT $1, $3, i.uid, i.namespace, i.name,
      CASE WHEN o.uid IS NULL OR o.deleted_at IS NOT NULL THEN 'add' ELSE 'update' END,
      COALESCE($4::timestamptz, now()), i.resource_version,
      CASE WHEN o.uid IS NULL OR o.deleted_at IS NOT NULL THEN i.object ELSE ${SCHEMA}.jsonb_diff(o.object, i.object) END,
      ${stateJson}
    FROM input i LEFT JOIN old o ON o.uid = i.uid
    WHERE o.uid IS NULL OR o.deleted_at IS NOT NULL OR o.fingerprint IS DISTINCT FROM i.fingerprint
    RETURNING uid`;
  const del = `WITH input AS (
      SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(uid text, resource_version text)),
    gone AS (
      UPDATE ${t} t SET deleted_at = COALESCE($4::timestamptz, now()), updated_at = now(),
        resource_version = COALESCE(i.resource_version, t.resource_version)
      FROM input i WHERE t.cluster_id = $1 AND t.uid = i.uid AND t.deleted_at IS NULL
      RETURNING t.uid, t.namespace, t.name, t.resource_version)
    INSERT INTO ${SCHEMA}.change_log (cluster_id, kind, uid, namespace, name, op, at, resource_version)
    SELECT $1, $3, uid, namespace, name, 'delete', COALESCE($4::timestamptz, now()), resource_version FROM gone`;
  const childDelete = new Map<string, string>();
  const childCopy = new Map<string, string>();
  const encodeChild = new Map<string, (rows: Array<Record<string, unknown>>) => Buffer[]>();
  for (const child of kind.children ?? []) {
    const parent = quoteIdent(parentUidColumn(kind));
    const ccols = childColumns(kind, child);
    childDelete.set(child.table, `DELETE FROM ${qualified(child.table)} WHERE cluster_id = $1 AND ${parent} = ANY($2::text[])`);
    // COPY straight into the child table: for 150,000 pods, expanding the rows from one JSON parameter
    // with jsonb_to_recordset cost PostgreSQL about as much as the pod upsert itself.
    childCopy.set(child.table, `COPY ${qualified(child.table)} (${ccols.map((c) => quoteIdent(c.column)).join(', ')}) FROM STDIN`);
    encodeChild.set(child.table, copyEncoder(child.table, ccols));
  }
  const fingerprints = `SELECT uid, fingerprint FROM ${t} WHERE cluster_id = $1 AND uid = ANY($2::text[]) AND deleted_at IS NULL`;
  const out: KindStatements = {
    fingerprints, createStage, copyStage, encodeStage: copyEncoder(`${kind.table} stage`, stageCols), upsert, delete: del, childDelete, childCopy, encodeChild,
  };
  statementCache.set(kind, out);
  return out;
}
