// Drives the simulated API server with a client we don't write: the official Kubernetes Python client
// (Debian's python3-kubernetes, installed by .ci/run) lists pods with pagination and watches them with
// bookmarks allowed, from the list's resourceVersion, until a pod the test deletes is reported deleted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '../src/index.js';
import { get } from './api-helpers.js';
import type { WireList, WirePod } from './wire.js';
import { PACKAGE_ROOT } from './paths.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(PACKAGE_ROOT, 'test/python/list_and_watch.py');
let sim: SimCluster;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubepulse-python-'));
  sim = await startSim({ name: 'python-sim', nodes: 3, podsPerNode: 12, seed: 8, podChurnIntervalMs: 0 });
  await writeKubeconfig(join(dir, 'kubeconfig'), [sim]);
});

after(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the official Python client pages through pods, lists nodes and watches with bookmarks until a delete', async () => {
  assert.ok(existsSync(PYTHON), `${PYTHON} (Debian's python3; .ci/run installs python3-kubernetes)`);
  const api = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json;
  const expected = api.items.length;
  const victim = api.items.find((p) => p.metadata.namespace !== 'kube-system')!;
  const child = spawn(PYTHON, [SCRIPT, join(dir, 'kubeconfig'), '7', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let err = '';
  let rest = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  let deleted = false;
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString('utf8')).split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      const line = JSON.parse(p) as Record<string, unknown>;
      lines.push(line);
      // The watch is open once the lists are done: then delete the pod it must report.
      if ('nodes' in line && !deleted) {
        deleted = true;
        setTimeout(() => sim.deletePod(victim.metadata.namespace!, victim.metadata.name), 500);
      }
    }
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 0, `python client failed: ${err.slice(-2000)}`);
  const listed = lines.find((l) => 'pods' in l)!;
  assert.equal(listed.pods, expected, 'every pod listed once across pages');
  assert.equal(listed.distinct, expected);
  assert.equal(listed.pages, Math.ceil(expected / 7), 'pages of 7 with a continue token');
  assert.deepEqual((lines.find((l) => 'nodes' in l)!.nodes), sim.nodes().map((n) => n.name).sort());
  const events = lines.filter((l) => 'event' in l);
  assert.ok(events.some((e) => e.event === 'DELETED' && e.name === victim.metadata.name), `the delete reached the watch: ${JSON.stringify(events)}`);
  assert.ok(lines.at(-1)?.done, 'the client stopped its watch cleanly');
});
