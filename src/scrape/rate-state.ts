// Compact storage behind the RateTracker: at 5,000 nodes × 30 pods it remembers ~800,000 entities (pods,
// containers, volumes, interfaces), so bytes per entity decide the collector's memory. Measured with the
// simulated kubelet's summaries at 500 nodes (79,143 entities, heap + array buffers after a full GC):
// 287 bytes per entity when every entity's key was its full text (pod UID + container name …, ~45
// characters) and its numbers lived in one Float64Array grown by doubling. Here:
// - a pod UID and a node name are held once per cluster (`Interner`), and entity keys carry their small
//   integer ids instead: a pod's key is the id itself (a number, no string at all), a container's is
//   "<pod id>\u001f<name>" (~10 characters instead of ~45);
// - each slot records its pod and node ids, so forgetting a pod or a node compares integers instead of
//   parsing keys, and an id is released when its last entity goes (bounded by the live entities);
// - the numbers live in fixed-size chunks: no copy of the whole state when it grows (a doubling copy
//   briefly held old + new, 1.5× the state, right when the inventory and the first scrapes peak) and at
//   most one partly used chunk instead of up to half the array unused.

/** Slots per chunk (a power of two: slot → chunk is a shift). */
const CHUNK_BITS = 10;
const CHUNK_SLOTS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SLOTS - 1;

/** No pod / no node: the slot's entity is not keyed by one (e.g. a node's own interface has no pod). */
export const NO_ID = -1;

/**
 * Strings (pod UIDs, node names) ↔ small integer ids, reference-counted: an id lives while entities use
 * it, and its string is dropped with the last one, so the table holds the live pods and nodes only.
 */
export class Interner {
  private readonly idOf = new Map<string, number>();
  private readonly valueOf: Array<string | undefined> = [];
  private readonly refs: number[] = [];
  private readonly freeIds: number[] = [];

  /** The id of `value` if some entity uses it. */
  peek(value: string): number | undefined {
    return this.idOf.get(value);
  }

  /** The id of `value` with one more reference (a new id when it had none). */
  acquire(value: string): number {
    let id = this.idOf.get(value);
    if (id === undefined) {
      id = this.freeIds.pop() ?? this.valueOf.length;
      this.idOf.set(value, id);
      this.valueOf[id] = value;
      this.refs[id] = 0;
    }
    this.refs[id]++;
    return id;
  }

  /** One reference fewer; the string is forgotten with the last one. */
  release(id: number): void {
    if (id === NO_ID) return;
    const left = --this.refs[id];
    if (left > 0) return;
    if (left < 0) throw new Error(`rates: interner id ${id} released more often than acquired`);
    this.idOf.delete(this.valueOf[id]!);
    this.valueOf[id] = undefined;
    this.freeIds.push(id);
  }

  /** Distinct values held. */
  get size(): number {
    return this.idOf.size;
  }
}

/** One chunk of slots: their numbers (`stride` each) and their pod and node ids. */
interface Chunk {
  data: Float64Array;
  /** [pod id, node id] per slot. */
  ids: Int32Array;
}

/** Where a slot's numbers start: `chunk.data[at]` … `chunk.data[at + stride - 1]`. */
export interface SlotRef {
  data: Float64Array;
  at: number;
}

/**
 * The state of one entity kind of one cluster: a Map from compact key to slot, and the slots' numbers
 * in chunks. Freed slots are reused (the lowest chunk fills first again only by chance: free slots are a
 * stack), and a chunk is never given back, so the state keeps the size of its busiest moment.
 */
export class EntityStates {
  readonly slotOf = new Map<string | number, number>();
  /** Slot → key (undefined when the slot is free), to delete from slotOf when pruning. */
  private keyOf: Array<string | number | undefined> = [];
  private free: number[] = [];
  private readonly chunks: Chunk[] = [];
  /** Where the last `ref` points (reused: one object, not one per row). */
  private readonly cursor: SlotRef = { data: new Float64Array(0), at: 0 };

  constructor(readonly stride: number) {}

  get size(): number {
    return this.slotOf.size;
  }

  /** A new slot for `key` with its pod and node ids (its numbers are the caller's to set). */
  add(key: string | number, podId: number, nodeId: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.keyOf.length;
      this.keyOf.push(undefined);
      if (slot >> CHUNK_BITS >= this.chunks.length) {
        this.chunks.push({ data: new Float64Array(CHUNK_SLOTS * this.stride), ids: new Int32Array(CHUNK_SLOTS * 2) });
      }
    }
    this.keyOf[slot] = key;
    this.slotOf.set(key, slot);
    const c = this.chunks[slot >> CHUNK_BITS];
    c.ids[(slot & CHUNK_MASK) * 2] = podId;
    c.ids[(slot & CHUNK_MASK) * 2 + 1] = nodeId;
    return slot;
  }

  /** The slot's numbers. The returned object is reused by the next call. */
  ref(slot: number): SlotRef {
    this.cursor.data = this.chunks[slot >> CHUNK_BITS].data;
    this.cursor.at = (slot & CHUNK_MASK) * this.stride;
    return this.cursor;
  }

  /** One number of a slot. */
  get(slot: number, field: number): number {
    return this.chunks[slot >> CHUNK_BITS].data[(slot & CHUNK_MASK) * this.stride + field];
  }

  podIdOf(slot: number): number {
    return this.chunks[slot >> CHUNK_BITS].ids[(slot & CHUNK_MASK) * 2];
  }

  nodeIdOf(slot: number): number {
    return this.chunks[slot >> CHUNK_BITS].ids[(slot & CHUNK_MASK) * 2 + 1];
  }

  /**
   * Frees every slot for which `gone(slot)` is true, at most `limit` (in key insertion order, so a cap
   * evicts the entities inserted first); `onRemoved` releases what the slot referenced.
   */
  removeWhere(gone: (slot: number) => boolean, onRemoved: (slot: number) => void, limit = Infinity): number {
    let removed = 0;
    for (const [key, slot] of this.slotOf) {
      if (removed >= limit) break;
      if (!gone(slot)) continue;
      this.slotOf.delete(key);
      this.keyOf[slot] = undefined;
      this.free.push(slot);
      onRemoved(slot);
      removed++;
    }
    return removed;
  }

  /** The smallest value of `field` over the live slots (Infinity when none). */
  min(field: number): number {
    let least = Infinity;
    for (const slot of this.slotOf.values()) least = Math.min(least, this.get(slot, field));
    return least;
  }
}
