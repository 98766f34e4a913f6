// A TCP forwarder in front of PostgreSQL that can partition its clients from it: while partitioned, bytes
// are neither forwarded nor answered and new connections hang, as when a network drops packets (a refused
// or reset connection would be easier on the client than a real partition). heal() resets what hung.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface PartitionProxy {
  port: number;
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startPartitionProxy(target: { host: string; port: number }): Promise<PartitionProxy> {
  let partitioned = false;
  const pairs = new Set<{ client: Socket; upstream: Socket | null }>();
  const server: Server = createServer((client) => {
    const pair = { client, upstream: null as Socket | null };
    pairs.add(pair);
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    client.on('error', () => undefined);
    if (partitioned) return; // hangs until heal() resets it
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (d) => {
      if (!partitioned) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!partitioned) client.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    partition: () => {
      partitioned = true;
    },
    heal: () => {
      partitioned = false;
      // What was cut stays cut (its bytes are lost): the clients see a reset and connect again.
      for (const p of pairs) p.client.destroy();
    },
    close: async () => {
      for (const p of pairs) p.client.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
