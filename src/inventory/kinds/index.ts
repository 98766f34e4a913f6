// Every kind the inventory collects, one file per kind. Adding a kind is adding its file and one line here.
// Secrets are deliberately absent: kubepulse never reads Secret objects.
import type { KindDef } from '../kind.js';
import { namespaceKind } from './namespace.js';
import { nodeKind } from './node.js';
import { podKind } from './pod.js';
import { deploymentKind } from './deployment.js';
import { replicaSetKind } from './replicaset.js';
import { statefulSetKind } from './statefulset.js';
import { daemonSetKind } from './daemonset.js';
import { jobKind } from './job.js';
import { cronJobKind } from './cronjob.js';
import { serviceKind } from './service.js';
import { endpointSliceKind } from './endpointslice.js';
import { ingressKind } from './ingress.js';
import { persistentVolumeKind } from './persistentvolume.js';
import { persistentVolumeClaimKind } from './persistentvolumeclaim.js';
import { storageClassKind } from './storageclass.js';
import { hpaKind } from './horizontalpodautoscaler.js';
import { resourceQuotaKind } from './resourcequota.js';
import { eventKind } from './event.js';

export const ALL_KINDS: KindDef[] = [
  namespaceKind, nodeKind, podKind,
  deploymentKind, replicaSetKind, statefulSetKind, daemonSetKind, jobKind, cronJobKind,
  serviceKind, endpointSliceKind, ingressKind,
  persistentVolumeKind, persistentVolumeClaimKind, storageClassKind,
  hpaKind, resourceQuotaKind, eventKind,
];

export function kindByName(name: string): KindDef | undefined {
  return ALL_KINDS.find((k) => k.name === name);
}
