// State changes worth a log line, found by comparing two consecutive status reports: a node that stops
// reporting (or comes back), the spool starting to fill, passing half and 90 % of its cap, and emptying.
// Comparing snapshots is what makes each change logged once with its cause, never on every retry.
// (API-server and database state changes are logged where they are detected: ApiProbe, DatabaseReachability.)
import type { StatusReport } from './status.js';

export interface HealthEvent {
  level: 'warn' | 'info';
  msg: string;
  fields: Record<string, unknown>;
}

type Snapshot = Pick<StatusReport, 'clusters'> & { database: { spool: { bytes: number; maxBytes: number; oldestAgeMs: number | null; droppedMetricRows: number } } };

const SPOOL_MARKS = [0.5, 0.9];

function spoolLevel(bytes: number, maxBytes: number): number {
  return SPOOL_MARKS.filter((m) => bytes >= m * maxBytes).length;
}

/** Pure: the events between `prev` (null at start) and `next`. */
export function healthEvents(prev: Snapshot | null, next: Snapshot): HealthEvent[] {
  const out: HealthEvent[] = [];
  const before = new Map(prev?.clusters.map((c) => [c.name, c]) ?? []);
  for (const c of next.clusters) {
    const p = before.get(c.name);
    const was = new Set(p?.nodesNotReporting.map((n) => `${n.node}\u0000${n.source}`) ?? []);
    const now = new Set(c.nodesNotReporting.map((n) => `${n.node}\u0000${n.source}`));
    for (const n of c.nodesNotReporting) {
      if (was.has(`${n.node}\u0000${n.source}`)) continue;
      const msg = n.state === 'stale' ? 'node not reporting: its kubelet serves no new sample' : 'node not reporting';
      out.push({ level: 'warn', msg, fields: { cluster: c.name, node: n.node, source: n.source, state: n.state, cause: n.lastError, lastSuccessAt: n.lastSuccessAt } });
    }
    for (const n of p?.nodesNotReporting ?? []) {
      if (!now.has(`${n.node}\u0000${n.source}`)) out.push({ level: 'info', msg: 'node reporting again', fields: { cluster: c.name, node: n.node, source: n.source } });
    }
  }
  const ps = prev?.database.spool;
  const ns = next.database.spool;
  const was = ps ? ps.bytes > 0 : false;
  if (!was && ns.bytes > 0) out.push({ level: 'warn', msg: 'rows are going to the spool (database away or slow)', fields: { spoolBytes: ns.bytes, maxBytes: ns.maxBytes } });
  else if (was && ns.bytes === 0) out.push({ level: 'info', msg: 'spool empty again', fields: {} });
  const lp = ps ? spoolLevel(ps.bytes, ps.maxBytes) : 0;
  const ln = spoolLevel(ns.bytes, ns.maxBytes);
  if (ln > lp) out.push({ level: 'warn', msg: `spool past ${SPOOL_MARKS[ln - 1] * 100} % of its cap`, fields: { spoolBytes: ns.bytes, maxBytes: ns.maxBytes, oldestAgeS: Math.round((ns.oldestAgeMs ?? 0) / 1000) } });
  if (ns.droppedMetricRows > (ps?.droppedMetricRows ?? 0)) out.push({ level: 'warn', msg: 'spool full: oldest metric rows dropped', fields: { droppedRows: ns.droppedMetricRows - (ps?.droppedMetricRows ?? 0), droppedRowsTotal: ns.droppedMetricRows } });
  return out;
}
