// One owner per embedded data folder. The process that starts the embedded server writes OWNER_FILE into
// the data folder (its pid, how to tell that pid from a reused one, the server's port, and once it serves
// HTTP its address) and removes it when it stops the server. Every other command reads it: a live owner
// means "talk to it, or connect to its server without migrating or stopping it, or refuse naming it";
// a dead one means the server (if still running) is a leftover of a crash, which the next owner may stop.
import { readFileSync } from 'node:fs';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PermanentError } from '../supervisor/permanent-error.js';

export const OWNER_FILE = 'kubepulse-owner.json';

export interface DataDirOwner {
  pid: number;
  /** Linux: the process's start time in clock ticks (/proc/PID/stat), so a reused pid is not taken for the owner. */
  procStart: string | null;
  /** The watchdog's pid when the owner is its worker. */
  supervisorPid: number | null;
  /** What runs there, e.g. `kubepulse run`. */
  command: string;
  startedAt: string;
  port: number;
  user: string;
  database: string;
  /** host:port of the owner's HTTP server, once it listens (null for `migrate`, or before it listens). */
  http: string | null;
}

/** The data folder is owned by another live process. */
export class DataDirInUseError extends PermanentError {
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner,
    what: string,
  ) {
    super(`${what}: ${dataDir} is in use by ${describeOwner(owner)}`,
      'stop that process first, use it (kubepulse status / view talk to it), or give this command another database.data_dir');
    this.name = 'DataDirInUseError';
  }
}

/** "kubepulse run (pid 123 under watchdog pid 120, http://127.0.0.1:7700, since …)" */
export function describeOwner(o: DataDirOwner): string {
  const parts = [`pid ${o.pid}${o.supervisorPid ? ` under watchdog pid ${o.supervisorPid}` : ''}`];
  if (o.http) parts.push(`http://${o.http}`);
  parts.push(`since ${o.startedAt}`);
  return `${o.command} (${parts.join(', ')})`;
}

/** The process's start time on Linux (field 22 of /proc/PID/stat), null elsewhere or when it is gone. */
function processStartTime(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerIsAlive(o: DataDirOwner): boolean {
  if (!isAlive(o.pid)) return false;
  // A pid reused by another process since (a reboot, a long time): not the owner.
  return o.procStart === null || processStartTime(o.pid) === null || processStartTime(o.pid) === o.procStart;
}

async function readOwner(dataDir: string, fileName = OWNER_FILE): Promise<DataDirOwner | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, fileName), 'utf8');
  } catch {
    return null;
  }
  try {
    const o = JSON.parse(text) as DataDirOwner;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : null;
  } catch {
    return null; // a torn write of a crashed owner: no owner
  }
}

/** The live owner of the data folder, or null when there is none (no file, or its process is gone). */
export async function readLiveOwner(dataDir: string): Promise<DataDirOwner | null> {
  const o = await readOwner(dataDir);
  return o && ownerIsAlive(o) ? o : null;
}

/** What this process is, for the owner file and for messages. */
export function currentCommand(): string {
  const bin = basename(process.argv[1] ?? 'node').replace(/\.js$/, '');
  const sub = process.argv[2] && !process.argv[2].startsWith('-') ? ` ${process.argv[2]}` : '';
  return `${bin === 'kubepulse' ? 'kubepulse' : `node ${bin}`}${sub}`;
}

export interface OwnerClaim {
  /** The owner before this claim, dead (its server, if still running, is a leftover); null if none. */
  previous: DataDirOwner | null;
  /** Records the HTTP address other commands should talk to. */
  setHttp(address: string): Promise<void>;
  /** Removes the owner file if it is still this process's. Idempotent. */
  release(): Promise<void>;
}

/**
 * Makes this process the owner of the data folder, or throws DataDirInUseError naming the live owner.
 * The file is created with link() from a private temporary file: of two claimants only one succeeds.
 */
export async function claimOwnership(dataDir: string, server: { port: number; user: string; database: string }, what = currentCommand(), fileName = OWNER_FILE): Promise<OwnerClaim> {
  const file = join(dataDir, fileName);
  const me: DataDirOwner = {
    pid: process.pid,
    procStart: processStartTime(process.pid),
    supervisorPid: process.env.KUBEPULSE_WORKER === '1' ? process.ppid : null,
    command: what,
    startedAt: new Date().toISOString(),
    ...server,
    http: null,
  };
  const tmp = `${file}.${process.pid}.tmp`;
  let previous: DataDirOwner | null = null;
  for (let attempt = 0; ; attempt++) {
    await writeFile(tmp, JSON.stringify(me) + '\n', { mode: 0o600 });
    try {
      await link(tmp, file);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 5) throw e;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    const current = await readOwner(dataDir, fileName);
    if (current && ownerIsAlive(current)) throw new DataDirInUseError(dataDir, current, what);
    previous = current ?? previous;
    // A dead owner's file: moved aside under a unique name (so two claimants cannot remove each other's).
    await rename(file, `${file}.${process.pid}.stale`).then(() => unlink(`${file}.${process.pid}.stale`), () => undefined);
  }
  let released = false;
  return {
    previous,
    setHttp: async (address: string) => {
      if (released) return;
      me.http = address;
      await writeFile(`${tmp}`, JSON.stringify(me) + '\n', { mode: 0o600 });
      await rename(tmp, file);
    },
    release: async () => {
      if (released) return;
      released = true;
      const current = await readOwner(dataDir, fileName);
      if (current?.pid === process.pid) await unlink(file).catch(() => undefined);
    },
  };
}

/** Claims this process holds, by owner file, so the command that owns them can record its HTTP address. */
const claims = new Map<string, OwnerClaim>();

export function rememberClaim(dataDir: string, claim: OwnerClaim, fileName = OWNER_FILE): void {
  claims.set(join(dataDir, fileName), claim);
}

export function forgetClaim(dataDir: string, fileName = OWNER_FILE): void {
  claims.delete(join(dataDir, fileName));
}

/** Records this process's HTTP address in the owner files of the data folders it owns (no-op for none). */
export async function recordOwnerHttp(address: string): Promise<void> {
  await Promise.all([...claims.values()].map((c) => c.setHttp(address)));
}
