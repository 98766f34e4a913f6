// The simulated etcd + watch cache: objects per resource in key order, one global resourceVersion counter
// (as etcd has), a bounded event history for watches, and a compaction floor below which resourceVersions
// are gone (watch → ERROR 410, continue token → 410 Expired), as on a real apiserver after compaction.

import type { OwnerReference } from './fields.js';

export interface SimMetadata {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  generateName?: string;
  generation?: number;
  ownerReferences?: OwnerReference[];
  [k: string]: unknown;
}

/** A stored object. Plain objects serialise as they are; compact records (pods) render through toJSON. */
export interface SimObject {
  kind: string;
  apiVersion: string;
  metadata: SimMetadata;
  /** Fast field lookup for field selectors (compact records implement it; plain objects are walked). */
  fieldValue?(path: string): string | undefined;
  /** Faster JSON text than JSON.stringify (compact records implement it). */
  serialize?(): string;
  [k: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface HistoryEvent {
  resource: string;
  type: WatchEventType;
  rv: number;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Values of the resource's selectable fields at the time of the event. */
  fields: Record<string, string>;
  /** The serialised watch event line (JSON + '\n'). */
  line: string;
  /** The object itself (for Table watches, which render rows per event). */
  object: SimObject;
}

export interface Watcher {
  resource: string;
  deliver(ev: HistoryEvent): void;
}

interface Table {
  objects: Map<string, SimObject>;
  /** Keys ('ns/name' or 'name') kept sorted, so chunked lists resume by binary search. */
  keys: string[];
}

export function serializeObject(obj: SimObject): string {
  return obj.serialize ? obj.serialize() : JSON.stringify(obj);
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Lower bound: index of the first key >= k. */
export function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function readPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function fieldOf(obj: SimObject, path: string): string {
  const v = obj.fieldValue ? obj.fieldValue(path) : readPath(obj, path);
  if (v === undefined || v === null) return path === 'spec.unschedulable' ? 'false' : '';
  const scalar = v as string | number | boolean; // selectable fields (status.phase, spec.unschedulable …) hold scalars
  return String(scalar);
}

export interface StoreOptions {
  historyCapacity: number;
  /** Selectable fields per resource id (for recording them on history events). */
  fieldsOf: (resource: string) => string[];
}

export class SimStore {
  private tables = new Map<string, Table>();
  private history: HistoryEvent[] = [];
  private historyStart = 0;
  private watchers = new Map<string, Set<Watcher>>();
  private currentRv = 1;
  /** resourceVersions <= this are compacted away. */
  private floor = 0;

  constructor(private readonly options: StoreOptions) {}

  get resourceVersion(): number {
    return this.currentRv;
  }
  get compactedRv(): number {
    return this.floor;
  }

  private table(resource: string): Table {
    let t = this.tables.get(resource);
    if (!t) {
      t = { objects: new Map(), keys: [] };
      this.tables.set(resource, t);
    }
    return t;
  }

  nextRv(): number {
    return ++this.currentRv;
  }

  get(resource: string, namespace: string | undefined, name: string): SimObject | undefined {
    return this.tables.get(resource)?.objects.get(objectKey(namespace, name));
  }

  count(resource: string): number {
    return this.tables.get(resource)?.keys.length ?? 0;
  }

  /** Sorted keys of a resource (read-only; do not keep across awaits). */
  keys(resource: string): string[] {
    return this.table(resource).keys;
  }

  byKey(resource: string, key: string): SimObject | undefined {
    return this.tables.get(resource)?.objects.get(key);
  }

  private bulk = false;

  /** Initial load: keys are appended unsorted and sorted once in endBulk() (150,000 splices would be O(n²)). */
  beginBulk(): void {
    this.bulk = true;
  }

  endBulk(): void {
    this.bulk = false;
    for (const t of this.tables.values()) t.keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Adds or replaces an object, stamping a new resourceVersion; emits ADDED or MODIFIED unless quiet. */
  put(resource: string, obj: SimObject, quiet = false): SimObject {
    const t = this.table(resource);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const existed = t.objects.has(key);
    obj.metadata.resourceVersion = String(this.nextRv());
    t.objects.set(key, obj);
    if (!existed) {
      if (this.bulk) t.keys.push(key);
      else t.keys.splice(lowerBound(t.keys, key), 0, key);
    }
    if (!quiet) this.emit(resource, existed ? 'MODIFIED' : 'ADDED', obj);
    return obj;
  }

  /** Bumps an object's resourceVersion after an in-place change and emits MODIFIED. */
  touch(resource: string, obj: SimObject): void {
    obj.metadata.resourceVersion = String(this.nextRv());
    this.emit(resource, 'MODIFIED', obj);
  }

  remove(resource: string, namespace: string | undefined, name: string): SimObject | undefined {
    const t = this.tables.get(resource);
    const key = objectKey(namespace, name);
    const obj = t?.objects.get(key);
    if (!t || !obj) return undefined;
    t.objects.delete(key);
    const i = lowerBound(t.keys, key);
    if (t.keys[i] === key) t.keys.splice(i, 1);
    // The DELETED event carries the object's last state with the deletion's resourceVersion.
    obj.metadata.resourceVersion = String(this.nextRv());
    this.emit(resource, 'DELETED', obj);
    return obj;
  }

  private emit(resource: string, type: WatchEventType, obj: SimObject): void {
    const fields: Record<string, string> = {};
    for (const f of this.options.fieldsOf(resource)) fields[f] = fieldOf(obj, f);
    const ev: HistoryEvent = {
      resource,
      type,
      rv: Number(obj.metadata.resourceVersion),
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
      labels: { ...(obj.metadata.labels ?? {}) },
      fields,
      line: `{"type":"${type}","object":${serializeObject(obj)}}\n`,
      object: obj,
    };
    this.history.push(ev);
    if (this.history.length - this.historyStart > this.options.historyCapacity) {
      // The oldest event falls out of the window: its RV and everything before are now compacted.
      this.floor = Math.max(this.floor, this.history[this.historyStart].rv);
      this.historyStart++;
      if (this.historyStart > 4096) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    const ws = this.watchers.get(resource);
    if (ws) for (const w of [...ws]) w.deliver(ev);
  }

  /** Events of a resource after `rv` (exclusive); undefined when `rv` is below the compaction floor. */
  eventsSince(resource: string, rv: number): HistoryEvent[] | undefined {
    if (rv < this.floor) return undefined;
    const out: HistoryEvent[] = [];
    for (let i = this.historyStart; i < this.history.length; i++) {
      const ev = this.history[i];
      if (ev.rv > rv && ev.resource === resource) out.push(ev);
    }
    return out;
  }

  /** Forgets all history up to now, as an etcd compaction does. */
  compact(): void {
    // A new revision marks the compaction: every resourceVersion handed out before it is gone.
    this.floor = ++this.currentRv;
    this.history = [];
    this.historyStart = 0;
  }

  /** Advances the floor to `rv` (time-based compaction) without dropping newer events. */
  compactTo(rv: number): void {
    if (rv <= this.floor) return;
    this.floor = rv;
    while (this.historyStart < this.history.length && this.history[this.historyStart].rv <= rv) this.historyStart++;
  }

  addWatcher(w: Watcher): void {
    if (!this.watchers.has(w.resource)) this.watchers.set(w.resource, new Set());
    this.watchers.get(w.resource)!.add(w);
  }

  removeWatcher(w: Watcher): void {
    this.watchers.get(w.resource)?.delete(w);
  }

  watcherCount(): number {
    let n = 0;
    for (const s of this.watchers.values()) n += s.size;
    return n;
  }
}
