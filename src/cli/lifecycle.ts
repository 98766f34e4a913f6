// Process lifecycle shared by `run` and `demo`: logging from the config, graceful stop on SIGINT /
// SIGTERM (and SIGBREAK / Ctrl-Break on Windows) within a bounded time, reload on SIGHUP.
import { configureLogging, log } from '../log.js';
import type { Config } from '../config/schema.js';

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
export const STOP_TIMEOUT_MS = 30_000;

/**
 * Resolves when a stop signal arrives; runs `stop` once, bounded by STOP_TIMEOUT_MS. A second signal
 * during the stop exits at once.
 */
export function onStopSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: string) => {
      if (stopping) {
        log('collector').warn({ signal }, 'second stop signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      log('collector').info({ signal }, 'stopping');
      const timer = setTimeout(() => {
        log('collector').error({ timeoutMs: STOP_TIMEOUT_MS }, 'graceful stop timed out; exiting');
        resolve(1);
      }, STOP_TIMEOUT_MS);
      timer.unref();
      stop()
        .then(() => resolve(0))
        .catch((e) => {
          log('collector').error({ err: (e as Error).message }, 'error while stopping');
          resolve(1);
        })
        .finally(() => clearTimeout(timer));
    };
    const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK'] : ['SIGINT', 'SIGTERM'];
    for (const s of signals) process.on(s, () => handler(s));
  });
}

/** SIGHUP (POSIX only) asks for a config reload. */
export function onReloadSignal(reload: () => Promise<void>): void {
  if (process.platform === 'win32') return;
  process.on('SIGHUP', () => {
    reload().catch((e) => log('collector').error({ err: (e as Error).message }, 'reload failed; keeping the running configuration'));
  });
}
