// Streaming parser for the Prometheus text exposition format (0.0.4), as the kubelet serves it on
// /metrics/cadvisor and /metrics/resource. Chunks may split lines and UTF-8 characters anywhere; a
// sample is handed to the callback as soon as its line is complete, so a 1.4 MB cAdvisor payload is never
// held as one string. Handles HELP/TYPE, label-value escapes (\\ \" \n), NaN/±Inf and optional ms
// timestamps.

import { TEXT_PIECE_BYTES } from './decode-util.js';
import { LabelSetCache } from './prom-label-sets.js';
import { isDigit, isNameChar, labelNameAt, labelSetEnd, parseTimestamp, parseValue, sameAt, unescapeHelp, unescapeLabel } from './prom-text-scan.js';

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
  /** A longer line is an error (bounded memory against a body without newlines). Default 1 MiB. */
  maxLineChars?: number;
  /**
   * Families to parse: lines of other families are skipped after their name, before their labels (the
   * costly part), so a consumer that ignores many families does not pay for them. Called once per run of
   * lines with one name (a family's lines come together); `skipped` counts the lines it turned away.
   */
  wantFamily?: (name: string) => boolean;
  /**
   * Read `# HELP` and `# TYPE` lines into `help` and `types` (default true). A consumer that needs
   * neither passes false: comment lines are then passed over without being decoded.
   */
  comments?: boolean;
}

export class PromTextParser {
  /** Family → type from `# TYPE` (counter, gauge, untyped, …). */
  readonly types = new Map<string, string>();
  /** Family → help text from `# HELP`. */
  readonly help = new Map<string, string>();
  samples = 0;
  /** Sample lines of families wantFamily turned away. */
  skipped = 0;
  private lineNo = 0;
  private rest = '';
  /** Bytes after the last newline of the previous chunk (an incomplete line, maybe a split character). */
  private pending: Buffer | null = null;
  private readonly maxLineChars: number;
  private readonly wantFamily: ((name: string) => boolean) | undefined;
  private readonly readComments: boolean;
  /** Label texts already parsed (so per payload): see LabelSetCache. */
  private readonly labelSets = new LabelSetCache();
  /** The previous sample line's metric name and whether its family is wanted. */
  private lastName = '';
  /** lastName's bytes (metric names are ASCII), for skipping lines before decoding them. */
  private lastNameBytes: Uint8Array = new Uint8Array(0);
  private lastWanted = true;

  constructor(private readonly onSample: (s: PromSample) => void, opts: PromParserOptions = {}) {
    this.maxLineChars = opts.maxLineChars ?? 1024 * 1024;
    this.wantFamily = opts.wantFamily;
    this.readComments = opts.comments ?? true;
  }

  push(chunk: Buffer | string): void {
    if (typeof chunk === 'string') {
      if (this.pending) {
        const bytes = this.pending;
        this.pending = null;
        this.pushText(bytes.toString('utf8'));
      }
      this.pushText(chunk);
      return;
    }
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const nl = buf.lastIndexOf(10);
    if (nl === -1) {
      if (buf.length > this.maxLineChars * 4) this.fail('line too long', buf.subarray(0, 80).toString('utf8'));
      this.pending = Buffer.from(buf);
      return;
    }
    this.pending = nl + 1 < buf.length ? Buffer.from(buf.subarray(nl + 1)) : null;
    if (this.rest !== '') {
      // A string chunk left part of a line: finish it with the bytes up to the first newline.
      const first = buf.indexOf(10);
      const line = this.rest + buf.toString('utf8', 0, first);
      this.rest = '';
      this.line(line);
      this.pushLines(buf, first + 1, nl + 1);
    } else {
      this.pushLines(buf, 0, nl + 1);
    }
  }

  /**
   * Whole lines buf[from, to). Decoding only up to newlines never splits a UTF-8 character (a newline
   * byte is never inside one). A family turned away is skipped here, by its name's bytes, without being
   * decoded at all (two thirds of a cAdvisor payload's bytes when the summary is collected too); comment
   * lines are decoded one by one; the rest is decoded in pieces that end where a family's comments begin,
   * so a wanted family's piece does not run on into the next family's lines.
   */
  private pushLines(buf: Buffer, from: number, to: number): void {
    let pos = from;
    while (pos < to) {
      if (!this.lastWanted && this.atLastName(buf, pos)) {
        do {
          this.lineNo++;
          this.skipped++;
          pos = buf.indexOf(10, pos) + 1;
        } while (pos < to && this.atLastName(buf, pos));
        continue;
      }
      const c = buf[pos];
      if (c === 35 /* # */) {
        const end = buf.indexOf(10, pos) + 1;
        this.lineNo++;
        if (this.readComments) this.parseLine(buf.toString('utf8', pos, end - 1), 0, end - 1 - pos);
        pos = end;
        continue;
      }
      if (isNameChar(c) && !isDigit(c)) {
        let e = pos + 1;
        while (isNameChar(buf[e])) e++;
        // A new family (the same one was handled above, or is wanted): decide on it from its name's bytes.
        if (!this.atLastName(buf, pos)) this.family(buf.toString('latin1', pos, e));
        if (!this.lastWanted) continue;
      }
      pos = this.pushPiece(buf, pos, to);
    }
  }

  /** Decodes and parses lines from `pos` up to the next comment line, in pieces of ≤ TEXT_PIECE_BYTES. */
  private pushPiece(buf: Buffer, pos: number, to: number): number {
    // In pieces of at most ~64 KiB ending at newlines: Buffer#toString of large ranges (≥ ~256 KB) takes
    // a slow path (measured up to 10× slower per byte on Node 20, ~2× on 22 and 24), see TEXT_PIECE_BYTES.
    const comment = buf.indexOf(NEWLINE_HASH, pos);
    let end = comment === -1 || comment >= to ? to : comment + 1;
    if (end - pos > TEXT_PIECE_BYTES) {
      const cut = buf.lastIndexOf(10, pos + TEXT_PIECE_BYTES - 1);
      end = cut >= pos ? cut + 1 : buf.indexOf(10, pos) + 1;
    }
    this.pushText(buf.toString('utf8', pos, end));
    return end;
  }

  /** buf at `pos` starts with the previous sample line's metric name, as a whole name. */
  private atLastName(buf: Buffer, pos: number): boolean {
    const name = this.lastNameBytes;
    const n = name.length;
    if (n === 0 || isNameChar(buf[pos + n])) return false;
    for (let k = n - 1; k >= 0; k--) if (buf[pos + k] !== name[k]) return false;
    return true;
  }

  /** A sample line with a new metric name: its family's label sets start, and it is wanted or not. */
  private family(name: string): void {
    this.lastName = name;
    this.lastNameBytes = Buffer.from(name, 'latin1');
    this.labelSets.nextFamily();
    this.lastWanted = this.wantFamily === undefined || this.wantFamily(name);
  }

  private pushText(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.rest += text;
      if (this.rest.length > this.maxLineChars) this.fail('line too long', this.rest.slice(0, 80));
      return;
    }
    if (this.rest !== '') {
      const first = this.rest + text.slice(0, nl);
      this.rest = '';
      this.line(first);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      this.lineNo++;
      // A family turned away: its following lines are counted here, without a call per line (two thirds
      // of a cAdvisor payload's lines when the summary is collected too).
      if (!this.lastWanted && nl - start > this.lastName.length && !isNameChar(text.charCodeAt(start + this.lastName.length)) && sameAt(text, start, this.lastName)) {
        this.skipped++;
      } else {
        this.parseLine(text, start, nl);
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
    if (this.rest.length > this.maxLineChars) this.fail('line too long', this.rest.slice(0, 80));
  }

  /** Flushes a last line without a newline. */
  end(): void {
    const tail = this.rest + (this.pending ? this.pending.toString('utf8') : '');
    this.rest = '';
    this.pending = null;
    if (tail !== '') this.line(tail);
  }

  private line(s: string): void {
    this.lineNo++;
    this.parseLine(s, 0, s.length);
  }

  private fail(problem: string, text: string): never {
    throw new PromParseError(this.lineNo, problem, text);
  }

  private parseLine(s: string, from: number, to: number): void {
    let i = from;
    if (to > i && s.charCodeAt(to - 1) === 13) to--; // CRLF
    while (i < to && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    if (i === to) return;
    if (s.charCodeAt(i) === 35 /* # */) {
      if (this.readComments) this.comment(s.slice(i, to));
      return;
    }
    // metric name: a family's lines come together, so most lines repeat the previous line's name
    let name = this.lastName;
    const after = i + name.length;
    if (name !== '' && after < to && !isNameChar(s.charCodeAt(after)) && sameAt(s, i, name)) {
      i = after;
      if (!this.lastWanted) {
        this.skipped++;
        return;
      }
    } else {
      const nameStart = i;
      while (i < to && isNameChar(s.charCodeAt(i))) i++;
      if (i === nameStart || isDigit(s.charCodeAt(nameStart))) this.fail('expected a metric name', s.slice(from, to));
      name = s.slice(nameStart, i);
      this.family(name);
      if (!this.lastWanted) {
        this.skipped++;
        return;
      }
    }
    let labels: Readonly<Record<string, string>> = NO_LABELS;
    if (i < to && s.charCodeAt(i) === 123 /* { */) {
      const end = labelSetEnd(s, i, to);
      const known = end === -1 ? undefined : this.labelSets.find(s, i, end);
      if (known !== undefined) {
        labels = known;
        i = end;
      } else {
        const parsed: Record<string, string> = {};
        i = this.labels(s, i + 1, to, parsed, from);
        labels = parsed;
        if (i === end) this.labelSets.add(parsed);
      }
    }
    if (i >= to || (s.charCodeAt(i) !== 32 && s.charCodeAt(i) !== 9)) this.fail('expected a space before the value', s.slice(from, to));
    while (i < to && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    const valueStart = i;
    while (i < to && s.charCodeAt(i) !== 32 && s.charCodeAt(i) !== 9) i++;
    const value = parseValue(s, valueStart, i);
    if (value === undefined) this.fail('expected a number value', s.slice(from, to));
    while (i < to && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    let timestampMs: number | null = null;
    if (i < to) {
      timestampMs = parseTimestamp(s, i, to);
      if (timestampMs === null) this.fail('expected an integer ms timestamp', s.slice(from, to));
    }
    this.samples++;
    this.onSample({ name, labels, value, timestampMs });
  }

  /** Parses `name="value",…}` starting after `{`; returns the index after `}`. */
  private labels(s: string, i: number, to: number, out: Record<string, string>, from: number): number {
    for (;;) {
      while (i < to && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 44 /* , */)) i++;
      if (i >= to) this.fail('unterminated label set', s.slice(from, to));
      if (s.charCodeAt(i) === 125 /* } */) return i + 1;
      const nameStart = i;
      while (i < to && isNameChar(s.charCodeAt(i))) i++;
      if (i === nameStart) this.fail('expected a label name', s.slice(from, to));
      const labelName = labelNameAt(s, nameStart, i);
      if (s.charCodeAt(i) !== 61 /* = */) this.fail(`expected '=' after label ${labelName}`, s.slice(from, to));
      if (s.charCodeAt(i + 1) !== 34 /* " */) this.fail(`expected '"' to open the value of label ${labelName}`, s.slice(from, to));
      i += 2;
      const valueStart = i;
      let escaped = false;
      while (i < to) {
        const c = s.charCodeAt(i);
        if (c === 34) break;
        if (c === 92 /* \ */) {
          escaped = true;
          i += 2;
        } else {
          i++;
        }
      }
      if (i >= to) this.fail(`unterminated value of label ${labelName}`, s.slice(from, to));
      const raw = s.slice(valueStart, i);
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
/** Where the next comment line starts (a `# HELP` or `# TYPE` opens each family of a kubelet's output). */
const NEWLINE_HASH = Buffer.from('\n#');

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
