import type { V1Namespace } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';

type Namespace = WireObject<V1Namespace>;

export const namespaceKind = defineKind<Namespace>({
  name: 'namespace',
  listPath: '/api/v1/namespaces',
  kind: 'Namespace',
  namespaced: false,
  table: 'namespace',
  description: 'Namespaces.',
  columns: [{ column: 'phase', sqlType: 'text', description: 'Active or Terminating.', value: (o) => o.status?.phase ?? null }],
});
