import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectCommand, type InspectSource } from '../../src/cli/inspect.js';
import { at, fixtureNames, fixturePath, readFixture, setAt } from './fixtures.js';
import type { SummaryDoc } from '../helpers/summary-doc.js';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(source: InspectSource, file: string, extra: { json?: boolean; stdin?: NodeJS.ReadableStream } = {}) {
  const out = sink();
  const err = sink();
  const code = await inspectCommand(source, file, { ...extra, out: out.stream, err: err.stream, nodeName: 'node-x',
    scrapeTime: new Date('2030-01-01T00:00:00Z') });
  return { code, out: out.text(), err: err.text() };
}

type Tables = Record<string, Array<Record<string, unknown>>>;

for (const name of fixtureNames('summary-')) {
  test(`inspect summary ${name} --json prints the rows with the fixture's values`, async () => {
    const raw = JSON.parse(readFixture(name).toString('utf8')) as SummaryDoc;
    const r = await run('summary', fixturePath(name), { json: true });
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { node: string; tables: Tables; unmapped: string[] };
    assert.equal(doc.node, raw.node.nodeName);
    const node = doc.tables.node_metric[0];
    assert.equal(node.cpu_usage_core_nanoseconds, raw.node.cpu.usageCoreNanoSeconds);
    assert.equal(node.memory_working_set_bytes, raw.node.memory?.workingSetBytes);
    assert.equal(node.fs_capacity_bytes, at(raw, 'node.fs.capacityBytes'));
    assert.equal(node.ts, new Date(raw.node.cpu.time).toISOString());
    assert.equal(doc.tables.pod_metric.length, raw.pods.length);
    const pod0 = doc.tables.pod_metric[0];
    assert.equal(pod0.pod_uid, raw.pods[0].podRef.uid);
    assert.equal(pod0.memory_working_set_bytes, raw.pods[0].memory?.workingSetBytes ?? null);
    assert.equal(pod0.network_rx_bytes, raw.pods[0].network?.rxBytes);
    const c0 = doc.tables.container_metric[0];
    assert.equal(c0.container, raw.pods[0].containers[0].name);
    assert.equal(c0.rootfs_used_bytes, at(raw, 'pods.0.containers.0.rootfs.usedBytes'));
  });
}

for (const name of fixtureNames('cadvisor-')) {
  test(`inspect cadvisor ${name}: tables in text and JSON`, async () => {
    const r = await run('cadvisor', fixturePath(name), { json: true });
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { tables: Tables; samples: number };
    const text = readFixture(name).toString('utf8');
    const rootRss = /^container_memory_rss\{[^}]*id="\/"[^}]*\} (\S+)/m.exec(text)![1];
    assert.equal(doc.tables.node_metric[0].memory_rss_bytes, Number(rootRss));
    assert.equal(doc.tables.node_metric[0].node, 'node-x');
    assert.ok(doc.tables.container_metric.length > 0 && doc.tables.interface_metric.length > 0);
    assert.ok(doc.tables.disk_io_metric.length > 0);
    const t = await run('cadvisor', fixturePath(name));
    assert.equal(t.code, 0);
    assert.match(t.out, /== node_metric \(1 row\)/);
    assert.match(t.out, new RegExp(`memory_rss_bytes +${Number(rootRss)}`));
    assert.match(t.out, /unmapped fields: none/);
  });
}

for (const name of fixtureNames('resource-')) {
  test(`inspect resource ${name} from stdin ('-')`, async () => {
    const r = await run('resource', '-', { json: true, stdin: Readable.from([readFixture(name)]) });
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { tables: Tables; scrapeError: number };
    assert.equal(doc.tables.container_metric[0].cpu_usage_core_nanoseconds, 4710169000);
    assert.equal(doc.tables.node_metric[0].memory_working_set_bytes, 1616273408);
    assert.equal(doc.scrapeError, 0);
  });
}

test('inspect: malformed input names the problem; exit codes 1 (payload) and 2 (arguments, file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-inspect-'));
  try {
    const doc: unknown = JSON.parse(readFixture('summary-nri-1.22.json').toString('utf8'));
    setAt(doc, 'node.cpu.usageNanoCores', 'lots');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    let r = await run('summary', bad);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'kubepulse inspect: summary: node.cpu.usageNanoCores: expected a number, got string\n');
    assert.equal(r.out, '');

    r = await run('summary', '-', { stdin: Readable.from(['{"node": {"nodeName": "n", "cpu": ']) });
    assert.equal(r.code, 1);
    assert.match(r.err, /^kubepulse inspect: summary: invalid JSON: /);

    r = await run('cadvisor', '-', { stdin: Readable.from(['container_threads{id="/"} 1\ncontainer_threads{id= 2\n']) });
    assert.equal(r.code, 1);
    assert.match(r.err, /^kubepulse inspect: cadvisor: line 2: /);

    r = await run('summary', join(dir, 'missing.json'));
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read .*missing\.json/);

    r = await run('prometheus' as InspectSource, bad);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown source "prometheus"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
