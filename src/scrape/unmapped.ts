// Fields a decoder saw but no metric definition maps. Each is logged once per process (a new kubelet
// version adding a field should be visible, not silently dropped) and counted, in a bounded table so a
// payload with ever-changing keys cannot grow memory.
import { log, type Logger } from '../log.js';

export interface UnmappedReport {
  /** `source:path` → times seen, for the first `maxPaths` distinct paths. */
  counts: Record<string, number>;
  /** Occurrences of paths not tracked because the table was full. */
  overflowed: number;
}

export class UnmappedFields {
  private readonly seen = new Map<string, number>();
  private overflowed = 0;
  private readonly logger: Logger;

  constructor(private readonly maxPaths = 1000, logger?: Logger) {
    if (!Number.isInteger(maxPaths) || maxPaths < 1) throw new Error(`unmapped: maxPaths must be a positive integer, got ${maxPaths}`);
    this.logger = logger ?? log('metrics');
  }

  /** Counts each path; logs the ones never seen before. Returns the newly seen ones. */
  record(source: string, paths: readonly string[]): string[] {
    const fresh: string[] = [];
    for (const path of paths) {
      const key = `${source}:${path}`;
      const count = this.seen.get(key);
      if (count !== undefined) {
        this.seen.set(key, count + 1);
      } else if (this.seen.size < this.maxPaths) {
        this.seen.set(key, 1);
        fresh.push(path);
        this.logger.warn({ source, path }, 'kubelet payload field not mapped to any metric column (reported once)');
      } else {
        this.overflowed++;
      }
    }
    return fresh;
  }

  report(): UnmappedReport {
    return { counts: Object.fromEntries(this.seen), overflowed: this.overflowed };
  }
}
