// The contract between the simulated API server's world (objects) and the simulated kubelets (stats).
// The world owns nodes and pods; a kubelet reads its node's view on every housekeeping tick and keeps
// its own time-evolving counters keyed by pod uid and container name.

export interface SimContainerView {
  name: string;
  /** e.g. containerd://<64 hex> */
  containerId: string;
  image: string;
  imageId: string;
  cpuRequestMilli: number | null;
  cpuLimitMilli: number | null;
  memoryRequestBytes: number | null;
  memoryLimitBytes: number | null;
  restartCount: number;
  /** Start of the current incarnation (changes when the container restarts). */
  startTime: Date;
  /** Seeded behaviour profile, stable for the container's life: 'steady', 'bursty', 'leaky', 'idle'. */
  profile: 'steady' | 'bursty' | 'leaky' | 'idle';
}

export interface SimVolumeView {
  name: string;
  /** PVC name when the volume is a persistentVolumeClaim. */
  pvcName?: string;
  kind: 'emptyDir' | 'configMap' | 'secret' | 'projected' | 'pvc' | 'hostPath';
}

export interface SimPodView {
  uid: string;
  name: string;
  namespace: string;
  startTime: Date;
  /** QoS class: Guaranteed | Burstable | BestEffort (selects the cgroup path in cAdvisor ids). */
  qosClass: 'Guaranteed' | 'Burstable' | 'BestEffort';
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  containers: SimContainerView[];
  volumes: SimVolumeView[];
  /** Seed for this pod's series (derived from the world seed and the uid). */
  seed: number;
}

export interface SimNodeView {
  name: string;
  /** Loopback address the node's kubelet listens on directly (e.g. 127.0.1.7). */
  address: string;
  kubeletPort: number;
  cpuCores: number;
  memoryBytes: number;
  /** Boot time of the node (node.startTime in the summary; changes on reboot). */
  startTime: Date;
  kubernetesVersion: string;
  ready: boolean;
  pods: SimPodView[];
  seed: number;
  /** Optional: the kubelet's cgroup driver, which shapes cAdvisor `id` labels (default 'cgroupfs', as in
   *  the fixtures: /kubepods/burstable/pod<uid>/<id>; 'systemd': /kubepods.slice/…-pod<uid_>.slice/cri-containerd-<id>.scope). */
  cgroupDriver?: 'cgroupfs' | 'systemd';
  /** Windows kubelets serve no cAdvisor and a leaner summary (default 'linux'). */
  os?: 'linux' | 'windows';
}

/** What the world lets a kubelet report back (a container it restarted, e.g. after an OOM kill). */
export interface SimKubeletCallbacks {
  containerRestarted(podUid: string, container: string, reason: 'OOMKilled' | 'Error', at: Date): void;
}
