// Server-sent events for the live viewer. One poller per server (not per client) watches the database for
// what the page must redraw — a new node sample or a change-log row per cluster, a change of any
// cluster's API health — and fans it out to every connected browser. Watching the database (rather than a
// hook inside the collector) makes `kubepulse view` against a database alone just as live.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { log, scrub, scrubKnownSecrets } from '../log.js';

export interface LiveOptions {
  pool: pg.Pool;
  /** API health per cluster name, from the status model (empty map when no collector runs here). */
  health: () => Map<string, string>;
  pollMs?: number;
  /** Upper bound of simultaneous streams; further requests get 503. */
  maxClients?: number;
  heartbeatMs?: number;
}

interface ClusterMark {
  changeId: string | null;
  lastSample: string | null;
}

export class LiveHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private marks = new Map<string, ClusterMark>();
  private health = '';
  private polling = false;
  private stopped = false;

  constructor(private readonly o: LiveOptions) {}

  get clientCount(): number {
    return this.clients.size;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.stopped || this.clients.size >= (this.o.maxClients ?? 200)) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'too many live streams' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // retry: how soon the browser's EventSource reconnects after the server went away (restarts).
    res.write('retry: 2000\n\n');
    res.write(`event: hello\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
    this.clients.add(res);
    req.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.pause();
    });
    this.resume();
  }

  private resume(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.o.pollMs ?? 1000);
    this.heartbeat = setInterval(() => this.broadcast(': ping\n\n'), this.o.heartbeatMs ?? 15_000);
    void this.poll();
  }

  private pause(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = this.heartbeat = null;
  }

  private broadcast(text: string): void {
    // The rule of every API answer (server/http-server.ts): a registered secret (a database password, a
    // cluster token) never leaves, whatever event carried it.
    const safe = scrubKnownSecrets(text);
    for (const c of this.clients) c.write(safe);
  }

  private send(event: string, data: unknown): void {
    this.broadcast(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** One cheap statement: per cluster, the newest change-log id and node sample time (both indexed). */
  private async poll(): Promise<void> {
    if (this.polling) return; // never overlap polls when the database is slow
    this.polling = true;
    try {
      const r = await this.o.pool.query<{ name: string; change_id: string | null; last_sample: Date | null }>(
        `SELECT c.name,
                (SELECT max(l.id) FROM kubepulse.change_log l WHERE l.cluster_id = c.id)::text AS change_id,
                (SELECT max(m.ts) FROM kubepulse.node_metric m WHERE m.cluster_id = c.id AND m.ts > now() - interval '1 hour') AS last_sample
           FROM kubepulse.cluster c`,
      );
      for (const row of r.rows) {
        const next: ClusterMark = { changeId: row.change_id, lastSample: row.last_sample ? row.last_sample.toISOString() : null };
        const prev = this.marks.get(row.name);
        this.marks.set(row.name, next);
        if (!prev) continue;
        if (prev.changeId !== next.changeId) this.send('inventory', { cluster: row.name, changeId: next.changeId });
        if (prev.lastSample !== next.lastSample) this.send('samples', { cluster: row.name, ts: next.lastSample });
      }
      const health = JSON.stringify([...this.o.health()].sort());
      if (health !== this.health) {
        if (this.health) this.send('health', Object.fromEntries(this.o.health()));
        this.health = health;
      }
    } catch (e) {
      log('viewer').warn({ err: (e as Error).message }, 'live poll failed');
      // Free text, like a log line: URL credentials and password=… pairs are masked even when not registered.
      this.send('database', { error: scrub((e as Error).message) });
    } finally {
      this.polling = false;
    }
  }

  stop(): void {
    this.stopped = true;
    this.pause();
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
