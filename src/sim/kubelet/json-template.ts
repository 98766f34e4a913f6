// The same pretty JSON as PrettyJson (json-writer.ts), several times faster: the bytes between two values
// (closing braces, commas, newlines, indentation, the next key) depend only on the depth of the last value
// and the structural calls since, so they are worked out once by PrettyJson itself and remembered in a
// trie of those calls; rendering then writes one pre-merged literal and the value per field.
import { PrettyJson } from './json-writer.js';
import { TextWriter } from './text-writer.js';

const SAFE = /^[A-Za-z0-9._:/@+ -]*$/;

type Step = { op: 'objectField' | 'arrayField' | 'value'; key: string } | { op: 'object' | 'end' | 'endArray' };

class Node {
  readonly fields = new Map<string, Node>();
  readonly arrays = new Map<string, Node>();
  readonly values = new Map<string, Node>();
  opened: Node | null = null;
  closed: Node | null = null;
  closedArray: Node | null = null;
  /** Literal bytes from the root to here (written at a value node, or at the document's last close). */
  lit: Buffer | null = null;
  constructor(readonly rootDepth: number, readonly path: Step[], readonly depth: number) {}
}

/** Bound on remembered structure paths; the summary's fixed schema needs a few hundred. */
const MAX_NODES = 50_000;
let nodeCount = 0;
/** Roots: [0] = document start; [d + 1] = just after a value at depth d. */
let roots: Node[] = [];

function root(i: number): Node {
  let r = roots[i];
  if (!r) {
    if (nodeCount >= MAX_NODES) {
      roots = [];
      nodeCount = 0;
    }
    r = roots[i] = new Node(i, [], Math.max(0, i - 1));
    nodeCount++;
  }
  return r;
}

/** Replays a path with the reference writer to get its literal bytes. */
function literalOf(n: Node): Buffer {
  const scratch = new TextWriter(256);
  const j = new PrettyJson(scratch, Math.max(0, n.rootDepth - 1));
  for (const st of n.path) {
    if (st.op === 'objectField') j.objectField(st.key);
    else if (st.op === 'arrayField') j.arrayField(st.key);
    else if (st.op === 'value') j.keyed(st.key);
    else if (st.op === 'object') j.object();
    else if (st.op === 'end') j.end();
    else j.endArray();
  }
  return scratch.toBuffer();
}

function child(parent: Node, step: Step, depth: number): Node {
  nodeCount++;
  return new Node(parent.rootDepth, [...parent.path, step], depth);
}

export class TemplatedJson {
  private node: Node = root(0);
  private depth = 0;
  /** The last string found to need no escaping: the tick's time string repeats in every block. */
  private lastSafe = '';

  constructor(readonly w: TextWriter) {}

  object(): this {
    const n = this.node;
    this.node = n.opened ?? (n.opened = child(n, { op: 'object' }, this.depth + 1));
    this.depth++;
    return this;
  }

  objectField(key: string): this {
    const n = this.node;
    let c = n.fields.get(key);
    if (!c) n.fields.set(key, (c = child(n, { op: 'objectField', key }, this.depth + 1)));
    this.node = c;
    this.depth++;
    return this;
  }

  arrayField(key: string): this {
    const n = this.node;
    let c = n.arrays.get(key);
    if (!c) n.arrays.set(key, (c = child(n, { op: 'arrayField', key }, this.depth + 1)));
    this.node = c;
    this.depth++;
    return this;
  }

  end(): this {
    const n = this.node;
    this.node = n.closed ?? (n.closed = child(n, { op: 'end' }, this.depth - 1));
    return this.closed();
  }

  endArray(): this {
    const n = this.node;
    this.node = n.closedArray ?? (n.closedArray = child(n, { op: 'endArray' }, this.depth - 1));
    return this.closed();
  }

  /** At the document's end, writes what is pending. */
  private closed(): this {
    if (--this.depth === 0) {
      const n = this.node;
      this.w.bytes(n.lit ?? (n.lit = literalOf(n)));
      this.node = root(0);
    }
    return this;
  }

  private keyed(key: string): TextWriter {
    const n = this.node;
    let c = n.values.get(key);
    if (!c) {
      n.values.set(key, (c = child(n, { op: 'value', key }, this.depth)));
      c.lit = literalOf(c);
    }
    this.node = root(this.depth + 1);
    return this.w.bytes(c.lit!);
  }

  uint(key: string, v: number): this {
    this.keyed(key).jsonUint(v);
    return this;
  }

  /** float64 as Go's encoding/json writes it (shortest round-trip digits, = String(v) for these ranges). */
  float(key: string, v: number): this {
    const w = this.keyed(key);
    // Fast path for values with at most two decimals (the PSI averages): c / 100 reproduces v exactly, so
    // "int.ff" without trailing zeros is its shortest round-trip form, which is what String(v) gives.
    const c = Math.round(v * 100);
    if (c >= 0 && c < 1e9 && c / 100 === v) {
      const int = Math.floor(c / 100);
      const frac = c - int * 100;
      w.uint(int);
      if (frac !== 0) {
        const tens = (frac / 10) | 0;
        w.byte(46).byte(48 + tens);
        if (frac !== tens * 10) w.byte(48 + frac - tens * 10);
      }
    } else w.str(String(v));
    return this;
  }

  string(key: string, v: string): this {
    const w = this.keyed(key);
    if (v === this.lastSafe || SAFE.test(v)) {
      this.lastSafe = v;
      w.byte(34).str(v).byte(34);
    } else w.str(JSON.stringify(v));
    return this;
  }
}
