// Events (core/v1): reason, involved object, count and last time. Events are high-churn; the change
// log records their adds and count bumps like any other kind.
import type { KindDef, KubeObject } from '../kind.js';

function lastTime(o: KubeObject): string | null {
  const e = o as any;
  return e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? o.metadata.creationTimestamp ?? null;
}

export const eventKind: KindDef = {
  name: 'event', listPath: '/api/v1/events', kind: 'Event', namespaced: true, table: 'event',
  description: 'Events with reason, involved object, count and last time (Warning first in the viewer).',
  columns: [
    { column: 'type', sqlType: 'text', description: 'Normal or Warning.', value: (o) => (o as any).type ?? null },
    { column: 'reason', sqlType: 'text', description: 'reason (e.g. BackOff, OOMKilling, Scheduled).', value: (o) => (o as any).reason ?? null },
    { column: 'message', sqlType: 'text', description: 'message.', value: (o) => (o as any).message ?? null },
    { column: 'involved_kind', sqlType: 'text', description: 'involvedObject.kind.', value: (o) => (o as any).involvedObject?.kind ?? null },
    { column: 'involved_namespace', sqlType: 'text', description: 'involvedObject.namespace.', value: (o) => (o as any).involvedObject?.namespace ?? null },
    { column: 'involved_name', sqlType: 'text', description: 'involvedObject.name.', value: (o) => (o as any).involvedObject?.name ?? null },
    { column: 'involved_uid', sqlType: 'text', description: 'involvedObject.uid.', value: (o) => (o as any).involvedObject?.uid ?? null },
    { column: 'count', sqlType: 'integer', description: 'count (or series.count).', value: (o) => (o as any).count ?? (o as any).series?.count ?? 1 },
    { column: 'first_time', sqlType: 'timestamptz', description: 'firstTimestamp (or eventTime).', value: (o) => (o as any).firstTimestamp ?? (o as any).eventTime ?? null },
    { column: 'last_time', sqlType: 'timestamptz', description: 'lastTimestamp (or series.lastObservedTime, eventTime).', value: lastTime },
    { column: 'source_component', sqlType: 'text', description: 'source.component (or reportingComponent).', value: (o) => (o as any).source?.component ?? (o as any).reportingComponent ?? null },
    { column: 'source_host', sqlType: 'text', description: 'source.host (the node for kubelet events).', value: (o) => (o as any).source?.host ?? null },
  ],
};
