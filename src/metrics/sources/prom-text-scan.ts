// Character-level pieces of the Prometheus text format (0.0.4): names, label text ends, numbers and
// escapes. Pure functions over a string and a range, shared by the parser's line and label readers.

/**
 * Where the label set opening at `open` ends (the index after its `}`), found without parsing it: the
 * line's last `}` (a value or timestamp holds none), preceded by a quote that is not escaped (an even run
 * of backslashes before it). -1 when that shortcut does not apply (`{}`, a trailing comma, a malformed
 * line): the caller parses the long way, uncached. Scanning back from the line's end passes only the
 * value and timestamp, where a scan forward passes every label.
 */
export function labelSetEnd(s: string, open: number, to: number): number {
  let at = to - 1;
  while (at > open && s.charCodeAt(at) !== 125 /* } */) at--;
  if (at <= open + 1 || s.charCodeAt(at - 1) !== 34 /* " */) return -1;
  let slashes = 0;
  while (s.charCodeAt(at - 2 - slashes) === 92 /* \ */) slashes++;
  return slashes % 2 === 0 ? at + 1 : -1;
}

/**
 * The label names kubelets write, as constants: a name found here is not sliced out of the line, and as
 * an internalized string it is a cheap property key (a sliced one is looked up in V8's string table on
 * every store).
 */
const KNOWN_LABEL_NAMES: string[][] = [];
for (const name of ['container', 'id', 'image', 'name', 'namespace', 'pod', 'device', 'interface', 'cpu', 'failure_type',
  'scope', 'major', 'minor', 'state', 'ulimit', 'pod_name', 'container_name', 'node', 'le', 'quantile']) {
  (KNOWN_LABEL_NAMES[name.length] ??= []).push(name);
}

export function labelNameAt(s: string, from: number, to: number): string {
  const known = KNOWN_LABEL_NAMES[to - from];
  if (known !== undefined) for (let k = 0; k < known.length; k++) if (sameAt(s, from, known[k])) return known[k];
  return s.slice(from, to);
}

/** s.startsWith(word, at), without the cost String#startsWith has on a long s with a position. */
export function sameAt(s: string, at: number, word: string): boolean {
  for (let k = word.length - 1; k >= 0; k--) if (s.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

export function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Digits (optionally signed), then only trailing blanks; null otherwise or beyond 2^53. */
export function parseTimestamp(s: string, i: number, to: number): number | null {
  let end = to;
  while (end > i && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
  const negative = s.charCodeAt(i) === 45; /* - */
  let j = negative ? i + 1 : i;
  if (j === end) return null;
  // Summed as read: exact up to 15 digits (a ms timestamp has 13), read by Number beyond.
  let v = 0;
  for (; j < end; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (end - i > 15) v = Math.abs(Number(s.slice(i, end)));
  if (!Number.isSafeInteger(v)) return null;
  return negative ? -v : v;
}

/** s[from, to) as a number (Number's reading, plus NaN and ±Inf), or undefined when it is none. */
export function parseValue(s: string, from: number, to: number): number | undefined {
  if (from === to) return undefined;
  // Plain digits up to 15 of them (counts, small counters) are summed as read, exactly as Number reads them.
  if (to - from <= 15) {
    let v = 0;
    let j = from;
    for (; j < to; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (j === to) return v;
  }
  const t = s.slice(from, to);
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  if (t === 'NaN') return NaN;
  if (t === '+Inf' || t === 'Inf') return Infinity;
  if (t === '-Inf') return -Infinity;
  return undefined;
}

export function unescapeLabel(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

export function unescapeHelp(raw: string): string {
  return raw.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}
