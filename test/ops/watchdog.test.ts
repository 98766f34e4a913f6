// The watchdog with real processes: a worker that blocks its event loop is killed and restarted, one over
// its memory cap is stopped and restarted, a crashing one is restarted; each restarted worker is told
// the reason (what its status reports), and stop() ends the worker and the supervisor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { decideRestart, CRASH_LOOP_RESTARTS, STABLE_AFTER_MS } from '../../src/supervisor/policy.js';
import { parseReasons, workerRestartInfo } from '../../src/supervisor/worker.js';
import { Backoff } from '../../src/util/backoff.js';
import { configureLogging } from '../../src/log.js';
import { waitFor } from '../helpers/wait.js';

configureLogging({ level: 'silent', console: 'off', file: '' });
const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'watchdog-worker.js');

async function supervise(mode: string, memoryLimitBytes = 2 ** 30) {
  const dir = mkdtempSync(join(tmpdir(), 'kp-watchdog-'));
  const out = join(dir, 'worker');
  process.env.WATCHDOG_TEST_MODE = mode;
  process.env.WATCHDOG_TEST_OUT = out;
  const sup = new Supervisor({ argv: [WORKER], heartbeatTimeoutMs: 2000, memoryLimitBytes, stopTimeoutMs: 3000 });
  // The supervisor copies its environment into every worker it forks, restarts included.
  const done = sup.run();
  const read = (n: number) => JSON.parse(readFileSync(`${out}.${n}`, 'utf8')) as { pid: number; mallocArenaMax: string | null; restarts: number; history: Array<{ kind: string; detail: string }> };
  const finish = async () => {
    sup.stop();
    assert.equal(await done, 0);
    delete process.env.WATCHDOG_TEST_MODE;
    delete process.env.WATCHDOG_TEST_OUT;
    rmSync(dir, { recursive: true, force: true });
  };
  return { sup, read, has: (n: number) => existsSync(`${out}.${n}`), finish };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a worker that blocks its event loop is killed and restarted; the new worker knows why', async () => {
  const s = await supervise('block');
  try {
    await waitFor(() => s.has(0), 'first worker started', 10_000, 50);
    const first = s.read(0);
    await waitFor(() => s.has(1), 'worker restarted after it stopped heartbeating', 20_000, 100);
    assert.equal(alive(first.pid), false, 'the hung worker was killed');
    const second = s.read(1);
    assert.equal(second.restarts, 1);
    assert.equal(second.history.at(-1)?.kind, 'hang');
    assert.match(second.history.at(-1)!.detail, /no heartbeat/);
    assert.deepEqual(s.sup.history.map((r) => r.kind), ['hang']);
  } finally {
    await s.finish();
  }
});

test('a worker over its memory cap is stopped and restarted with the reason', async () => {
  const s = await supervise('memory', 120 * 2 ** 20);
  try {
    await waitFor(() => s.has(0), 'first worker started', 10_000, 50);
    const first = s.read(0);
    await waitFor(() => s.has(1), 'worker restarted after passing its memory cap', 20_000, 100);
    assert.equal(alive(first.pid), false);
    const second = s.read(1);
    assert.equal(second.history.at(-1)?.kind, 'memory');
    assert.match(second.history.at(-1)!.detail, /over the cap of 120 MiB/);
  } finally {
    await s.finish();
  }
});

test('a crashing worker is restarted; stop() stops the running worker and the supervisor', async () => {
  const s = await supervise('crash');
  try {
    await waitFor(() => s.has(1), 'worker restarted after exiting', 20_000, 100);
    const second = s.read(1);
    assert.equal(second.history.at(-1)?.kind, 'exit');
    assert.match(second.history.at(-1)!.detail, /exited with code 3/);
    await waitFor(() => s.sup.workerPid === second.pid, 'supervisor tracks the new worker', 5000, 50);
  } finally {
    const pid = s.sup.workerPid;
    await s.finish();
    assert.ok(pid !== null, 'a worker was running when stop() was called');
    assert.equal(alive(pid), false, 'worker gone after stop');
  }
});

test('the worker runs with glibc malloc arenas capped at 2, unless the operator set MALLOC_ARENA_MAX', async () => {
  const own = process.env.MALLOC_ARENA_MAX;
  try {
    for (const [set, expected] of [[undefined, '2'], ['4', '4']] as const) {
      if (set === undefined) delete process.env.MALLOC_ARENA_MAX;
      else process.env.MALLOC_ARENA_MAX = set;
      const s = await supervise('ok');
      try {
        await waitFor(() => s.has(0), 'worker started', 10_000, 50);
        assert.equal(s.read(0).mallocArenaMax, expected, `MALLOC_ARENA_MAX ${set ?? 'unset'} in the supervisor`);
      } finally {
        await s.finish();
      }
    }
  } finally {
    if (own === undefined) delete process.env.MALLOC_ARENA_MAX;
    else process.env.MALLOC_ARENA_MAX = own;
  }
});

test('restart policy: backoff grows, resets after a stable run, and a crash loop is slowed down', () => {
  const b = new Backoff(1000, 60_000, () => 1);
  const reason = { kind: 'exit' as const, detail: 'x', at: '' };
  const delays = [0, 1, 2].map(() => decideRestart(reason, 1000, 1, b).delayMs);
  assert.deepEqual(delays, [1000, 2000, 4000]);
  assert.equal(decideRestart(reason, STABLE_AFTER_MS, 1, b).delayMs, 1000, 'reset after a stable run');
  const loop = decideRestart(reason, 1000, CRASH_LOOP_RESTARTS, b);
  assert.equal(loop.crashLoop, true);
  assert.ok(loop.delayMs >= 30_000);
  assert.equal(decideRestart({ kind: 'hang', detail: '', at: '' }, STABLE_AFTER_MS, 1, b).delayMs, 0, 'a long-running hung worker is restarted at once');
});

test('restart reasons passed in the environment are parsed defensively', () => {
  assert.deepEqual(parseReasons(undefined), []);
  assert.deepEqual(parseReasons('not json'), []);
  assert.deepEqual(parseReasons('[{"kind":"hang","detail":"d","at":"t"},{"bogus":1}]'), [{ kind: 'hang', detail: 'd', at: 't' }]);
  const info = workerRestartInfo({ KUBEPULSE_WORKER_RESTARTS: '2', KUBEPULSE_WORKER_RESTART_HISTORY: '[{"kind":"memory","detail":"d","at":"t"}]' });
  assert.equal(info.restarts, 2);
  assert.equal(info.lastRestart?.kind, 'memory');
});
