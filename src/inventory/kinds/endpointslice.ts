import type { V1EndpointSlice } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';

type EndpointSlice = WireObject<V1EndpointSlice>;

export const endpointSliceKind = defineKind<EndpointSlice>({
  name: 'endpointslice', listPath: '/apis/discovery.k8s.io/v1/endpointslices', kind: 'EndpointSlice', namespaced: true, table: 'endpointslice',
  description: 'EndpointSlices: which pods back each service, and whether they are ready.',
  columns: [
    { column: 'service', sqlType: 'text', description: 'kubernetes.io/service-name label.', value: (o) => o.metadata.labels?.['kubernetes.io/service-name'] ?? null },
    { column: 'address_type', sqlType: 'text', description: 'addressType (IPv4, IPv6, FQDN).', value: (o) => o.addressType ?? null },
    // endpoints is required by the API, but an empty slice may arrive without it
    { column: 'endpoints_total', sqlType: 'integer', description: 'Number of endpoints.', value: (o) => (o.endpoints ?? []).length },
    { column: 'endpoints_ready', sqlType: 'integer', description: 'Endpoints whose conditions.ready is not false.', value: (o) => (o.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length },
    { column: 'ports', sqlType: 'jsonb', description: 'ports.', value: (o) => o.ports ?? [] },
  ],
});
