// The metric pipeline: decode a kubelet payload (pure decoders), skip samples already seen, stamp the
// cluster id, and queue the rows on the store's bounded MetricWriter — whose enqueue waits when the
// database falls behind, which is how scraping slows down instead of memory growing.
import { ENTITIES, type Entity, type MetricRows } from '../metrics/definitions.js';
import { decodeSummary } from '../metrics/sources/summary.js';
import { UnmappedFields } from '../metrics/unmapped.js';
import type { IngestInput, MetricPipeline } from '../metrics/pipeline.js';
import { MetricWriter } from '../store/metric-queue.js';
import type { Database } from './database.js';

export class KubeletPipeline implements MetricPipeline {
  readonly writer: MetricWriter;
  private readonly unmapped = new UnmappedFields();
  /** Newest node sample time per cluster/node/source: a kubelet answering the same sample is skipped. */
  private readonly lastSample = new Map<string, number>();
  private readonly count = { payloads: 0, staleSkipped: 0, rowsQueued: 0, decodeErrors: 0 };

  constructor(private readonly db: Database) {
    this.writer = new MetricWriter(db.pool, {
      onWriteFailed: (_entity, _rows, err) => {
        db.noteWrite(false, 0, err.message);
        return false; // keep the rows queued and retry (the disk spool takes them over in issue 7)
      },
    });
  }

  async ingest(input: IngestInput): Promise<Date | null> {
    let rows: MetricRows;
    let sampleAt: Date | null = null;
    try {
      if (input.source !== 'summary') throw new Error(`${input.source}: decoder not wired yet`);
      const d = decodeSummary(input.body, { scrapeTime: input.scrapedAt });
      if (d.unmapped.length) this.unmapped.record('summary', d.unmapped);
      rows = d.rows;
      sampleAt = (rows.node[0]?.ts as Date | undefined) ?? null;
    } catch (e) {
      this.count.decodeErrors++;
      throw e;
    }
    this.count.payloads++;
    const key = `${input.clusterId}/${input.node}/${input.source}`;
    if (sampleAt) {
      if (this.lastSample.get(key) === sampleAt.getTime()) {
        this.count.staleSkipped++;
        return null;
      }
      this.lastSample.set(key, sampleAt.getTime());
    }
    for (const entity of ENTITIES as readonly Entity[]) {
      const list = rows[entity];
      if (!list.length) continue;
      for (const r of list) r.cluster_id = input.clusterId;
      this.count.rowsQueued += list.length;
      await this.writer.enqueue(entity, list);
    }
    const st = this.writer.stats();
    if (st.lastWriteLatencyMs !== null && st.lastError === null) this.db.noteWrite(true, st.lastWriteLatencyMs);
    return sampleAt;
  }

  forgetNode(clusterId: number, node: string): void {
    for (const source of ['summary', 'cadvisor', 'resource']) this.lastSample.delete(`${clusterId}/${node}/${source}`);
  }

  async flush(): Promise<void> {
    await this.writer.close();
  }

  counters(): Record<string, number> {
    const st = this.writer.stats();
    return { ...this.count, queuedRows: st.queuedRows, inserted: st.inserted, duplicates: st.duplicates, failedWrites: st.failedWrites, waitingProducers: st.waitingProducers };
  }
}
