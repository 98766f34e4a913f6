// Rendezvous (highest-random-weight) hashing: a key (a node name) belongs to the member whose hash of
// (member, key) is highest. Every member computes the same owner from the same member list with no
// coordination, and a member joining or leaving moves only the keys it wins or held (about 1/n of them),
// where a modulo over a sorted list would move almost every key.

/** murmur3's 32-bit finaliser: spreads FNV-1a's weak low bits, so close names get unrelated weights. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The weight of `key` for `member`: deterministic, the same in every process. */
function weight(member: string, key: string): number {
  return mix32(fnv1a(key, fnv1a(member, 0x811c9dc5) ^ 0x9e3779b9));
}

/** The member owning `key` (ties, vanishingly rare, go to the smaller id); undefined with no member. */
export function ownerOf(key: string, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const m of members) {
    const w = weight(m, key);
    if (w > bestWeight || (w === bestWeight && best !== undefined && m < best)) {
      best = m;
      bestWeight = w;
    }
  }
  return best;
}

/** Every key's owner, grouped by member (members owning nothing have an empty list). */
export function assign(keys: Iterable<string>, members: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(members.map((m) => [m, []]));
  for (const k of keys) {
    const owner = ownerOf(k, members);
    if (owner !== undefined) out.get(owner)!.push(k);
  }
  return out;
}

/**
 * Who should hold each cluster's inventory lease: rendezvous hashing of `cluster:<name>` with a bounded
 * load, so leases spread over the members instead of piling up where the hash happens to fall (with few
 * clusters plain hashing often gives one member several while another has none). Clusters in name order,
 * each to its highest-weight eligible member that holds fewer than ⌈clusters / members⌉, else to its
 * highest-weight eligible member. Every member computes the same map from the same member list.
 */
export function leaseTargets(eligible: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const names = [...eligible.keys()].sort();
  const everyone = new Set(names.flatMap((n) => eligible.get(n)!));
  const cap = Math.ceil(names.length / Math.max(1, everyone.size));
  const load = new Map<string, number>();
  const out = new Map<string, string>();
  for (const name of names) {
    const key = `cluster:${name}`;
    const ranked = [...eligible.get(name)!].sort((a, b) => weight(b, key) - weight(a, key) || (a < b ? -1 : 1));
    const to = ranked.find((m) => (load.get(m) ?? 0) < cap) ?? ranked[0];
    if (to === undefined) continue;
    out.set(name, to);
    load.set(to, (load.get(to) ?? 0) + 1);
  }
  return out;
}
