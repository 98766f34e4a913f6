// Rough edges a user hits at the command line: `inspect … | head -1` ends quietly (no EPIPE stack
// trace), `inspect cadvisor` refuses garbage and `null` with a clear error and a non-zero exit, and the
// demo's banner names the viewer's address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, fixture } from '../helpers/paths.js';
import { welcomeText } from '../../src/cli/demo.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');

test('inspect piped into head -1 ends without an EPIPE stack trace', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" inspect --json cadvisor "${fixture('cadvisor-nri-1.35.txt')}" | head -1`], { encoding: 'utf8' });
  assert.equal(r.stdout.split('\n')[0], '{');
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled 'error' event|\n\s+at /, r.stderr);
  assert.equal(r.stderr, '');
});

test('inspect cadvisor refuses garbage and null with a clear error and exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-inspect-'));
  try {
    for (const [name, body] of [['garbage.txt', 'this is not a kubelet payload\n'], ['null.txt', 'null'], ['empty.txt', '']]) {
      const file = join(dir, name);
      writeFileSync(file, body);
      const r = spawnSync(process.execPath, [BIN, 'inspect', 'cadvisor', file], { encoding: 'utf8' });
      assert.equal(r.status, 1, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, '', name);
      assert.equal(r.stderr, `kubepulse inspect: cadvisor: ${file} holds no cadvisor metrics (expected the Prometheus text a kubelet serves at /metrics/cadvisor)\n`);
    }
    const fromStdin = spawnSync(process.execPath, [BIN, 'inspect', 'resource', '-'], { input: 'null', encoding: 'utf8' });
    assert.equal(fromStdin.status, 1);
    assert.match(fromStdin.stderr, /^kubepulse inspect: resource: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the demo banner names the viewer, the status, kubectl and psql', () => {
  const text = welcomeText('127.0.0.1:7700', 'postgres://postgres:pw@127.0.0.1:5439/kubepulse', '/tmp/x/demo.kubeconfig');
  assert.match(text, /^ {2}viewer: +http:\/\/127\.0\.0\.1:7700\/$/m);
  assert.match(text, /^ {2}status: +http:\/\/127\.0\.0\.1:7700\/api\/status/m);
  assert.match(text, /^ {2}kubectl: +kubectl --kubeconfig \/tmp\/x\/demo\.kubeconfig/m);
  assert.match(text, /^ {2}database: +psql "postgres:\/\/postgres:pw@127\.0\.0\.1:5439\/kubepulse"$/m);
});
