// What a current kubectl reads that kubectl 1.20 does not: aggregated discovery, OpenAPI v3 (the
// field-validation check before apply and patch), OpenAPI v2 only as JSON, the Scale subresource's Table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type SimCluster } from '../src/index.js';
import { call, get } from './api-helpers.js';
import type { WireList, WireWorkload } from './wire.js';

let sim: SimCluster;

before(async () => {
  sim = await startSim({ name: 'openapi', nodes: 1, podsPerNode: 4, seed: 21, podChurnIntervalMs: 0 });
});

after(async () => {
  await sim.stop();
});

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
// What kubectl 1.35 sends: aggregated v2, then v2beta1, then the legacy form.
const KUBECTL_ACCEPT = `${AGGREGATED},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`;

interface LegacyResource { name: string; kind: string; namespaced: boolean; shortNames?: string[]; group?: string; version?: string }
interface AggregatedResource { resource: string; responseKind: { group: string; version: string; kind: string }; scope: string; shortNames?: string[]; subresources: Array<{ subresource: string; responseKind: { kind: string } }> }
interface AggregatedList { kind: string; apiVersion: string; items: Array<{ metadata: { name?: string }; versions: Array<{ version: string; resources: AggregatedResource[]; freshness: string }> }> }

/** The legacy resource list of one group-version in the aggregated shape's terms, subresources under their resource. */
async function legacyView(gv: string): Promise<Record<string, unknown>> {
  const list = (await get<{ resources: LegacyResource[] }>(sim, gv === 'v1' ? '/api/v1' : `/apis/${gv}`)).json.resources;
  const out: Record<string, unknown> = {};
  for (const r of list.filter((x) => !x.name.includes('/'))) {
    out[r.name] = { kind: r.kind, scope: r.namespaced ? 'Namespaced' : 'Cluster', shortNames: r.shortNames, subresources: list.filter((x) => x.name.startsWith(`${r.name}/`)).map((x) => [x.name.split('/')[1], x.kind]) };
  }
  return out;
}

function aggregatedView(resources: AggregatedResource[]): Record<string, unknown> {
  return Object.fromEntries(resources.map((r) => [r.resource, { kind: r.responseKind.kind, scope: r.scope, shortNames: r.shortNames, subresources: r.subresources?.map((x) => [x.subresource, x.responseKind.kind]) ?? [] }]));
}

test('aggregated discovery (as kubectl 1.35 asks) lists what the legacy documents list, in one answer per root', async () => {
  for (const root of ['/api', '/apis']) {
    const r = await call<AggregatedList>(sim, 'GET', root, { accept: KUBECTL_ACCEPT });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['content-type'], AGGREGATED, 'the Content-Type tells kubectl it got the aggregated form');
    assert.deepEqual([r.json.kind, r.json.apiVersion], ['APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2']);
    for (const g of r.json.items) {
      for (const v of g.versions) {
        const gv = g.metadata.name ? `${g.metadata.name}/${v.version}` : v.version;
        assert.equal(v.freshness, 'Current');
        assert.deepEqual(aggregatedView(v.resources), await legacyView(gv), gv);
      }
    }
  }
  const groups = (await call<AggregatedList>(sim, 'GET', '/apis', { accept: KUBECTL_ACCEPT })).json.items.map((g) => g.metadata.name);
  const legacyGroups = (await get<{ groups: Array<{ name: string }> }>(sim, '/apis')).json.groups.map((g) => g.name);
  assert.deepEqual(groups, legacyGroups);
  const core = (await call<AggregatedList>(sim, 'GET', '/api', { accept: KUBECTL_ACCEPT })).json.items;
  assert.deepEqual(core.map((g) => [g.metadata.name, g.versions.map((v) => v.version)]), [[undefined, ['v1']]]);
  const plain = await get<{ kind: string }>(sim, '/apis');
  assert.deepEqual([plain.headers['content-type'], plain.json.kind], ['application/json', 'APIGroupList'], 'a client that does not ask gets the legacy form');
});

interface V3Index { paths: Record<string, { serverRelativeURL: string }> }
interface V3Operation { parameters: Array<{ name: string; in: string }>; 'x-kubernetes-group-version-kind': { group: string; version: string; kind: string } }
interface V3Doc { openapi: string; paths: Record<string, Record<string, V3Operation>> }

test('/openapi/v3 addresses one document per group-version by content hash; PATCH names its kind and fieldValidation', async () => {
  const index = await get<V3Index>(sim, '/openapi/v3');
  assert.equal(index.status, 200, index.text);
  for (const gv of ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/metrics.k8s.io/v1beta1']) {
    assert.match(index.json.paths[gv]?.serverRelativeURL ?? '', new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`), gv);
  }
  const apps = await get<V3Doc>(sim, index.json.paths['apis/apps/v1'].serverRelativeURL);
  assert.equal(apps.status, 200, apps.text);
  assert.match(apps.json.openapi, /^3\./);
  const patch = apps.json.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.ok(patch.parameters.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
  const core = await get<V3Doc>(sim, index.json.paths['api/v1'].serverRelativeURL);
  assert.equal(core.json.paths['/api/v1/nodes/{name}'].patch['x-kubernetes-group-version-kind'].kind, 'Node');
  assert.equal((await get(sim, '/openapi/v3/apis/nothing.example/v1')).status, 404);
});

test('/openapi/v2 is JSON; a client that accepts only protobuf gets 406, not a body it cannot parse', async () => {
  const json = await get<{ swagger: string }>(sim, '/openapi/v2');
  assert.equal(json.status, 200);
  assert.equal(json.json.swagger, '2.0');
  const proto = await call<{ kind: string; code: number }>(sim, 'GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(proto.status, 406);
  assert.deepEqual([proto.json.kind, proto.json.code], ['Status', 406]);
  const any = await call(sim, 'GET', '/openapi/v3', { accept: 'application/json, */*' });
  assert.equal(any.status, 200);
});

test('the scale subresource prints as a Table of desired and available replicas', async () => {
  const d = (await get<WireList<WireWorkload>>(sim, '/apis/apps/v1/deployments')).json.items[0];
  const path = `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments/${d.metadata.name}/scale`;
  const t = await call<{ kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> }>(sim, 'GET', path, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.kind, 'Table');
  assert.deepEqual(t.json.columnDefinitions.map((c) => c.name), ['Name', 'Desired', 'Available']);
  assert.deepEqual(t.json.rows[0].cells, [d.metadata.name, d.spec.replicas, d.status.replicas ?? 0]);
  assert.equal((await get<{ kind: string }>(sim, path)).json.kind, 'Scale');
});
