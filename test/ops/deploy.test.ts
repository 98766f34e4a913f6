// The Kubernetes manifests grant exactly what the collector reads: list+watch of every kind in
// ALL_KINDS, get on the kubelet sub-resources, nothing on Secrets, no write verbs. The systemd unit and
// the Dockerfile run with --no-watchdog (their manager restarts the process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { ALL_KINDS } from '../../src/inventory/kinds/index.js';

interface Rule { groups: string[]; resources: string[]; verbs: string[] }

/** Pure: the rules of the ClusterRole in rbac.yaml (flow-style lists, as the file writes them). */
function rules(yaml: string): Rule[] {
  const list = (line: string) => line.slice(line.indexOf('[') + 1, line.lastIndexOf(']')).split(',').map((s) => s.trim().replace(/^"|"$/g, '')).filter((s, i, a) => s !== '' || a.length === 1);
  const out: Rule[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*- apiGroups:/.test(lines[i]!)) continue;
    out.push({ groups: list(lines[i]!), resources: list(lines[i + 1]!), verbs: list(lines[i + 2]!) });
  }
  return out;
}

/** '/apis/apps/v1/deployments' → apps, deployments; '/api/v1/pods' → '', pods. */
function groupResource(listPath: string): { group: string; resource: string } {
  const p = listPath.split('/').filter(Boolean);
  return p[0] === 'api' ? { group: '', resource: p[2]! } : { group: p[1]!, resource: p[3]! };
}

const rbac = readFileSync(join(REPO_ROOT, 'deploy/kubernetes/rbac.yaml'), 'utf8');

test('every inventory kind can be listed and watched', () => {
  const rs = rules(rbac);
  for (const k of ALL_KINDS) {
    const { group, resource } = groupResource(k.listPath);
    const r = rs.find((x) => x.groups.includes(group) && x.resources.includes(resource));
    assert.ok(r, `a rule for ${group || 'core'}/${resource} (${k.name})`);
    assert.deepEqual([...r.verbs].sort(), ['list', 'watch'], `${k.name}: list and watch`);
  }
});

test('kubelet access through get on nodes/proxy, nodes/stats, nodes/metrics; no Secrets, no writes', () => {
  const rs = rules(rbac);
  for (const sub of ['nodes/proxy', 'nodes/stats', 'nodes/metrics']) {
    assert.ok(rs.some((r) => r.groups.includes('') && r.resources.includes(sub) && r.verbs.join() === 'get'), sub);
  }
  assert.ok(!rs.some((r) => r.resources.some((x) => x === 'secrets' || x === '*')), 'no Secrets, no wildcard');
  const verbs = new Set(rs.flatMap((r) => r.verbs));
  assert.deepEqual([...verbs].sort(), ['get', 'list', 'watch']);
  // Only the kinds kubepulse reads, nothing more.
  const wanted = new Set([...ALL_KINDS.map((k) => groupResource(k.listPath).resource), 'nodes/proxy', 'nodes/stats', 'nodes/metrics']);
  for (const r of rs) for (const res of r.resources) assert.ok(wanted.has(res), `${res} is needed`);
});

test('service recipes run without the built-in watchdog', () => {
  assert.match(readFileSync(join(REPO_ROOT, 'deploy/kubepulse.service'), 'utf8'), /ExecStart=.*run --no-watchdog/);
  assert.match(readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8'), /"--no-watchdog"/);
  assert.match(readFileSync(join(REPO_ROOT, 'deploy/kubernetes/kubepulse.yaml'), 'utf8'), /--no-watchdog/);
});
