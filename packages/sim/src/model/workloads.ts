// Factories for workload and companion objects (deployments, replicasets, statefulsets, daemonsets, jobs,
// cronjobs, services, endpointslices, ingresses, PVs, PVCs, storage classes, HPAs, resource quotas).
// Status blocks are set by the world's controllers through the setters below.
import type { SimObject } from './store.js';
import { iso, meta, ownerRef, podTemplateSpec, selectorString } from './objects.js';
import type { PodTemplate } from './pod.js';

export interface OwnerBase { name: string; namespace: string; uid: string; created: Date; template: PodTemplate; replicas: number }

const rollingUpdate = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };

export function deploymentObject(d: OwnerBase & { selector: Record<string, string> }): SimObject {
  return {
    kind: 'Deployment', apiVersion: 'apps/v1',
    metadata: meta(d.name, d.namespace, d.uid, d.created, { generation: 1, labels: { app: d.name }, annotations: { 'deployment.kubernetes.io/revision': '1' } }),
    spec: { replicas: d.replicas, selector: { matchLabels: d.selector }, template: podTemplateSpec(d.template), strategy: rollingUpdate, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
    status: {},
  };
}

export function replicaSetObject(r: OwnerBase & { selector: Record<string, string>; deployment: SimObject }): SimObject {
  return {
    kind: 'ReplicaSet', apiVersion: 'apps/v1',
    metadata: meta(r.name, r.namespace, r.uid, r.created, {
      generation: 1, labels: r.template.labels,
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(r.replicas), 'deployment.kubernetes.io/max-replicas': String(r.replicas + Math.ceil(r.replicas / 4)), 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [ownerRef('apps/v1', 'Deployment', r.deployment.metadata.name, r.deployment.metadata.uid)],
    }),
    spec: { replicas: r.replicas, selector: { matchLabels: r.selector }, template: podTemplateSpec(r.template) },
    status: {},
  };
}

export function statefulSetObject(s: OwnerBase & { selector: Record<string, string>; claim: string; storageClass: string }): SimObject {
  return {
    kind: 'StatefulSet', apiVersion: 'apps/v1',
    metadata: meta(s.name, s.namespace, s.uid, s.created, { generation: 1, labels: { app: s.name } }),
    spec: {
      replicas: s.replicas, selector: { matchLabels: s.selector }, template: podTemplateSpec(s.template), serviceName: s.name,
      volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: s.claim }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: s.storageClass, resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' } }],
      podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    },
    status: {},
  };
}

export function daemonSetObject(d: Omit<OwnerBase, 'replicas'> & { selector: Record<string, string> }): SimObject {
  return {
    kind: 'DaemonSet', apiVersion: 'apps/v1',
    metadata: meta(d.name, d.namespace, d.uid, d.created, { generation: 1, labels: { 'k8s-app': d.name }, annotations: { 'deprecated.daemonset.template.generation': '1' } }),
    spec: { selector: { matchLabels: d.selector }, template: podTemplateSpec(d.template), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 },
    status: {},
  };
}

export function jobObject(j: OwnerBase & { selector: Record<string, string>; cronJob?: SimObject; completedAt: Date }): SimObject {
  const extra: Record<string, unknown> = { generation: 1, labels: j.template.labels };
  if (j.cronJob) extra.ownerReferences = [ownerRef('batch/v1', 'CronJob', j.cronJob.metadata.name, j.cronJob.metadata.uid)];
  return {
    kind: 'Job', apiVersion: 'batch/v1',
    metadata: meta(j.name, j.namespace, j.uid, j.created, extra),
    spec: { parallelism: 1, completions: j.replicas, backoffLimit: 6, selector: { matchLabels: j.selector }, manualSelector: false, template: podTemplateSpec(j.template), completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' },
    status: {
      conditions: [{ type: 'Complete', status: 'True', lastProbeTime: iso(j.completedAt), lastTransitionTime: iso(j.completedAt) }],
      startTime: iso(j.created), completionTime: iso(j.completedAt), succeeded: j.replicas, ready: 0, terminating: 0,
      uncountedTerminatedPods: {},
    },
  };
}

export function cronJobObject(c: { name: string; namespace: string; uid: string; created: Date; template: PodTemplate; schedule: string; lastRun: Date }): SimObject {
  return {
    kind: 'CronJob', apiVersion: 'batch/v1',
    metadata: meta(c.name, c.namespace, c.uid, c.created, { generation: 1 }),
    spec: { schedule: c.schedule, concurrencyPolicy: 'Allow', suspend: false, jobTemplate: { metadata: {}, spec: { template: podTemplateSpec(c.template) } }, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 },
    status: { lastScheduleTime: iso(c.lastRun), lastSuccessfulTime: iso(c.lastRun) },
  };
}

export function serviceObject(s: { name: string; namespace: string; uid: string; created: Date; selector: Record<string, string>; clusterIp: string; port: number }): SimObject {
  return {
    kind: 'Service', apiVersion: 'v1',
    metadata: meta(s.name, s.namespace, s.uid, s.created, { labels: { app: s.name } }),
    spec: {
      ports: [{ name: 'http', protocol: 'TCP', port: s.port, targetPort: s.port }], selector: s.selector, clusterIP: s.clusterIp, clusterIPs: [s.clusterIp],
      type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

export function endpointSliceObject(e: { service: SimObject; uid: string; created: Date; port: number; endpoints: Array<{ ip: string; nodeName: string; podName: string; podUid: string; zone: string }> }): SimObject {
  const svc = e.service.metadata;
  return {
    kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1',
    metadata: meta(`${svc.name}-${e.uid.slice(0, 5)}`, svc.namespace, e.uid, e.created, {
      generateName: `${svc.name}-`, generation: 1,
      labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': svc.name },
      ownerReferences: [ownerRef('v1', 'Service', svc.name, svc.uid)],
    }),
    addressType: 'IPv4',
    endpoints: e.endpoints.map((p) => ({
      addresses: [p.ip], conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: svc.namespace, name: p.podName, uid: p.podUid }, nodeName: p.nodeName, zone: p.zone,
    })),
    ports: [{ name: 'http', protocol: 'TCP', port: e.port }],
  };
}

export function ingressObject(i: { service: SimObject; uid: string; created: Date; host: string; port: number }): SimObject {
  const svc = i.service.metadata;
  return {
    kind: 'Ingress', apiVersion: 'networking.k8s.io/v1',
    metadata: meta(svc.name, svc.namespace, i.uid, i.created, { generation: 1 }),
    spec: { ingressClassName: 'nginx', rules: [{ host: i.host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: svc.name, port: { number: i.port } } } }] } }] },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
  };
}

export function storageClassObject(name: string, uid: string, created: Date): SimObject {
  return {
    kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1',
    metadata: meta(name, undefined, uid, created, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
    provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true,
  };
}

export function pvcAndPv(p: { claimName: string; namespace: string; pvcUid: string; pvUid: string; created: Date; storageClass: string; nodeName: string; sizeGi: number }): [SimObject, SimObject] {
  const pvName = `pvc-${p.pvcUid}`;
  const size = `${p.sizeGi}Gi`;
  const pvc: SimObject = {
    kind: 'PersistentVolumeClaim', apiVersion: 'v1',
    metadata: meta(p.claimName, p.namespace, p.pvcUid, p.created, {
      annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/selected-node': p.nodeName, 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path' },
      finalizers: ['kubernetes.io/pvc-protection'],
    }),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, volumeName: pvName, storageClassName: p.storageClass, volumeMode: 'Filesystem' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } },
  };
  const pv: SimObject = {
    kind: 'PersistentVolume', apiVersion: 'v1',
    metadata: meta(pvName, undefined, p.pvUid, p.created, { annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }, finalizers: ['kubernetes.io/pv-protection'] }),
    spec: {
      capacity: { storage: size }, hostPath: { path: `/var/local-path-provisioner/${pvName}_${p.namespace}_${p.claimName}`, type: 'DirectoryOrCreate' }, accessModes: ['ReadWriteOnce'],
      claimRef: { kind: 'PersistentVolumeClaim', namespace: p.namespace, name: p.claimName, uid: p.pvcUid, apiVersion: 'v1' },
      persistentVolumeReclaimPolicy: 'Delete', storageClassName: p.storageClass, volumeMode: 'Filesystem',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [p.nodeName] }] }] } },
    },
    status: { phase: 'Bound' },
  };
  return [pvc, pv];
}

export function hpaObject(h: { target: SimObject; uid: string; created: Date; min: number; max: number; cpuPercent: number }): SimObject {
  const t = h.target.metadata;
  return {
    kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2',
    metadata: meta(t.name, t.namespace, h.uid, h.created),
    spec: { scaleTargetRef: { kind: h.target.kind, name: t.name, apiVersion: h.target.apiVersion }, minReplicas: h.min, maxReplicas: h.max, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    status: {
      currentReplicas: h.min, desiredReplicas: h.min,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: h.cpuPercent, averageValue: `${h.cpuPercent}m` } } }],
      conditions: [
        { type: 'AbleToScale', status: 'True', lastTransitionTime: iso(h.created), reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
        { type: 'ScalingActive', status: 'True', lastTransitionTime: iso(h.created), reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
      ],
    },
  };
}

export function resourceQuotaObject(q: { namespace: string; uid: string; created: Date; podsHard: number; podsUsed: number }): SimObject {
  return {
    kind: 'ResourceQuota', apiVersion: 'v1',
    metadata: meta('compute-quota', q.namespace, q.uid, q.created),
    spec: { hard: { pods: String(q.podsHard), 'requests.cpu': '200', 'requests.memory': '400Gi', 'limits.cpu': '400', 'limits.memory': '800Gi' } },
    status: { hard: { pods: String(q.podsHard), 'requests.cpu': '200', 'requests.memory': '400Gi', 'limits.cpu': '400', 'limits.memory': '800Gi' }, used: { pods: String(q.podsUsed) } },
  };
}

export { selectorString };
