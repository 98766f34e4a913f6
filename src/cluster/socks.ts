// The API server through a SOCKS5 proxy (`proxy-url: socks5://…` or socks5h://, or HTTPS_PROXY naming
// one), as kubectl reaches it: the `socks` package opens the tunnel, undici's own connector puts TLS on top
// (so the pool's CA, client certificate and server name apply to the API server, not the proxy). As Go's
// SOCKS dialer (client-go's) does, the host name goes to the proxy for both schemes: the proxy resolves it,
// which a bastion inside the cluster's network needs. A user name and password in the URL authenticate
// to the proxy (RFC 1929).
import { SocksClient, type SocksProxy } from 'socks';
import { buildConnector } from 'undici';
import type { TlsMaterial } from './transport.js';

/** How long the proxy may take to open the tunnel. */
const CONNECT_TIMEOUT_MS = 10_000;

export function isSocksProxy(url: string): boolean {
  return /^socks5h?:\/\//i.test(url);
}

/** The proxy of a socks5:// or socks5h:// URL; anything else is refused with the reason. */
function socksProxyOf(url: string): SocksProxy {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`proxy "${url.replace(/\/\/[^@/]*@/, '//****@')}": not a URL`);
  }
  if (u.protocol !== 'socks5:' && u.protocol !== 'socks5h:') throw new Error(`proxy "${u.protocol}//${u.host}": only socks5:// and socks5h:// SOCKS proxies are supported (as kubectl)`);
  const proxy: SocksProxy = { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 1080), type: 5 };
  if (u.username) {
    proxy.userId = decodeURIComponent(u.username);
    proxy.password = decodeURIComponent(u.password);
  }
  return proxy;
}

/** An undici connector that reaches every origin through the SOCKS5 proxy at `url`. */
export function socksConnector(url: string, tls: TlsMaterial): buildConnector.connector {
  const proxy = socksProxyOf(url);
  const overTls = buildConnector({ ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, servername: tls.servername });
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    SocksClient.createConnection({ proxy, command: 'connect', destination: { host, port }, timeout: CONNECT_TIMEOUT_MS, set_tcp_nodelay: true }).then(
      ({ socket }) => {
        if (opts.protocol !== 'https:') {
          callback(null, socket);
          return;
        }
        overTls({ ...opts, httpSocket: socket }, (...result) => {
          if (result[0]) socket.destroy();
          callback(...result);
        });
      },
      (err: Error) => callback(new Error(`SOCKS proxy ${proxy.host}:${proxy.port}: cannot reach ${host}:${port}: ${err.message}`, { cause: err }), null),
    );
  };
}
