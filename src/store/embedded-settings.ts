// Server settings for the embedded PostgreSQL, which kubepulse runs for the user and which does one job:
// append metric rows all day. PostgreSQL's defaults are sized for a small general-purpose server, and at
// a thousand nodes (~16,000 sample rows a second, ~14 MB of WAL a second) they cost CPU:
// - 128 MB of shared buffers is less than one hour's hot index pages: every scrape's rows land on btree
//   leaves spread over the current partitions' indexes, so with a small buffer pool backends keep
//   evicting dirty pages to read the next one (PostgreSQL's CPU per node measured 0.26 ms/s at 300 nodes
//   against 0.41 at 1,000 with the defaults).
// - max_wal_size 1 GB is about 70 s of WAL at that rate, so a checkpoint ran every minute or so, and after
//   each one the first change to every page is logged whole (a full-page image). A checkpoint every 15
//   minutes logs each hot page whole 15 times less often; crash recovery replays at most that much WAL.
// A user's own PostgreSQL is tuned by its operator (docs/OPERATIONS.md gives the same advice).
import { constrainedMemory } from 'node:process';
import { totalmem } from 'node:os';

const MiB = 1024 * 1024;

/** Shared buffers for a machine (or container) with `memoryBytes`: an eighth of it, from 128 MiB to 1 GiB. */
export function sharedBuffersMiB(memoryBytes: number): number {
  const eighth = Math.floor(memoryBytes / 8 / MiB);
  return Math.min(1024, Math.max(128, eighth));
}

/** The memory this process may use: the container's limit when it has one, else the machine's. */
export function availableMemoryBytes(): number {
  const limit = constrainedMemory();
  const total = totalmem();
  // constrainedMemory() is 0 (or a huge number) when no limit applies.
  return limit > 0 && limit < total ? limit : total;
}

/** `-c name=value` flags for the embedded server, before any the caller adds (which win). */
export function embeddedServerFlags(memoryBytes = availableMemoryBytes()): string[] {
  const settings: Record<string, string> = {
    shared_buffers: `${sharedBuffersMiB(memoryBytes)}MB`,
    max_wal_size: '4GB',
    min_wal_size: '256MB',
    checkpoint_timeout: '15min',
    // Spread a checkpoint's writes over most of the interval rather than in a burst.
    checkpoint_completion_target: '0.9',
  };
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}
