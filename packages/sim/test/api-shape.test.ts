// Shape test: the simulator's pods have the keys and value types, at every level, of real pods of the
// same Kubernetes version (test/fixtures/pods-nri-*.json). Differences must be listed with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../src/index.js';
import { get } from './api-helpers.js';
import { fixture } from './paths.js';
import type { WireList, WirePod } from './wire.js';


/** Fields real pods have that the simulator leaves out, with why. */
const NOT_SIMULATED: Record<string, string> = {
  'metadata.managedFields': 'server-side-apply bookkeeping: kubepulse drops it on ingest, and it would double the memory of 150,000 simulated pods',
};

/** Objects whose keys are data (label maps, quantities), compared as maps, not field by field. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'limits', 'requests', 'allocatedResources', 'nodeSelector', 'fieldsV1']);

function shape(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (Array.isArray(value)) {
    for (const v of value) shape(v, `${path}[]`, out);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    if (MAP_FIELDS.has(path.split('.').pop()!)) {
      out.set(path, 'map');
      return out;
    }
    for (const [k, v] of Object.entries(value)) shape(v, path ? `${path}.${k}` : k, out);
    return out;
  }
  out.set(path, value === null ? 'null' : typeof value);
  return out;
}

function allowed(path: string): boolean {
  return Object.keys(NOT_SIMULATED).some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));
}

// The 1.22 fixture is compared with the oldest simulated version (1.24): no pod field changed in between.
for (const [file, version] of [['pods-nri-1.35.json', '1.35'], ['pods-nri-1.22.json', '1.24']] as const) {
  test(`simulated ${version} pods have every field and type of ${file}`, async () => {
    const real = (JSON.parse(readFileSync(fixture(file), 'utf8')) as WireList<WirePod>).items;
    // A running, replicaset-owned pod with resources: the kind of pod the simulator makes most.
    const sample = real.find((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet' && p.status.phase === 'Running' && p.spec.containers[0].resources?.requests);
    assert.ok(sample, `${file} has a running replicaset pod with requests`);
    const sim = await startSim({ name: `shape-${version.replace('.', '-')}`, nodes: 2, podsPerNode: 12, seed: 3, kubernetesVersion: version, podChurnIntervalMs: 0, directKubelets: false });
    try {
      const pods = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json.items.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet');
      const simulated = new Map<string, string>();
      for (const p of pods) shape(p, '', simulated);
      const expected = shape(sample, '', new Map());
      const missing = [...expected].filter(([p]) => !simulated.has(p) && !allowed(p)).map(([p, t]) => `${p} (${t})`);
      assert.deepEqual(missing, [], `fields of real ${version} pods the simulator lacks`);
      const wrongType = [...expected].filter(([p, t]) => simulated.has(p) && simulated.get(p) !== t).map(([p, t]) => `${p}: ${t} vs ${simulated.get(p)}`);
      assert.deepEqual(wrongType, [], 'value types differ');
    } finally {
      await sim.stop();
    }
  });
}
