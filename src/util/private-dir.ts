// Folders for private files (logs, spool): the folder itself 0700, its missing parents with the default
// mode — a recursive mkdir with mode 0700 would make `.kubepulse` itself 0700 too, and as root the
// embedded server (running as the postgres user) could then not enter `.kubepulse/postgres` beside them.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function mkdirPrivate(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
