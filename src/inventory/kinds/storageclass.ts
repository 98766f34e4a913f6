import type { V1StorageClass } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';

type StorageClass = WireObject<V1StorageClass>;

export const storageClassKind = defineKind<StorageClass>({
  name: 'storageclass', listPath: '/apis/storage.k8s.io/v1/storageclasses', kind: 'StorageClass', namespaced: false, table: 'storageclass',
  description: 'StorageClasses.',
  columns: [
    { column: 'provisioner', sqlType: 'text', description: 'provisioner.', value: (o) => o.provisioner ?? null },
    { column: 'reclaim_policy', sqlType: 'text', description: 'reclaimPolicy.', value: (o) => o.reclaimPolicy ?? null },
    { column: 'volume_binding_mode', sqlType: 'text', description: 'volumeBindingMode.', value: (o) => o.volumeBindingMode ?? null },
    { column: 'is_default', sqlType: 'boolean', description: 'storageclass.kubernetes.io/is-default-class annotation is "true".', value: (o) => o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' },
  ],
  // StorageClass parameters may hold provisioner secrets' names only, never values; nothing to strip.
});
