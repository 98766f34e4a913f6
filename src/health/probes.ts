// Measurements the status needs besides what the collectors keep: the event loop's delay, the disk use
// of the database's data folder, rows per second, and how many daily partitions exist ahead of today.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { parsePartitionBound } from '../store/partitions.js';
import { SCHEMA } from '../store/schema.js';
import type { DiskUsage } from './status.js';

export class EventLoopMonitor {
  private readonly h: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.h.enable();
  }

  /** Delay percentiles since the previous call (ms), then starts a fresh window. */
  sample(): { p50: number; p99: number; max: number } {
    const ms = (ns: number) => Math.round((Number.isFinite(ns) ? ns : 0) / 1e4) / 100;
    const out = { p50: ms(this.h.percentile(50)), p99: ms(this.h.percentile(99)), max: ms(this.h.max) };
    this.h.reset();
    return out;
  }

  stop(): void {
    this.h.disable();
  }
}

/** Pure: a per-second rate from two readings of a counter (0 when time did not advance or it went down). */
export function ratePerSecond(prev: { count: number; atMs: number } | null, count: number, atMs: number): number {
  if (!prev || atMs <= prev.atMs || count < prev.count) return 0;
  return Math.round(((count - prev.count) * 1000) / (atMs - prev.atMs));
}

/** Bytes under a folder (files counted at most `maxFiles`, so a huge tree cannot stall the status). */
async function folderBytes(dir: string, maxFiles = 200_000): Promise<number> {
  let total = 0;
  let files = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable (PostgreSQL's own files can be 0700 to another user): skip it
    }
    for (const e of entries) {
      if (files >= maxFiles) return;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        files++;
        total += await stat(p).then((s) => s.size, () => 0);
      }
    }
  };
  await walk(dir);
  return total;
}

/** Disk use of a folder and of its file system, measured at most once per `everyMs` (walking is not free). */
export class DiskProbe {
  private last: DiskUsage | null = null;
  private lastAt = 0;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly path: string,
    private readonly everyMs = 60_000,
  ) {}

  /** The latest figures; starts a new measurement in the background when they are old. */
  current(): DiskUsage {
    if (Date.now() - this.lastAt >= this.everyMs && !this.running) {
      this.running = this.measure().finally(() => (this.running = null));
    }
    return this.last ?? { path: this.path, usedBytes: null, diskFreeBytes: null, diskTotalBytes: null };
  }

  async measure(): Promise<DiskUsage> {
    const used = await folderBytes(this.path);
    let free: number | null = null;
    let total: number | null = null;
    try {
      const fs = await statfs(this.path);
      free = fs.bavail * fs.bsize;
      total = fs.blocks * fs.bsize;
    } catch {
      // statfs is missing on some platforms / paths: report the folder size only
    }
    this.last = { path: this.path, usedBytes: used, diskFreeBytes: free, diskTotalBytes: total };
    this.lastAt = Date.now();
    return this.last;
  }

  async settle(): Promise<void> {
    await this.running;
  }
}

/** Partitions of the raw node table that start after now: the time covered ahead of the writer. */
export async function partitionsAhead(pool: pg.Pool, nowMs = Date.now()): Promise<number> {
  const r = await pool.query<{ bound: string }>(
    `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = $1 AND p.relname = 'node_sample'`,
    [SCHEMA],
  );
  return r.rows.filter((row) => (parsePartitionBound(row.bound)?.fromMs ?? -Infinity) > nowMs).length;
}
