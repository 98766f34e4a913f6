// PersistentVolumes, PersistentVolumeClaims and StorageClasses.
import type { KindDef } from '../kind.js';
import { bytesOrNull } from '../quantity.js';

export const persistentVolumeKind: KindDef = {
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
};

export const persistentVolumeClaimKind: KindDef = {
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
};

export const storageClassKind: KindDef = {
  name: 'storageclass', listPath: '/apis/storage.k8s.io/v1/storageclasses', kind: 'StorageClass', namespaced: false, table: 'storageclass',
  description: 'StorageClasses.',
  columns: [
    { column: 'provisioner', sqlType: 'text', description: 'provisioner.', value: (o) => (o as any).provisioner ?? null },
    { column: 'reclaim_policy', sqlType: 'text', description: 'reclaimPolicy.', value: (o) => (o as any).reclaimPolicy ?? null },
    { column: 'volume_binding_mode', sqlType: 'text', description: 'volumeBindingMode.', value: (o) => (o as any).volumeBindingMode ?? null },
    { column: 'is_default', sqlType: 'boolean', description: 'storageclass.kubernetes.io/is-default-class annotation is "true".', value: (o) => o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' },
  ],
  // StorageClass parameters may hold provisioner secrets' names only, never values; nothing to strip.
};
