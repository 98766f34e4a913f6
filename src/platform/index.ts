// The platform-specific bits in one place, as pure functions of the platform (so Linux CI tests the
// Windows answers too): which signals stop or reload the process, whether the worker gets its own
// process group, where a service keeps its state, and how to run kubepulse as a service. Everything else
// in kubepulse is platform-neutral: paths through node:path, no shell commands, IPC instead of signals.
import { posix, win32 } from 'node:path';

export type Platform = NodeJS.Platform;

/** Signals that ask for a graceful stop: Ctrl-C everywhere, SIGTERM, and Ctrl-Break on Windows. */
export function stopSignals(platform: Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK'] : ['SIGINT', 'SIGTERM'];
}

/** Signals that ask for a configuration reload: SIGHUP on POSIX; none on Windows (no such signal). */
export function reloadSignals(platform: Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? [] : ['SIGHUP'];
}

/**
 * Whether the watchdog starts the worker in its own process group: on POSIX a terminal's Ctrl-C then
 * reaches only the supervisor, which stops the worker in order. On Windows `detached` would open a new
 * console window instead, and Ctrl-C handling differs: the worker stays attached and the stop goes by IPC.
 */
export function detachWorker(platform: Platform = process.platform): boolean {
  return platform !== 'win32';
}

/** Where a service installation keeps its state (database, spool, logs) by default. */
export function serviceStateDir(platform: Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'kubepulse');
  if (platform === 'darwin') return posix.join('/Library', 'Application Support', 'kubepulse');
  return env.STATE_DIRECTORY ?? '/var/lib/kubepulse'; // systemd's StateDirectory= sets STATE_DIRECTORY
}

/** One line telling an operator how this platform runs kubepulse as a service (docs/OPERATIONS.md has the recipes). */
export function serviceHint(platform: Platform = process.platform): string {
  if (platform === 'win32') return 'Windows: register `node bin\\kubepulse.js run --no-watchdog` as a service (docs/OPERATIONS.md, "Windows service"); the service manager restarts it.';
  if (platform === 'linux') return 'Linux: install deploy/kubepulse.service (systemd, runs with --no-watchdog; Restart=always) — see docs/OPERATIONS.md.';
  return 'Run `kubepulse run` under your service manager with --no-watchdog, or without a manager with the built-in watchdog.';
}

