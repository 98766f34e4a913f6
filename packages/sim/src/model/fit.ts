// What fits on a node, as kube-scheduler's NodeResourcesFit and NodeAffinity (for the OS) count it: the
// node's allocatable against the requests of the pods bound there, and its pod slots.
import type { NodeState } from './world.js';
import type { PodTemplate } from './pod.js';
import type { NodeRoom } from './unschedulable.js';

export type PodRequest = { cpuMilli: number; memoryBytes: number; os?: string };

/** What the node object says a node can allocate (objects.ts: capacity minus the kubelet's reservations). */
export function allocatableOf(n: Pick<NodeState, 'cpuCores' | 'memoryBytes'>): { cpuMilli: number; memoryBytes: number } {
  return { cpuMilli: n.cpuCores * 1000 - 100, memoryBytes: n.memoryBytes - 256 * 2 ** 20 };
}

/** A pod's requests as the scheduler counts them (a limit without a request is the request). */
export function podRequests(t: PodTemplate): { cpuMilli: number; memoryBytes: number } {
  let cpuMilli = 0;
  let memoryBytes = 0;
  for (const c of t.containers) {
    cpuMilli += c.cpuRequestMilli ?? c.cpuLimitMilli ?? 0;
    memoryBytes += c.memoryRequestBytes ?? c.memoryLimitBytes ?? 0;
  }
  return { cpuMilli, memoryBytes };
}

/** Whether a pod with `req` fits on `n` now. */
export function fits(n: NodeState, req: PodRequest): boolean {
  const a = allocatableOf(n);
  // Linux pods go to Linux nodes (real workloads select kubernetes.io/os; Windows nodes carry a taint).
  return (req.os ?? 'linux') === n.os && n.pods.size < n.maxPods && n.requestedCpuMilli + req.cpuMilli <= a.cpuMilli && n.requestedMemoryBytes + req.memoryBytes <= a.memoryBytes;
}

/** Why `n` would refuse a pod with `req` (each flag a filter of the scheduler); `cordoned`: spec.unschedulable. */
export function roomOf(n: NodeState, req: PodRequest, cordoned: boolean): NodeRoom {
  const a = allocatableOf(n);
  return {
    cordoned, notReady: !n.ready, osMismatch: (req.os ?? 'linux') !== n.os, podsFull: n.pods.size >= n.maxPods,
    cpuShort: n.requestedCpuMilli + req.cpuMilli > a.cpuMilli, memoryShort: n.requestedMemoryBytes + req.memoryBytes > a.memoryBytes,
  };
}
