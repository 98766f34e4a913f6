// Bounded caches shared by all simulated kubelets of a process: a world of 5,000 kubelets must not keep
// 5,000 rendered pages (a 110-pod cAdvisor page is ~3 MB), so both caches evict least-recently-used first.

/** LRU by entry count. */
export class CountLru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new Error(`CountLru: maxEntries must be ≥ 1, got ${maxEntries}`);
  }
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as K);
  }
  delete(key: K): void {
    this.map.delete(key);
  }
  get size(): number {
    return this.map.size;
  }
}

/** LRU of bodies bounded by their total length (string length = bytes for our ASCII bodies); `onEvict`
 *  hears of every value that leaves (evicted, replaced or deleted), so pooled bodies can be released. */
export class ByteLru<V extends { length: number } = string | Buffer> {
  private readonly map = new Map<string, V>();
  private totalChars = 0;
  constructor(private readonly maxChars: number, private readonly onEvict: (value: V) => void = () => {}) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  /** Returns whether the value was kept (a value larger than the whole cache is not). */
  set(key: string, value: V): boolean {
    if (value.length > this.maxChars) return false;
    this.delete(key);
    this.map.set(key, value);
    this.totalChars += value.length;
    while (this.totalChars > this.maxChars) {
      const oldest = this.map.keys().next().value as string;
      this.delete(oldest);
    }
    return true;
  }
  delete(key: string): void {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.totalChars -= v.length;
      this.map.delete(key);
      this.onEvict(v);
    }
  }
  /** Drops every entry whose key starts with prefix (a disposed kubelet). */
  deletePrefix(prefix: string): void {
    for (const k of [...this.map.keys()]) if (k.startsWith(prefix)) this.delete(k);
  }
}
