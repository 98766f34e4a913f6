// Where a response body goes: straight to the socket with backpressure, or through a fault that cuts it
// short (truncated body, connection reset) or corrupts it (malformed JSON) as a flaky network would.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface BodySink {
  write(chunk: string): Promise<void>;
  end(last?: string): Promise<void>;
}

export type BodyFault = 'none' | 'truncate' | 'malformed' | 'reset';

/**
 * Drops a connection the way a crashed peer does: a TCP RST where the socket allows it; TLS sockets
 * cannot reset ("This handle type cannot be sent"), so they are destroyed (the client sees a hang-up).
 */
export function resetConnection(socket: Socket | null | undefined): void {
  if (!socket) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export function responseSink(res: ServerResponse, fault: BodyFault = 'none', truncateAfterBytes = 2048): BodySink {
  let written = 0;
  let dead = false;
  const push = (chunk: string): Promise<void> => {
    if (dead || res.destroyed) return Promise.resolve();
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
    if (fault === 'reset') {
      dead = true;
      resetConnection(res.socket);
      res.destroy();
      return Promise.resolve();
    }
    if (fault === 'truncate' && written + chunk.length > truncateAfterBytes) {
      res.write(chunk.slice(0, Math.max(0, truncateAfterBytes - written)));
      dead = true;
      // Cut the connection mid-body: the client sees a premature end of a chunked response.
      setTimeout(() => res.destroy(), 10).unref();
      return Promise.resolve();
    }
    if (fault === 'malformed' && written === 0) chunk = chunk.replace('{', '{"kind":,');
    written += chunk.length;
    if (res.write(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  return {
    write: push,
    end: async (last?: string) => {
      if (last) await push(last);
      if (!dead && !res.destroyed) res.end();
    },
  };
}
