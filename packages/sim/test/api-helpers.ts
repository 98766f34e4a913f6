// Helpers for the simulator's API tests: real HTTPS requests that trust the sim's own CA, and a watch
// reader that collects JSON lines until a condition holds.
import { request } from 'node:https';
import type { SimCluster } from '../src/index.js';
import type { WatchEvent } from './wire.js';

/** `json` is the parsed body read as T (the caller names the shape it expects); undefined when it is not JSON. */
export interface HttpResult<T = unknown> { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: T }

export function call<T = unknown>(sim: SimCluster, method: string, path: string, options: { body?: unknown; contentType?: string; token?: string | null; accept?: string } = {}): Promise<HttpResult<T>> {
  const url = new URL(path, sim.url);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  const token = options.token === undefined ? sim.token : options.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: sim.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: T;
        try {
          json = JSON.parse(text) as T;
        } catch {
          json = undefined as T;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const get = <T = unknown>(sim: SimCluster, path: string): Promise<HttpResult<T>> => call<T>(sim, 'GET', path);

export interface WatchHandle<T = WatchEvent> { events: T[]; done: Promise<void>; close(): void }

/** Opens a watch and collects its events until `until(events)` is true, the stream ends, or timeoutMs. */
export function watch<T = WatchEvent>(sim: SimCluster, path: string, until: (events: T[]) => boolean, timeoutMs = 15_000): WatchHandle<T> {
  const url = new URL(path, sim.url);
  const events: T[] = [];
  let close = (): void => {};
  const done = new Promise<void>((resolve, reject) => {
    const req = request(url, { headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caPem, agent: false }, (res) => {
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) events.push(JSON.parse(line) as T);
        }
        if (until(events)) finish();
      });
      res.on('end', () => finish());
      res.on('error', () => finish());
    });
    const timer = setTimeout(() => finish(), timeoutMs);
    function finish(): void {
      clearTimeout(timer);
      req.destroy();
      resolve();
    }
    close = finish;
    req.on('error', (e) => (events.length ? resolve() : reject(e)));
    req.end();
  });
  return { events, done, close: () => close() };
}
