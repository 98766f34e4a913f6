import type { KindDef } from '../kind.js';

export const namespaceKind: KindDef = {
  name: 'namespace',
  listPath: '/api/v1/namespaces',
  kind: 'Namespace',
  namespaced: false,
  table: 'namespace',
  description: 'Namespaces.',
  columns: [{ column: 'phase', sqlType: 'text', description: 'Active or Terminating.', value: (o) => o.status?.phase ?? null }],
};
