// The collector's own metrics for Prometheus (GET /metrics): process and Node.js defaults from
// prom-client, and gauges/counters read from the latest status report when scraped, so the numbers are
// the same ones /api/status and the collector_status table show. Units in names (seconds, bytes).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { StatusReport } from './status.js';

type Get = () => StatusReport | null;

export function buildRegistry(get: Get): Registry {
  const reg = new Registry();
  collectDefaultMetrics({ register: reg });
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, st: StatusReport) => void) =>
    new Gauge({
      name, help, labelNames, registers: [reg],
      collect() {
        this.reset();
        const st = get();
        if (st) fill(this, st);
      },
    });
  const counter = (name: string, help: string, value: (st: StatusReport) => number) =>
    new Counter({
      name, help, registers: [reg],
      collect() {
        const st = get();
        if (!st) return;
        this.reset();
        this.inc(value(st));
      },
    });

  gauge('kubepulse_cluster_api_up', 'Whether the cluster API server answers (1 healthy or degraded, 0 otherwise).', ['cluster'], (g, st) => {
    for (const c of st.clusters) g.set({ cluster: c.name }, c.api === 'healthy' || c.api === 'degraded' ? 1 : 0);
  });
  gauge('kubepulse_cluster_api_latency_seconds', 'Latency of the last API health probe.', ['cluster'], (g, st) => {
    for (const c of st.clusters) if (c.apiLatencyMs !== null) g.set({ cluster: c.name }, c.apiLatencyMs / 1000);
  });
  gauge('kubepulse_cluster_watch_up', 'Whether an inventory watch is established (1) or not (0).', ['cluster', 'kind'], (g, st) => {
    for (const c of st.clusters) for (const w of c.watches) g.set({ cluster: c.name, kind: w.kind }, w.state === 'watching' ? 1 : 0);
  });
  gauge('kubepulse_cluster_nodes_not_reporting', 'Node and source pairs whose last kubelet scrape failed or whose kubelet serves no new sample (stale).', ['cluster'], (g, st) => {
    for (const c of st.clusters) g.set({ cluster: c.name }, c.nodesNotReporting.length);
  });
  // Per node only for the stale ones (bounded like nodesNotReporting): a frozen kubelet answers every
  // scrape, so nothing else shows it.
  gauge('kubepulse_node_sample_stale', 'Nodes whose kubelet answers but serves no new sample (frozen), per source.', ['cluster', 'node', 'source'], (g, st) => {
    for (const c of st.clusters) for (const n of c.nodesNotReporting) if (n.state === 'stale') g.set({ cluster: c.name, node: n.node, source: n.source }, 1);
  });
  gauge('kubepulse_node_newest_sample_age_seconds', 'Age of the newest sample of a stale node (collector clock minus kubelet sample time).', ['cluster', 'node', 'source'], (g, st) => {
    for (const c of st.clusters) {
      for (const n of c.nodesNotReporting) if (n.state === 'stale' && n.newestSampleAgeS != null) g.set({ cluster: c.name, node: n.node, source: n.source }, n.newestSampleAgeS);
    }
  });
  gauge('kubepulse_cluster_scrape_nodes', 'Nodes scraped per source, by outcome of their last scrape (stale: answered with no new sample).', ['cluster', 'source', 'outcome'], (g, st) => {
    for (const c of st.clusters) {
      for (const [source, s] of Object.entries(c.scrapes)) {
        g.set({ cluster: c.name, source, outcome: 'ok' }, s.ok);
        g.set({ cluster: c.name, source, outcome: 'stale' }, s.stale ?? 0);
        g.set({ cluster: c.name, source, outcome: 'failing' }, s.failing);
      }
    }
  });
  gauge('kubepulse_cluster_last_sample_timestamp_seconds', 'Kubelet time of the newest sample collected.', ['cluster'], (g, st) => {
    for (const c of st.clusters) if (c.lastSampleAt) g.set({ cluster: c.name }, Date.parse(c.lastSampleAt) / 1000);
  });
  gauge('kubepulse_database_up', 'Whether the database takes writes (1) or not (0).', [], (g, st) => g.set(st.database.state === 'connected' ? 1 : 0));
  gauge('kubepulse_database_write_latency_seconds', 'Latency of the last successful write.', [], (g, st) => {
    if (st.database.writeLatencyMs !== null) g.set(st.database.writeLatencyMs / 1000);
  });
  gauge('kubepulse_database_partitions_ahead', 'Raw metric partitions created ahead of now.', [], (g, st) => {
    if (st.database.partitionsAhead !== null) g.set(st.database.partitionsAhead);
  });
  gauge('kubepulse_database_data_dir_bytes', 'Disk used by the embedded database data folder.', [], (g, st) => {
    if (st.database.dataDir?.usedBytes != null) g.set(st.database.dataDir.usedBytes);
  });
  gauge('kubepulse_metric_queue_rows', 'Metric rows queued in memory for the database.', [], (g, st) => g.set(st.database.queueRows));
  gauge('kubepulse_metric_rows_per_second', 'Metric rows stored per second (last health interval).', [], (g, st) => g.set(st.database.rowsPerSecond));
  counter('kubepulse_metric_rows_inserted_total', 'Metric rows stored.', (st) => st.collector.ingest.inserted ?? 0);
  counter('kubepulse_metric_rows_joined_total', "cAdvisor rows joined into the summary row of the same sample (stored as one row).", (st) => st.collector.ingest.joinedRows ?? 0);
  counter('kubepulse_metric_rows_spooled_total', 'Metric rows written to the on-disk spool.', (st) => st.collector.ingest.rowsSpooled ?? 0);
  gauge('kubepulse_spool_bytes', 'Bytes waiting in the on-disk spool.', [], (g, st) => g.set(st.database.spool.bytes));
  gauge('kubepulse_spool_max_bytes', 'Cap of the on-disk spool.', [], (g, st) => g.set(st.database.spool.maxBytes));
  gauge('kubepulse_spool_oldest_age_seconds', 'Age of the oldest spooled segment.', [], (g, st) => g.set((st.database.spool.oldestAgeMs ?? 0) / 1000));
  counter('kubepulse_spool_dropped_metric_rows_total', 'Metric rows dropped because the spool was full.', (st) => st.database.spool.droppedMetricRows);
  counter('kubepulse_rollup_hours_dropped_total', 'Hours of late metric rows dropped without a rollup: past the raw retention when replayed.', (st) => st.database.rollupHoursDropped);
  counter('kubepulse_index_rebuilds_total', 'Indexes of change_log and the series tables rebuilt by the daily upkeep as bloated.', (st) => st.database.indexRebuilds.rebuilt);
  counter('kubepulse_index_rebuilds_skipped_total', 'Indexes the daily upkeep looked at and left, as not bloated.', (st) => st.database.indexRebuilds.skipped);
  counter('kubepulse_watchdog_restarts_total', 'Restarts of the worker by the watchdog.', (st) => st.collector.restarts);
  gauge('kubepulse_event_loop_delay_p99_seconds', 'Event-loop delay, 99th percentile over the last health interval.', [], (g, st) => g.set(st.collector.eventLoopDelayMs.p99 / 1000));
  // The collector group (src/group/): absent when [group] is off.
  gauge('kubepulse_group_members', 'Live members of the collector group, as this member saw them at its last heartbeat.', [], (g, st) => {
    if (st.group) g.set(st.group.members.filter((m) => m.alive).length);
  });
  gauge('kubepulse_group_owned_nodes', 'Nodes whose kubelets this member scrapes, per cluster.', ['cluster'], (g, st) => {
    for (const [cluster, n] of Object.entries(st.group?.ownedNodes ?? {})) g.set({ cluster }, n);
  });
  gauge('kubepulse_group_lease_age_seconds', 'Seconds since the holder of each cluster\'s inventory lease acquired it.', ['cluster'], (g, st) => {
    for (const l of st.group?.leases ?? []) if (l.heldForS !== null && l.holder !== null) g.set({ cluster: l.cluster }, l.heldForS);
  });
  gauge('kubepulse_group_fenced', 'Whether this member stopped collecting because it could not heartbeat in time (1) or not (0).', [], (g, st) => {
    if (st.group) g.set(st.group.fenced ? 1 : 0);
  });
  counter('kubepulse_group_takeovers_total', 'Inventory leases this member took over from a member that had not released them.', (st) => st.group?.takeovers ?? 0);
  gauge('kubepulse_uptime_seconds', 'Seconds since the collector started.', [], (g, st) => g.set(st.collector.uptimeS));
  return reg;
}
