// The log file, rolled by pino's own file transport (pino-roll on SonicBoom) instead of renaming files on
// the logging path: past `maxBytes` the transport opens the next numbered file (kubepulse.1.log,
// kubepulse.2.log …) without blocking, and removes the oldest so at most `maxFiles` stay (two when
// maxFiles is 1: the transport always keeps one finished file beside the one being written). The
// configured path is a symlink to the file being written, replaced atomically after each roll, so
// `tail -F <log.file>` and tools reading that path keep working. Files are 0600 in a 0700 folder.
import { Writable } from 'node:stream';
import { lstatSync, renameSync } from 'node:fs';
import { rename, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import pinoRoll, { type RollStream } from 'pino-roll';
import { mkdirPrivate } from '../util/private-dir.js';

/** Pure: the transport's base path and extension for a configured log path (`a/x.log` → `a/x`, `.log`). */
export function rollNames(path: string): { base: string; extension: string } {
  const ext = extname(path);
  return ext ? { base: path.slice(0, -ext.length), extension: ext } : { base: path, extension: '.log' };
}

/** A writable that hands every chunk to the rolling transport (created asynchronously: chunks wait for it). */
export class RollingLogFile extends Writable {
  private readonly dest: Promise<RollStream>;
  private linking: Promise<void> = Promise.resolve();

  constructor(private readonly path: string, maxBytes: number, maxFiles: number) {
    super({ decodeStrings: false });
    if (!(maxBytes > 0)) throw new Error(`log file_max_size must be positive, got ${maxBytes}`);
    if (!(maxFiles >= 1)) throw new Error(`log file_max_files must be at least 1, got ${maxFiles}`);
    mkdirPrivate(dirname(path)); // logs may hold what redaction missed: private
    const { base, extension } = rollNames(path);
    keepOldPlainFile(path, base, extension);
    this.dest = pinoRoll({
      file: base, extension, size: `${Math.max(1, Math.floor(maxBytes))}b`, mode: 0o600,
      // removeOtherLogFiles: files of earlier runs count too, or every restart would leave more behind.
      limit: { count: Math.max(1, maxFiles - 1), removeOtherLogFiles: true },
    }).then((d) => {
      this.relink(d.file);
      d.on('ready', () => this.relink(d.file));
      return d;
    });
    this.dest.catch((e: unknown) => this.destroy(e as Error));
  }

  // One line at a time: the next is handed over only once the file holds this one. The transport rolls on
  // the first 'drain' after the size is crossed, and a stream that is never idle never drains, so handing
  // lines over as fast as pino writes them let a file grow by whatever a busy machine buffered meanwhile
  // (16 KiB in a 4 KiB file on a loaded CI runner). Waiting keeps a file within two lines of its size;
  // lines written meanwhile wait in this stream's buffer, as they did in the transport's.
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.dest.then((d) => {
      const done = (err?: Error): void => {
        d.off('drain', drained);
        d.off('error', done);
        cb(err);
      };
      const drained = (): void => done();
      d.once('drain', drained);
      d.once('error', done);
      d.write(text);
    }, (e: unknown) => cb(e as Error));
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.dest.then((d) => {
      d.once('close', () => void this.linking.then(() => cb(), () => cb()));
      d.end();
    }, (e: unknown) => cb(e as Error));
  }

  /** Points the configured path at `file`: a new symlink renamed over the old one (never a missing path). */
  private relink(file: string): void {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.link`);
    this.linking = this.linking.then(async () => {
      await unlink(tmp).catch(() => undefined);
      await symlink(basename(file), tmp);
      await rename(tmp, this.path);
    }).catch(() => undefined); // a missing symlink costs the convenience path, never a log line
  }
}

/** A plain file at the configured path (the rotator before pino-roll wrote there) becomes the oldest numbered one. */
function keepOldPlainFile(path: string, base: string, extension: string): void {
  try {
    if (lstatSync(path).isFile()) renameSync(path, `${base}.0${extension}`);
  } catch {
    // absent: nothing to keep
  }
}
