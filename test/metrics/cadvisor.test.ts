import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCgroup, decodeCadvisor, decodeCadvisorText } from '../../src/metrics/sources/cadvisor.js';
import { decodeSummary } from '../../src/metrics/sources/summary.js';
import { fixtureNames, readFixture } from './fixtures.js';

const SCRAPE = new Date('2030-01-01T00:00:00Z');

/** Raw lines of a family whose text contains every given fragment: an independent reading of the file. */
function lines(text: string, family: string, ...fragments: string[]): Array<{ value: number; ts: number | null; line: string }> {
  return text.split('\n')
    .filter((l) => l.startsWith(`${family}{`) && fragments.every((f) => l.includes(f)))
    .map((l) => {
      const parts = l.slice(l.lastIndexOf('}') + 1).trim().split(/\s+/);
      return { value: Number(parts[0]), ts: parts[1] === undefined ? null : Number(parts[1]), line: l };
    });
}

function only<T>(list: T[], what: string): T {
  assert.equal(list.length, 1, `exactly one ${what}`);
  return list[0];
}

for (const name of fixtureNames('cadvisor-')) {
  test(`cadvisor fixture ${name}: node, pod, container, interface and disk rows match the raw series`, async () => {
    const body = readFixture(name);
    const text = body.toString('utf8');
    const old = name.includes('1.15');
    const containerLabel = old ? 'container_name' : 'container';
    const d = await decodeCadvisor(body, { nodeName: 'node-a', scrapeTime: SCRAPE });
    assert.deepEqual(d.unmapped, [], 'every family is mapped or deliberately ignored');
    assert.equal(d.samples, text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length);

    // node = the root cgroup
    const node = only(d.rows.node, 'node row');
    assert.equal(node.node, 'node-a');
    const rootWs = only(lines(text, 'container_memory_working_set_bytes', 'id="/"'), 'root working set');
    assert.equal(node.memory_working_set_bytes, rootWs.value);
    // cAdvisor's ms time truncated to whole seconds, as the summary reports the same sample
    assert.deepEqual(node.ts, rootWs.ts === null ? SCRAPE : new Date(Math.floor(rootWs.ts / 1000) * 1000));
    const rootCpu = lines(text, 'container_cpu_usage_seconds_total', 'id="/"');
    // 1.15 has per-CPU series only (cpu00, cpu01): the node total is their sum.
    const cpuSeconds = rootCpu.reduce((sum, l) => sum + l.value, 0);
    assert.equal(node.cpu_usage_core_nanoseconds, Math.round(cpuSeconds * 1e9));

    // pods: one row per pod cgroup, never a pause/sandbox row as a container
    const podIds = new Set(lines(text, 'container_memory_usage_bytes', `${containerLabel}=""`)
      .map((l) => /id="([^"]*)"/.exec(l.line)![1])
      .filter((id) => /\/pod[0-9a-f_-]+(\.slice)?$/.test(id)));
    assert.equal(d.rows.pod.length, podIds.size);
    for (const row of d.rows.pod) {
      assert.ok(row.pod && row.namespace, `pod ${String(row.pod_uid)} has its name (from its other rows in 1.15)`);
      const raw = only(lines(text, 'container_memory_usage_bytes', `pod${String(row.pod_uid)}"`), `pod ${String(row.pod)} usage`);
      assert.equal(row.memory_usage_bytes, raw.value);
    }
    for (const row of d.rows.container) {
      assert.notEqual(row.container, '');
      assert.notEqual(row.container, 'POD');
      const raw = lines(text, 'container_memory_working_set_bytes', `${containerLabel}="${String(row.container)}"`, String(row.pod_uid));
      assert.ok(raw.length >= 1);
      assert.equal(row.memory_working_set_bytes, raw[0].value, `container ${String(row.container)}`);
    }
    const appContainers = new Set(lines(text, 'container_memory_usage_bytes')
      .map((l) => /container(?:_name)?="([^"]*)"/.exec(l.line)![1])
      .filter((c) => c !== '' && c !== 'POD'));
    assert.deepEqual(new Set(d.rows.container.map((r) => r.container)), appContainers);

    // interfaces: the node's (id="/") and each pod's from its sandbox
    const rootEth0 = only(lines(text, 'container_network_receive_bytes_total', 'id="/"', 'interface="eth0"'), 'node eth0');
    assert.equal(d.rows.interface.find((r) => r.pod_uid === '' && r.interface === 'eth0')!.rx_bytes, rootEth0.value);
    const podIfaces = d.rows.interface.filter((r) => r.pod_uid !== '' && r.interface === 'eth0');
    assert.ok(podIfaces.length > 0);
    for (const r of podIfaces) {
      const raw = only(lines(text, 'container_network_transmit_packets_total', `pod${String(r.pod_uid)}/`, 'interface="eth0"'), 'pod eth0');
      assert.equal(r.tx_packets, raw.value);
    }

    // disk I/O per device (all devices when idle ones are kept; by default only those that did I/O)
    const all = await decodeCadvisor(body, { nodeName: 'node-a', scrapeTime: SCRAPE, keepIdle: true });
    const reads = lines(text, 'container_fs_reads_total', 'id="/"');
    assert.ok(reads.length > 0);
    for (const raw of reads) {
      const device = /device="([^"]*)"/.exec(raw.line)![1];
      const row = all.rows.disk_io.find((r) => r.pod_uid === '' && r.device === device)!;
      assert.equal(row.read_ops, raw.value, `node disk ${device}`);
      const kept = d.rows.disk_io.find((r) => r.pod_uid === '' && r.device === device);
      if (raw.value > 0) assert.deepEqual(kept, row, `active device ${device} kept`);
    }
    assert.equal(d.rows.disk_io.length + d.idleDisks, all.rows.disk_io.length);
  });
}

test('cadvisor 1.35: concrete values, and the same node CPU as the summary captured with it', async () => {
  const d = await decodeCadvisor(readFixture('cadvisor-nri-1.35.txt'), { nodeName: 'datagen-1-35', scrapeTime: SCRAPE });
  const node = d.rows.node[0];
  assert.equal(node.cpu_usage_core_nanoseconds, 62148052000);
  const summaryNode = decodeSummary(readFixture('summary-nri-1.35.json')).rows.node[0];
  assert.equal(node.cpu_usage_core_nanoseconds, summaryNode.cpu_usage_core_nanoseconds);
  assert.equal(node.cpu_psi_some_total_microseconds, summaryNode.cpu_psi_some_total_microseconds);
  assert.equal(node.cpu_cfs_throttled_periods, 19);
  assert.deepEqual(node.ts, new Date(1782468875000)); // 1782468875486 in the payload, to the second
  assert.deepEqual(node.ts, summaryNode.ts, 'the same housekeeping sample as the summary');
  const daemonset = d.rows.pod.find((r) => r.pod === 'e2e-daemonset-kb65b')!;
  assert.equal(daemonset.pod_uid, '45b528af-fb82-4e96-8103-b9da1194dd36');
  assert.equal(daemonset.cpu_cfs_throttled_periods, 391);
  assert.deepEqual(daemonset.ts, new Date(1782468873000));
  const kubelet = d.rows.system_container.find((r) => r.name === 'kubelet')!;
  assert.equal(kubelet.file_descriptors, 26);
  assert.equal(kubelet.sockets, 11);
  // static pod: 32-hex config hash UID
  assert.ok(d.rows.pod.some((r) => r.pod_uid === '07bd11a0a13dfe5450a17a39eb8e32d2' && r.pod === 'kube-scheduler-datagen-1-35'));
  assert.ok(d.startTimes.containers.has('45b528af-fb82-4e96-8103-b9da1194dd36/compute-pi-digits'));
  // Idle tunnel devices (all counters 0) are left out unless asked for.
  const text = readFixture('cadvisor-nri-1.35.txt').toString('utf8');
  const pairs = new Set(lines(text, 'container_network_receive_bytes_total').map((l) => {
    const id = /id="([^"]*)"/.exec(l.line)![1];
    return `${id === '/' ? '' : /pod([0-9a-f-]+)\//.exec(id)![1]}/${/interface="([^"]*)"/.exec(l.line)![1]}`;
  }));
  const all = await decodeCadvisor(readFixture('cadvisor-nri-1.35.txt'), { nodeName: 'x', scrapeTime: SCRAPE, keepIdle: true });
  assert.equal(all.rows.interface.length, pairs.size);
  assert.equal(d.rows.interface.length + d.idleInterfaces, pairs.size);
  assert.ok(d.idleInterfaces > 100);
  assert.ok(d.rows.interface.every((r) => r.interface === 'eth0'));
});

test('cadvisor 1.28: CFS throttling, descriptors and disk bytes per container', async () => {
  const d = await decodeCadvisor(readFixture('cadvisor-nri-1.28.txt'), { nodeName: 'n', scrapeTime: SCRAPE });
  const app = d.rows.container.find((r) => r.container === 'php-apache')!;
  assert.equal(app.pod_uid, '7151296d-ab86-4953-b163-f97eacb9d1da');
  assert.equal(app.cpu_cfs_throttled_periods, 1);
  assert.equal(app.file_descriptors, 65);
  assert.deepEqual(app.ts, new Date(1699597240000));
  const disk = d.rows.disk_io.find((r) => r.container === 'php-apache' && r.device === '/dev/vda')!;
  assert.equal(disk.read_bytes, 0);
  assert.equal(disk.pod, 'e2e-hpa-97d79d4cd-f48d7');
});

test('cadvisor 1.15: pod_name/container_name labels, POD sandbox skipped, no timestamps → scrape time', async () => {
  const d = await decodeCadvisor(readFixture('cadvisor-nri-1.15.txt'), { nodeName: 'minikube', scrapeTime: SCRAPE });
  const ksm = d.rows.pod.find((r) => r.pod_uid === 'f89b6c09-11a3-11e8-a084-080027352a02')!;
  assert.equal(ksm.pod, 'kube-state-metrics-57f4659995-6n2qq');
  assert.equal(ksm.namespace, 'kube-system');
  assert.equal(ksm.cpu_cfs_throttled_periods, 3583);
  assert.deepEqual(ksm.ts, SCRAPE);
  const resizer = d.rows.container.find((r) => r.container === 'addon-resizer')!;
  assert.equal(resizer.memory_working_set_bytes, 12197888);
  assert.equal(resizer.cpu_cfs_throttled_periods, 2507);
  assert.ok(!d.rows.container.some((r) => r.container === 'POD'));
  const provisionerEth0 = d.rows.interface.find((r) => r.pod_uid === 'ba8b34d7-11a3-11e8-a084-080027352a02' && r.interface === 'eth0')!;
  assert.equal(provisionerEth0.rx_bytes, 302261141);
  assert.ok(d.skippedSamples > 0, 'sandbox non-network series are skipped, and counted');
});

test('cadvisor: chunked streaming input decodes exactly like the whole body', async () => {
  const body = readFixture('cadvisor-nri-1.22.txt');
  const whole = decodeCadvisorText(body, { nodeName: 'n', scrapeTime: SCRAPE });
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < body.length; i += 997) yield body.subarray(i, Math.min(body.length, i + 997));
  }
  const streamed = await decodeCadvisor(chunks(), { nodeName: 'n', scrapeTime: SCRAPE });
  assert.deepEqual(streamed.rows, whole.rows);
  assert.ok(whole.rows.container.length > 0);
});

test('cadvisor: systemd cgroup ids, NaN values and malformed lines', async () => {
  assert.deepEqual(classifyCgroup('/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b230608_46e2_442a_a02d_f239a05911bb.slice'),
    { kind: 'pod', uid: '1b230608-46e2-442a-a02d-f239a05911bb' });
  assert.deepEqual(classifyCgroup('/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b230608_46e2_442a_a02d_f239a05911bb.slice/cri-containerd-abc.scope'),
    { kind: 'below-pod', uid: '1b230608-46e2-442a-a02d-f239a05911bb' });
  assert.deepEqual(classifyCgroup('/system.slice/kubelet.service'), { kind: 'system', name: 'kubelet' });
  assert.deepEqual(classifyCgroup('/system.slice/sshd.service'), { kind: 'other' });

  const text = [
    '# TYPE container_memory_rss gauge',
    'container_memory_rss{container="app",id="/kubepods/pod1b230608-46e2-442a-a02d-f239a05911bb/abc",namespace="ns",pod="p"} NaN 1700000000000',
    'container_memory_cache{container="app",id="/kubepods/pod1b230608-46e2-442a-a02d-f239a05911bb/abc",namespace="ns",pod="p"} +Inf 1700000000000',
    'container_threads{container="app",id="/kubepods/pod1b230608-46e2-442a-a02d-f239a05911bb/abc",namespace="ns",pod="p"} 7 1700000000000',
    'container_brand_new_metric{id="/"} 1',
  ].join('\n');
  const d = decodeCadvisorText(text, { nodeName: 'n', scrapeTime: SCRAPE });
  const row = d.rows.container[0];
  assert.equal(row.memory_rss_bytes, null);
  assert.equal(row.memory_cache_bytes, null);
  assert.equal(row.threads, 7);
  assert.deepEqual(d.unmapped, ['container_brand_new_metric']);

  const opts = { nodeName: 'n', scrapeTime: SCRAPE };
  assert.throws(() => decodeCadvisorText('container_threads{id="/"} 7 12.5\n', opts),
    /^MetricDecodeError: cadvisor: line 1: expected an integer ms timestamp: /);
  assert.throws(() => decodeCadvisorText('container_threads{id="/} 7\n', opts),
    /^MetricDecodeError: cadvisor: line 1: unterminated value of label id: /);
  assert.throws(() => decodeCadvisorText('ok 1\ncontainer_threads{id="/"} seven\n', { nodeName: 'n', scrapeTime: SCRAPE }),
    /^MetricDecodeError: cadvisor: line 2: expected a number value/);
});

test('cadvisor with the summary collected too: the families the summary fills are skipped, the rest is the same', async () => {
  const body = readFixture('cadvisor-nri-1.35.txt');
  const text = body.toString('utf8');
  const all = await decodeCadvisor(body, { nodeName: 'node-a', scrapeTime: SCRAPE });
  const rest = await decodeCadvisor(body, { nodeName: 'node-a', scrapeTime: SCRAPE, summaryCollected: true });
  assert.deepEqual(rest.unmapped, [], 'skipped families are not reported as unmapped');
  assert.equal(rest.samples, all.samples, 'skipped lines still count as samples of the payload');
  const summaryFilled = ['cpu_usage_core_nanoseconds', 'memory_working_set_bytes', 'memory_usage_bytes', 'memory_rss_bytes', 'memory_page_faults'];
  const cadvisorOnly = ['cpu_cfs_periods', 'cpu_cfs_throttled_periods', 'memory_cache_bytes', 'memory_failcnt'];
  assert.ok(lines(text, 'container_cpu_cfs_periods_total').length > 0, 'the fixture has CFS series');
  for (const entity of ['node', 'pod', 'container'] as const) {
    assert.equal(rest.rows[entity].length, all.rows[entity].length, `${entity}: the same rows`);
    for (let i = 0; i < all.rows[entity].length; i++) {
      const a = all.rows[entity][i];
      const r = rest.rows[entity][i];
      assert.deepEqual(r.ts, a.ts);
      for (const c of summaryFilled) if (c in a) assert.equal(r[c], null, `${entity}.${c} is left to the summary`);
      for (const c of cadvisorOnly) if (c in a) assert.equal(r[c], a[c], `${entity}.${c} is kept`);
    }
  }
  assert.ok(rest.rows.container.some((r) => r.cpu_cfs_periods !== null), 'some container has CFS periods');
});
