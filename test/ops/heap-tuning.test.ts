// The collector's V8 heap setting (src/cli/heap-tuning.ts): its environment knob is validated, and a bad
// value stops `kubepulse run` before anything starts (with the watchdog it would crash-loop the worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HEAP_GROWING_PERCENT, tuneHeapGrowing } from '../../src/cli/heap-tuning.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

test('heap tuning: default, explicit and off (0) values; bad ones named in the error', () => {
  assert.equal(tuneHeapGrowing({}), DEFAULT_HEAP_GROWING_PERCENT);
  assert.equal(tuneHeapGrowing({ KUBEPULSE_HEAP_GROWING_PERCENT: '' }), DEFAULT_HEAP_GROWING_PERCENT);
  assert.equal(tuneHeapGrowing({ KUBEPULSE_HEAP_GROWING_PERCENT: '50' }), 50);
  assert.equal(tuneHeapGrowing({ KUBEPULSE_HEAP_GROWING_PERCENT: '0' }), 0);
  for (const bad of ['-5', '12.5', 'lots', '301']) {
    assert.throws(() => tuneHeapGrowing({ KUBEPULSE_HEAP_GROWING_PERCENT: bad }), /KUBEPULSE_HEAP_GROWING_PERCENT must be an integer from 0 to 300.*got "/, bad);
  }
  // Leave this test process as V8 sets it up by default.
  tuneHeapGrowing({ KUBEPULSE_HEAP_GROWING_PERCENT: '0' });
});

test('heap tuning: `kubepulse run` with a bad value exits 2 and says why, before starting anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-heap-'));
  try {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/kubepulse.js'), 'run', '--no-watchdog'], {
      cwd: dir,
      env: { ...process.env, KUBEPULSE_HEAP_GROWING_PERCENT: 'lots', KUBEPULSE_LOG__FILE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 2);
    assert.match(stderr, /KUBEPULSE_HEAP_GROWING_PERCENT must be an integer from 0 to 300 \(0 = V8's default\), got "lots"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
