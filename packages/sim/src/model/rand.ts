// Seeded randomness: the same seed gives the same world (names, uids, placement, churn order).
// mulberry32 is small, fast and good enough for a simulation; it is not for cryptography.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(minInclusive: number, maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  hex(length: number): string;
  /** A version-4-shaped UUID built from the seeded stream. */
  uuid(): string;
  /** A 5-character pod-name suffix from the alphabet Kubernetes uses (no vowels, no confusables). */
  suffix(length?: number): string;
  /** A fresh 32-bit seed drawn from this stream (for per-object generators). */
  seed(): number;
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min));
  // Through a byte buffer: one flat string per id instead of a chain of concatenations (150,000 pods
  // carry 64-hex container ids; this was the hottest line of a 5,000-node start).
  const hex = (length: number): string => {
    const words = Math.ceil(length / 8);
    const buf = Buffer.allocUnsafe(words * 4);
    for (let i = 0; i < words; i++) buf.writeUInt32BE(Math.floor(next() * 4294967296) >>> 0, i * 4);
    const s = buf.toString('hex');
    return s.length === length ? s : s.slice(0, length);
  };
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length)],
    chance: (p: number) => next() < p,
    hex,
    uuid: () => {
      const h = hex(32);
      const variant = '89ab'[int(0, 4)];
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    suffix: (length = 5) => {
      let s = '';
      for (let i = 0; i < length; i++) s += SUFFIX_ALPHABET[int(0, SUFFIX_ALPHABET.length)];
      return s;
    },
    seed: () => Math.floor(next() * 4294967296) >>> 0,
  };
}
