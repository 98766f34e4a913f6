// Structured logging (pino). Human-readable on a terminal, JSON lines to a file rolled by size (pino-roll), levels per
// module, and secrets redacted twice: by key (token, password, authorization …) and by value pattern
// (bearer tokens and URL credentials inside free text), because a secret can hide in an error message.
import pino, { type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import { Writable } from 'node:stream';
import { scrub } from './log/redaction.js';
import { RollingLogFile } from './log/rolling-file.js';

// The redaction API is part of the logging API: callers register secrets where they log.
export { MAX_ROTATING_SECRETS, maskDatabaseUrl, registerSecret, registerUrlSecrets, registeredSecretCount, scrub, scrubKnownSecrets } from './log/redaction.js';

export type { Logger };

export interface LogOptions {
  level: LevelWithSilent;
  /** Per-module level overrides, e.g. { "metrics": "debug" }. */
  modules: Record<string, LevelWithSilent>;
  /** JSON lines file (rolled by pino-roll; the path is a symlink to the file being written); empty = no file. */
  file: string;
  fileMaxBytes: number;
  fileMaxFiles: number;
  /** 'pretty' | 'json' | 'auto' (pretty on a TTY). */
  console: 'pretty' | 'json' | 'auto' | 'off';
}

const DEFAULT_LOG_OPTIONS: LogOptions = {
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
    streams.push({ level: 'trace', stream: new ScrubStream(new RollingLogFile(o.file, o.fileMaxBytes, o.fileMaxFiles)) });
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
