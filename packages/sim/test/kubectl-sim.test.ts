// Drives the simulated cluster with real kubectls, an old and a current one (kubectl-clients.ts): get,
// watch, delete, scale, cordon, top and raw kubelet reads. Each client gets its own cluster.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '../src/index.js';
import { get } from './api-helpers.js';
import type { Summary, WireList, WireNode, WirePod, WireWorkload } from './wire.js';
import { KUBECTLS, Kubectl, type KubectlClient } from './kubectl-clients.js';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function suite(client: KubectlClient): void {
  let sim: SimCluster;
  let dir: string;
  let k: Kubectl;
  const kubectl = (args: string[]) => k.run(args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubepulse-kubectl-'));
    k = new Kubectl(client.install(), join(dir, 'kubeconfig'), join(dir, 'cache'));
    sim = await startSim({ name: 'kubectl-sim', nodes: 3, podsPerNode: 10, seed: 5, podChurnIntervalMs: 1000 });
    await writeKubeconfig(join(dir, 'kubeconfig'), [sim]);
  });

  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl get nodes lists every simulated node', async () => {
    const r = await kubectl(['get', 'nodes']);
    assert.equal(r.code, 0, r.stderr);
    for (const n of sim.nodes()) assert.match(r.stdout, new RegExp(`^${n.name}\\s+Ready\\s`, 'm'));
  });

  test('kubectl get pods -A lists the pods the API serves, with their namespaces', async () => {
    const r = await kubectl(['get', 'pods', '-A']);
    assert.equal(r.code, 0, r.stderr);
    // Server-side printing: kubectl shows the apiserver's Table columns.
    assert.match(r.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    const api = (await get<WireList<WirePod>>(sim, '/api/v1/namespaces/kube-system/pods')).json.items;
    assert.ok(api.length > 0);
    for (const p of api) assert.match(r.stdout, new RegExp(`^kube-system\\s+${p.metadata.name}\\s`, 'm'));
  });

  test('kubectl get pods -A -w prints pods created by churn after the initial list', async () => {
    const child = k.spawn(['get', 'pods', '-A', '-w']);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    try {
      const initial = new Set((await get<WireList<WirePod>>(sim, '/api/v1/pods')).json.items.map((p) => p.metadata.name));
      const fresh = await until('a churned-in pod in the watch output', async () => {
        const names = out.split('\n').map((l) => l.trim().split(/\s+/)[1]).filter((n): n is string => !!n && n !== 'NAME');
        return names.find((n) => !initial.has(n));
      }, 20_000);
      const now = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json.items.map((p) => p.metadata.name);
      assert.ok(now.includes(fresh) || out.includes(fresh), 'the new pod exists in the cluster');
    } finally {
      child.kill();
    }
  });

  test('kubectl delete pod removes it; its replicaset replaces it', async () => {
    const pods = (await get<WireList<WirePod>>(sim, '/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dcoredns')).json.items;
    const victim = pods[0].metadata.name;
    const r = await kubectl(['delete', 'pod', '-n', 'kube-system', victim]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`pod "${victim}" deleted`));
    assert.equal((await get(sim, `/api/v1/namespaces/kube-system/pods/${victim}`)).status, 404);
    await until('the replacement coredns pod', async () => {
      const now = (await get<WireList<WirePod>>(sim, '/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dcoredns')).json.items;
      return now.length === pods.length ? now : undefined;
    });
  });

  test('kubectl scale deployment changes replicas and the pods follow', async () => {
    const deps = (await get<WireList<WireWorkload>>(sim, '/apis/apps/v1/deployments')).json.items.filter((d) => !d.metadata.namespace!.startsWith('kube'));
    const d = deps[0];
    const target = d.spec.replicas + 2;
    const r = await kubectl(['scale', 'deployment', d.metadata.name, '-n', d.metadata.namespace!, `--replicas=${target}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /scaled/);
    const after = (await get<WireWorkload>(sim, `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments/${d.metadata.name}`)).json;
    assert.equal(after.spec.replicas, target);
    await until('the scaled pod count', async () => {
      const dep = (await get<WireWorkload>(sim, `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments/${d.metadata.name}`)).json;
      const pods = (await get<WireList<WirePod>>(sim, `/api/v1/namespaces/${d.metadata.namespace}/pods?labelSelector=app%3D${d.metadata.name}`)).json.items;
      return pods.length === target && dep.status.replicas === target ? true : undefined;
    });
  });

  test('kubectl cordon and uncordon toggle spec.unschedulable', async () => {
    const node = sim.nodes()[1].name;
    const c = await kubectl(['cordon', node]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /cordoned/);
    const cordoned = (await get<WireNode>(sim, `/api/v1/nodes/${node}`)).json;
    assert.equal(cordoned.spec.unschedulable, true);
    assert.ok(cordoned.spec.taints!.some((t) => t.key === 'node.kubernetes.io/unschedulable'));
    const u = await kubectl(['uncordon', node]);
    assert.equal(u.code, 0, u.stderr);
    const uncordoned = (await get<WireNode>(sim, `/api/v1/nodes/${node}`)).json;
    assert.notEqual(uncordoned.spec.unschedulable, true);
    assert.equal(uncordoned.spec.taints, undefined);
  });

  // --subresource arrived in kubectl 1.24.
  if (client.minor >= 24) {
    test('kubectl get --subresource prints the scale and status subresources', async () => {
      const d = (await get<WireList<WireWorkload>>(sim, '/apis/apps/v1/namespaces/kube-system/deployments')).json.items[0];
      const scale = await kubectl(['get', 'deployment', d.metadata.name, '-n', 'kube-system', '--subresource', 'scale']);
      assert.equal(scale.code, 0, scale.stderr);
      assert.match(scale.stdout, new RegExp(`^NAME\\s+DESIRED\\s+AVAILABLE\\n${d.metadata.name}\\s+${d.spec.replicas}\\s+\\d+\\n$`));
      const node = sim.nodes()[0].name;
      const status = await kubectl(['get', 'node', node, '--subresource', 'status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, new RegExp(`^${node}\\s+Ready\\s`, 'm'));
    });
  }

  test('kubectl get --raw reaches every kubelet endpoint through the node proxy', async () => {
    const node = sim.nodes()[0].name;
    const summary = await kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/stats/summary`]);
    assert.equal(summary.code, 0, summary.stderr);
    const s = JSON.parse(summary.stdout) as Summary;
    assert.equal(s.node.nodeName, node);
    // A kubelet sample stands for its whole housekeeping tick: pods started after the sample's time (the
    // scale test just before creates some) appear in the next one.
    const sampleAt = Date.parse(s.node.cpu.time);
    const apiPods = (await get<WireList<WirePod>>(sim, `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).json.items.filter(
      (p) => p.status.phase === 'Running' && Date.parse(p.status.startTime) < sampleAt,
    );
    // A static pod's kubelet reports its config hash, which its mirror pod names in an annotation.
    const kubeletUid = (p: WirePod): string => p.metadata.annotations?.['kubernetes.io/config.mirror'] ?? p.metadata.uid;
    for (const p of apiPods) assert.ok(s.pods.some((sp) => sp.podRef.uid === kubeletUid(p)), `summary has pod ${p.metadata.name}`);
    const cadvisor = await kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/metrics/cadvisor`]);
    assert.equal(cadvisor.code, 0, cadvisor.stderr);
    assert.match(cadvisor.stdout, /^container_cpu_usage_seconds_total\{/m);
    const resource = await kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/metrics/resource`]);
    assert.equal(resource.code, 0, resource.stderr);
    assert.match(resource.stdout, /^node_cpu_usage_seconds_total /m);
    const healthz = await kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/healthz`]);
    assert.equal(healthz.code, 0, healthz.stderr);
    assert.equal(healthz.stdout.trim(), 'ok');
  });

  test('kubectl top nodes and top pods read metrics.k8s.io from the kubelets\' figures', async () => {
    const nodes = await kubectl(['top', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /^NAME\s+CPU\(cores\)\s+CPU\(?%\)?\s+MEMORY\(bytes\)\s+MEMORY\(?%\)?/);
    for (const n of sim.nodes()) assert.match(nodes.stdout, new RegExp(`^${n.name}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi`, 'm'));
    const pods = await kubectl(['top', 'pods', '-n', 'kube-system']);
    assert.equal(pods.code, 0, pods.stderr);
    const apiPods = (await get<WireList<WirePod>>(sim, '/api/v1/namespaces/kube-system/pods')).json.items;
    for (const p of apiPods) assert.match(pods.stdout, new RegExp(`^${p.metadata.name}\\s+\\d+m\\s+\\d+Mi`, 'm'));
  });
}

for (const client of KUBECTLS) describe(client.label, () => suite(client));
