import type { V1Service } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';

type Service = WireObject<V1Service>;

export const serviceKind = defineKind<Service>({
  name: 'service', listPath: '/api/v1/services', kind: 'Service', namespaced: true, table: 'service',
  description: 'Services.',
  columns: [
    { column: 'type', sqlType: 'text', description: 'spec.type: ClusterIP, NodePort, LoadBalancer, ExternalName.', value: (o) => o.spec?.type ?? 'ClusterIP' },
    { column: 'cluster_ip', sqlType: 'text', description: 'spec.clusterIP.', value: (o) => o.spec?.clusterIP ?? null },
    { column: 'external_ips', sqlType: 'jsonb', description: 'Load-balancer ingress addresses and spec.externalIPs.', value: (o) => [...(o.spec?.externalIPs ?? []), ...(o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname)] },
    { column: 'ports', sqlType: 'jsonb', description: 'spec.ports.', value: (o) => o.spec?.ports ?? [] },
    { column: 'selector', sqlType: 'jsonb', description: 'spec.selector.', value: (o) => o.spec?.selector ?? null },
  ],
});
