import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSummary } from '../../src/metrics/sources/summary.js';
import { MetricDecodeError } from '../../src/metrics/sources/decode-util.js';
import { metricsOf, type Entity, type MetricRow } from '../../src/metrics/definitions.js';
import { at, deleteAt, fixtureNames, readFixture, setAt } from './fixtures.js';
import type { SummaryDoc, SummaryInterface } from '../helpers/summary-doc.js';

/** Every summary-mapped column of a row equals the raw JSON value at its path (absent → null). */
function assertColumnsMatch(entity: Entity, raw: object, row: MetricRow, where: string): number {
  let compared = 0;
  for (const def of metricsOf(entity)) {
    if (!def.summary) continue;
    const v = at(raw, def.summary);
    const expected = typeof v === 'number' ? (v >= 2 ** 63 ? null : v) : null;
    assert.equal(row[def.column], expected, `${where}: ${def.column} from ${def.summary}`);
    if (expected !== null) compared++;
  }
  return compared;
}

for (const name of fixtureNames('summary-')) {
  test(`summary fixture ${name}: every mapped field lands in its column`, () => {
    const raw = JSON.parse(readFixture(name).toString('utf8')) as SummaryDoc;
    const d = decodeSummary(readFixture(name));
    assert.equal(d.nodeName, raw.node.nodeName);
    assert.deepEqual(d.unmapped, [], 'every field of the fixture is mapped or deliberately structural');

    let compared = assertColumnsMatch('node', raw.node, d.rows.node[0], 'node');
    assert.equal((d.rows.node[0].ts as Date).toISOString(), new Date(raw.node.cpu.time).toISOString());

    assert.equal(d.rows.system_container.length, raw.node.systemContainers.length);
    raw.node.systemContainers.forEach((sc, i) => {
      const row = d.rows.system_container[i];
      assert.equal(row.name, sc.name);
      compared += assertColumnsMatch('system_container', sc, row, `systemContainers[${sc.name}]`);
    });

    const pods = raw.pods;
    assert.equal(d.rows.pod.length, pods.length);
    let containers = 0;
    let volumes = 0;
    const active = (list: SummaryInterface[] | undefined): number =>
      (list ?? []).filter((i) => i.rxBytes || i.txBytes || i.rxErrors || i.txErrors).length;
    let interfaces = active(raw.node.network?.interfaces);
    let allInterfaces = (raw.node.network?.interfaces ?? []).length;
    for (const [i, pod] of pods.entries()) {
      const row = d.rows.pod[i];
      assert.equal(row.pod_uid, pod.podRef.uid);
      assert.equal(row.namespace, pod.podRef.namespace);
      assert.equal(row.pod, pod.podRef.name);
      assert.equal(row.node, raw.node.nodeName);
      compared += assertColumnsMatch('pod', pod, row, `pod ${pod.podRef.name}`);
      for (const c of pod.containers) {
        const cRow = d.rows.container[containers++];
        assert.equal(cRow.container, c.name);
        assert.equal(cRow.pod_uid, pod.podRef.uid);
        compared += assertColumnsMatch('container', c, cRow, `container ${pod.podRef.name}/${c.name}`);
        assert.equal(d.startTimes.containers.get(`${pod.podRef.uid}/${c.name}`), Date.parse(c.startTime));
      }
      for (const v of pod.volume ?? []) {
        const vRow = d.rows.volume[volumes++];
        assert.equal(vRow.volume, v.name);
        assert.equal(vRow.pvc, v.pvcRef?.name ?? null);
        compared += assertColumnsMatch('volume', v, vRow, `volume ${v.name}`);
      }
      interfaces += active(pod.network?.interfaces);
      allInterfaces += (pod.network?.interfaces ?? []).length;
      assert.equal(d.startTimes.pods.get(pod.podRef.uid), Date.parse(pod.startTime));
    }
    assert.equal(d.rows.container.length, containers);
    assert.equal(d.rows.volume.length, volumes);
    assert.equal(d.rows.interface.length, interfaces, 'interfaces that carried traffic');
    assert.equal(d.idleInterfaces, allInterfaces - interfaces);
    const all = decodeSummary(readFixture(name), { keepIdleInterfaces: true });
    assert.equal(all.rows.interface.length, allInterfaces);
    for (const r of all.rows.interface) {
      const owner = r.pod_uid === '' ? raw.node : pods.find((p) => p.podRef.uid === r.pod_uid)!;
      const rawIface = owner.network!.interfaces!.find((i) => i.name === r.interface)!;
      compared += assertColumnsMatch('interface', rawIface, r, `interface ${String(r.pod_uid)}/${String(r.interface)}`);
    }
    assert.equal(d.startTimes.node, Date.parse(raw.node.startTime));
    assert.ok(compared > 50, `compared ${compared} values`);
  });
}

test('summary 1.35: concrete values in the right columns (PSI, swap, containerFs, interfaces)', () => {
  const d = decodeSummary(readFixture('summary-nri-1.35.json'));
  const node = d.rows.node[0];
  assert.equal(node.node, 'datagen-1-35');
  assert.equal(node.cpu_usage_core_nanoseconds, 62148052000);
  assert.equal(node.cpu_usage_nanocores, 573081903);
  assert.equal(node.cpu_psi_some_total_microseconds, 34335662);
  assert.equal(node.cpu_psi_full_avg10_percent, 72.63);
  assert.equal(node.memory_working_set_bytes, 917110784);
  assert.equal(node.memory_major_page_faults, 6);
  assert.equal(node.io_psi_full_total_microseconds, 156559);
  assert.equal(node.swap_available_bytes, 1073737728);
  assert.equal(node.network_rx_bytes, 772921510);
  assert.equal(node.containerfs_used_bytes, 1715707904);
  assert.equal(node.imagefs_inodes_used, 43181);
  assert.equal(node.rlimit_curproc, 814);
  assert.equal((node.ts as Date).toISOString(), '2026-06-26T10:14:35.000Z');
  const eth0 = d.rows.interface.find((r) => r.pod_uid === '' && r.interface === 'eth0')!;
  assert.equal(eth0.rx_bytes, 772921510);
  assert.equal(eth0.tx_bytes, 13888023);
  const kubelet = d.rows.system_container.find((r) => r.name === 'kubelet')!;
  assert.equal(kubelet.cpu_usage_core_nanoseconds, 3492960000);
  assert.equal(kubelet.memory_available_bytes, null, 'absent field → null');
  const hpa = d.rows.pod.find((r) => r.pod === 'e2e-hpa-6cd8d99884-tggnr')!;
  assert.equal(hpa.process_count, 15);
  const proxyVolume = d.rows.volume.find((r) => r.volume === 'kube-proxy')!;
  assert.equal(proxyVolume.used_bytes, 16384);
  assert.equal(proxyVolume.pod, 'kube-proxy-8k9zt');
});

test('summary beats 2017: uint64 max becomes null, missing groups stay null, two containers', () => {
  const d = decodeSummary(readFixture('summary-beats-gke-2017-multicontainer.json'));
  const node = d.rows.node[0];
  assert.equal(node.fs_inodes_free, null, '18446744073709551615 cannot be stored in a bigint');
  assert.equal(node.imagefs_inodes_free, null);
  assert.equal(node.fs_inodes, 6258720);
  assert.equal(node.cpu_usage_core_nanoseconds, 4189523881380);
  assert.equal(node.swap_usage_bytes, null);
  assert.deepEqual(d.rows.container.map((r) => r.container), ['nginx', 'sidecar']);
  assert.equal(d.rows.interface.length, 0, 'no interfaces list in 2017');
  // Volumes without their own time take the pod's sample time.
  assert.deepEqual(d.rows.volume[0].ts, d.rows.pod[0].ts);
});

test('summary: a value beyond 2^53 but within int64 is kept as the nearest number', () => {
  const body = JSON.stringify({ node: { nodeName: 'n', cpu: { time: '2024-01-01T00:00:00Z' } } })
    .replace('"time"', '"usageCoreNanoSeconds":9007199254740993123,"time"');
  const d = decodeSummary(body);
  assert.equal(d.rows.node[0].cpu_usage_core_nanoseconds, Number('9007199254740993123'));
});

test('summary: fields no definition maps are reported with their path', () => {
  const doc = JSON.parse(readFixture('summary-nri-1.22.json').toString('utf8')) as SummaryDoc;
  setAt(doc, 'node.cpu.newCounter', 1);
  setAt(doc, 'pods.0.containers.0.memory.fancy', { a: 1 });
  setAt(doc, 'pods.0.containers.0.userDefinedMetrics', [{ name: 'x' }]);
  setAt(doc, `pods.${doc.pods.findIndex((p) => (p.volume?.length ?? 0) > 0)}.volume.0.extra`, 'x');
  setAt(doc, 'apiVersion', 'v2');
  const d = decodeSummary(JSON.stringify(doc));
  assert.deepEqual(d.unmapped.sort(), [
    'apiVersion', 'node.cpu.newCounter', 'pods[].containers[].memory.fancy',
    'pods[].containers[].userDefinedMetrics', 'pods[].volume[].extra',
  ]);
});

function decodeError(body: string): MetricDecodeError {
  try {
    decodeSummary(body);
  } catch (err) {
    assert.ok(err instanceof MetricDecodeError, `expected MetricDecodeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the decode to fail');
}

test('summary: malformed payloads give errors naming the field', () => {
  const good: unknown = JSON.parse(readFixture('summary-nri-1.28.json').toString('utf8'));
  const bad = (mutate: (d: unknown) => void): string => {
    const d = structuredClone(good);
    mutate(d);
    return JSON.stringify(d);
  };
  assert.equal(decodeError(bad((d) => setAt(d, 'node.cpu.usageNanoCores', '12'))).message,
    'summary: node.cpu.usageNanoCores: expected a number, got string');
  assert.equal(decodeError(bad((d) => setAt(d, 'pods.2.containers.0.memory.rssBytes', -1))).message,
    'summary: pods[2].containers[0].memory.rssBytes: expected a non-negative number, got -1');
  assert.equal(decodeError(bad((d) => setAt(d, 'pods.1.cpu', [1]))).message,
    'summary: pods[1].cpu: expected an object, got array');
  assert.equal(decodeError(bad((d) => deleteAt(d, 'pods.3.podRef.uid'))).message,
    'summary: pods[3].podRef.uid: expected a non-empty string, got undefined');
  assert.equal(decodeError(bad((d) => setAt(d, 'pods.0.volume.0.time', 'yesterday'))).message,
    'summary: pods[0].volume[0].time: expected an RFC 3339 time, got "yesterday"');
  assert.equal(decodeError(bad((d) => setAt(d, 'node.network.interfaces.0.rxBytes', true))).message,
    'summary: node.network.interfaces[0].rxBytes: expected a number, got boolean');
  assert.equal(decodeError(bad((d) => deleteAt(d, 'node'))).message, 'summary: node: expected an object, got undefined');
  assert.match(decodeError('{"node": ').message, /^summary: invalid JSON: /);
  assert.equal(decodeError(bad((d) => setAt(d, 'pods', {}))).message, 'summary: pods: expected an array, got object');
});

test('summary: a new key is reported even after many decodes of objects without it', () => {
  const base = readFixture('summary-nri-1.35.json').toString('utf8');
  for (let i = 0; i < 3; i++) assert.deepEqual(decodeSummary(base).unmapped, []);
  const doc = JSON.parse(base) as SummaryDoc;
  setAt(doc, 'pods.5.memory.workingSetPeakBytes', 1); // appended at the end of a key list seen before
  setAt(doc, 'pods.6.cpu', { surprise: 2, ...doc.pods[6].cpu }); // a new key first
  assert.deepEqual(decodeSummary(JSON.stringify(doc)).unmapped.sort(), ['pods[].cpu.surprise', 'pods[].memory.workingSetPeakBytes']);
  assert.deepEqual(decodeSummary(base).unmapped, []);
});
