// Services, EndpointSlices and Ingresses: what exposes the workloads.
import type { KindDef } from '../kind.js';

export const serviceKind: KindDef = {
  name: 'service', listPath: '/api/v1/services', kind: 'Service', namespaced: true, table: 'service',
  description: 'Services.',
  columns: [
    { column: 'type', sqlType: 'text', description: 'spec.type: ClusterIP, NodePort, LoadBalancer, ExternalName.', value: (o) => o.spec?.type ?? 'ClusterIP' },
    { column: 'cluster_ip', sqlType: 'text', description: 'spec.clusterIP.', value: (o) => o.spec?.clusterIP ?? null },
    { column: 'external_ips', sqlType: 'jsonb', description: 'Load-balancer ingress addresses and spec.externalIPs.', value: (o) => [...(o.spec?.externalIPs ?? []), ...((o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname))] },
    { column: 'ports', sqlType: 'jsonb', description: 'spec.ports.', value: (o) => o.spec?.ports ?? [] },
    { column: 'selector', sqlType: 'jsonb', description: 'spec.selector.', value: (o) => o.spec?.selector ?? null },
  ],
};

export const endpointSliceKind: KindDef = {
  name: 'endpointslice', listPath: '/apis/discovery.k8s.io/v1/endpointslices', kind: 'EndpointSlice', namespaced: true, table: 'endpointslice',
  description: 'EndpointSlices: which pods back each service, and whether they are ready.',
  columns: [
    { column: 'service', sqlType: 'text', description: 'kubernetes.io/service-name label.', value: (o) => o.metadata.labels?.['kubernetes.io/service-name'] ?? null },
    { column: 'address_type', sqlType: 'text', description: 'addressType (IPv4, IPv6, FQDN).', value: (o) => (o as any).addressType ?? null },
    { column: 'endpoints_total', sqlType: 'integer', description: 'Number of endpoints.', value: (o) => ((o as any).endpoints ?? []).length },
    { column: 'endpoints_ready', sqlType: 'integer', description: 'Endpoints whose conditions.ready is not false.', value: (o) => ((o as any).endpoints ?? []).filter((e: any) => e.conditions?.ready !== false).length },
    { column: 'ports', sqlType: 'jsonb', description: 'ports.', value: (o) => (o as any).ports ?? [] },
  ],
};

export const ingressKind: KindDef = {
  name: 'ingress', listPath: '/apis/networking.k8s.io/v1/ingresses', kind: 'Ingress', namespaced: true, table: 'ingress',
  description: 'Ingresses.',
  columns: [
    { column: 'ingress_class', sqlType: 'text', description: 'spec.ingressClassName.', value: (o) => o.spec?.ingressClassName ?? null },
    { column: 'hosts', sqlType: 'jsonb', description: 'Hosts of the rules.', value: (o) => (o.spec?.rules ?? []).map((r: any) => r.host ?? '*') },
    { column: 'addresses', sqlType: 'jsonb', description: 'status.loadBalancer.ingress addresses.', value: (o) => (o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname) },
  ],
};
