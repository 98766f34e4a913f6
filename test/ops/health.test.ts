// The health model's pure parts: state changes found once between two reports, readiness and its
// reason, rates, the collector_status row, and the Prometheus exposition read from a report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthEvents } from '../../src/health/transitions.js';
import { readiness, type StatusReport } from '../../src/health/status.js';
import { ratePerSecond } from '../../src/health/probes.js';
import { statusRow } from '../../src/health/status-history.js';
import { buildRegistry } from '../../src/health/prometheus.js';
import type { ClusterStatus } from '../../src/collector/cluster-collector.js';
import type { DatabaseState } from '../../src/store/database.js';

function report(o: { down?: string[]; notReporting?: Array<{ node: string; source: string; state?: 'failing' | 'stale'; newestSampleAgeS?: number }>; db?: DatabaseState; spoolBytes?: number; dropped?: number }): StatusReport {
  // The fields the health model reads; the scheduler's lateBy breakdown is not among them.
  const cluster = (name: string): Omit<ClusterStatus, 'scrapes'> & { scrapes: Record<string, Omit<ClusterStatus['scrapes'][string], 'lateBy'>> } => ({
    name, id: 1, api: o.down?.includes(name) ? 'unreachable' : 'healthy', apiLatencyMs: 12, apiError: null, version: 'v1.35.0', nodes: 2, pods: 6,
    lastSampleAt: '2026-01-01T00:00:00.000Z', watches: [{ kind: 'pod', state: 'watching', objects: 6, relists: 1, rewatches: 0, retries: 0, lastEventAt: null, lastError: null }],
    scrapes: { summary: { nodes: 2, ok: 2, stale: 0, failing: 0, cyclesOnTime: 5, cyclesLate: 0 } },
    nodesNotReporting: name === 'east' ? (o.notReporting ?? []).map((n) => ({ state: 'failing' as const, ...n, lastError: 'timeout', lastSuccessAt: null })) : [],
    error: null,
  });
  return {
    generatedAt: '2026-01-01T00:00:05.000Z',
    clusters: [cluster('east'), cluster('west')] as ClusterStatus[],
    database: {
      state: o.db ?? 'connected', embedded: false, url: 'postgres://u:****@h/db', lastError: o.db === 'unreachable' ? 'connect ECONNREFUSED' : null,
      writeLatencyMs: 4, rows: {}, rowsEstimated: [], rollupHoursDropped: 0, indexRebuilds: { rebuilt: 3, skipped: 5 }, rowsPerSecond: 100, queueRows: 10, queueMaxRows: 1000,
      spool: { segments: o.spoolBytes ? 1 : 0, bytes: o.spoolBytes ?? 0, maxBytes: 1000, records: 0, oldestAgeMs: o.spoolBytes ? 3000 : null, inventoryPending: false, droppedMetricBatches: 0, droppedMetricRows: o.dropped ?? 0, droppedInventoryRecords: 0, droppedInventoryChanges: 0, relistsPending: [], appended: 0, dir: '/s', replay: { replayedRecords: 0, replayedMetricRows: 0, skippedRecords: 0, lastError: null } },
      dataDir: null, partitionsAhead: 2,
    },
    collector: { pid: 42, uptimeS: 5, heapBytes: 1, rssBytes: 2, eventLoopDelayMs: { p50: 1, p99: 3, max: 9 }, watchdog: true, restarts: 1, restartReasons: [{ kind: 'hang', detail: 'd', at: 't' }], version: '', ingest: { inserted: 500, rowsSpooled: 7 } },
  };
}

test('a node that stops reporting is logged once, and once when it is back', () => {
  const a = report({});
  const b = report({ notReporting: [{ node: 'n1', source: 'summary' }] });
  assert.deepEqual(healthEvents(a, b).map((e) => [e.level, e.msg, e.fields.node]), [['warn', 'node not reporting', 'n1']]);
  assert.deepEqual(healthEvents(b, b), [], 'no repeat while it lasts');
  assert.deepEqual(healthEvents(b, a).map((e) => e.msg), ['node reporting again']);
});

test('the spool filling is logged when it starts, at 50 % and 90 %, on drops, and when empty again', () => {
  const msgs = (p: StatusReport | null, n: StatusReport) => healthEvents(p, n).map((e) => e.msg);
  assert.deepEqual(msgs(report({}), report({ spoolBytes: 10 })), ['rows are going to the spool (database away or slow)']);
  assert.deepEqual(msgs(report({ spoolBytes: 10 }), report({ spoolBytes: 20 })), []);
  assert.deepEqual(msgs(report({ spoolBytes: 400 }), report({ spoolBytes: 600 })), ['spool past 50 % of its cap']);
  assert.deepEqual(msgs(report({ spoolBytes: 600 }), report({ spoolBytes: 950, dropped: 5 })), ['spool past 90 % of its cap', 'spool full: oldest metric rows dropped']);
  assert.deepEqual(msgs(report({ spoolBytes: 600 }), report({})), ['spool empty again']);
});

test('readiness: database writable and at least one cluster collecting, with the reason when not', () => {
  assert.deepEqual(readiness(report({ down: ['east'] })), { ready: true, reason: 'ready' });
  const r = readiness(report({ down: ['east', 'west'], db: 'unreachable' }));
  assert.equal(r.ready, false);
  assert.match(r.reason, /database unreachable \(connect ECONNREFUSED\)/);
  assert.match(r.reason, /east: unreachable, west: unreachable/);
});

test('rates from two counter readings', () => {
  assert.equal(ratePerSecond(null, 10, 1000), 0);
  assert.equal(ratePerSecond({ count: 100, atMs: 0 }, 600, 2000), 250);
  assert.equal(ratePerSecond({ count: 100, atMs: 0 }, 50, 2000), 0, 'a counter that went down (restart) is not a negative rate');
});

test('the collector_status row carries the headline figures and the whole report', () => {
  const st = report({ down: ['east'], db: 'unreachable', spoolBytes: 300 });
  const row = statusRow(st);
  assert.deepEqual(row.clusters_down, ['east']);
  assert.equal(row.database_state, 'unreachable');
  assert.equal(row.spool_bytes, 300);
  assert.equal(row.spool_oldest_age_s, 3);
  assert.equal(row.restarts, 1);
  assert.equal(row.status, st);
});

test('/metrics exposition reads the latest report with conventional names', async () => {
  const st = report({ down: ['east'], spoolBytes: 300 });
  const reg = buildRegistry(() => st);
  const text = await reg.metrics();
  assert.match(text, /^kubepulse_cluster_api_up\{cluster="east"\} 0$/m);
  assert.match(text, /^kubepulse_cluster_api_up\{cluster="west"\} 1$/m);
  assert.match(text, /^kubepulse_cluster_api_latency_seconds\{cluster="west"\} 0.012$/m);
  assert.match(text, /^kubepulse_spool_bytes 300$/m);
  assert.match(text, /^kubepulse_metric_rows_inserted_total 500$/m);
  assert.match(text, /^# TYPE kubepulse_metric_rows_inserted_total counter$/m);
  assert.match(text, /^kubepulse_watchdog_restarts_total 1$/m);
  assert.match(text, /^kubepulse_database_partitions_ahead 2$/m);
  assert.match(text, /^kubepulse_index_rebuilds_total 3$/m);
  assert.match(text, /^kubepulse_index_rebuilds_skipped_total 5$/m);
  assert.match(text, /^nodejs_heap_size_used_bytes \d+/m);
});
