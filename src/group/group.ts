// One member of the collector group (docs/GROUP.md): heartbeats its row and renews its leases every
// heartbeat interval, by the database's clock; recomputes from the member table which nodes of each
// cluster it scrapes (rendezvous hashing, node-share.ts) and takes a cluster's inventory lease when it is
// free or ran out and this member is its target, and hands a lease it holds to the member now meant for it
// (one joined: leaseTargets() in rendezvous.ts spreads them). When it cannot heartbeat it fences itself on a
// local monotonic deadline a third of the TTL before its row and leases can expire, so it has stopped
// collecting before another member can take its share.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { log } from '../log.js';
import { heartbeat, leave, type MemberRow } from './membership.js';
import { handOver, releaseAll, renewAndRead, tryAcquire, type Fence, type LeaseRow } from './leases.js';
import { NodeShare } from './node-share.js';
import { leaseTargets } from './rendezvous.js';
import type { GroupStatus } from './group-status.js';

export interface GroupOptions {
  name: string;
  heartbeatIntervalMs: number;
  ttlMs: number;
  /** This member's nodes scraped per cluster now (reported in its row and the status). */
  ownedNodes: () => Record<string, string[]>;
}

/** What a member does for one cluster now. */
export interface ClusterRole {
  /** Holds the inventory lease: runs the cluster's informers and writes its inventory. */
  inventory: boolean;
  /** Whether this member scrapes the node's kubelet. */
  owns: (node: string) => boolean;
}

const NAMES_SHOWN = 1_000;

export class CollectorGroup {
  readonly memberId = randomUUID();
  private readonly host = hostname();
  private httpAddress = '';
  private readonly clusters = new Map<string, { id: number; share: NodeShare }>();
  private leases = new Map<number, LeaseRow>();
  private members: MemberRow[] = [];
  private snapshotAt = 0;
  private deadline = 0;
  private fenced = true;
  private lastOkAt: number | null = null;
  private lastError: string | null = null;
  private takeovers = 0;
  private timer: NodeJS.Timeout | null = null;
  private fenceTimer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private stopped = false;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly pool: pg.Pool, private readonly o: GroupOptions) {}

  get name(): string {
    return this.o.name || `${this.host}:${process.pid}`;
  }

  /** Grace before a node taken from a live member is scraped: its owner sees the change within a heartbeat. */
  private get graceMs(): number {
    return 2 * this.o.heartbeatIntervalMs + 1_000;
  }

  /** Fencing margin: the member stops this long before its row and leases can expire. */
  private get marginMs(): number {
    return Math.round(this.o.ttlMs / 3);
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  addCluster(name: string, id: number): void {
    if (!this.clusters.has(name)) this.clusters.set(name, { id, share: new NodeShare(this.memberId, this.graceMs) });
  }

  removeCluster(name: string): void {
    this.clusters.delete(name);
  }

  start(httpAddress: string): Promise<void> {
    this.httpAddress = httpAddress;
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.beat().finally(loop), this.o.heartbeatIntervalMs);
      this.timer.unref();
    };
    return this.beat().finally(loop);
  }

  /** The role of a cluster now: nothing while fenced or before the first heartbeat. */
  roleOf(cluster: string): ClusterRole {
    const c = this.clusters.get(cluster);
    if (!c || this.fenced) return { inventory: false, owns: () => false };
    const lease = this.leases.get(c.id);
    const now = performance.now();
    return { inventory: lease?.holder === this.memberId, owns: (node) => !this.fenced && c.share.owns(node, now) };
  }

  /** What an inventory write of the cluster must carry; null when this member does not hold its lease. */
  fenceFor(clusterId: number): Fence | null {
    const lease = this.leases.get(clusterId);
    if (this.fenced || !lease || lease.holder !== this.memberId) return null;
    return { clusterId, memberId: this.memberId, token: lease.token };
  }

  /** One heartbeat: membership, lease renewals and acquisitions, then the new roles to the listeners. */
  beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => (this.beating = null));
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const t0 = performance.now();
    try {
      // A database that stopped answering must not hold the loop: the fence deadline does not move meanwhile.
      const { members, leases } = await withTimeout(this.exchange(), this.marginMs, 'group heartbeat timed out');
      this.leases = leases;
      this.members = members;
      this.snapshotAt = performance.now();
      this.lastOkAt = Date.now();
      this.lastError = null;
      this.deadline = t0 + this.o.ttlMs - this.marginMs;
      if (this.fenced) log('group').info({ member: this.memberId }, 'group heartbeat ok: collecting this member\'s share');
      this.fenced = false;
      this.armFence();
    } catch (e) {
      if (this.lastError === null) log('group').warn({ err: (e as Error).message }, 'group heartbeat failed: retrying; this member stops collecting if it cannot renew in time');
      this.lastError = (e as Error).message;
      this.checkFence();
    }
    this.emit();
  }

  /** The heartbeat's database work: this member's row, every member, lease renewals and acquisitions. */
  private async exchange(): Promise<{ members: MemberRow[]; leases: Map<number, LeaseRow> }> {
    const owned = this.o.ownedNodes();
    const counts = Object.fromEntries(Object.entries(owned).map(([k, v]) => [k, v.length]));
    const { members } = await heartbeat(this.pool, this.identity(), [...this.clusters.keys()], counts, this.o.ttlMs);
    const ids = [...this.clusters.values()].map((c) => c.id);
    const leases = new Map((await renewAndRead(this.pool, this.memberId, ids, this.o.ttlMs)).map((l) => [l.clusterId, l]));
    const now = performance.now();
    const eligibleOf = new Map<string, string[]>();
    for (const m of members) if (m.alive) for (const c of m.clusters) eligibleOf.set(c, [...(eligibleOf.get(c) ?? []), m.id]);
    const targets = leaseTargets(eligibleOf);
    for (const [name, c] of this.clusters) {
      const eligible = eligibleOf.get(name) ?? [];
      c.share.update(eligible, now);
      const lease = leases.get(c.id);
      const target = targets.get(name);
      if (lease && lease.holder === this.memberId && lease.expiresInS > 0) {
        // Held here but meant for another member (one joined): handed over once the member list has been
        // stable for a grace, so two members whose lists briefly differ do not pass it back and forth.
        if (target !== undefined && target !== this.memberId && !c.share.settling(now)
          && await handOver(this.pool, this.memberId, c.id, lease.token, target, this.o.ttlMs)) {
          leases.set(c.id, { ...lease, holder: target, heldForS: 0, expiresInS: this.o.ttlMs / 1000 });
          log('group').info({ cluster: name, to: target }, `handed the inventory lease of cluster ${name} over to the member it is meant for`);
        }
        continue;
      }
      const free = !lease || lease.holder === null || lease.expiresInS <= 0;
      // The cluster's target takes a free lease; anyone takes one its target has left untaken for a TTL.
      const abandoned = lease !== undefined && lease.expiresInS < -this.o.ttlMs / 1000;
      if (!free || !(target === this.memberId || abandoned)) continue;
      const got = await tryAcquire(this.pool, this.memberId, c.id, this.o.ttlMs);
      if (!got) continue;
      if (lease?.holder && lease.holder !== this.memberId) this.takeovers++;
      leases.set(c.id, got);
      log('group').info({ cluster: name, token: got.token, from: lease?.holder ?? null }, `took the inventory lease of cluster ${name}`);
    }
    // A lease that ran out while this member held it is not renewed: it is this member's no more.
    for (const [id, l] of leases) if (l.holder === this.memberId && l.expiresInS <= 0) leases.set(id, { ...l, holder: null });
    return { members, leases };
  }

  private armFence(): void {
    if (this.fenceTimer) clearTimeout(this.fenceTimer);
    this.fenceTimer = setTimeout(() => this.checkFence(), Math.max(0, this.deadline - performance.now()));
    this.fenceTimer.unref();
  }

  private checkFence(): void {
    if (this.fenced) return;
    // A timer may fire a fraction of a millisecond early by this clock: wait the rest.
    if (performance.now() < this.deadline) {
      this.armFence();
      return;
    }
    this.fenced = true;
    log('group').error({ member: this.memberId, lastError: this.lastError }, 'group heartbeat overdue: this member stops collecting before its share can be taken over');
    this.emit();
  }

  private emit(): void {
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (e) {
        log('group').error({ err: (e as Error).message }, 'applying the group roles failed');
      }
    }
  }

  private identity() {
    return { id: this.memberId, name: this.name, host: this.host, pid: process.pid, httpAddress: this.httpAddress };
  }

  status(): GroupStatus {
    const sinceS = (performance.now() - this.snapshotAt) / 1000;
    const nameOf = new Map(this.members.map((m) => [m.id, m.name]));
    const clusterName = new Map([...this.clusters].map(([n, c]) => [c.id, n]));
    const owned = this.o.ownedNodes();
    return {
      memberId: this.memberId,
      name: this.name,
      fenced: this.fenced,
      heartbeatIntervalS: this.o.heartbeatIntervalMs / 1000,
      ttlS: this.o.ttlMs / 1000,
      lastHeartbeatAgeS: this.lastOkAt === null ? null : round1((Date.now() - this.lastOkAt) / 1000),
      lastError: this.lastError,
      takeovers: this.takeovers,
      members: this.members.map((m) => ({
        id: m.id, name: m.name, host: m.host, pid: m.pid, httpAddress: m.httpAddress, alive: m.alive,
        heartbeatAgeS: round1(m.heartbeatAgeS + sinceS), startedAt: m.startedAt.toISOString(), clusters: m.clusters, ownedNodes: m.ownedNodes,
        inventory: [...this.leases.values()].filter((l) => l.holder === m.id && l.expiresInS - sinceS > 0).map((l) => clusterName.get(l.clusterId) ?? String(l.clusterId)),
      })),
      leases: [...this.leases.values()].map((l) => ({
        cluster: clusterName.get(l.clusterId) ?? String(l.clusterId), holder: l.holder, holderName: l.holder ? nameOf.get(l.holder) ?? null : null,
        token: l.token, heldForS: l.heldForS === null ? null : round1(l.heldForS + sinceS), expiresInS: round1(l.expiresInS - sinceS), takeovers: l.takeovers,
      })),
      ownedNodes: Object.fromEntries(Object.entries(owned).map(([k, v]) => [k, v.length])),
      nodes: Object.fromEntries(Object.entries(owned).map(([k, v]) => [k, v.slice(0, NAMES_SHOWN)])),
    };
  }

  /** Leaves the group on purpose: leases handed back and the row deleted, so the others take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.fenceTimer) clearTimeout(this.fenceTimer);
    await this.beating;
    this.fenced = true;
    try {
      await releaseAll(this.pool, this.memberId);
      await leave(this.pool, this.memberId);
    } catch (e) {
      log('group').warn({ err: (e as Error).message }, 'could not leave the group: the others take over when this member\'s heartbeat expires');
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  p.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
