// What the platform module decides, tested by what it makes happen. On this machine (POSIX; CI runs
// Linux): real processes receive the platform's stop and reload signals through the real lifecycle
// handlers, and the watchdog's worker really gets its own process group. For Windows, which cannot run
// here, the decisions are checked for given inputs: paths built by win32 rules from the environment,
// the signals a Windows process can be sent, and the service hints pointing at recipes that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detachWorker, reloadSignals, serviceHint, serviceStateDir, stopSignals } from '../../src/platform/index.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { configureLogging } from '../../src/log.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

configureLogging({ level: 'silent', console: 'off', file: '' });
const HERE = dirname(fileURLToPath(import.meta.url));

interface Child { proc: ChildProcess; lines: string[]; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

async function startChild(env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, [join(HERE, 'lifecycle-child.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let rest = '';
  proc.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString('utf8')).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  await waitFor(() => lines.includes('ready'), 'child ready', 10_000, 20);
  return { proc, lines, exit };
}

test('each stop signal of this platform runs the graceful stop once and exits 0', async () => {
  const signals = stopSignals(process.platform);
  assert.ok(signals.includes('SIGINT') && signals.includes('SIGTERM'), `Ctrl-C and service managers' SIGTERM stop: ${signals.join()}`);
  for (const signal of signals) {
    const c = await startChild();
    c.proc.kill(signal);
    const exit = await c.exit;
    // Without a handler the default action would end the process by the signal itself.
    assert.deepEqual(exit, { code: 0, signal: null }, `${signal}: exit`);
    assert.deepEqual(c.lines, ['ready', 'stopping', 'stopped'], `${signal}: stopped once, in order`);
  }
});

test('a second stop signal during a slow stop exits at once with 130', async () => {
  const c = await startChild({ LIFECYCLE_STOP_MS: '60000' });
  try {
    c.proc.kill('SIGTERM');
    await waitFor(() => c.lines.includes('stopping'), 'stop started', 10_000, 20);
    c.proc.kill('SIGINT');
    assert.deepEqual(await c.exit, { code: 130, signal: null });
    assert.ok(!c.lines.includes('stopped'), 'the slow stop was cut short');
  } finally {
    if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  }
});

test('SIGHUP reloads on POSIX and the process keeps running; a stop signal still stops it', async () => {
  assert.deepEqual(reloadSignals(process.platform), ['SIGHUP']);
  const c = await startChild();
  try {
    c.proc.kill('SIGHUP');
    await waitFor(() => c.lines.includes('reload 1'), 'first reload', 10_000, 20);
    c.proc.kill('SIGHUP');
    await waitFor(() => c.lines.includes('reload 2'), 'second reload', 10_000, 20);
    assert.equal(c.proc.exitCode, null, 'still running after two reloads');
    c.proc.kill('SIGTERM');
    assert.deepEqual(await c.exit, { code: 0, signal: null });
    assert.deepEqual(c.lines, ['ready', 'reload 1', 'reload 2', 'stopping', 'stopped']);
  } finally {
    if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  }
});

test('the watchdog\'s worker leads its own process group on POSIX, so a terminal\'s Ctrl-C reaches only the supervisor', async () => {
  assert.equal(detachWorker(process.platform), true, 'these tests run on POSIX');
  const dir = mkdtempSync(join(tmpdir(), 'kp-platform-'));
  process.env.WATCHDOG_TEST_MODE = 'ok';
  process.env.WATCHDOG_TEST_OUT = join(dir, 'worker');
  const sup = new Supervisor({ argv: [join(HERE, 'watchdog-worker.js')], heartbeatTimeoutMs: 10_000, memoryLimitBytes: 2 ** 30, stopTimeoutMs: 3000 });
  const done = sup.run();
  try {
    await waitFor(() => existsSync(join(dir, 'worker.0')), 'worker started', 10_000, 20);
    const { pid } = JSON.parse(readFileSync(join(dir, 'worker.0'), 'utf8')) as { pid: number };
    // Signal 0 to -pid asks whether a process group with that id exists. A forked child stays in its
    // parent's group (whose id is not the child's pid) unless it was started detached, as its leader.
    assert.doesNotThrow(() => process.kill(-pid, 0), 'a process group led by the worker');
  } finally {
    sup.stop();
    assert.equal(await done, 0);
    delete process.env.WATCHDOG_TEST_MODE;
    delete process.env.WATCHDOG_TEST_OUT;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Windows decisions: Ctrl-Break stops, nothing is a reload signal, the worker stays in the console', () => {
  // Windows delivers SIGINT (Ctrl-C), SIGBREAK (Ctrl-Break) and SIGTERM-on-close to node; SIGHUP never.
  assert.deepEqual([...stopSignals('win32')].sort(), ['SIGBREAK', 'SIGINT', 'SIGTERM']);
  assert.deepEqual(reloadSignals('win32'), [], 'reload goes over IPC from the supervisor');
  assert.equal(detachWorker('win32'), false, 'detached would open a new console window');
  for (const p of ['linux', 'darwin', 'freebsd'] as const) {
    assert.ok(!stopSignals(p).includes('SIGBREAK'), `${p}: no SIGBREAK`);
    assert.ok(!stopSignals(p).some((s) => reloadSignals(p).includes(s)), `${p}: a reload signal never stops`);
  }
});

test('the service state folder follows each platform\'s path rules and environment', () => {
  // win32 rules: forward slashes and a trailing separator in ProgramData still give one clean path.
  assert.equal(serviceStateDir('win32', { ProgramData: 'D:/Data/' }), 'D:\\Data\\kubepulse');
  assert.equal(serviceStateDir('win32', {}), 'C:\\ProgramData\\kubepulse');
  assert.equal(serviceStateDir('win32', { STATE_DIRECTORY: '/srv/kp' }), 'C:\\ProgramData\\kubepulse', 'systemd\'s variable means nothing on Windows');
  // systemd's StateDirectory= is honoured on Linux only; Windows' ProgramData is ignored there.
  assert.equal(serviceStateDir('linux', { STATE_DIRECTORY: '/srv/kp', ProgramData: 'D:\\Data' }), '/srv/kp');
  assert.equal(serviceStateDir('linux', { ProgramData: 'D:\\Data' }), '/var/lib/kubepulse');
  assert.equal(serviceStateDir('darwin', { STATE_DIRECTORY: '/srv/kp' }), '/Library/Application Support/kubepulse');
  assert.ok(win32.isAbsolute(serviceStateDir('win32', {})));
  for (const p of ['linux', 'darwin', 'freebsd'] as const) assert.ok(posix.isAbsolute(serviceStateDir(p, {})), p);
});

test('service hints point at recipes that exist and run without the built-in watchdog', () => {
  const ops = readFileSync(join(REPO_ROOT, 'docs/OPERATIONS.md'), 'utf8');
  assert.match(serviceHint('win32'), /--no-watchdog/);
  assert.match(serviceHint('win32'), /"Windows service"/);
  assert.match(ops, /^### Windows service$/m, 'the section the Windows hint names');
  const unit = /deploy\/kubepulse\.service/.exec(serviceHint('linux'));
  assert.ok(unit, serviceHint('linux'));
  assert.match(readFileSync(join(REPO_ROOT, unit[0]), 'utf8'), /^ExecStart=.*--no-watchdog/m, 'the unit the Linux hint names runs without the watchdog');
  assert.match(serviceHint('freebsd'), /--no-watchdog/);
});
