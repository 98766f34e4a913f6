// The worker side of the watchdog protocol: heartbeats with memory figures over IPC (sent from the
// event loop, so a blocked loop stops them), and a 'stop' message treated like SIGTERM.
import type { WorkerMessage } from './policy.js';
import { WORKER_ENV } from './supervisor.js';

export function isWorker(): boolean {
  return process.env[WORKER_ENV] === '1' && typeof process.send === 'function';
}

/** Starts heartbeats; `onStop` runs when the supervisor asks the worker to stop. */
export function startWorkerLink(onStop: () => void, intervalMs = 1000): () => void {
  if (!isWorker()) return () => undefined;
  const beat = () => {
    const m = process.memoryUsage();
    const msg: WorkerMessage = { type: 'heartbeat', rssBytes: m.rss, heapBytes: m.heapUsed };
    process.send?.(msg);
  };
  beat();
  const t = setInterval(beat, intervalMs);
  const onMessage = (m: WorkerMessage) => {
    if (m && m.type === 'stop') onStop();
  };
  process.on('message', onMessage);
  // If the supervisor dies, do not linger as an orphan collecting forever.
  const onDisconnect = () => onStop();
  process.on('disconnect', onDisconnect);
  return () => {
    clearInterval(t);
    process.off('message', onMessage);
    process.off('disconnect', onDisconnect);
  };
}

/** Restart count and last reason the supervisor passed to this worker (for the status). */
export function workerRestartInfo(): { restarts: number; lastRestart: unknown } {
  let lastRestart: unknown = null;
  try {
    lastRestart = process.env.KUBEPULSE_WORKER_LAST_RESTART ? JSON.parse(process.env.KUBEPULSE_WORKER_LAST_RESTART) : null;
  } catch {
    lastRestart = null;
  }
  return { restarts: Number(process.env.KUBEPULSE_WORKER_RESTARTS ?? 0), lastRestart };
}
