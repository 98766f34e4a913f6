// A minimal SOCKS5 server (RFC 1928, CONNECT only; RFC 1929 user/password when `users` is given) on
// 127.0.0.1 for the proxy tests: remembers each target as the client sent it (a name or an address) and
// who authenticated, so a test sees that its requests went through it and what the proxy was asked to
// resolve; it resolves names of its own (`hosts`), as a bastion inside a cluster's network does.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Socks5Server {
  url: string;
  port: number;
  /** `host:port` of every CONNECT, as the client named it. */
  targets: string[];
  /** The user of each authenticated connection. */
  users: string[];
  close(): Promise<void>;
}

/** Reads exactly `n` bytes from the socket's queue (the handshake is a few small messages). */
function reader(socket: Socket): (n: number) => Promise<Buffer> {
  let buffered = Buffer.alloc(0);
  let waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  const pump = (): void => {
    if (waiting && buffered.length >= waiting.n) {
      const { n, resolve } = waiting;
      waiting = null;
      const out = buffered.subarray(0, n);
      buffered = buffered.subarray(n);
      resolve(out);
    }
  };
  const onData = (d: Buffer): void => {
    buffered = Buffer.concat([buffered, d]);
    pump();
  };
  socket.on('data', onData);
  socket.on('close', () => waiting?.reject(new Error('closed during the SOCKS handshake')));
  return (n) => new Promise((resolve, reject) => {
    if (n === -1) {
      // Done: hand the rest to whoever pipes the socket.
      socket.off('data', onData);
      resolve(buffered);
      return;
    }
    waiting = { n, resolve, reject };
    pump();
  });
}

/** `users`: user → password (else no authentication); `hosts`: names only the proxy can resolve. */
export async function startSocks5Server(o: { users?: Record<string, string>; hosts?: Record<string, string> } = {}): Promise<Socks5Server> {
  const { users, hosts = {} } = o;
  const targets: string[] = [];
  const authenticated: string[] = [];
  const sockets = new Set<Socket>();
  const handle = async (client: Socket): Promise<void> => {
    const read = reader(client);
    const [ver, nMethods] = await read(2);
    if (ver !== 5) throw new Error(`SOCKS version ${ver}`);
    const methods = [...(await read(nMethods))];
    const method = users ? 2 : 0;
    if (!methods.includes(method)) {
      client.end(Buffer.from([5, 0xff]));
      return;
    }
    client.write(Buffer.from([5, method]));
    if (users) {
      const [, ulen] = await read(2);
      const user = (await read(ulen)).toString();
      const [plen] = await read(1);
      const password = (await read(plen)).toString();
      const ok = users[user] === password;
      client.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) {
        client.end();
        return;
      }
      authenticated.push(user);
    }
    const [, cmd, , atyp] = await read(4);
    let host: string;
    if (atyp === 1) host = [...(await read(4))].join('.');
    else if (atyp === 3) host = (await read((await read(1))[0])).toString();
    else if (atyp === 4) host = `[${((await read(16)).toString('hex').match(/.{4}/g) ?? []).join(':')}]`;
    else throw new Error(`address type ${atyp}`);
    const port = (await read(2)).readUInt16BE(0);
    targets.push(`${host}:${port}`);
    if (cmd !== 1) {
      client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
      return;
    }
    const rest = await read(-1);
    const upstream = connect(port, hosts[host] ?? host.replace(/^\[|\]$/g, ''));
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => {
      if (!client.destroyed) client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
    });
    upstream.on('connect', () => {
      client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
      if (rest.length) upstream.write(rest);
      upstream.pipe(client);
      client.pipe(upstream);
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
    });
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    handle(client).catch(() => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `socks5://127.0.0.1:${port}`,
    port,
    targets,
    users: authenticated,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
