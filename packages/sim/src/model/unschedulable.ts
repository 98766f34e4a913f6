// Why no node takes a pod, as kube-scheduler words it in the PodScheduled=False condition and the
// FailedScheduling event: "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.
// preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims
// found for incoming pod." Each node is reported by the first filter it fails, in the scheduler's order
// (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit, which names every resource short).

export interface NodeRoom {
  cordoned: boolean;
  /** NotReady: the node controller's unreachable taint keeps pods off it. */
  notReady: boolean;
  osMismatch: boolean;
  podsFull: boolean;
  cpuShort: boolean;
  memoryShort: boolean;
}

/** The reasons one node refuses the pod (empty: it fits); `resources` tells whether preemption could help. */
export function refusals(n: NodeRoom): { reasons: string[]; resources: boolean } {
  if (n.cordoned) return { reasons: ['node(s) were unschedulable'], resources: false };
  if (n.notReady) return { reasons: ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }'], resources: false };
  if (n.osMismatch) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], resources: false };
  const reasons: string[] = [];
  if (n.podsFull) reasons.push('Too many pods');
  if (n.cpuShort) reasons.push('Insufficient cpu');
  if (n.memoryShort) reasons.push('Insufficient memory');
  return { reasons, resources: true };
}

const counted = (counts: Map<string, number>): string => [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([r, c]) => `${c} ${r}`).join(', ');

/** The scheduler's message for a pod no node took (`nodes`: every node's room). */
export function failedSchedulingMessage(nodes: NodeRoom[]): string {
  if (nodes.length === 0) return 'no nodes available to schedule pods';
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const n of nodes) {
    const r = refusals(n);
    for (const reason of r.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    const p = r.resources ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling';
    preemption.set(p, (preemption.get(p) ?? 0) + 1);
  }
  return `0/${nodes.length} nodes are available: ${counted(reasons)}. preemption: 0/${nodes.length} nodes are available: ${counted(preemption)}.`;
}
