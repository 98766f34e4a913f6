// Events (core/v1): reason, involved object, count and last time. Events are high-churn; the change
// log records their adds and count bumps like any other kind.
import type { CoreV1Event } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';

type Event = WireObject<CoreV1Event>;

function lastTime(e: Event): string | null {
  return e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? null;
}

export const eventKind = defineKind<Event>({
  name: 'event', listPath: '/api/v1/events', kind: 'Event', namespaced: true, table: 'event',
  description: 'Events with reason, involved object, count and last time (Warning first in the viewer).',
  columns: [
    { column: 'type', sqlType: 'text', description: 'Normal or Warning.', value: (o) => o.type ?? null },
    { column: 'reason', sqlType: 'text', description: 'reason (e.g. BackOff, OOMKilling, Scheduled).', value: (o) => o.reason ?? null },
    { column: 'message', sqlType: 'text', description: 'message.', value: (o) => o.message ?? null },
    { column: 'involved_kind', sqlType: 'text', description: 'involvedObject.kind.', value: (o) => o.involvedObject?.kind ?? null },
    { column: 'involved_namespace', sqlType: 'text', description: 'involvedObject.namespace.', value: (o) => o.involvedObject?.namespace ?? null },
    { column: 'involved_name', sqlType: 'text', description: 'involvedObject.name.', value: (o) => o.involvedObject?.name ?? null },
    { column: 'involved_uid', sqlType: 'text', description: 'involvedObject.uid.', value: (o) => o.involvedObject?.uid ?? null },
    { column: 'count', sqlType: 'integer', description: 'count (or series.count).', value: (o) => o.count ?? o.series?.count ?? 1 },
    { column: 'first_time', sqlType: 'timestamptz', description: 'firstTimestamp (or eventTime).', value: (o) => o.firstTimestamp ?? o.eventTime ?? null },
    { column: 'last_time', sqlType: 'timestamptz', description: 'lastTimestamp (or series.lastObservedTime, eventTime).', value: lastTime },
    { column: 'source_component', sqlType: 'text', description: 'source.component (or reportingComponent).', value: (o) => o.source?.component ?? o.reportingComponent ?? null },
    { column: 'source_host', sqlType: 'text', description: 'source.host (the node for kubelet events).', value: (o) => o.source?.host ?? null },
  ],
});
