// Which of a cluster's nodes this member scrapes: the nodes rendezvous hashing gives it among the live
// members that have the cluster in their config. A node taken over from a member that is still alive (one
// joined, or the lists briefly differ between members) waits a grace period first: the previous owner
// learns of the change at its next heartbeat and stops, so two members never scrape a node at once and the
// new owner's first sample (stored absent-only) cannot race the previous owner's last queued rows. A node
// whose previous owner is gone (dead, stopped) is taken at once.
import { ownerOf } from './rendezvous.js';

interface PastList {
  members: readonly string[];
  /** When this list stopped being the current one (local monotonic ms). */
  replacedAt: number;
}

export class NodeShare {
  private current: readonly string[] = [];
  private past: PastList[] = [];
  private started = false;

  constructor(
    readonly me: string,
    private readonly graceMs: number,
  ) {}

  /** The live members having the cluster (this one included when alive); true when the list changed. */
  update(members: readonly string[], now: number): boolean {
    const next = [...new Set(members)].sort();
    this.past = this.past.filter((p) => now - p.replacedAt < this.graceMs);
    if (!this.started) {
      this.started = true;
      // Before this member joined, the others held every node: a first share waits like a join.
      this.past.push({ members: next.filter((m) => m !== this.me), replacedAt: now });
      this.current = next;
      return true;
    }
    if (next.length === this.current.length && next.every((m, i) => m === this.current[i])) return false;
    this.past.push({ members: this.current, replacedAt: now });
    this.current = next;
    return true;
  }

  get members(): readonly string[] {
    return this.current;
  }

  /** Whether a grace period is still running (the caller re-checks ownership when it ends). */
  settling(now: number): boolean {
    return this.past.some((p) => now - p.replacedAt < this.graceMs);
  }

  /** The member the hashing gives the node now (whether or not it waits out a grace). */
  ownerOf(node: string): string | undefined {
    return ownerOf(node, this.current);
  }

  /** Whether this member scrapes the node now. */
  owns(node: string, now: number): boolean {
    if (ownerOf(node, this.current) !== this.me) return false;
    for (const p of this.past) {
      if (now - p.replacedAt >= this.graceMs) continue;
      const before = ownerOf(node, p.members);
      if (before !== undefined && before !== this.me && this.current.includes(before)) return false;
    }
    return true;
  }
}
