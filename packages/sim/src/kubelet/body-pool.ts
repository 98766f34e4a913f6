// Recycled memory for rendered bodies. On this kind of machine the first write to freshly allocated
// memory costs far more than rendering into it (page faults: copying a 6 MB cAdvisor page into a new
// Buffer took ~29 ms, into a reused one ~0.2 ms), so bodies live in slabs that go back to a bounded free
// list once nobody can still read them: the body cache let go of the body AND every response that
// retained it released it. A holder that never releases only stops its slab from being recycled (the GC
// frees it), so forgetting release() costs speed, never correctness.

/** Bodies below this are plain allocations (Node pools small Buffers itself). */
export const MIN_POOLED_BYTES = 64 * 1024;

/** Slab size for n bytes: the next of 4 steps per power of two (≤ 19% slack), a whole number of pages. */
export function slabBytes(n: number): number {
  const step = Math.ceil(Math.log2(n) * 4) / 4;
  return Math.ceil(2 ** step / 4096) * 4096;
}

export class SlabPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes: number) {
    if (!(maxFreeBytes >= 0)) throw new Error(`SlabPool: maxFreeBytes must be ≥ 0, got ${maxFreeBytes}`);
  }

  /** A body of `src`'s bytes, copied into a recycled slab when one of the right size is free. */
  copyOf(src: Uint8Array): PooledBody {
    const n = src.length;
    if (n < MIN_POOLED_BYTES) {
      const small = Buffer.allocUnsafe(n);
      small.set(src);
      return new PooledBody(small, null, this);
    }
    const size = slabBytes(n);
    let slab = this.free.get(size)?.pop();
    if (slab) this.freeBytes -= size;
    else slab = Buffer.allocUnsafeSlow(size);
    const body = slab.subarray(0, n);
    body.set(src);
    return new PooledBody(body, slab, this);
  }

  /** A slab of `size` bytes (slabBytes()) to render a body into directly, recycled when one is free. */
  take(size: number): Buffer {
    const slab = this.free.get(size)?.pop();
    if (slab) {
      this.freeBytes -= size;
      return slab;
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /** The body written into the first n bytes of a slab from take(). */
  adopt(slab: Buffer, n: number): PooledBody {
    return new PooledBody(slab.subarray(0, n), slab, this);
  }

  /** Called by PooledBody when its last holder let go (and for a slab from take() that went unused). */
  put(slab: Buffer): void {
    if (this.freeBytes + slab.length > this.maxFreeBytes) return; // the GC frees it
    let list = this.free.get(slab.length);
    if (!list) this.free.set(slab.length, (list = []));
    list.push(slab);
    this.freeBytes += slab.length;
  }

  /** Bytes kept for reuse (for tests and memory accounting). */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

/** A rendered body with a reference count; the body cache holds the first reference. */
export class PooledBody {
  private refs = 1;

  constructor(readonly buf: Buffer, private readonly slab: Buffer | null, private readonly pool: SlabPool) {}

  get length(): number {
    return this.buf.length;
  }

  /** A new reference for a reader (a response being written); the returned function releases it once. */
  retain(): () => void {
    this.refs++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  release(): void {
    if (--this.refs === 0 && this.slab) this.pool.put(this.slab);
  }
}
