// Renders the kubelet's /pods (a v1 PodList of the pods bound to this node, as the kubelet sees them).
// Only what the view knows is filled in; the API server's pod objects are the authoritative full shape.
import type { SimContainerView, SimNodeView, SimPodView } from './view.js';
import { rfc3339 } from './rfc3339.js';

function resources(c: SimContainerView): Record<string, Record<string, string>> {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (c.cpuRequestMilli !== null) requests.cpu = `${c.cpuRequestMilli}m`;
  if (c.memoryRequestBytes !== null) requests.memory = String(c.memoryRequestBytes);
  if (c.cpuLimitMilli !== null) limits.cpu = `${c.cpuLimitMilli}m`;
  if (c.memoryLimitBytes !== null) limits.memory = String(c.memoryLimitBytes);
  const out: Record<string, Record<string, string>> = {};
  if (Object.keys(limits).length) out.limits = limits;
  if (Object.keys(requests).length) out.requests = requests;
  return out;
}

function podItem(node: SimNodeView, p: SimPodView): unknown {
  const running = p.phase === 'Running';
  return {
    metadata: { name: p.name, namespace: p.namespace, uid: p.uid, creationTimestamp: rfc3339(p.startTime.getTime()) },
    spec: {
      nodeName: node.name,
      containers: p.containers.map((c) => ({ name: c.name, image: c.image, resources: resources(c) })),
      volumes: p.volumes.map((v) => (v.kind === 'pvc' ? { name: v.name, persistentVolumeClaim: { claimName: v.pvcName ?? v.name } } : { name: v.name, [v.kind]: {} })),
    },
    status: {
      phase: p.phase,
      hostIP: node.address,
      startTime: rfc3339(p.startTime.getTime()),
      qosClass: p.qosClass,
      containerStatuses: p.containers.map((c) => ({
        name: c.name,
        state: running ? { running: { startedAt: rfc3339(c.startTime.getTime()) } } : { terminated: { exitCode: p.phase === 'Succeeded' ? 0 : 1, reason: p.phase === 'Succeeded' ? 'Completed' : 'Error' } },
        ready: running,
        restartCount: c.restartCount,
        image: c.image,
        imageID: c.imageId,
        containerID: c.containerId,
        started: running,
      })),
    },
  };
}

export function renderPods(node: SimNodeView): string {
  return JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: node.pods.map((p) => podItem(node, p)) });
}
