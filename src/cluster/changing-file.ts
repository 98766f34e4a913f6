// A credential file that may be replaced while we run (a rotated token or client certificate): whether it
// changed is a stat, asked at most once a second, compared by modification time, size and inode (a rename
// over it, as kubelet and cert-manager write files, changes the inode even within one mtime tick).
import { readFileSync, statSync } from 'node:fs';

const STAT_EVERY_MS = 1000;

export class ChangingFile {
  private seen = '';
  private checkedAt = -Infinity;
  private pending = false;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  private signature(): string {
    try {
      const s = statSync(this.path);
      return `${s.mtimeMs}/${s.size}/${s.ino}`;
    } catch (e) {
      return `missing: ${(e as Error).message}`;
    }
  }

  /** Whether the file differs from what `read` last returned (stat at most once a second). */
  changed(): boolean {
    if (this.pending) return true;
    const now = this.now();
    if (now - this.checkedAt < STAT_EVERY_MS) return false;
    this.checkedAt = now;
    this.pending = this.signature() !== this.seen;
    return this.pending;
  }

  /** The content now; what `changed` compares against from here on. */
  read(): Buffer {
    const sig = this.signature();
    let content: Buffer;
    try {
      content = readFileSync(this.path);
    } catch (e) {
      throw new Error(`cannot read ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    this.seen = sig;
    this.pending = false;
    return content;
  }
}
