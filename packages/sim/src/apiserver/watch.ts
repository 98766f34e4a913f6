// WATCH: a chunked stream of one JSON event per line. Starts with synthetic ADDED events (no RV or "0"),
// or replays the bounded history after the given RV; an RV below the compaction floor gets a single
// ERROR event carrying a 410 Expired Status, as the real watch cache answers. Bookmarks, timeoutSeconds
// and fault-injected cuts end or annotate the stream like a real apiserver.
import type { ServerResponse } from 'node:http';
import type { SimStore, HistoryEvent, Watcher } from '../model/store.js';
import { fieldOf, serializeObject } from '../model/store.js';
import { groupVersion } from '../model/resources.js';
import { ApiError, badRequest, statusBody } from './status.js';
import { parseFieldSelector, parseLabelSelector, fieldsMatch } from './selectors.js';
import { supportedFields, type ListRequest } from './list.js';
import { tableOf } from './table.js';
import { queryBool } from './query.js';

export interface WatchOptions {
  bookmarkIntervalMs: number;
  /** Cut the stream (connection destroyed) after this long; 0 = never. Fault injection. */
  cutAfterMs: number;
  /** Send the stream in pieces of 1 … this many bytes, a millisecond apart; 0 = whole events. */
  chunkBytes: number;
  rng: () => number;
}

interface StreamWriter {
  write(text: string): void;
  /** Ends the response once everything written has gone out. */
  end(): void;
  /** Bytes written but not yet handed to the socket (queued pieces and the socket's own buffer). */
  backlog(): number;
}

/** Writes straight through, or cut into pieces at random byte positions (fault injection). */
function streamWriter(res: ServerResponse, chunkBytes: number, rng: () => number): StreamWriter {
  if (chunkBytes <= 0) return { write: (t) => void res.write(t), end: () => void res.end(), backlog: () => res.writableLength };
  const queue: Buffer[] = [];
  let queued = 0;
  let ending = false;
  let timer: NodeJS.Timeout | null = null;
  const pump = (): void => {
    timer = null;
    if (res.destroyed) return;
    const head = queue[0];
    if (!head) {
      if (ending) res.end();
      return;
    }
    // Separate writes a millisecond apart: each piece leaves in its own TLS record and network read.
    const n = Math.min(head.length, 1 + Math.floor(rng() * chunkBytes));
    res.write(head.subarray(0, n));
    queued -= n;
    if (n === head.length) queue.shift();
    else queue[0] = head.subarray(n);
    timer = setTimeout(pump, 1);
  };
  const kick = (): void => {
    timer ??= setTimeout(pump, 1);
  };
  return {
    write: (t) => {
      const b = Buffer.from(t, 'utf8');
      queue.push(b);
      queued += b.length;
      kick();
    },
    end: () => {
      ending = true;
      kick();
    },
    backlog: () => queued + res.writableLength,
  };
}

export interface ActiveWatch { close(): void }

/** Bytes a watch may have queued for a slow client before it is ended. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export function serveWatch(store: SimStore, req: ListRequest, res: ServerResponse, opts: WatchOptions): ActiveWatch {
  const q = req.query;
  if (queryBool(q, 'sendInitialEvents')) {
    // Watch-list streaming is not simulated: reject it so clients fall back to list + watch.
    throw new ApiError(422, 'Invalid', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled', { causes: [{ reason: 'FieldValueForbidden', field: 'sendInitialEvents' }] });
  }
  const labels = parseLabelSelector(q.get('labelSelector'));
  const fields = parseFieldSelector(q.get('fieldSelector'), supportedFields(req.def), req.def.kind);
  const rvText = q.get('resourceVersion');
  let fromRv: number | undefined;
  if (rvText && rvText !== '0') {
    fromRv = Number(rvText);
    if (!Number.isInteger(fromRv) || fromRv < 0) throw badRequest(`invalid resource version "${rvText}"`);
  }
  const timeoutText = q.get('timeoutSeconds');
  const timeoutS = timeoutText ? Number(timeoutText) : 1800 + Math.floor(opts.rng() * 1800);
  if (!Number.isFinite(timeoutS) || timeoutS < 0) throw badRequest(`invalid timeoutSeconds "${timeoutText}"`);
  const bookmarks = queryBool(q, 'allowWatchBookmarks');

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const out = streamWriter(res, opts.chunkBytes, opts.rng);
  const timers: NodeJS.Timeout[] = [];
  let closed = false;
  const watcher: Watcher = {
    resource: req.resource,
    deliver: (ev: HistoryEvent) => {
      if (closed) return;
      if (req.namespace && ev.namespace !== req.namespace) return;
      if (!labels(ev.labels)) return;
      if (!fieldsMatch(fields, (p) => ev.fields[p] ?? '')) return;
      if (out.backlog() > MAX_BUFFERED_BYTES) {
        // A client that stopped reading: end its watch (it re-watches) instead of buffering without bound,
        // as the apiserver's watch cache drops slow watchers.
        close();
        return;
      }
      out.write(req.table ? JSON.stringify({ type: ev.type, object: tableOf(req.def, [ev.object], {}, q.get('includeObject'), Date.now()) }) + '\n' : ev.line);
    },
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t); // clearTimeout also clears intervals
    store.removeWatcher(watcher);
    if (!res.destroyed) out.end();
  };
  res.on('close', close);

  if (fromRv !== undefined) {
    const history = store.eventsSince(req.resource, fromRv);
    if (!history) {
      const status = statusBody(410, 'Expired', `too old resource version: ${fromRv} (${store.compactedRv + 1})`);
      out.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
      close();
      return { close };
    }
    for (const ev of history) watcher.deliver(ev);
  } else {
    const prefix = req.namespace ? `${req.namespace}/` : '';
    for (const key of store.keys(req.resource)) {
      if (prefix && !key.startsWith(prefix)) continue;
      const obj = store.byKey(req.resource, key)!;
      if (!labels(obj.metadata.labels) || !fieldsMatch(fields, (p) => fieldOf(obj, p))) continue;
      out.write(`{"type":"ADDED","object":${req.table ? JSON.stringify(tableOf(req.def, [obj], {}, q.get('includeObject'), Date.now())) : serializeObject(obj)}}\n`);
    }
  }
  store.addWatcher(watcher);

  if (bookmarks) {
    const bookmark = (): void => {
      if (closed) return;
      const obj = { kind: req.def.kind, apiVersion: groupVersion(req.def), metadata: { resourceVersion: String(store.resourceVersion) } };
      out.write(JSON.stringify({ type: 'BOOKMARK', object: obj }) + '\n');
    };
    timers.push(setInterval(bookmark, opts.bookmarkIntervalMs).unref());
  }
  timers.push(setTimeout(close, timeoutS * 1000).unref());
  if (opts.cutAfterMs > 0) timers.push(setTimeout(() => { closed = true; store.removeWatcher(watcher); res.destroy(); }, opts.cutAfterMs).unref());
  return { close };
}
