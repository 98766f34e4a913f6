// The pods the simulator serves against pods from a real 1.35 cluster (test/fixtures/pods-nri-1.35.json):
// every key path a real pod carries is present on some simulated pod, but for the few the simulator does
// not model (listed with why). And a scheduler that keeps each node's requests within its allocatable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim, type SimCluster } from '../src/index.js';
import { World } from '../src/model/world.js';
import { seedWorld } from '../src/model/seed.js';
import { call, get } from './api-helpers.js';
import { fixture } from './paths.js';
import type { WireList, WirePod } from './wire.js';

/** Key paths of a JSON value (arrays as []); inside maps keyed by user data (labels, requests …) only the map. */
function keyPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) keyPaths(v, `${prefix}[]`, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (/\.(labels|annotations|requests|limits|allocatedResources|nodeSelector|fieldsV1|capacity|allocatable)$/.test(prefix)) return;
  for (const [k, v] of Object.entries(value)) {
    out.add(`${prefix}.${k}`);
    keyPaths(v, `${prefix}.${k}`, out);
  }
}

/** What the simulated pods leave out on purpose, or show only in states a fresh simulated cluster is not in. */
const NOT_MODELLED = [
  /^\.spec\.affinity\.podAntiAffinity/, // coredns' spreading preference: the simulator places pods itself
  /^\.spec\.automountServiceAccountToken$/,
  /\.httpGet\.host$/, /\.ports\[\]\.hostPort$/, /\.readinessProbe\.exec/, /\.startupProbe\.initialDelaySeconds$/,
  /\.securityContext\.capabilities\.add$/, /\.securityContext\.privileged$/,
  /^\.spec\.resources/, // pod-level resources (1.34 beta): none of the simulated workloads sets them
  /\.configMap\.items/,
  /^\.status\.conditions\[\]\.message$/, // only on a pod not ready (checked below)
  /^\.status\.containerStatuses\[\]\.lastState\.terminated/, // only after a restart
];

interface LoosePod {
  metadata: { name: string; finalizers?: string[]; ownerReferences?: Array<{ kind: string }>; managedFields: Array<{ manager: string; subresource?: string }> };
  spec: { nodeName: string; hostname?: string; affinity?: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: Array<{ matchFields: Array<{ values: string[] }> }> } } } };
}

let sim: SimCluster;

before(async () => {
  sim = await startSim({ name: 'realism', nodes: 3, podsPerNode: 30, seed: 12, podChurnIntervalMs: 0 });
});

after(async () => {
  await sim?.stop();
});

test('simulated pods carry the keys real pods carry (managedFields, finalizers, hostname/subdomain, probes, security contexts …)', async () => {
  const real = new Set<string>();
  for (const p of (JSON.parse(readFileSync(fixture('pods-nri-1.35.json'), 'utf8')) as { items: unknown[] }).items) keyPaths(p, '', real);
  const served = new Set<string>();
  const pods = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json.items;
  for (const p of pods) keyPaths(p, '', served);
  const missing = [...real].filter((k) => !served.has(k) && !NOT_MODELLED.some((re) => re.test(k)));
  assert.deepEqual(missing, [], 'key paths of real pods the simulated ones lack');
  // A few of them where they belong.
  const loose = pods as unknown as LoosePod[];
  const byOwner = (kind: string) => loose.filter((p) => p.metadata.ownerReferences?.[0]?.kind === kind);
  for (const p of byOwner('Job')) assert.deepEqual(p.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
  for (const p of byOwner('StatefulSet')) assert.equal(p.spec.hostname, p.metadata.name);
  for (const p of byOwner('DaemonSet')) assert.deepEqual(p.spec.affinity?.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values, [p.spec.nodeName]);
  for (const p of loose) assert.equal(p.metadata.managedFields.at(-1)?.subresource, 'status', `${p.metadata.name}: the kubelet owns the status`);
});

test('a pod that is not ready says why in its conditions, as the kubelet writes them', () => {
  const world = new World({ name: 'w', seed: 5, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 100, eventCapacity: 10, now: Date.now });
  seedWorld(world, { nodes: 1, podsPerNode: 4, nodeAddress: () => '127.0.9.1', kubeletPort: () => 10250 });
  const pod = [...world.podsByUid.values()].find((p) => p.phase === 'Running')!;
  pod.phase = 'Pending';
  const conditions = (pod.toJSON().status as { conditions: Array<{ type: string; status: string; reason?: string; message?: string }> }).conditions;
  const names = pod.template.containers.map((c) => c.name).join(' ');
  for (const type of ['Ready', 'ContainersReady']) {
    const c = conditions.find((x) => x.type === type)!;
    assert.deepEqual([c.status, c.reason, c.message], ['False', 'ContainersNotReady', `containers with unready status: [${names}]`]);
  }
  world.stop();
});

test('the scheduler keeps every node\'s requests within its allocatable, also when asked for more than fits', async () => {
  const check = async (when: string): Promise<number> => {
    const nodes = (await get<WireList<{ metadata: { name: string }; status: { allocatable: Record<string, string> } }>>(sim, '/api/v1/nodes')).json.items;
    const pods = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json.items.filter((p) => p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed');
    let placed = 0;
    for (const n of nodes) {
      const cpu = milli(n.status.allocatable.cpu);
      let requested = 0;
      for (const p of pods.filter((x) => x.spec.nodeName === n.metadata.name)) {
        for (const c of p.spec.containers) requested += milli(c.resources?.requests?.cpu ?? '0');
        placed++;
      }
      assert.ok(requested <= cpu, `${when}: ${n.metadata.name} has ${requested}m CPU requested of ${cpu}m allocatable`);
    }
    return placed;
  };
  const before = await check('seeded');
  assert.ok(before >= 3 * 30 - 10, `the seeded pods fit (${before})`);
  const dep = (await get<WireList<{ metadata: { name: string; namespace: string } }>>(sim, '/apis/apps/v1/deployments')).json.items.find((d) => d.metadata.namespace !== 'kube-system')!;
  const r = await call(sim, 'PATCH', `/apis/apps/v1/namespaces/${dep.metadata.namespace}/deployments/${dep.metadata.name}/scale`, { body: { spec: { replicas: 400 } }, contentType: 'application/merge-patch+json' });
  assert.equal(r.status, 200, r.text);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the controller reconciles after its delay
  const after = await check('scaled past capacity');
  assert.ok(after > before, 'some of the new replicas were placed');
});

function milli(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
