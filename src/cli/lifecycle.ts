// Process lifecycle shared by `run` and `demo`: logging from the config, graceful stop on SIGINT /
// SIGTERM (and SIGBREAK / Ctrl-Break on Windows) within a bounded time, reload on SIGHUP.
import { configureLogging, log } from '../log.js';
import type { Config } from '../config/schema.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { isWorker, startWorkerLink } from '../supervisor/worker.js';
import { reloadSignals, stopSignals } from '../platform/index.js';
import { classifyStartError, PERMANENT_EXIT_CODE } from '../supervisor/permanent-error.js';

/** Loads the config, or prints each problem (key path and reason) and returns null: the command exits 2. */
export function loadConfigOrReport(path: string | undefined): Config | null {
  try {
    return loadConfig(path);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return null;
  }
}

/**
 * A start that failed: a permanent error (a setting, a permission, a taken port or data folder) is said
 * once on stderr with its fix, and ends the run with exit code 2, which the watchdog does not restart;
 * anything else exits 1, and the watchdog retries (and says when).
 */
export function reportStartError(e: unknown, listen: string): number {
  const c = classifyStartError(e, listen);
  if (c.permanent) {
    log('collector').error({ cause: c.message }, 'cannot start: permanent error, not retrying');
    process.stderr.write(`kubepulse: ${c.message}\n`);
    return PERMANENT_EXIT_CODE;
  }
  log('collector').error({ cause: c.message }, 'start failed');
  process.stderr.write(`kubepulse: start failed: ${c.message}\n`);
  return 1;
}

/**
 * Before `run` or `demo` forks its worker: the problems that would make every start fail (a missing
 * kubeconfig, an address of no interface, a folder the server cannot enter) are printed, all of them,
 * and the command exits 2 instead of the watchdog restarting it forever. Null when it may start.
 */
export async function refuseToStart(cfg: Config, source: string, o: { clusters: boolean }): Promise<number | null> {
  if (isWorker()) return null; // checked by the watchdog's process already
  const { preflight } = await import('./preflight.js');
  const found = await preflight(o.clusters ? cfg : { ...cfg, clusters: [{ name: 'x', kubeconfig: '', context: '', in_cluster: true, enabled: true, kinds: {} }] }, source);
  if (!found.errors.length) return null;
  process.stderr.write(`kubepulse: cannot start, fix these first:\n${found.errors.map((e) => `  ${e}`).join('\n')}\n`);
  return PERMANENT_EXIT_CODE;
}

export function setUpLogging(cfg: Config): void {
  configureLogging({
    level: cfg.log.level,
    modules: cfg.log.modules,
    file: cfg.log.file,
    fileMaxBytes: cfg.log.file_max_size,
    fileMaxFiles: cfg.log.file_max_files,
    console: cfg.log.console,
  });
}

/** Bound on a graceful stop: past it the process exits anyway (the watchdog or service manager restarts). */
const STOP_TIMEOUT_MS = 30_000;

/**
 * Resolves when a stop signal (or the supervisor's stop message) has been handled: runs `stop` once,
 * bounded by STOP_TIMEOUT_MS. A second signal during the stop exits at once.
 */
export async function onStopSignal(stop: () => Promise<void>): Promise<number> {
  let trigger!: (why: string) => void;
  const requested = new Promise<string>((r) => (trigger = r));
  let stopping = false;
  const handler = (why: string) => {
    if (stopping) {
      log('collector').warn({ signal: why }, 'second stop signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    trigger(why);
  };
  for (const s of stopSignals()) process.on(s, () => handler(s));
  // Under the watchdog the stop request arrives over IPC (works the same on Windows).
  const unlink = startWorkerLink(() => handler('supervisor stop'));
  const why = await requested;
  log('collector').info({ signal: why }, 'stopping');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((r) => {
    timer = setTimeout(() => {
      log('collector').error({ timeoutMs: STOP_TIMEOUT_MS }, 'graceful stop timed out; exiting');
      r(1);
    }, STOP_TIMEOUT_MS);
  });
  const stopped = stop().then(
    () => 0,
    (e) => {
      log('collector').error({ err: (e as Error).message }, 'error while stopping');
      return 1;
    },
  );
  const code = await Promise.race([stopped, timedOut]);
  clearTimeout(timer);
  unlink();
  log('collector').info({ code }, 'stopped');
  return code;
}

/**
 * With the watchdog on (the default) and not already the worker, runs the supervisor and returns its
 * exit code; otherwise returns null and the caller runs the collector in this process.
 */
export async function superviseUnlessWorker(cfg: Config, watchdog: boolean | undefined): Promise<number | null> {
  if (watchdog === false || isWorker()) return null;
  const sup = new Supervisor({
    argv: process.argv.slice(1),
    heartbeatTimeoutMs: cfg.watchdog.heartbeat_timeout,
    memoryLimitBytes: cfg.watchdog.memory_limit,
    stopTimeoutMs: STOP_TIMEOUT_MS + 5000,
  });
  for (const s of stopSignals()) process.on(s, () => sup.stop());
  for (const s of reloadSignals()) process.on(s, () => sup.forwardReload());
  return sup.run();
}

/** SIGHUP (POSIX), or a 'reload' message from the supervisor, asks for a config reload. */
export function onReloadSignal(reload: () => Promise<void>): void {
  // Signal and message handlers ignore what they return: a failed reload is logged here, never rejected.
  const run = (): void => {
    reload().catch((e) => log('collector').error({ err: (e as Error).message }, 'reload failed; keeping the running configuration'));
  };
  for (const s of reloadSignals()) process.on(s, run);
  process.on('message', (m: { type?: string }) => {
    if (m && m.type === 'reload') run();
  });
}
