// Streaming parser for the Prometheus text exposition format (0.0.4), as the kubelet serves it on
// /metrics/cadvisor and /metrics/resource. Chunks may split lines and UTF-8 characters anywhere; a
// sample is handed to the callback as soon as its line is complete, so a 1.8 MB cAdvisor payload is never
// held as one string. Handles HELP/TYPE, label-value escapes (\\ \" \n), NaN/±Inf and optional ms
// timestamps.
//
// It reads the bytes, not a decoded string: a cAdvisor payload repeats each cgroup's label text (~300
// bytes) on every family's line, and what it costs is recognising that text again. Decoding to a string
// and looking the text up in a Map hashed all of it and compared it char by char through sliced strings
// (~1.2 µs a line, two thirds of a payload's decode); here a label set is found by a hash of a few of its
// bytes and confirmed by one native compare, numbers are read from the digits, and only a label set seen
// for the first time, a family's name and comments become strings.

export interface PromSample {
  name: string;
  /**
   * Label name → value (unescaped). One object per distinct label set of the payload: lines with the
   * same label text share it (a consumer may memoize on its identity), so never modify it.
   */
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Sample timestamp in ms since the epoch, or null when the line has none. */
  timestampMs: number | null;
}

export class PromParseError extends Error {
  constructor(readonly line: number, readonly problem: string, readonly text: string) {
    super(`line ${line}: ${problem}: ${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)}`);
    this.name = 'PromParseError';
  }
}

export interface PromParserOptions {
  /** A longer line (in bytes) is an error (bounded memory against a body without newlines). Default 1 MiB. */
  maxLineBytes?: number;
  /**
   * Families to parse: lines of other families are skipped after their name, before their labels (the
   * costly part), so a consumer that ignores many families does not pay for them. Called once per run of
   * lines with one name (a family's lines come together); `skipped` counts the lines it turned away.
   */
  wantFamily?: (name: string) => boolean;
}

/** A label set met before: its text's bytes (a copy: chunks may be reused) and the object lines share. */
interface KnownLabels {
  bytes: Buffer;
  labels: Readonly<Record<string, string>>;
}

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COMMA = 44;
const EQUALS = 61;

export class PromTextParser {
  /** Family → type from `# TYPE` (counter, gauge, untyped, …). */
  readonly types = new Map<string, string>();
  /** Family → help text from `# HELP`. */
  readonly help = new Map<string, string>();
  samples = 0;
  /** Sample lines of families wantFamily turned away. */
  skipped = 0;
  private lineNo = 0;
  /** Bytes after the last newline of the previous chunk: the start of a line not complete yet. */
  private pending: Buffer | null = null;
  private readonly maxLineBytes: number;
  private readonly wantFamily: ((name: string) => boolean) | undefined;
  /**
   * Label sets by a hash of a few bytes of their text (see labelHash); colliding sets share a bucket and
   * are told apart by comparing bytes. A cAdvisor payload has 3–4 distinct sets per cgroup among ~6,000
   * lines. Bounded per parser (so per payload).
   */
  private readonly labelSets = new Map<number, KnownLabels | KnownLabels[]>();
  private labelSetCount = 0;
  /** The previous sample line's metric name and whether its family is wanted. */
  private lastName = '';
  private lastWanted = true;

  constructor(private readonly onSample: (s: PromSample) => void, opts: PromParserOptions = {}) {
    this.maxLineBytes = opts.maxLineBytes ?? 1024 * 1024;
    this.wantFamily = opts.wantFamily;
  }

  push(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    if (this.pending) {
      // The line split across chunks is completed and parsed alone; the rest is read in place.
      const nl = buf.indexOf(NL);
      if (nl === -1) {
        this.pending = Buffer.concat([this.pending, buf]);
        this.checkPending();
        return;
      }
      const line = Buffer.concat([this.pending, buf.subarray(0, nl)]);
      this.pending = null;
      this.lineNo++;
      this.parseLine(line, 0, line.length);
      start = nl + 1;
    }
    const last = buf.lastIndexOf(NL);
    if (last < start) {
      if (start < buf.length) this.pending = Buffer.from(buf.subarray(start));
      this.checkPending();
      return;
    }
    for (let nl = buf.indexOf(NL, start); ; nl = buf.indexOf(NL, start)) {
      this.lineNo++;
      this.parseLine(buf, start, nl);
      start = nl + 1;
      if (nl === last) break;
    }
    if (start < buf.length) this.pending = Buffer.from(buf.subarray(start));
    this.checkPending();
  }

  /** Flushes a last line without a newline. */
  end(): void {
    const tail = this.pending;
    this.pending = null;
    if (tail) {
      this.lineNo++;
      this.parseLine(tail, 0, tail.length);
    }
  }

  private checkPending(): void {
    if (this.pending && this.pending.length > this.maxLineBytes) {
      this.lineNo++;
      this.fail('line too long', this.pending.toString('utf8', 0, 80));
    }
  }

  private fail(problem: string, text: string): never {
    throw new PromParseError(this.lineNo, problem, text);
  }

  private failLine(problem: string, b: Buffer, from: number, to: number): never {
    this.fail(problem, b.toString('utf8', from, to));
  }

  private parseLine(b: Buffer, from: number, to: number): void {
    if (to - from > this.maxLineBytes) this.fail('line too long', b.toString('utf8', from, from + 80));
    let i = from;
    if (to > i && b[to - 1] === CR) to--;
    while (i < to && (b[i] === SPACE || b[i] === TAB)) i++;
    if (i === to) return;
    if (b[i] === HASH) {
      this.comment(b.toString('utf8', i, to));
      return;
    }
    // metric name: a family's lines come together, so most lines repeat the previous line's name
    let name = this.lastName;
    const after = i + name.length;
    if (name !== '' && after < to && !isNameChar(b[after]) && sameAt(b, i, name)) {
      i = after;
      if (!this.lastWanted) {
        this.skipped++;
        return;
      }
    } else {
      const nameStart = i;
      while (i < to && isNameChar(b[i])) i++;
      if (i === nameStart || isDigit(b[nameStart])) this.failLine('expected a metric name', b, from, to);
      name = b.toString('latin1', nameStart, i); // name characters are ASCII
      this.lastName = name;
      this.lastWanted = this.wantFamily === undefined || this.wantFamily(name);
      if (!this.lastWanted) {
        this.skipped++;
        return;
      }
    }
    let labels: Readonly<Record<string, string>> = NO_LABELS;
    if (i < to && b[i] === OPEN_BRACE) {
      const open = i;
      const end = labelSetEnd(b, open, to);
      const known = end === -1 ? undefined : this.knownLabels(b, open, end);
      if (known !== undefined) {
        labels = known;
        i = end;
      } else {
        const parsed: Record<string, string> = {};
        i = this.labels(b, i + 1, to, parsed, from);
        labels = parsed;
        if (i === end && this.labelSetCount < MAX_LABEL_SETS) this.remember(b, open, end, parsed);
      }
    }
    if (i >= to || (b[i] !== SPACE && b[i] !== TAB)) this.failLine('expected a space before the value', b, from, to);
    while (i < to && (b[i] === SPACE || b[i] === TAB)) i++;
    const valueStart = i;
    while (i < to && b[i] !== SPACE && b[i] !== TAB) i++;
    const value = parseValue(b, valueStart, i);
    if (value === undefined) this.failLine('expected a number value', b, from, to);
    while (i < to && (b[i] === SPACE || b[i] === TAB)) i++;
    let timestampMs: number | null = null;
    if (i < to) {
      timestampMs = parseTimestamp(b, i, to);
      if (timestampMs === null) this.failLine('expected an integer ms timestamp', b, from, to);
    }
    this.samples++;
    this.onSample({ name, labels, value, timestampMs });
  }

  /** The labels of a label text met before (`{` at start, `}` at end − 1), or undefined. */
  private knownLabels(b: Buffer, start: number, end: number): Readonly<Record<string, string>> | undefined {
    const bucket = this.labelSets.get(labelHash(b, start, end));
    if (bucket === undefined) return undefined;
    const len = end - start;
    if (!Array.isArray(bucket)) {
      return bucket.bytes.length === len && b.compare(bucket.bytes, 0, len, start, end) === 0 ? bucket.labels : undefined;
    }
    for (const k of bucket) if (k.bytes.length === len && b.compare(k.bytes, 0, len, start, end) === 0) return k.labels;
    return undefined;
  }

  private remember(b: Buffer, start: number, end: number, labels: Readonly<Record<string, string>>): void {
    const known: KnownLabels = { bytes: Buffer.from(b.subarray(start, end)), labels };
    const h = labelHash(b, start, end);
    const bucket = this.labelSets.get(h);
    if (bucket === undefined) this.labelSets.set(h, known);
    else if (!Array.isArray(bucket)) this.labelSets.set(h, [bucket, known]);
    else if (bucket.length < MAX_BUCKET) bucket.push(known);
    else return; // texts that defeat the hash are parsed each time rather than compared one by one
    this.labelSetCount++;
  }

  /** Parses `name="value",…}` starting after `{`; returns the index after `}`. */
  private labels(b: Buffer, i: number, to: number, out: Record<string, string>, from: number): number {
    for (;;) {
      while (i < to && (b[i] === SPACE || b[i] === COMMA)) i++;
      if (i >= to) this.failLine('unterminated label set', b, from, to);
      if (b[i] === CLOSE_BRACE) return i + 1;
      const nameStart = i;
      while (i < to && isNameChar(b[i])) i++;
      if (i === nameStart) this.failLine('expected a label name', b, from, to);
      const labelName = b.toString('latin1', nameStart, i);
      if (b[i] !== EQUALS) this.failLine(`expected '=' after label ${labelName}`, b, from, to);
      if (b[i + 1] !== QUOTE) this.failLine(`expected '"' to open the value of label ${labelName}`, b, from, to);
      i += 2;
      const valueStart = i;
      let escaped = false;
      while (i < to) {
        const c = b[i];
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          escaped = true;
          i += 2;
        } else {
          i++;
        }
      }
      if (i >= to) this.failLine(`unterminated value of label ${labelName}`, b, from, to);
      const raw = b.toString('utf8', valueStart, i);
      out[labelName] = escaped ? unescapeLabel(raw) : raw;
      i++; // closing quote
    }
  }

  private comment(text: string): void {
    // "# HELP name text" / "# TYPE name type"; other comments are ignored.
    const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(text);
    if (!m) return;
    if (m[1] === 'TYPE') this.types.set(m[2], (m[3] ?? 'untyped').trim());
    else this.help.set(m[2], unescapeHelp(m[3] ?? ''));
  }
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const MAX_LABEL_SETS = 100_000;
const MAX_BUCKET = 8;

/**
 * Where the label set opening at `open` ends (the index after its `}`), found without parsing it: the
 * first `"}` whose quote is not escaped (an odd run of backslashes before it). -1 when that shortcut
 * does not apply (`{}`, a trailing comma, a malformed line): the caller parses the long way, unremembered.
 */
function labelSetEnd(b: Buffer, open: number, to: number): number {
  let at = b.indexOf(CLOSE_BRACE, open + 1);
  while (at !== -1 && at < to) {
    if (b[at - 1] === QUOTE && at - 1 > open) {
      let slashes = 0;
      while (b[at - 2 - slashes] === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return at + 1;
    }
    at = b.indexOf(CLOSE_BRACE, at + 1);
  }
  return -1;
}

/**
 * A hash of a label text from its length, its first 32 and last 16 bytes and 16 bytes spread between:
 * enough to tell a payload's label sets apart almost always (they differ in a cgroup path, a container
 * id, a device or a failure type; the short labels that sort first, such as a CPU, fall in the first 32
 * bytes), at a fixed cost whatever the text's length. Equal texts hash equal; sets that collide are told
 * apart by comparing bytes.
 */
function labelHash(b: Buffer, start: number, end: number): number {
  const len = end - start;
  let h = Math.imul(len, 0x9e3779b1);
  if (len <= 64) {
    for (let k = start; k < end; k++) h = Math.imul(h ^ b[k], 0x01000193);
    return h;
  }
  for (let k = start; k < start + 32; k++) h = Math.imul(h ^ b[k], 0x01000193);
  for (let k = end - 16; k < end; k++) h = Math.imul(h ^ b[k], 0x01000193);
  const step = Math.floor((len - 48) / 17);
  for (let k = start + 32 + step, n = 0; n < 16; k += step, n++) h = Math.imul(h ^ b[k], 0x01000193);
  return h;
}

/** The bytes at `at` spell `word` (ASCII). */
function sameAt(b: Buffer, at: number, word: string): boolean {
  for (let k = word.length - 1; k >= 0; k--) if (b[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** 10^0 … 10^22: every one exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The value `Number()` gives the text b[from, to) — NaN/±Inf spelled as Prometheus spells them — or
 * undefined when it is not a number. Plain decimals of at most 15 significant digits with a power of ten
 * within ±22 (nearly every value a kubelet writes) are read from the digits: the integer of the digits and
 * 10^e are both exact doubles, so one multiplication or division rounds once, to the same double
 * `Number()` gives (Clinger's fast path). Anything else goes through `Number()`.
 */
function parseValue(b: Buffer, from: number, to: number): number | undefined {
  if (from === to) return undefined;
  let i = from;
  const negative = b[i] === 45; /* - */
  if (negative || b[i] === 43 /* + */) i++;
  let mantissa = 0;
  let digits = 0;
  let exp10 = 0;
  let sawDigit = false;
  while (i < to && isDigit(b[i])) {
    sawDigit = true;
    if (mantissa !== 0 || b[i] !== 48) {
      mantissa = mantissa * 10 + (b[i] - 48);
      digits++;
    }
    i++;
  }
  if (i < to && b[i] === 46 /* . */) {
    i++;
    while (i < to && isDigit(b[i])) {
      sawDigit = true;
      if (mantissa !== 0 || b[i] !== 48) {
        mantissa = mantissa * 10 + (b[i] - 48);
        digits++;
      }
      exp10--;
      i++;
    }
  }
  if (sawDigit && i < to && (b[i] === 101 || b[i] === 69) /* e E */) {
    i++;
    const expNegative = b[i] === 45;
    if (expNegative || b[i] === 43) i++;
    let e = 0;
    const expStart = i;
    while (i < to && isDigit(b[i]) && i - expStart < 6) e = e * 10 + (b[i++] - 48);
    if (i === expStart) return slowValue(b, from, to);
    exp10 += expNegative ? -e : e;
  }
  if (!sawDigit || i !== to || digits > 15 || exp10 > 22 || exp10 < -22) return slowValue(b, from, to);
  const v = exp10 >= 0 ? mantissa * POW10[exp10] : mantissa / POW10[-exp10];
  return negative ? -v : v;
}

function slowValue(b: Buffer, from: number, to: number): number | undefined {
  const t = b.toString('utf8', from, to);
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  if (t === 'NaN') return NaN;
  if (t === '+Inf' || t === 'Inf') return Infinity;
  if (t === '-Inf') return -Infinity;
  return undefined;
}

/** Digits (optionally signed), then only trailing blanks; null otherwise or beyond 2^53. */
function parseTimestamp(b: Buffer, i: number, to: number): number | null {
  let end = to;
  while (end > i && (b[end - 1] === SPACE || b[end - 1] === TAB)) end--;
  const negative = b[i] === 45; /* - */
  let j = negative ? i + 1 : i;
  if (j === end) return null;
  let v = 0;
  for (; j < end; j++) {
    if (!isDigit(b[j])) return null;
    v = v * 10 + (b[j] - 48);
  }
  // Up to 15 digits the sum above is exact; longer ones are read as Number() reads them.
  if (end - i > 15) v = Math.abs(Number(b.toString('latin1', i, end)));
  return Number.isSafeInteger(v) ? (negative ? -v : v) : null;
}

function unescapeLabel(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function unescapeHelp(raw: string): string {
  return raw.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** Feeds a whole body or a stream of chunks through a parser; returns it for its types and counts. */
export async function parsePromStream(
  input: string | Buffer | AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  onSample: (s: PromSample) => void,
  opts?: PromParserOptions,
): Promise<PromTextParser> {
  const parser = new PromTextParser(onSample, opts);
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    parser.push(input);
  } else if (Symbol.asyncIterator in input) {
    for await (const chunk of input) parser.push(chunk);
  } else {
    for (const chunk of input) parser.push(chunk);
  }
  parser.end();
  return parser;
}

export function parsePromText(input: string | Buffer, onSample: (s: PromSample) => void, opts?: PromParserOptions): PromTextParser {
  const parser = new PromTextParser(onSample, opts);
  parser.push(input);
  parser.end();
  return parser;
}
