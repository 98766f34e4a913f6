import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResource } from '../../src/metrics/sources/resource.js';
import { fixtureNames, readFixture } from './fixtures.js';

const SCRAPE = new Date('2030-01-01T00:00:00Z');

for (const name of fixtureNames('resource-')) {
  test(`resource fixture ${name}: node, pod and container rows with their sample times`, () => {
    const d = decodeResource(readFixture(name), { nodeName: 'kind-node', scrapeTime: SCRAPE });
    assert.deepEqual(d.unmapped, []);
    assert.equal(d.scrapeError, 0);
    const node = d.rows.node[0];
    assert.equal(node.node, 'kind-node');
    assert.equal(node.cpu_usage_core_nanoseconds, 357354910000); // 357.35491 s
    assert.equal(node.memory_working_set_bytes, 1616273408); // 1.616273408e+09
    assert.deepEqual(node.ts, new Date(1633253809720));
    const pod = d.rows.pod[0];
    assert.equal(pod.pod, 'coredns-558bd4d5db-4dpjz');
    assert.equal(pod.namespace, 'kube-system');
    assert.equal(pod.pod_uid, null, 'no resolver: the UID is unknown');
    assert.equal(pod.cpu_usage_core_nanoseconds, 4678120000);
    assert.equal(pod.memory_working_set_bytes, 12627968);
    assert.deepEqual(pod.ts, new Date(1633253803935));
    const c = d.rows.container[0];
    assert.equal(c.container, 'coredns');
    assert.equal(c.cpu_usage_core_nanoseconds, 4710169000);
    assert.equal(c.memory_working_set_bytes, 12533760);
    assert.deepEqual(c.ts, new Date(1633253812125));
  });
}

test('resource: a resolver supplies pod UIDs; unknown pods are dropped and named', () => {
  const body = `${readFixture('resource-metrics-server-2021.txt').toString('utf8')}
pod_cpu_usage_seconds_total{namespace="default",pod="ghost"} 1 1633253803935
container_start_time_seconds{container="app",namespace="default",pod="ghost"} 1.6e9
`;
  const d = decodeResource(body, {
    nodeName: 'n', scrapeTime: SCRAPE,
    resolvePodUid: (ns, pod) => (ns === 'kube-system' && pod === 'coredns-558bd4d5db-4dpjz' ? 'uid-1' : undefined),
  });
  assert.deepEqual(d.rows.pod.map((r) => r.pod_uid), ['uid-1']);
  assert.deepEqual(d.rows.container.map((r) => [r.pod_uid, r.container]), [['uid-1', 'coredns']]);
  assert.deepEqual(d.unresolvedPods, ['default/ghost']);
  assert.equal(d.startTimes.containers.get('uid-1/coredns'), 1633252712000);
});

test('resource: swap series, resource_scrape_error and a malformed line', () => {
  const d = decodeResource([
    'node_swap_usage_bytes 4096 1700000000000',
    'resource_scrape_error 1',
  ].join('\n'), { nodeName: 'n', scrapeTime: SCRAPE });
  assert.equal(d.rows.node[0].swap_usage_bytes, 4096);
  assert.equal(d.scrapeError, 1);
  assert.throws(() => decodeResource('node_cpu_usage_seconds_total abc\n', { nodeName: 'n', scrapeTime: SCRAPE }),
    /^MetricDecodeError: resource: line 1: expected a number value/);
});
