// What a chart asks for, and the filter that picks its entity's rows out of any of the tables that
// can answer it (raw rows, history blocks, rollups: all carry the same key columns).
import type { TimeRange } from './params.js';
import type { SeriesEntity } from './chart-declarations.js';

export interface SeriesRequest {
  entity: SeriesEntity;
  clusterId: number;
  /** Identity filter: node name (node, interface) or pod uid (pod, container). */
  node?: string;
  podUid?: string;
  metrics: string[];
  range: TimeRange;
}

/** One bucket of one line group: the average of each requested metric (null: no value in it). */
export interface BucketRow {
  /** Bucket start, epoch seconds. */
  t: number;
  g: string | null;
  values: Array<number | null>;
}

/** The column splitting one chart into several lines (one per container, one per interface). */
export const GROUP: Partial<Record<SeriesEntity, string>> = { container: 'container', interface: 'interface' };

/**
 * Conditions selecting the requested entity's rows (cluster and identity), with their values appended
 * to `params` (no request text ever becomes SQL).
 */
export function entityFilter(q: SeriesRequest, params: unknown[]): string[] {
  params.push(q.clusterId);
  const where = [`cluster_id = $${params.length}`];
  if (q.entity === 'node' || q.entity === 'interface') {
    params.push(q.node);
    where.push(`node = $${params.length}`);
    if (q.entity === 'interface') where.push(`pod_uid = ''`); // the node's own interfaces
  } else {
    params.push(q.podUid);
    where.push(`pod_uid = $${params.length}`);
  }
  return where;
}
