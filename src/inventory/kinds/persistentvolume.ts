import type { V1PersistentVolume } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { bytesOrNull } from '../quantity.js';

type PersistentVolume = WireObject<V1PersistentVolume>;

export const persistentVolumeKind = defineKind<PersistentVolume>({
  name: 'persistentvolume', listPath: '/api/v1/persistentvolumes', kind: 'PersistentVolume', namespaced: false, table: 'persistentvolume',
  description: 'PersistentVolumes.',
  columns: [
    { column: 'capacity_bytes', sqlType: 'bigint', description: 'spec.capacity.storage in bytes.', value: (o) => bytesOrNull(o.spec?.capacity?.storage) },
    { column: 'storage_class', sqlType: 'text', description: 'spec.storageClassName.', value: (o) => o.spec?.storageClassName ?? null },
    { column: 'phase', sqlType: 'text', description: 'status.phase: Available, Bound, Released, Failed.', value: (o) => o.status?.phase ?? null },
    { column: 'reclaim_policy', sqlType: 'text', description: 'spec.persistentVolumeReclaimPolicy.', value: (o) => o.spec?.persistentVolumeReclaimPolicy ?? null },
    { column: 'access_modes', sqlType: 'jsonb', description: 'spec.accessModes.', value: (o) => o.spec?.accessModes ?? [] },
    { column: 'claim_namespace', sqlType: 'text', description: 'spec.claimRef.namespace.', value: (o) => o.spec?.claimRef?.namespace ?? null },
    { column: 'claim_name', sqlType: 'text', description: 'spec.claimRef.name.', value: (o) => o.spec?.claimRef?.name ?? null },
  ],
});
