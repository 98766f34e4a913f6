// The Kubernetes manifests grant exactly what the collector reads: list+watch of every kind in
// ALL_KINDS, get on the kubelet sub-resources, nothing on Secrets, no write verbs. The systemd unit and
// the Dockerfile run with --no-watchdog (their manager restarts the process). The manifests are read with
// a real YAML parser (js-yaml through @kubernetes/client-node's loadAllYaml, which kubectl-style tooling
// uses too), so block lists, quoting and multi-document files are read as Kubernetes reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllYaml } from '@kubernetes/client-node';
import { REPO_ROOT } from '../helpers/paths.js';
import { ALL_KINDS } from '../../src/inventory/kinds/index.js';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }
interface Manifest { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown }
/** The fields of the Deployment these tests read. */
type DeploymentManifest = Manifest & { spec: { replicas: number; template: { spec: { serviceAccountName: string; containers: Array<{ args: string[] }> } } } };

function manifests(file: string): Manifest[] {
  // client-node 2 loads manifests into its model classes (V1RoleRef …); the test compares plain JSON.
  const loaded: unknown = JSON.parse(JSON.stringify(loadAllYaml(readFileSync(join(REPO_ROOT, 'deploy/kubernetes', file), 'utf8'))));
  const docs = (loaded as Array<Partial<Manifest> | null | undefined>).filter((d) => d !== null && d !== undefined);
  for (const d of docs) assert.ok(d.apiVersion && d.kind && d.metadata?.name, `${file}: every document is a Kubernetes object (${JSON.stringify(d).slice(0, 80)})`);
  return docs as Manifest[];
}

/** The one object of a kind in a file. */
function only(docs: Manifest[], kind: string): Manifest {
  const found = docs.filter((d) => d.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0];
}

/** '/apis/apps/v1/deployments' → apps, deployments; '/api/v1/pods' → '', pods. */
function groupResource(listPath: string): { group: string; resource: string } {
  const p = listPath.split('/').filter(Boolean);
  return p[0] === 'api' ? { group: '', resource: p[2] } : { group: p[1], resource: p[3] };
}

const rbac = manifests('rbac.yaml');
const role = only(rbac, 'ClusterRole');
const rules = role.rules as Rule[];

test('the ClusterRole is bound to the service account the Deployment runs as', () => {
  const account = only(rbac, 'ServiceAccount');
  const binding = only(rbac, 'ClusterRoleBinding');
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
  const deployment = only(manifests('kubepulse.yaml'), 'Deployment') as DeploymentManifest;
  assert.equal(deployment.metadata.namespace, account.metadata.namespace);
  assert.equal(deployment.spec.template.spec.serviceAccountName, account.metadata.name);
  for (const r of rules) {
    for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
      assert.ok(Array.isArray(r[field]) && r[field].every((x) => typeof x === 'string'), `${field} is a list of strings in ${JSON.stringify(r)}`);
    }
  }
});

test('every inventory kind can be listed and watched', () => {
  for (const k of ALL_KINDS) {
    const { group, resource } = groupResource(k.listPath);
    const r = rules.find((x) => x.apiGroups.includes(group) && x.resources.includes(resource));
    assert.ok(r, `a rule for ${group || 'core'}/${resource} (${k.name})`);
    assert.deepEqual([...r.verbs].sort(), ['list', 'watch'], `${k.name}: list and watch`);
  }
});

test('kubelet access through get on nodes/proxy, nodes/stats, nodes/metrics; no Secrets, no writes', () => {
  for (const sub of ['nodes/proxy', 'nodes/stats', 'nodes/metrics']) {
    assert.ok(rules.some((r) => r.apiGroups.includes('') && r.resources.includes(sub) && r.verbs.join() === 'get'), sub);
  }
  assert.ok(!rules.some((r) => [...r.resources, ...r.apiGroups, ...r.verbs].some((x) => x === 'secrets' || x === '*')), 'no Secrets, no wildcard');
  const verbs = new Set(rules.flatMap((r) => r.verbs));
  assert.deepEqual([...verbs].sort(), ['get', 'list', 'watch']);
  // Only the kinds kubepulse reads, nothing more.
  const wanted = new Set([...ALL_KINDS.map((k) => groupResource(k.listPath).resource), 'nodes/proxy', 'nodes/stats', 'nodes/metrics']);
  for (const r of rules) for (const res of r.resources) assert.ok(wanted.has(res), `${res} is needed`);
});

test('service recipes run without the built-in watchdog', () => {
  assert.match(readFileSync(join(REPO_ROOT, 'deploy/kubepulse.service'), 'utf8'), /^ExecStart=.*\brun --no-watchdog\b/m);
  assert.match(readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8'), /"--no-watchdog"/);
  const deployment = only(manifests('kubepulse.yaml'), 'Deployment') as DeploymentManifest;
  const [container, ...more] = deployment.spec.template.spec.containers;
  assert.equal(more.length, 0, 'one container');
  assert.equal(container.args[0], 'run');
  assert.ok(container.args.includes('--no-watchdog'), `args ${JSON.stringify(container.args)}`);
  assert.equal(deployment.spec.replicas, 1, 'one replica: it owns its data folder');
});
