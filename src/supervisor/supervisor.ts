// The watchdog: a small supervisor process that forks the worker (the same command with
// KUBEPULSE_WORKER=1), watches its heartbeats and memory over IPC, and restarts it with exponential
// backoff when it exits, hangs or passes its memory cap. Stop requests reach the worker as an IPC
// message, not a signal, so the same code works on Windows, and the worker runs in its own process
// group on POSIX so a terminal's Ctrl-C reaches only the supervisor: the worker then stops in order
// (collection, queues, database) instead of its PostgreSQL child dying first.
import { fork, type ChildProcess } from 'node:child_process';
import { log } from '../log.js';
import { Backoff } from '../util/backoff.js';
import { detachWorker } from '../platform/index.js';
import { decideRestart, type RestartReason, type WorkerMessage } from './policy.js';
import { PERMANENT_EXIT_CODE } from './permanent-error.js';

export interface SupervisorOptions {
  /** Script and arguments the worker runs (normally process.argv.slice(1)). */
  argv: string[];
  heartbeatTimeoutMs: number;
  memoryLimitBytes: number;
  /** How long a stopping worker may take before it is killed. */
  stopTimeoutMs: number;
}

export const WORKER_ENV = 'KUBEPULSE_WORKER';
/** The worker's MALLOC_ARENA_MAX unless the operator set one (read by glibc at process start only). */
const WORKER_MALLOC_ARENA_MAX = '2';
const HISTORY_MAX = 10;

export class Supervisor {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  /** The most recent restarts, newest last, passed to each worker for its status (bounded). */
  readonly history: RestartReason[] = [];
  private lastHeartbeat = 0;
  private startedAt = 0;
  private watchTimer: NodeJS.Timeout | null = null;
  private readonly backoff = new Backoff(1000, 60_000, () => 1);
  private readonly recent: number[] = [];
  private restartTimer: NodeJS.Timeout | null = null;
  private done!: (code: number) => void;
  private pendingKill: RestartReason | null = null;

  constructor(private readonly o: SupervisorOptions) {}

  /** Runs until stop(); resolves with the exit code for the supervisor process. */
  run(): Promise<number> {
    const finished = new Promise<number>((r) => (this.done = r));
    this.spawn();
    this.watchTimer = setInterval(() => this.watch(), 1000);
    return finished;
  }

  private spawn(): void {
    this.startedAt = Date.now();
    this.lastHeartbeat = Date.now();
    const env = {
      ...process.env,
      [WORKER_ENV]: '1',
      KUBEPULSE_WORKER_RESTARTS: String(this.restarts),
      KUBEPULSE_WORKER_RESTART_HISTORY: JSON.stringify(this.history),
      // glibc gives each thread that mallocs its own 64 MiB arena (up to 8 per core): in the soak, 9 arenas
      // held 28 MiB of RSS against 4 MiB with two, for the same work (docs/OPERATIONS.md, Memory).
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? WORKER_MALLOC_ARENA_MAX,
    };
    const child = fork(this.o.argv[0], this.o.argv.slice(1), {
      env,
      stdio: 'inherit',
      // POSIX: own process group, so Ctrl-C in a terminal is delivered to the supervisor only.
      detached: detachWorker(),
    });
    this.child = child;
    log('supervisor').info({ pid: child.pid, restarts: this.restarts }, 'worker started');
    child.on('message', (m: WorkerMessage) => {
      if (m && m.type === 'heartbeat') {
        this.lastHeartbeat = Date.now();
        if (m.rssBytes > this.o.memoryLimitBytes && !this.pendingKill) {
          this.restartWorker({ kind: 'memory', detail: `RSS ${Math.round(m.rssBytes / 2 ** 20)} MiB over the cap of ${Math.round(this.o.memoryLimitBytes / 2 ** 20)} MiB`, at: new Date().toISOString() }, false);
        }
      }
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private watch(): void {
    if (!this.child || this.stopping || this.pendingKill) return;
    const silentMs = Date.now() - this.lastHeartbeat;
    if (silentMs > this.o.heartbeatTimeoutMs) {
      this.restartWorker({ kind: 'hang', detail: `no heartbeat for ${Math.round(silentMs / 1000)} s (event loop blocked?)`, at: new Date().toISOString() }, true);
    }
  }

  /** Stops the worker (gracefully unless `kill`), then lets onExit restart it with this reason. */
  private restartWorker(reason: RestartReason, kill: boolean): void {
    const child = this.child;
    if (!child) return;
    this.pendingKill = reason;
    log('supervisor').warn({ pid: child.pid, reason: reason.kind, detail: reason.detail }, 'restarting worker');
    if (kill) child.kill('SIGKILL');
    else {
      child.send?.({ type: 'stop' });
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), this.o.stopTimeoutMs).unref();
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    if (this.stopping) {
      if (this.watchTimer) clearInterval(this.watchTimer);
      this.done(code ?? 0);
      return;
    }
    const reason: RestartReason = this.pendingKill ?? { kind: 'exit', detail: signal ? `killed by ${signal}` : `exited with code ${code}`, at: new Date().toISOString() };
    // The worker ended on a permanent error (it said which, and the fix): no restart can heal it.
    if (!this.pendingKill && code === PERMANENT_EXIT_CODE) {
      if (this.watchTimer) clearInterval(this.watchTimer);
      log('supervisor').error({ code }, 'worker ended with a permanent error; not restarting (see the message above for the fix)');
      this.done(PERMANENT_EXIT_CODE);
      return;
    }
    this.pendingKill = null;
    const uptimeMs = Date.now() - this.startedAt;
    this.recent.push(Date.now());
    while (this.recent.length && this.recent[0] < Date.now() - 10 * 60_000) this.recent.shift();
    const d = decideRestart(reason, uptimeMs, this.recent.length, this.backoff);
    this.restarts++;
    this.history.push(reason);
    if (this.history.length > HISTORY_MAX) this.history.shift();
    const l = log('supervisor');
    const retryAt = new Date(Date.now() + d.delayMs).toISOString();
    const inSeconds = `${Math.round(d.delayMs / 100) / 10} s`;
    if (d.crashLoop) l.error({ reason: reason.kind, detail: reason.detail, restartsIn10Min: this.recent.length, delayMs: d.delayMs, retryAt }, `worker is crash-looping; backing off, restarting in ${inSeconds}`);
    else l.warn({ reason: reason.kind, detail: reason.detail, delayMs: d.delayMs, retryAt }, `worker stopped; restarting in ${inSeconds}`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.spawn();
    }, d.delayMs);
  }

  /** Restarts so far, and the worker's pid (null between restarts). */
  get restartCount(): number {
    return this.restarts;
  }

  get workerPid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Passes a reload request (SIGHUP on the supervisor) to the worker. */
  forwardReload(): void {
    this.child?.send?.({ type: 'reload' });
  }

  /** Asks the worker to stop (IPC), kills it after stopTimeoutMs, and resolves run() when it is gone. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) {
      if (this.watchTimer) clearInterval(this.watchTimer);
      this.done(0);
      return;
    }
    child.send?.({ type: 'stop' });
    setTimeout(() => {
      if (child.exitCode === null) {
        log('supervisor').error({ pid: child.pid }, 'worker did not stop in time; killing it');
        child.kill('SIGKILL');
      }
    }, this.o.stopTimeoutMs).unref();
  }
}
