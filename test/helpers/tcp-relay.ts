// A TCP relay on 127.0.0.1 in front of one server (a member's way to the database), which a test can cut
// to partition that one client from the server while everything else still reaches it:
// - 'refuse': open connections are closed and new ones closed as soon as they open, as when the server's
//   host is gone and the network says so (closed, not reset: Node's resetAndDestroy() can leave a
//   destroyed socket's handle spinning);
// - 'blackhole': nothing passes any more, in either direction, and new connections hang unanswered, as
//   when packets are silently dropped (only the client's own timeouts notice).
// heal() lets new connections through again; connections cut or held during the partition stay dead.
// holdWhen(text) holds a statement instead: the first bytes from the client that contain the text (a
// statement's SQL, e.g. `FROM STDIN` of a COPY) reach the server, then that connection moves no byte more
// either way, so the client sits inside that statement (a COPY half sent, a transaction open) while its
// other connections go on: a test kills it there.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type PartitionMode = 'refuse' | 'blackhole';

/** A statement held by holdWhen(): resolves once a connection is held; release() ends every held one. */
export interface StatementHold {
  held: Promise<void>;
  /** How many connections it holds now. */
  count(): number;
  /** Disarms it and closes the connections it held (the others are left alone). */
  release(): void;
}

export interface TcpRelay {
  port: number;
  holdWhen(text: string): StatementHold;
  partition(mode: PartitionMode): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
  let mode: PartitionMode | null = null;
  let hold: { text: string; sockets: Set<Socket>; clients: Set<Socket>; onHeld: () => void } | null = null;
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };
  const server: Server = createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    if (mode === 'refuse') return void client.destroy();
    if (mode === 'blackhole') return void client.pause();
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let held = false;
    client.on('data', (chunk: Buffer) => {
      if (held) return;
      upstream.write(chunk);
      if (hold && chunk.includes(hold.text)) {
        held = true;
        client.pause();
        upstream.unpipe(client);
        upstream.pause();
        hold.sockets.add(client).add(upstream);
        hold.clients.add(client);
        hold.onHeld();
      }
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    holdWhen(text) {
      let onHeld = (): void => undefined;
      const held = new Promise<void>((resolve) => (onHeld = resolve));
      const h = { text, sockets: new Set<Socket>(), clients: new Set<Socket>(), onHeld: () => onHeld() };
      hold = h;
      return {
        held,
        count: () => [...h.clients].filter((s) => !s.destroyed).length,
        release() {
          if (hold === h) hold = null;
          for (const s of h.sockets) s.destroy();
        },
      };
    },
    partition(m) {
      mode = m;
      for (const s of open) {
        if (m === 'refuse') s.destroy();
        else {
          // Stop moving bytes both ways and hold the sockets open: the peers see silence, not a close.
          s.unpipe();
          s.pause();
        }
      }
    },
    heal() {
      mode = null;
      // Held connections are dropped now (their streams lost bytes); clients reconnect through the relay.
      for (const s of open) s.destroy();
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
