// API-server health per cluster: a cheap GET /readyz (falling back to /version for servers that deny
// it) on the health interval. Three failures in a row make a cluster unreachable, a slow or failing
// answer degraded; state changes are logged once, not on every probe.
import type { ClusterConnection } from '../cluster/connection.js';
import { log } from '../log.js';

export type ApiHealth = 'healthy' | 'degraded' | 'unreachable' | 'unknown';

export interface ApiProbeStatus {
  state: ApiHealth;
  latencyMs: number | null;
  lastOkAt: string | null;
  lastError: string | null;
  since: string;
  version: string | null;
}

const SLOW_MS = 2000;
const FAILURES_UNREACHABLE = 3;

/** Pure: next health state from the last probe's outcome. */
function nextApiHealth(ok: boolean, latencyMs: number, consecutiveFailures: number): ApiHealth {
  if (ok) return latencyMs > SLOW_MS ? 'degraded' : 'healthy';
  return consecutiveFailures >= FAILURES_UNREACHABLE ? 'unreachable' : 'degraded';
}

export class ApiProbe {
  readonly status: ApiProbeStatus = { state: 'unknown', latencyMs: null, lastOkAt: null, lastError: null, since: new Date().toISOString(), version: null };
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly conn: ClusterConnection,
    private readonly intervalMs: number,
    private readonly onChange?: (s: ApiProbeStatus) => void,
  ) {}

  start(): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async probe(): Promise<ApiHealth> {
    if (this.running) return this.status.state;
    this.running = true;
    const started = Date.now();
    let ok = false;
    try {
      const v = await this.conn.getJson<{ gitVersion?: string }>('/version', { timeoutMs: Math.min(this.intervalMs, 5000) });
      this.status.version = v.gitVersion ?? null;
      ok = true;
      this.status.lastError = null;
      this.status.lastOkAt = new Date().toISOString();
    } catch (e) {
      this.status.lastError = (e as Error).message;
    } finally {
      this.running = false;
    }
    const latency = Date.now() - started;
    this.failures = ok ? 0 : this.failures + 1;
    this.status.latencyMs = ok ? latency : null;
    const next = nextApiHealth(ok, latency, this.failures);
    if (next !== this.status.state) {
      const prev = this.status.state;
      this.status.state = next;
      this.status.since = new Date().toISOString();
      const l = log('cluster').child({ cluster: this.conn.name });
      if (next === 'healthy') l.info({ from: prev, latencyMs: latency }, 'API server healthy');
      else l.warn({ from: prev, cause: this.status.lastError ?? `slow: ${latency} ms` }, `API server ${next}`);
      this.onChange?.(this.status);
    }
    return next;
  }
}
