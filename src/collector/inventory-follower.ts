// A collector group member's scrape targets of a cluster whose inventory lease another member holds: the
// cluster's nodes and pods as the holder writes them to the database, instead of a node and a pod
// list+watch of its own against the API server (docs/GROUP.md "Targets of a member without the lease").
//
// First a read of the live rows of `node` and `pod` (deleted_at IS NULL), then every interval a tail of
// `change_log` (kinds node and pod of the cluster, by id). What it hands on is what the scrape path needs:
// a node's name, kubelet address and port, and whether it is a Windows one; a pod's uid, namespace, name
// and, for a mirror pod, its static pod's config hash. Nothing per pod is kept here: the pod index is the
// collector's, as with the informer.
//
// Two ways rows could be missed, and what covers them:
// - Commit order is not id order: ids come from one sequence when a row is inserted, and the holder's node
//   and pod batches are concurrent transactions, so a row with a smaller id can become visible after a
//   larger one was read. Each poll therefore also takes the rows of the last LATE_WINDOW_S seconds (by
//   `at`, the writing transaction's start) that it has not applied yet. Rows of one object are written by
//   one informer, one batch after the other, so they still arrive in their order.
// - Retention: `[retention] change_log` deletes only rows superseded more than its period ago (at least
//   1 h) and `inventory_deleted` only objects deleted longer ago than its (at least 1 h). A follower that
//   could not poll for RESYNC_AFTER_GAP_MS (the database away) reads the tables again instead of the tail,
//   and so does every follower every RESYNC_MS, which also covers a transaction longer than the window.
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { InventoryChange } from '../inventory/informer.js';
import type { KubeObject } from '../inventory/kind.js';
import { log } from '../log.js';

/** Where the follower's changes go: the same callbacks the node and pod informers feed. */
export interface TargetSink {
  nodeChanged(change: InventoryChange): void;
  nodesGone(uids: string[]): void;
  podChanged(change: InventoryChange): void;
  podsGone(uids: string[]): void;
  /** Uids the collector knows now: a read of the tables drops those no longer live. */
  knownNodeUids(): Iterable<string>;
  knownPodUids(): Iterable<string>;
}

export interface InventoryFollowerOptions {
  clusterId: number;
  cluster: string;
  /** Poll period (the group heartbeat). */
  intervalMs: number;
}

export interface InventoryFollowerStatus {
  polls: number;
  /** Table reads: the first, after a gap, the periodic one. */
  resyncs: number;
  /** change_log rows applied. */
  rows: number;
  /** Of them, rows that became visible after a row with a larger id (late commits). */
  lateRows: number;
  lastError: string | null;
}

/** Seconds of change_log rows each poll looks at again for late commits. */
const LATE_WINDOW_S = 60;
/** A follower that has not polled this long reads the tables: far below the shortest retention (1 h). */
const RESYNC_AFTER_GAP_MS = 10 * 60_000;
/** Periodic table read: the backstop for a writing transaction longer than the late window. */
const RESYNC_MS = 30 * 60_000;
const POD_PAGE = 5_000;
const LOG_PAGE = 10_000;
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const OS_LABEL = 'kubernetes.io/os';
const KINDS = ['node', 'pod'];

interface NodeRow {
  uid: string;
  name: string;
  internal_ip: string | null;
  kubelet_port: number | null;
  operating_system: string | null;
  os_label: string | null;
}

interface LogRow extends NodeRow {
  id: string;
  kind: string;
  op: 'add' | 'update' | 'delete';
  namespace: string | null;
  mirror: string | null;
}

interface PodRow {
  uid: string;
  namespace: string | null;
  name: string;
  mirror: string | null;
}

const NODE_SQL = `SELECT uid, name, internal_ip, kubelet_port, operating_system, labels->>'${OS_LABEL}' AS os_label
  FROM kubepulse.node WHERE cluster_id = $1 AND deleted_at IS NULL`;

// Keyset pages by the primary key: a 150,000-pod cluster is read in bounded pieces.
const POD_SQL = `SELECT uid, namespace, name, annotations->>'${MIRROR_ANNOTATION}' AS mirror
  FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL AND uid > $2 ORDER BY uid LIMIT ${POD_PAGE}`;

// New rows, and rows of the late window not applied yet, in one snapshot, in id order. A node's fields come
// from `state` (the typed columns after the change); a pod's mirror hash from an add's whole object, or for
// a delete from the pod's row (kept, marked deleted, until `inventory_deleted`).
const TAIL_SQL = `SELECT l.id::text AS id, l.kind, l.op, l.uid, l.namespace, l.name,
    l.state->>'internal_ip' AS internal_ip, (l.state->>'kubelet_port')::int AS kubelet_port,
    l.state->>'operating_system' AS operating_system, l.state->'labels'->>'${OS_LABEL}' AS os_label,
    CASE WHEN l.kind = 'pod' AND l.op = 'add' THEN l.changed #>> '{metadata,annotations,${MIRROR_ANNOTATION}}'
      WHEN l.kind = 'pod' AND l.op = 'delete'
        THEN (SELECT p.annotations->>'${MIRROR_ANNOTATION}' FROM kubepulse.pod p WHERE p.cluster_id = $1 AND p.uid = l.uid) END AS mirror
  FROM kubepulse.change_log l
  WHERE l.cluster_id = $1 AND l.kind = ANY($2::text[])
    AND (l.id > $3 OR (l.at > now() - make_interval(secs => $4) AND l.id <> ALL($5::bigint[])))
  ORDER BY l.id LIMIT ${LOG_PAGE}`;

const WINDOW_IDS_SQL = `SELECT id::text FROM kubepulse.change_log
  WHERE cluster_id = $1 AND kind = ANY($2::text[]) AND at > now() - make_interval(secs => $3)`;

const MAX_ID_SQL = 'SELECT coalesce(max(id), 0)::text AS id FROM kubepulse.change_log WHERE cluster_id = $1';

export class InventoryFollower {
  /** The largest change_log id applied (null: the tables must be read first). */
  private cursor: bigint | null = null;
  /** Ids applied that a late-window read could return again, with when (local ms) they were applied. */
  private readonly recent = new Map<string, number>();
  private resyncedAt = -Infinity;
  private lastOkAt = -Infinity;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  readonly status: InventoryFollowerStatus = { polls: 0, resyncs: 0, rows: 0, lateRows: 0, lastError: null };

  constructor(
    private readonly pool: pg.Pool,
    private readonly sink: TargetSink,
    private readonly o: InventoryFollowerOptions,
  ) {
    if (!(o.intervalMs > 0)) throw new Error(`inventory follower of cluster ${o.cluster}: intervalMs must be positive, got ${o.intervalMs}`);
  }

  start(): void {
    if (this.stopped || this.running) return;
    const loop = (): void => {
      this.running = this.pollOnce().finally(() => {
        this.running = null;
        if (this.stopped) return;
        this.timer = setTimeout(loop, this.o.intervalMs);
        this.timer.unref();
      });
    };
    loop();
  }

  /** Stops polling; no change reaches the sink once this is called, even from a poll in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async pollOnce(): Promise<void> {
    try {
      const now = performance.now();
      if (this.cursor === null || now - this.resyncedAt > RESYNC_MS || now - this.lastOkAt > RESYNC_AFTER_GAP_MS) await this.resync();
      else await this.tail();
      this.status.polls++;
      this.lastOkAt = performance.now();
      if (this.status.lastError !== null) log('group').info({ cluster: this.o.cluster }, 'inventory follower reads the database again');
      this.status.lastError = null;
    } catch (e) {
      if (this.status.lastError === null) {
        log('group').warn({ cluster: this.o.cluster, err: (e as Error).message }, 'inventory follower cannot read the database: scrape targets kept as they are; retrying');
      }
      this.status.lastError = (e as Error).message;
    }
  }

  /** Reads the live nodes and pods; what the collector knew and the tables no longer hold is gone. */
  private async resync(): Promise<void> {
    const id = this.o.clusterId;
    // Window ids first: their changes are in the tables read next, so the tail must not apply them again.
    const windowIds = (await this.pool.query<{ id: string }>(WINDOW_IDS_SQL, [id, KINDS, LATE_WINDOW_S])).rows;
    // The cursor before the tables: a change after it is applied by the tail on top of what is read here.
    const maxId = BigInt((await this.pool.query<{ id: string }>(MAX_ID_SQL, [id])).rows[0].id);
    const nodes = (await this.pool.query<NodeRow>(NODE_SQL, [id])).rows;
    if (this.stopped) return;
    const liveNodes = new Set<string>();
    for (const r of nodes) {
      liveNodes.add(r.uid);
      this.sink.nodeChanged({ op: 'upsert', obj: nodeObject(r) });
    }
    const goneNodes = [...this.sink.knownNodeUids()].filter((u) => !liveNodes.has(u));
    if (goneNodes.length) this.sink.nodesGone(goneNodes);
    const livePods = new Set<string>();
    for (let after = ''; ;) {
      const page = (await this.pool.query<PodRow>(POD_SQL, [id, after])).rows;
      if (this.stopped) return;
      for (const r of page) {
        livePods.add(r.uid);
        this.sink.podChanged({ op: 'upsert', obj: podObject(r) });
      }
      if (page.length < POD_PAGE) break;
      after = page[page.length - 1].uid;
    }
    const gonePods = [...this.sink.knownPodUids()].filter((u) => !livePods.has(u));
    if (gonePods.length) this.sink.podsGone(gonePods);
    this.cursor = maxId;
    this.recent.clear();
    const at = performance.now();
    for (const r of windowIds) this.recent.set(r.id, at);
    this.resyncedAt = at;
    this.status.resyncs++;
  }

  /** Applies the change_log rows not applied yet, page by page. */
  private async tail(): Promise<void> {
    const now = performance.now();
    // An id applied longer ago than the window (plus a margin for clock steps) can no longer come back.
    for (const [rid, at] of this.recent) if (now - at > (LATE_WINDOW_S + 30) * 1000) this.recent.delete(rid);
    for (;;) {
      const rows = (await this.pool.query<LogRow>(TAIL_SQL, [this.o.clusterId, KINDS, String(this.cursor), LATE_WINDOW_S, [...this.recent.keys()]])).rows;
      if (this.stopped) return;
      const at = performance.now();
      for (const r of rows) {
        const rid = BigInt(r.id);
        if (rid <= this.cursor!) this.status.lateRows++;
        else this.cursor = rid;
        this.recent.set(r.id, at);
        this.apply(r);
      }
      this.status.rows += rows.length;
      if (rows.length < LOG_PAGE) return;
    }
  }

  private apply(r: LogRow): void {
    const op = r.op === 'delete' ? 'delete' : 'upsert';
    if (r.kind === 'node') this.sink.nodeChanged({ op, obj: nodeObject(r) });
    else if (r.kind === 'pod') this.sink.podChanged({ op, obj: podObject(r) });
  }
}

/** A node as much as the collector reads of it: name, InternalIP, kubelet port, operating system. */
function nodeObject(r: NodeRow): KubeObject {
  return {
    metadata: { uid: r.uid, name: r.name, ...(r.os_label ? { labels: { [OS_LABEL]: r.os_label } } : {}) },
    status: {
      addresses: r.internal_ip ? [{ type: 'InternalIP', address: r.internal_ip }] : [],
      ...(r.kubelet_port !== null ? { daemonEndpoints: { kubeletEndpoint: { Port: r.kubelet_port } } } : {}),
      ...(r.operating_system ? { nodeInfo: { operatingSystem: r.operating_system } } : {}),
    },
  };
}

/** A pod as much as the pod index reads of it: uid, namespace, name, the mirror annotation. */
function podObject(r: PodRow): KubeObject {
  return {
    metadata: {
      uid: r.uid, name: r.name, ...(r.namespace !== null ? { namespace: r.namespace } : {}),
      ...(r.mirror ? { annotations: { [MIRROR_ANNOTATION]: r.mirror } } : {}),
    },
  };
}
