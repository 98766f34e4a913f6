// The label sets of one Prometheus text payload, found by their text before they are parsed (see
// LabelSetCache): a cAdvisor payload repeats each cgroup's label text on ~30 families' lines.

/** Label sets remembered at most per payload (a bound against a hostile one). */
const MAX_LABEL_SETS = 100_000;

/**
 * Label text → parsed labels, per payload. A cAdvisor payload repeats one cgroup's label set on ~30
 * families' lines (3–4 distinct sets per cgroup among ~5,000 lines of ~300 characters). A Map keyed by the
 * text hashes all of it on every line (measured ~540 ns a lookup, most of a wanted line's parse), so:
 * - families list their cgroups in one order, so the set at line k of a family is first compared with the
 *   one at line k of the previous parsed family (one native compare, ~90 ns when equal);
 * - otherwise a hash of a sample of the text (its length, every 13th character and its last 16: where
 *   cAdvisor's label sets differ — pod UID, container, the extra label at the end) picks a bucket whose
 *   texts are compared whole. A collision costs a compare, never a wrong answer.
 */
export class LabelSetCache {
  private readonly buckets = new Map<number, Array<string | Readonly<Record<string, string>>>>();
  private size = 0;
  private prevTexts: string[] = [];
  private prevSets: Array<Readonly<Record<string, string>>> = [];
  private texts: string[] = [];
  private sets: Array<Readonly<Record<string, string>>> = [];
  /** The text and hash of the last find that missed: what add() stores. */
  private missText = '';
  private missHash = 0;

  /** A new metric name: this family's label sets become the ones the next family is compared with. */
  nextFamily(): void {
    if (this.texts.length === 0) return;
    this.prevTexts = this.texts;
    this.prevSets = this.sets;
    this.texts = [];
    this.sets = [];
  }

  /** The parsed labels of s[from, to) (the text from `{` to `}`), or undefined when not seen yet. */
  find(s: string, from: number, to: number): Readonly<Record<string, string>> | undefined {
    const text = s.slice(from, to);
    const k = this.texts.length;
    let found: Readonly<Record<string, string>> | undefined;
    if (k < this.prevTexts.length && this.prevTexts[k] === text) {
      found = this.prevSets[k];
    } else {
      const h = sampledHash(s, from, to);
      const bucket = this.buckets.get(h);
      if (bucket !== undefined) {
        for (let b = 0; b < bucket.length; b += 2) {
          if (bucket[b] === text) {
            found = bucket[b + 1] as Readonly<Record<string, string>>;
            break;
          }
        }
      }
      if (found === undefined) {
        this.missText = text;
        this.missHash = h;
        return undefined;
      }
    }
    this.texts.push(text);
    this.sets.push(found);
    return found;
  }

  /** The labels parsed from the text the last find() missed. */
  add(parsed: Readonly<Record<string, string>>): void {
    this.texts.push(this.missText);
    this.sets.push(parsed);
    if (this.size >= MAX_LABEL_SETS) return;
    this.size++;
    const bucket = this.buckets.get(this.missHash);
    if (bucket === undefined) this.buckets.set(this.missHash, [this.missText, parsed]);
    else bucket.push(this.missText, parsed);
  }
}

function sampledHash(s: string, from: number, to: number): number {
  let h = to - from;
  const tail = Math.max(from, to - 16);
  for (let k = from; k < tail; k += 13) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  for (let k = tail; k < to; k++) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  return h;
}
