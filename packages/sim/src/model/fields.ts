// Typed views of the spec/status fields that the controllers, writes and printers read or change. A stored
// object keeps its full apiserver shape under SimObject's open index; these name only what code touches,
// so `obj.spec as NodeSpecFields` states which kind the object is (no conversion, no copy).

/** blockOwnerDeletion is absent where the owner sets none (a mirror pod's Node). */
export interface OwnerReference { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion?: boolean }

export interface Taint { key: string; effect: string; value?: string; timeAdded?: string }

export interface NodeSpecFields { unschedulable?: boolean; taints?: Taint[] }

export interface NodeStatusFields { conditions: Record<string, unknown>[] }

/** Deployments, replicasets, statefulsets (scalable) and jobs: desired size and pod selector. */
export interface WorkloadSpecFields { replicas?: number; selector?: { matchLabels?: Record<string, string> } }

export interface WorkloadStatusFields { replicas?: number }
