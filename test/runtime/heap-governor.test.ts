// The collector's V8 heap setting (src/runtime/heap-governor.ts): the slack rule, its environment knobs, the
// governor re-applying it after full GCs, and a bad value stopping `kubepulse run` before anything starts
// (with the watchdog it would crash-loop the worker). Values only, never timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  DEFAULT_HEAP_GROWING_PERCENT, DEFAULT_HEAP_BUDGET_MIB, HeapGrowingGovernor, growingPercentFor, heapGrowingOptions,
} from '../../src/runtime/heap-governor.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MiB = 2 ** 20;

test('heap tuning: the knobs, their defaults, and bad values named in the error', () => {
  assert.deepEqual(heapGrowingOptions({}), { minPercent: DEFAULT_HEAP_GROWING_PERCENT, heapBudgetMiB: DEFAULT_HEAP_BUDGET_MIB });
  assert.deepEqual(heapGrowingOptions({ KUBEPULSE_HEAP_GROWING_PERCENT: '', KUBEPULSE_HEAP_BUDGET_MIB: '' }), { minPercent: DEFAULT_HEAP_GROWING_PERCENT, heapBudgetMiB: DEFAULT_HEAP_BUDGET_MIB });
  assert.deepEqual(heapGrowingOptions({ KUBEPULSE_HEAP_GROWING_PERCENT: '0', KUBEPULSE_HEAP_BUDGET_MIB: '512' }), { minPercent: 0, heapBudgetMiB: 512 });
  for (const bad of ['-5', '12.5', 'lots', '301']) {
    assert.throws(() => heapGrowingOptions({ KUBEPULSE_HEAP_GROWING_PERCENT: bad }), /KUBEPULSE_HEAP_GROWING_PERCENT must be an integer from 0 to 300 \(0 = V8's default\), got "/, bad);
  }
  assert.throws(() => heapGrowingOptions({ KUBEPULSE_HEAP_BUDGET_MIB: '1e9' }), /KUBEPULSE_HEAP_BUDGET_MIB must be an integer from 0 to 65536, got "1e9"/);
});

test('heap tuning: small heaps keep V8\'s own factor, larger ones may grow to the budget, large ones by the percent', () => {
  const o = { minPercent: 40, heapBudgetMiB: 256 };
  assert.equal(growingPercentFor(60 * MiB, o), 0, 'a budget over 4 × the live size is V8\'s own range: left to V8');
  assert.equal(growingPercentFor(100 * MiB, o), 156, 'up to the budget');
  assert.equal(growingPercentFor(180 * MiB, o), 43);
  assert.equal(growingPercentFor(640 * MiB, o), 40, 'the percent, once past the budget');
  assert.equal(growingPercentFor(0, o), 0);
  assert.equal(growingPercentFor(640 * MiB, { minPercent: 0, heapBudgetMiB: 256 }), 0, 'tuning off');
});

test('heap tuning: the governor applies the percent for the heap used after a full GC, skipping small changes', () => {
  let used = 160 * MiB;
  const gov = new HeapGrowingGovernor({ minPercent: 40, heapBudgetMiB: 256 }, () => used);
  try {
    gov.afterFullGc();
    assert.equal(gov.percent, 60);
    used = 165 * MiB; // 56 %: within 5 points, left as is
    gov.afterFullGc();
    assert.equal(gov.percent, 60);
    used = 1024 * MiB;
    gov.afterFullGc();
    assert.equal(gov.percent, 40);
    used = 10 * MiB;
    gov.afterFullGc();
    assert.equal(gov.percent, 0, 'back to V8\'s own factor');
    assert.equal(gov.fullGcs, 4);
  } finally {
    setFlagsFromString('--heap-growing-percent=0'); // leave this test process as V8 set it up
  }
});

test('heap tuning: the governor sees real full GCs through the GC observer, and stops observing', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const gov = new HeapGrowingGovernor({ minPercent: 40, heapBudgetMiB: 256 }).start();
  try {
    gc();
    // GC entries reach observers asynchronously.
    for (let i = 0; i < 50 && gov.fullGcs === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(gov.fullGcs >= 1, 'a full GC was observed');
    gov.stop();
    const seen = gov.fullGcs;
    gc();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(gov.fullGcs, seen, 'nothing observed after stop()');
  } finally {
    gov.stop();
    setFlagsFromString('--heap-growing-percent=0');
    setFlagsFromString('--no-external-memory-accounted-in-global-limit');
  }
});

/** Full GCs in a fresh node while it allocates and drops `mib` MiB of 16 KB Buffers, as TLS reads do. */
async function fullGcsWhileReading(mib: number, governed: boolean): Promise<number> {
  const governor = join(repoRoot, 'dist/src/runtime/heap-governor.js');
  const script = `
    import { PerformanceObserver, constants } from 'node:perf_hooks';
    const { HeapGrowingGovernor } = await import(${JSON.stringify(governor)});
    if (${governed}) new HeapGrowingGovernor({ minPercent: 30, heapBudgetMiB: 224 }).start();
    let full = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++; }).observe({ entryTypes: ['gc'] });
    const kept = [];
    for (let i = 0; i < ${mib} * 64; i++) {
      kept.push(Buffer.alloc(16384, i)); // a body's chunks live until it is complete, then are dropped
      if (kept.length === 100) { kept.length = 0; await new Promise((r) => setImmediate(r)); }
    }
    await new Promise((r) => setTimeout(r, 100));
    process.stdout.write(String(full));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 0);
  return Number(out);
}

test('heap tuning: Buffers read and dropped count in the heap limit, not in a full GC per 64 MB of them', async () => {
  // The control: how often V8's own trigger fires depends on how much the concurrent sweeper frees between
  // scavenges (7–8 on an idle machine, as few as 1 with every core busy), so it takes the most of three runs.
  let plain = 0;
  for (let run = 0; run < 3 && plain < 4; run++) plain = Math.max(plain, await fullGcsWhileReading(1024, false));
  assert.ok(plain >= 2, `V8's own external-memory trigger: ${plain} full GCs for 1 GiB of Buffers`);
  const governed = await fullGcsWhileReading(1024, true);
  assert.ok(governed <= 1, `governed: ${governed} full GCs against ${plain}`);
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
