// The worker side of the watchdog protocol: heartbeats with memory figures over IPC (sent from the
// event loop, so a blocked loop stops them), and a 'stop' message treated like SIGTERM.
import type { RestartReason, WorkerMessage } from './policy.js';
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

/** Restart count and recent reasons the supervisor passed to this worker (for the status). */
export function workerRestartInfo(env: NodeJS.ProcessEnv = process.env): { restarts: number; lastRestart: RestartReason | null; history: RestartReason[] } {
  const history = parseReasons(env.KUBEPULSE_WORKER_RESTART_HISTORY);
  const restarts = Number(env.KUBEPULSE_WORKER_RESTARTS ?? 0);
  return { restarts: Number.isFinite(restarts) ? restarts : 0, lastRestart: history.at(-1) ?? null, history };
}

/** Pure: the reasons list from its environment text; anything malformed gives an empty list. */
export function parseReasons(text: string | undefined): RestartReason[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((r): r is RestartReason => !!r && typeof r === 'object' && typeof (r as RestartReason).kind === 'string' && typeof (r as RestartReason).detail === 'string') : [];
  } catch {
    return [];
  }
}
