// A realistic SimNodeView from a seed, for the kubelet's own tests and benchmarks (the simulated world
// builds its views from its objects instead). Deterministic: same options, same view.
import type { SimContainerView, SimNodeView, SimPodView, SimVolumeView } from './view.js';
import { between, hash32, unit } from './series.js';
import { hex64 } from './sample.js';

export interface FakeNodeOptions {
  seed: number;
  podCount: number;
  kubernetesVersion?: string;
  /** Node boot time; pods start after it. */
  bootMs: number;
  name?: string;
  cpuCores?: number;
  memoryBytes?: number;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const APPS = ['web', 'api', 'worker', 'cache', 'db', 'queue', 'ingest', 'auth', 'search', 'billing'];
const NAMESPACES = ['default', 'shop', 'payments', 'data', 'monitoring', 'kube-system'];
const IMAGES = ['docker.io/library/nginx:1.27', 'ghcr.io/acme/api:2.4.1', 'docker.io/library/redis:7.2', 'docker.io/library/postgres:16', 'quay.io/prometheus/node-exporter:v1.8.2', 'registry.k8s.io/coredns/coredns:v1.11.3'];
const PROFILES: SimContainerView['profile'][] = ['steady', 'steady', 'steady', 'bursty', 'bursty', 'idle', 'leaky'];

export function uuidOf(seed: number): string {
  const h = hex64(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fakeContainer(seed: number, name: string, qos: SimPodView['qosClass'], startMs: number): SimContainerView {
  const cpuReq = [50, 100, 250, 500, 1000][Math.floor(unit(seed, 1) * 5)];
  const memReq = [64, 128, 256, 512, 1024][Math.floor(unit(seed, 2) * 5)] * MiB;
  const image = IMAGES[Math.floor(unit(seed, 3) * IMAGES.length)];
  const guaranteed = qos === 'Guaranteed';
  const best = qos === 'BestEffort';
  return {
    name,
    containerId: `containerd://${hex64(hash32(seed, 4))}`,
    image,
    imageId: `${image.split(':')[0]}@sha256:${hex64(hash32(seed, 5))}`,
    cpuRequestMilli: best ? null : cpuReq,
    cpuLimitMilli: best ? null : guaranteed ? cpuReq : unit(seed, 6) < 0.5 ? cpuReq * 2 : null,
    memoryRequestBytes: best ? null : memReq,
    memoryLimitBytes: best ? null : guaranteed ? memReq : unit(seed, 7) < 0.7 ? memReq * 2 : null,
    restartCount: 0,
    startTime: new Date(startMs + 1000 + Math.floor(unit(seed, 8) * 4000)),
    profile: PROFILES[Math.floor(unit(seed, 9) * PROFILES.length)],
  };
}

function fakeVolumes(seed: number, podName: string): SimVolumeView[] {
  const vols: SimVolumeView[] = [{ name: `kube-api-access-${hex64(seed).slice(0, 5)}`, kind: 'projected' }];
  if (unit(seed, 20) < 0.4) vols.push({ name: 'config', kind: 'configMap' });
  if (unit(seed, 21) < 0.3) vols.push({ name: 'tmp', kind: 'emptyDir' });
  if (unit(seed, 22) < 0.2) vols.push({ name: 'data', kind: 'pvc', pvcName: `data-${podName}` });
  if (unit(seed, 23) < 0.1) vols.push({ name: 'host-logs', kind: 'hostPath' });
  return vols;
}

export function makeFakeNodeView(o: FakeNodeOptions): SimNodeView {
  const pods: SimPodView[] = [];
  for (let i = 0; i < o.podCount; i++) {
    const seed = hash32(o.seed, 1000 + i);
    const app = APPS[Math.floor(unit(seed, 1) * APPS.length)];
    const name = `${app}-${hex64(seed).slice(0, 10)}-${hex64(seed).slice(10, 15)}`;
    const r = unit(seed, 2);
    const qosClass: SimPodView['qosClass'] = r < 0.2 ? 'Guaranteed' : r < 0.85 ? 'Burstable' : 'BestEffort';
    const startMs = o.bootMs + 60_000 + Math.floor(unit(seed, 3) * 3_600_000);
    const nContainers = 1 + (unit(seed, 4) < 0.3 ? 1 : 0) + (unit(seed, 5) < 0.1 ? 1 : 0);
    const containers = Array.from({ length: nContainers }, (_, c) => fakeContainer(hash32(seed, 100 + c), c === 0 ? app : ['sidecar', 'proxy'][c - 1], qosClass, startMs));
    pods.push({
      uid: uuidOf(seed), name, namespace: NAMESPACES[Math.floor(unit(seed, 6) * NAMESPACES.length)],
      startTime: new Date(startMs), qosClass, phase: unit(seed, 7) < 0.03 ? 'Succeeded' : 'Running',
      containers, volumes: fakeVolumes(seed, name), seed: hash32(seed, 8),
    });
  }
  const idx = o.seed % 250;
  return {
    name: o.name ?? `node-${o.seed}`,
    address: `127.0.1.${1 + idx}`,
    kubeletPort: 10250,
    cpuCores: o.cpuCores ?? [4, 8, 16, 32][Math.floor(unit(o.seed, 1) * 4)],
    memoryBytes: o.memoryBytes ?? [16, 32, 64, 128][Math.floor(unit(o.seed, 2) * 4)] * GiB,
    startTime: new Date(o.bootMs),
    kubernetesVersion: o.kubernetesVersion ?? '1.35',
    ready: true,
    pods,
    seed: o.seed,
  };
}

export { between };
