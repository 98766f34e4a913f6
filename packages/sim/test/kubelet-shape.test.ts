// Shape tests: the simulated kubelet's output has the keys and value types of real kubelet output for the
// same Kubernetes version (fixtures in test/fixtures, see PROVENANCE.md), and for cAdvisor and
// /metrics/resource the same metric families, types and label names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubelet } from '../src/kubelet/index.js';
import { makeFakeNodeView } from '../src/kubelet/fake-view.js';
import { jsonShape, ManualClock, parseProm, readFixture } from './kubelet-helpers.js';

const BOOT_MS = Date.parse('2026-06-26T08:00:00Z');

function kubeletFor(version: string) {
  const view = makeFakeNodeView({ seed: 42, podCount: 40, bootMs: BOOT_MS, kubernetesVersion: version });
  const clock = new ManualClock(BOOT_MS + 5 * 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: clock.now });
  return { view, clock, kubelet };
}

/** Fixture keys the simulator deliberately lacks, with the reason. Keyed by fixture file, then JSON path. */
const SUMMARY_ALLOWED_MISSING: Record<string, Record<string, string>> = {
  'summary-beats-gke-2017-multicontainer.json': {
    '.node.systemContainers[].userDefinedMetrics': 'null in a hand-edited 2017 GKE capture; kubelets omit it unless a runtime reports custom metrics',
    '.pods[].containers[].userDefinedMetrics': 'null in a hand-edited 2017 GKE capture; kubelets omit it unless a runtime reports custom metrics',
  },
};

/** Summary fixtures and the simulated version they are compared with. */
const SUMMARY_FIXTURES: Array<[string, string]> = [
  ['summary-nri-1.16.json', '1.16'],
  ['summary-nri-1.22.json', '1.22'],
  ['summary-nri-1.28.json', '1.28'],
  ['summary-nri-1.35.json', '1.35'],
  // ~1.6 (GKE 2017): compared with the oldest version the simulator models.
  ['summary-beats-gke-2017-multicontainer.json', '1.16'],
];

for (const [file, version] of SUMMARY_FIXTURES) {
  test(`summary shape: simulated ${version} has every key and value type of ${file}`, () => {
    const fixture = jsonShape(JSON.parse(readFixture(file)));
    const { kubelet } = kubeletFor(version);
    const res = kubelet.serve('/stats/summary');
    assert.equal(res.status, 200);
    assert.equal(res.contentType, 'application/json');
    const sim = jsonShape(JSON.parse(res.body));
    const allowed = SUMMARY_ALLOWED_MISSING[file] ?? {};
    const problems: string[] = [];
    for (const [path, types] of fixture) {
      const simTypes = sim.get(path);
      if (!simTypes) {
        if (!(path in allowed)) problems.push(`missing ${path} (${[...types].join('/')})`);
        continue;
      }
      for (const t of simTypes) if (!types.has(t)) problems.push(`${path}: simulator emits ${t}, fixture has ${[...types].join('/')}`);
    }
    assert.deepEqual(problems, [], `shape differences against ${file}`);
    for (const path of Object.keys(allowed)) assert.ok(fixture.has(path), `allow-list entry ${path} is stale: ${file} does not have it`);
  });
}

test('summary shape: fields appear only in the versions that have them', () => {
  const keysOf = (version: string) => jsonShape(JSON.parse(kubeletFor(version).kubelet.serve('/stats/summary').body));
  const v124 = keysOf('1.24');
  const v128 = keysOf('1.28');
  const v135 = keysOf('1.35');
  assert.ok(!v124.has('.node.swap') && v128.has('.node.swap') && v135.has('.pods[].containers[].swap.swapAvailableBytes'));
  assert.ok(!v128.has('.node.runtime.containerFs') && v135.has('.node.runtime.containerFs.usedBytes'));
  assert.ok(!v128.has('.node.cpu.psi') && v135.has('.node.cpu.psi.some.avg10') && v135.has('.pods[].io.psi.full.total'));
  assert.ok(v124.has('.pods[].process_stats.process_count') && !keysOf('1.16').has('.pods[].process_stats'));
});

/** Label names per family: the union and each distinct set. */
function labelSets(text: string): Map<string, { type: string | null; sets: Set<string> }> {
  const out = new Map<string, { type: string | null; sets: Set<string> }>();
  for (const [name, fam] of parseProm(text)) {
    const sets = new Set<string>();
    for (const s of fam.samples) sets.add(Object.keys(s.labels).sort().join(','));
    out.set(name, { type: fam.type, sets });
  }
  return out;
}

/** Families one side has and the other lacks, with the reason. */
const CADVISOR_ALLOWED: Record<string, Record<string, string>> = {};

for (const [file, version] of [['cadvisor-nri-1.22.txt', '1.22'], ['cadvisor-nri-1.28.txt', '1.28'], ['cadvisor-nri-1.35.txt', '1.35']] as const) {
  test(`cAdvisor shape: simulated ${version} has the families, types and label names of ${file}`, () => {
    const fixture = labelSets(readFixture(file));
    const { kubelet } = kubeletFor(version);
    const res = kubelet.serve('/metrics/cadvisor');
    assert.equal(res.status, 200);
    assert.match(res.contentType, /^text\/plain; version=0\.0\.4/);
    const sim = labelSets(res.body);
    const allowed = CADVISOR_ALLOWED[file] ?? {};
    const problems: string[] = [];
    for (const [name, f] of fixture) {
      const s = sim.get(name);
      if (!s) {
        if (!(name in allowed)) problems.push(`missing family ${name}`);
        continue;
      }
      if (s.type !== f.type) problems.push(`${name}: type ${s.type}, fixture ${f.type}`);
      if ([...s.sets].join('|') !== [...f.sets].join('|')) problems.push(`${name}: labels {${[...s.sets].join('|')}}, fixture {${[...f.sets].join('|')}}`);
    }
    for (const name of sim.keys()) if (!fixture.has(name) && !(name in allowed)) problems.push(`extra family ${name}`);
    assert.deepEqual(problems, [], `cAdvisor differences against ${file}`);
  });
}

test('cAdvisor shape: row kinds of a real kubelet (root, pod cgroup, pause, app container) and timestamps', () => {
  const { kubelet, view } = kubeletFor('1.35');
  const fams = parseProm(kubelet.serve('/metrics/cadvisor').body);
  const cpu = fams.get('container_cpu_usage_seconds_total')!.samples;
  assert.ok(cpu.some((s) => s.labels.id === '/' && s.labels.pod === ''), 'node root row');
  const pod = view.pods.find((p) => p.phase === 'Running')!;
  const podRows = cpu.filter((s) => s.labels.pod === pod.name);
  assert.ok(podRows.some((s) => s.labels.container === '' && s.labels.image === ''), 'pod cgroup row');
  assert.ok(podRows.some((s) => s.labels.container === '' && /pause/.test(s.labels.image)), 'pause container row');
  for (const c of pod.containers) assert.ok(podRows.some((s) => s.labels.container === c.name), `app row for ${c.name}`);
  assert.ok(cpu.every((s) => s.timestampMs !== null), 'sampled values carry ms timestamps');
  assert.ok(fams.get('container_spec_cpu_shares')!.samples.every((s) => s.timestampMs === null), 'spec values carry none');
  const net = fams.get('container_network_receive_bytes_total')!.samples;
  assert.ok(net.filter((s) => s.labels.pod === pod.name).every((s) => /pause/.test(s.labels.image) && s.labels.interface === 'eth0'), 'pod network on the sandbox row');
  const limited = view.pods.filter((p) => p.phase === 'Running').flatMap((p) => p.containers).filter((c) => c.cpuLimitMilli !== null);
  const throttled = fams.get('container_cpu_cfs_throttled_periods_total')!.samples.filter((s) => s.labels.container !== '');
  assert.equal(throttled.length, limited.length, 'CFS families exactly for containers with a CPU limit');
});

test('resource metrics shape: families, labels and stability prefix match the fixture (ALPHA era)', () => {
  const fixture = parseProm(readFixture('resource-metrics-server-2021.txt'));
  const { kubelet } = kubeletFor('1.22');
  const sim = parseProm(kubelet.serve('/metrics/resource').body);
  assert.deepEqual([...sim.keys()].sort(), [...fixture.keys()].sort());
  for (const [name, f] of fixture) {
    const s = sim.get(name)!;
    assert.equal(s.type, f.type, name);
    assert.deepEqual(Object.keys(s.samples[0].labels).sort(), Object.keys(f.samples[0].labels).sort(), name);
    if (f.help) assert.ok(s.help?.startsWith('[ALPHA] '), `${name} help ${s.help}`);
  }
  const v135 = parseProm(kubeletFor('1.35').kubelet.serve('/metrics/resource').body);
  assert.ok(v135.get('node_cpu_usage_seconds_total')!.help!.startsWith('[STABLE] '));
  assert.ok(v135.has('resource_scrape_error') && !v135.has('scrape_error') && v135.has('container_swap_usage_bytes'));
});
