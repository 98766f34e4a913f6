import type { V1Ingress } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';

type Ingress = WireObject<V1Ingress>;

export const ingressKind = defineKind<Ingress>({
  name: 'ingress', listPath: '/apis/networking.k8s.io/v1/ingresses', kind: 'Ingress', namespaced: true, table: 'ingress',
  description: 'Ingresses.',
  columns: [
    { column: 'ingress_class', sqlType: 'text', description: 'spec.ingressClassName.', value: (o) => o.spec?.ingressClassName ?? null },
    { column: 'hosts', sqlType: 'jsonb', description: 'Hosts of the rules.', value: (o) => (o.spec?.rules ?? []).map((r) => r.host ?? '*') },
    { column: 'addresses', sqlType: 'jsonb', description: 'status.loadBalancer.ingress addresses.', value: (o) => (o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname) },
  ],
});
