// Every kind the inventory collects. Adding a kind is adding its declaration and one line here.
// Secrets are deliberately absent: kubepulse never reads Secret objects.
import type { KindDef } from '../kind.js';
import { namespaceKind } from './namespace.js';
import { nodeKind } from './node.js';
import { podKind } from './pod.js';
import { cronJobKind, daemonSetKind, deploymentKind, jobKind, replicaSetKind, statefulSetKind } from './workloads.js';
import { endpointSliceKind, ingressKind, serviceKind } from './network.js';
import { persistentVolumeClaimKind, persistentVolumeKind, storageClassKind } from './storage.js';
import { hpaKind, resourceQuotaKind } from './policy.js';
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
