// Structured logging (pino). Human-readable on a terminal, JSON lines to a size-rotated file, levels per
// module, and secrets redacted twice: by key (token, password, authorization …) and by value pattern
// (bearer tokens and URL credentials inside free text), because a secret can hide in an error message.
import pino, { type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import { Writable } from 'node:stream';
import { createWriteStream, mkdirSync, renameSync, statSync, existsSync, unlinkSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export type { Logger };

export interface LogOptions {
  level: LevelWithSilent;
  /** Per-module level overrides, e.g. { "metrics": "debug" }. */
  modules: Record<string, LevelWithSilent>;
  /** JSON lines file (rotated); empty = no file. */
  file: string;
  fileMaxBytes: number;
  fileMaxFiles: number;
  /** 'pretty' | 'json' | 'auto' (pretty on a TTY). */
  console: 'pretty' | 'json' | 'auto' | 'off';
}

export const DEFAULT_LOG_OPTIONS: LogOptions = {
  level: 'info',
  modules: {},
  file: '',
  fileMaxBytes: 20 * 1024 * 1024,
  fileMaxFiles: 5,
  console: 'auto',
};

const REDACT_KEYS = [
  'token', 'password', 'authorization', 'Authorization', 'bearerToken', 'secret', 'clientKey',
  'client-key-data', 'headers.authorization', 'headers.Authorization', 'req.headers.authorization',
  '*.token', '*.password', '*.authorization', '*.Authorization', '*.bearerToken', '*.secret',
  '*.headers.authorization', '*.headers.Authorization',
];

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[REDACTED]'],
  [/([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)[^@\s/]+@/gi, '$1[REDACTED]@'],
  [/((?:password|passwd|pwd|token)\s*[=:]\s*)[^\s&,;"']+/gi, '$1[REDACTED]'],
];

/** Removes secrets that appear inside free text (error messages, URLs). */
export function redactText(text: string): string {
  let out = text;
  for (const [re, repl] of SECRET_PATTERNS) out = out.replace(re, repl);
  return out;
}

/** Exact secret values known at run time (the simulator token, the DB password) are redacted too. */
const knownSecrets = new Set<string>();
/**
 * Credentials that rotate (cluster bearer tokens re-read from exec plugins or token files: an EKS token
 * lives 15 min) would grow `knownSecrets` — and the work per log line — for as long as the process runs.
 * They are kept most recently registered last and the oldest dropped past this many; the connection
 * re-registers its current token on every refresh, so live ones never age out.
 */
export const MAX_ROTATING_SECRETS = 256;
const rotatingSecrets = new Set<string>();

/** `rotating`: a credential that is replaced over time (bounded, least recently registered dropped first). */
export function registerSecret(value: string | undefined | null, o: { rotating?: boolean } = {}): void {
  if (!value || value.length < 6) return;
  if (!o.rotating) {
    knownSecrets.add(value);
    return;
  }
  if (knownSecrets.has(value)) return;
  rotatingSecrets.delete(value); // re-added below as the most recent
  rotatingSecrets.add(value);
  if (rotatingSecrets.size > MAX_ROTATING_SECRETS) rotatingSecrets.delete(rotatingSecrets.values().next().value!);
}

/** Secrets held for redaction: fixed ones and rotating ones (bounded). */
export function registeredSecretCount(): { fixed: number; rotating: number } {
  return { fixed: knownSecrets.size, rotating: rotatingSecrets.size };
}

/** Pattern redaction plus every registered secret value: what each log line goes through. */
export function scrub(line: string): string {
  let out = redactText(line);
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  for (const s of rotatingSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

/** A write stream that renames the file to .1, .2 … when it passes maxBytes. */
class RotatingFile extends Writable {
  private out: WriteStream;
  private size: number;
  constructor(private path: string, private maxBytes: number, private maxFiles: number) {
    super();
    mkdirSync(dirname(path), { recursive: true });
    this.size = existsSync(path) ? statSync(path).size : 0;
    this.out = createWriteStream(path, { flags: 'a' });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.size + chunk.length > this.maxBytes && this.size > 0) this.rotate();
    this.size += chunk.length;
    this.out.write(chunk, cb);
  }
  private rotate(): void {
    this.out.end();
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      const from = i === 1 ? this.path : `${this.path}.${i - 1}`;
      const to = `${this.path}.${i}`;
      if (existsSync(from)) {
        if (existsSync(to)) unlinkSync(to);
        renameSync(from, to);
      }
    }
    this.out = createWriteStream(this.path, { flags: 'a' });
    this.size = 0;
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.out.end(cb);
  }
}

/** Passes each JSON line through the secret scrubber before it reaches its destination. */
class ScrubStream extends Writable {
  constructor(private dest: NodeJS.WritableStream) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.dest.write(scrub(chunk.toString('utf8')), () => cb());
  }
}

let root: Logger = pino({ level: 'info', redact: { paths: REDACT_KEYS, censor: '[REDACTED]' } });
let moduleLevels: Record<string, LevelWithSilent> = {};
const children = new Map<string, Logger>();

export function configureLogging(opts: Partial<LogOptions> = {}): Logger {
  const o = { ...DEFAULT_LOG_OPTIONS, ...opts };
  const streams: pino.StreamEntry[] = [];
  const consoleMode = o.console === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : o.console;
  if (consoleMode === 'pretty') {
    // pino-pretty as a sync stream: a worker-thread transport would lose the last lines on a crash.
    const prettyOut = pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
    streams.push({ level: 'trace', stream: new ScrubStream(prettyOut) });
  } else if (consoleMode === 'json') {
    streams.push({ level: 'trace', stream: new ScrubStream(process.stdout) });
  }
  if (o.file) {
    streams.push({ level: 'trace', stream: new ScrubStream(new RotatingFile(o.file, o.fileMaxBytes, o.fileMaxFiles)) });
  }
  root = pino(
    {
      level: lowestLevel(o.level, Object.values(o.modules)),
      redact: { paths: REDACT_KEYS, censor: '[REDACTED]' },
      base: { pid: process.pid },
    },
    pino.multistream(streams.length ? streams : [{ level: 'trace', stream: new Writable({ write: (_c, _e, cb) => cb() }) }]),
  );
  moduleLevels = o.modules;
  children.clear();
  root.level = o.level;
  return root;
}

function lowestLevel(base: LevelWithSilent, others: LevelWithSilent[]): LevelWithSilent {
  const order: LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  return [base, ...others].reduce((a, b) => (order.indexOf(b) < order.indexOf(a) ? b : a), base);
}

/**
 * Logger for one module (`config`, `store`, `metrics`, `inventory`, `sim` …), honouring per-module levels.
 * Call it where you log (a map lookup), not once at import: configureLogging() replaces the root.
 */
export function log(module: string): Logger {
  let l = children.get(module);
  if (!l) {
    l = root.child({ module });
    l.level = moduleLevels[module] ?? root.level;
    children.set(module, l);
  }
  return l;
}
