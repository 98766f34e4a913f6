// The platform module's answers for Linux and Windows (CI runs Linux only, so Windows is tested here as
// logic): stop and reload signals, worker process group, service state folder, service hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detachWorker, reloadSignals, serviceHint, serviceStateDir, stopSignals } from '../../src/platform/index.js';

test('stop signals: Ctrl-Break only on Windows; SIGINT and SIGTERM everywhere', () => {
  assert.deepEqual(stopSignals('linux'), ['SIGINT', 'SIGTERM']);
  assert.deepEqual(stopSignals('win32'), ['SIGINT', 'SIGTERM', 'SIGBREAK']);
  assert.deepEqual(stopSignals('darwin'), ['SIGINT', 'SIGTERM']);
});

test('reload: SIGHUP on POSIX, nothing on Windows (the supervisor forwards reload over IPC)', () => {
  assert.deepEqual(reloadSignals('linux'), ['SIGHUP']);
  assert.deepEqual(reloadSignals('win32'), []);
});

test('the worker gets its own process group on POSIX only', () => {
  assert.equal(detachWorker('linux'), true);
  assert.equal(detachWorker('win32'), false);
});

test('service state folder per platform, with Windows paths built by win32 rules', () => {
  assert.equal(serviceStateDir('win32', { ProgramData: 'D:\\Data' }), 'D:\\Data\\kubepulse');
  assert.equal(serviceStateDir('win32', {}), 'C:\\ProgramData\\kubepulse');
  assert.equal(serviceStateDir('linux', {}), '/var/lib/kubepulse');
  assert.equal(serviceStateDir('linux', { STATE_DIRECTORY: '/srv/kp' }), '/srv/kp');
});

test('service hints name the recipe for each platform', () => {
  assert.match(serviceHint('win32'), /Windows.*--no-watchdog/);
  assert.match(serviceHint('linux'), /systemd/);
  assert.match(serviceHint('freebsd'), /--no-watchdog/);
});
