// Strategic merge patches as the API server applies them: directly on the function, over HTTPS, and from
// real kubectls, an old and a current one (`kubectl patch` sends a strategic merge patch by default; so do
// `apply`, `label`, `annotate` and `set image`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '../src/index.js';
import { strategicMergePatch } from '../src/apiserver/strategic-merge.js';
import { mergePatch } from '../src/apiserver/writes.js';
import { call, get } from './api-helpers.js';
import type { WireList, WirePod, WireWorkload } from './wire.js';
import { KUBECTLS, Kubectl } from './kubectl-clients.js';

let sim: SimCluster;
let dir: string;

interface Container { name: string; image: string; env?: Array<{ name: string; value?: string }>; ports?: Array<{ containerPort: number; name?: string }>; resources?: unknown; [k: string]: unknown }
type Deployment = WireWorkload & { spec: { template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: Container[]; tolerations?: unknown[] } } } };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubepulse-smp-'));
  sim = await startSim({ name: 'smp', nodes: 2, podsPerNode: 8, seed: 13, podChurnIntervalMs: 0 });
  await writeKubeconfig(join(dir, 'kubeconfig'), [sim]);
});

after(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

const base = {
  metadata: { name: 'web', finalizers: ['a'], labels: { app: 'web' } },
  spec: {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    template: {
      spec: {
        containers: [
          { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] },
          { name: 'sidecar', image: 'proxy:1' },
        ],
        tolerations: [{ key: 'x', operator: 'Exists' }],
        volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }],
      },
    },
  },
  status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] },
};
type Base = typeof base;
const smp = (patch: unknown): Base => strategicMergePatch('deployments', structuredClone(base), patch) as Base;
const containers = (o: Base): Container[] => o.spec.template.spec.containers;

test('lists with a patch merge key merge element by element; other lists are replaced', () => {
  const out = smp({ spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }, { name: 'debug', image: 'busybox' }] } } } });
  assert.deepEqual(containers(out).map((c) => [c.name, c.image]), [['app', 'app:2'], ['sidecar', 'proxy:1'], ['debug', 'busybox']]);
  assert.deepEqual(containers(out)[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }], 'env merged by name inside the container');
  assert.deepEqual(containers(out)[0].ports, [{ containerPort: 80, name: 'http' }], 'untouched fields of a merged element stay');
  const conds = smp({ status: { conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] } }).status.conditions;
  assert.deepEqual(conds, [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }, { type: 'Progressing', status: 'True' }], 'conditions by type');
  assert.deepEqual(smp({ spec: { template: { spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } } } }).spec.template.spec.tolerations, [{ key: 'y', operator: 'Exists' }], 'tolerations have no merge key: replaced');
  assert.deepEqual(smp({ metadata: { finalizers: ['b', 'a'] } }).metadata.finalizers, ['a', 'b'], 'finalizers: a set');
  // A merge patch (RFC 7386) replaces lists: the same patch loses the sidecar.
  const merged = mergePatch(structuredClone(base), { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } }) as Base;
  assert.deepEqual(containers(merged), [{ name: 'app', image: 'app:2' }]);
});

test('directives: $patch delete and replace, $retainKeys, $deleteFromPrimitiveList; $setElementOrder is accepted', () => {
  assert.deepEqual(containers(smp({ spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } })).map((c) => c.name), ['app']);
  const replaced = smp({ spec: { template: { spec: { volumes: [{ name: 'only', emptyDir: {} }, { $patch: 'replace' }] } } } });
  assert.deepEqual(replaced.spec.template.spec.volumes, [{ name: 'only', emptyDir: {} }]);
  const mapReplaced = smp({ spec: { strategy: { type: 'Recreate', $patch: 'replace' } } });
  assert.deepEqual(mapReplaced.spec.strategy, { type: 'Recreate' });
  const retained = smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual(retained.spec.strategy, { type: 'Recreate' }, 'rollingUpdate dropped: not retained');
  assert.deepEqual(smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers, []);
  const ordered = smp({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'app:3' }] } } } });
  assert.deepEqual(containers(ordered).map((c) => c.image), ['app:3', 'proxy:1']);
  assert.deepEqual(smp({ metadata: { labels: { app: null, tier: 'front' } } }).metadata.labels, { tier: 'front' });
  assert.throws(() => smp({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }), /does not contain declared merge key: name/);
  assert.throws(() => smp({ spec: { $patch: 'explode' } }), /unknown \$patch "explode"/);
});

async function deployment(): Promise<Deployment> {
  const items = (await get<WireList<Deployment>>(sim, '/apis/apps/v1/deployments')).json.items;
  const d = items.find((x) => x.spec.template.spec.containers.length > 0);
  assert.ok(d, 'a deployment');
  return d;
}

for (const client of KUBECTLS) {
  // Each client its own discovery cache; both patch the same cluster, each change undone or idempotent.
  const kubectl = (args: string[]) => new Kubectl(client.install(), join(dir, 'kubeconfig'), join(dir, `cache-${client.label.replace(/\W+/g, '-')}`)).run(args);

  test(`${client.label}: kubectl patch (strategic by default) changes one container and keeps the rest; the wire content type too`, async () => {
    const d = await deployment();
    const ns = d.metadata.namespace!;
    const before = d.spec.template.spec.containers;
    const target = before[0];
    const patch = JSON.stringify({ spec: { template: { spec: { containers: [{ name: target.name, image: 'registry.example/patched:2' }, { name: 'added', image: 'busybox:1' }] } } } });
    const r = await kubectl(['patch', 'deployment', d.metadata.name, '-n', ns, '-p', patch]);
    assert.equal(r.code, 0, r.stderr);
    const after = (await get<Deployment>(sim, `/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}`)).json.spec.template.spec.containers;
    assert.deepEqual(after.map((c) => c.name), [...before.map((c) => c.name), 'added']);
    assert.deepEqual({ ...after[0], image: target.image }, target, 'only the image of the patched container changed');
    const del = await call<Deployment>(sim, 'PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}`, {
      body: { spec: { template: { spec: { containers: [{ name: 'added', $patch: 'delete' }] } } } }, contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.json.spec.template.spec.containers.map((c) => c.name), before.map((c) => c.name));
  });

  test(`${client.label}: kubectl apply patches an existing deployment (last-applied annotation, $setElementOrder)`, async () => {
    const d = await deployment();
    const ns = d.metadata.namespace!;
    const c = d.spec.template.spec.containers[0];
    const manifest = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.metadata.name, namespace: ns, labels: { ...d.metadata.labels, applied: 'yes' } },
      spec: { selector: d.spec.selector, template: { metadata: { labels: d.spec.template.metadata.labels }, spec: { containers: [{ name: c.name, image: 'registry.example/applied:3' }] } } },
    };
    const file = join(dir, 'deploy.json');
    writeFileSync(file, JSON.stringify(manifest));
    for (const round of [1, 2]) {
      manifest.spec.template.spec.containers[0].image = `registry.example/applied:${round + 2}`;
      writeFileSync(file, JSON.stringify(manifest));
      // kubectl ≥ 1.27 leaves validation to the server once /openapi/v3 shows PATCH takes fieldValidation;
      // older ones want the whole v2 schema as protobuf, which the sim does not serve.
      const r = await kubectl(['apply', ...(client.minor >= 27 ? [] : ['--validate=false']), '-f', file]);
      assert.equal(r.code, 0, `apply round ${round}: ${r.stderr}`);
      const now = (await get<Deployment>(sim, `/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}`)).json;
      assert.equal(now.metadata.labels?.applied, 'yes');
      assert.ok(now.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']?.includes('registry.example/applied'), 'kubectl keeps its last-applied configuration');
      const applied = now.spec.template.spec.containers.find((x) => x.name === c.name);
      assert.equal(applied?.image, `registry.example/applied:${round + 2}`);
      assert.deepEqual(applied?.resources, c.resources, 'fields the manifest does not name stay');
    }
  });

  test(`${client.label}: kubectl label and annotate pods; other pod changes are refused`, async () => {
    const pod = (await get<WireList<WirePod>>(sim, '/api/v1/namespaces/kube-system/pods')).json.items[0];
    const ok = await kubectl(['label', 'pod', pod.metadata.name, '-n', 'kube-system', 'audit=done']);
    assert.equal(ok.code, 0, ok.stderr);
    const note = await kubectl(['annotate', 'pod', pod.metadata.name, '-n', 'kube-system', 'note=Grüße\u00a0aus Köln']);
    assert.equal(note.code, 0, note.stderr);
    const now = (await get<WirePod>(sim, `/api/v1/namespaces/kube-system/pods/${pod.metadata.name}`)).json;
    assert.equal(now.metadata.labels?.audit, 'done');
    assert.equal(now.metadata.annotations?.note, 'Grüße\u00a0aus Köln');
    assert.deepEqual({ ...now.metadata.labels, audit: undefined }, { ...pod.metadata.labels, audit: undefined });
    const drop = await kubectl(['annotate', 'pod', pod.metadata.name, '-n', 'kube-system', 'note-']);
    assert.equal(drop.code, 0, drop.stderr);
    assert.equal((await get<WirePod>(sim, `/api/v1/namespaces/kube-system/pods/${pod.metadata.name}`)).json.metadata.annotations?.note, undefined);
    const image = await call(sim, 'PATCH', `/api/v1/namespaces/kube-system/pods/${pod.metadata.name}`, {
      body: { spec: { containers: [{ name: pod.spec.containers[0].name, image: 'other:1' }] } }, contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(image.status, 422);
    assert.match(image.text, /labels and metadata.annotations only/);
  });
}
