import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { bytesOrNull } from '../quantity.js';

type PersistentVolumeClaim = WireObject<V1PersistentVolumeClaim>;

export const persistentVolumeClaimKind = defineKind<PersistentVolumeClaim>({
  name: 'persistentvolumeclaim', listPath: '/api/v1/persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true, table: 'persistentvolumeclaim',
  description: 'PersistentVolumeClaims with requested and actual capacity.',
  columns: [
    { column: 'phase', sqlType: 'text', description: 'status.phase: Pending, Bound, Lost.', value: (o) => o.status?.phase ?? null },
    { column: 'storage_class', sqlType: 'text', description: 'spec.storageClassName.', value: (o) => o.spec?.storageClassName ?? null },
    { column: 'volume_name', sqlType: 'text', description: 'spec.volumeName (the bound PersistentVolume).', value: (o) => o.spec?.volumeName ?? null },
    { column: 'request_bytes', sqlType: 'bigint', description: 'spec.resources.requests.storage in bytes.', value: (o) => bytesOrNull(o.spec?.resources?.requests?.storage) },
    { column: 'capacity_bytes', sqlType: 'bigint', description: 'status.capacity.storage in bytes.', value: (o) => bytesOrNull(o.status?.capacity?.storage) },
    { column: 'access_modes', sqlType: 'jsonb', description: 'spec.accessModes.', value: (o) => o.spec?.accessModes ?? [] },
  ],
});
