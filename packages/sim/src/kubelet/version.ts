// What each simulated Kubernetes version emits. Sources: K8S-REFERENCE.md §6.2 (summary fields, from the
// kubelet stats/v1alpha1 types history) and the cAdvisor fixtures of 1.22, 1.28 and 1.35 (families present
// in one and absent in the other); gates between fixture versions are our best reading, noted per flag.

export interface KubeletFeatures {
  minor: number;
  /** Full version string as the kubelet reports it, e.g. v1.35.0. */
  gitVersion: string;
  /** Summary: swap stats on node, pods and containers (1.28). */
  swap: boolean;
  /** Summary: runtime.containerFs (split image filesystem, KEP-4191, 1.29). */
  containerFs: boolean;
  /** Summary: cpu.psi, memory.psi, io.psi; cAdvisor container_pressure_* (KubeletPSI beta, on by default in 1.34). */
  psi: boolean;
  /** Summary: pod process_stats (absent in the 1.16 fixture, present in 1.22; in the v0.20.0 types). */
  processStats: boolean;
  /** cAdvisor: container_oom_events_total and container_ulimits_soft (in 1.28, not in 1.22; gate at 1.24). */
  oomEventsAndUlimits: boolean;
  /** cAdvisor: container_memory_kernel_usage, container_memory_total_{active,inactive}_file_bytes,
   *  container_cpu_load_d_average_10s, machine_swap_bytes (in 1.35, not in 1.28; gate at 1.30). */
  newerCadvisorFamilies: boolean;
  /** /metrics/resource: cpu/memory/start-time graduated to [STABLE] and resource_scrape_error replaced
   *  scrape_error in 1.29 (kubernetes PR #116897); [ALPHA] before. */
  resourceMetricsStable: boolean;
  /** /metrics/resource: scrape_error still shown (hidden from 1.30, one release after its deprecation). */
  resourceLegacyScrapeError: boolean;
  /** /metrics/resource: node/pod/container swap usage (1.28, with the swap summary stats). */
  resourceSwap: boolean;
  /** /metrics/resource: container_swap_limit_bytes (newer than swap usage; gate at 1.33, our reading). */
  resourceSwapLimit: boolean;
  /** A Windows kubelet: no system containers, rlimit, RSS or page faults in the summary; no cAdvisor. */
  windows: boolean;
  /** Sandbox image of the version (appears as image= on pause container rows in cAdvisor). */
  pauseImage: string;
}

/** Parses '1.28', 'v1.28.3', '1.35.0-rc.1' → features; anything else is a clear error. */
export function kubeletFeatures(version: string): KubeletFeatures {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m || m[1] !== '1') {
    throw new Error(`simulated kubelet: kubernetesVersion "${version}" is not a Kubernetes 1.x version (expected e.g. "1.35" or "v1.28.3")`);
  }
  const minor = Number(m[2]);
  const patch = m[3] !== undefined ? Number(m[3]) : 0;
  if (minor < 16) {
    // Before 1.16 cAdvisor labels were pod_name/container_name (kubernetes PR #80376); not modelled.
    throw new Error(`simulated kubelet: kubernetesVersion "${version}" is older than 1.16, which the simulator does not model`);
  }
  return {
    minor,
    gitVersion: `v1.${minor}.${patch}`,
    swap: minor >= 28,
    containerFs: minor >= 29,
    psi: minor >= 34,
    processStats: minor >= 20,
    oomEventsAndUlimits: minor >= 24,
    newerCadvisorFamilies: minor >= 30,
    resourceMetricsStable: minor >= 29,
    resourceLegacyScrapeError: minor <= 29,
    resourceSwap: minor >= 28,
    resourceSwapLimit: minor >= 33,
    windows: false,
    pauseImage: minor >= 33 ? 'registry.k8s.io/pause:3.10.1' : minor >= 30 ? 'registry.k8s.io/pause:3.9' : minor >= 25 ? 'registry.k8s.io/pause:3.8' : 'k8s.gcr.io/pause:3.6',
  };
}
