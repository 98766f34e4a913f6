// The log file: JSON lines appended to one file, renamed to .1, .2 … (oldest dropped) when it passes its
// size, so a long-running collector's log cannot fill the disk.
import { Writable } from 'node:stream';
import { createWriteStream, renameSync, statSync, existsSync, unlinkSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { mkdirPrivate } from '../util/private-dir.js';

/** A write stream that renames the file to .1, .2 … when it passes maxBytes. */
export class RotatingFile extends Writable {
  private out: WriteStream;
  private size: number;
  constructor(private path: string, private maxBytes: number, private maxFiles: number) {
    super();
    mkdirPrivate(dirname(path)); // logs may hold what redaction missed: private
    this.size = existsSync(path) ? statSync(path).size : 0;
    this.out = createWriteStream(path, { flags: 'a', mode: 0o600 });
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
    this.out = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
    this.size = 0;
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.out.end(cb);
  }
}
