// The HTTP pool of one cluster's API server: TLS from the kubeconfig (CA, server name, client certificate
// and key, from files or inline data, or from an exec plugin), through a proxy when the kubeconfig's
// `proxy-url` or HTTPS_PROXY / HTTP_PROXY (minus NO_PROXY) asks for one: HTTP CONNECT, or SOCKS5
// (`socks.ts`). Client certificates from files are re-read when a file changes (rotation), and an exec
// plugin's when it hands out another: the pool is replaced, and the old one finishes what it carries.
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { Cluster, User } from '@kubernetes/client-node';
import { ChangingFile } from './changing-file.js';
import type { ExecTls } from './credentials.js';
import { isSocksProxy, socksConnector } from './socks.js';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** The proxy for `server`, or null: the kubeconfig's proxy-url first, else the environment's. */
export function proxyFor(server: URL, proxyUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (proxyUrl) return checkedProxy(proxyUrl, 'proxy-url', false);
  const fromEnv = server.protocol === 'https:' ? env.HTTPS_PROXY ?? env.https_proxy : env.HTTP_PROXY ?? env.http_proxy;
  if (!fromEnv) return null;
  return bypassesProxy(server, env.NO_PROXY ?? env.no_proxy ?? '') ? null : checkedProxy(fromEnv, server.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY', true);
}

/** The schemes client-go's transport takes: an HTTP(S) proxy (CONNECT) or SOCKS5. */
function checkedProxy(url: string, where: string, bareIsHttp: boolean): string {
  if (/^(https?|socks5h?):\/\//i.test(url)) return url;
  // Go (and curl) read a proxy variable without a scheme as http://; kubectl refuses such a proxy-url.
  if (bareIsHttp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return `http://${url}`;
  throw new Error(`${where} "${url.replace(/\/\/[^@/]*@/, '//****@')}": only http://, https://, socks5:// and socks5h:// proxies are supported`);
}

/** NO_PROXY as curl and Go read it: `*`, host names (a leading dot or not: the domain and its subdomains), IPs, host:port. */
export function bypassesProxy(server: URL, noProxy: string): boolean {
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = server.port || (server.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const withPort = /^(.*):(\d+)$/.exec(entry);
    if (withPort && !entry.includes('::')) {
      if (withPort[2] !== port) continue;
      entry = withPort[1];
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** Static TLS material plus the client certificate files to watch. */
export class ClusterTls {
  private readonly certFile: ChangingFile | null;
  private readonly keyFile: ChangingFile | null;
  /** The exec plugin's material `material` last used (a new object when the plugin hands out another). */
  private execSeen: ExecTls | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly user: User | null,
    private readonly execTls: () => ExecTls,
  ) {
    this.certFile = user?.certFile ? new ChangingFile(user.certFile) : null;
    this.keyFile = user?.keyFile ? new ChangingFile(user.keyFile) : null;
  }

  /** Whether a client certificate or key file, or the exec plugin's, changed since `material` last read it. */
  changed(): boolean {
    // Both asked: each notes its own change.
    const cert = this.certFile?.changed() ?? false;
    const key = this.keyFile?.changed() ?? false;
    return cert || key || this.execTls() !== this.execSeen;
  }

  material(): TlsMaterial {
    const c = this.cluster;
    const ca = c.caFile ? new ChangingFile(c.caFile).read() : c.caData ? Buffer.from(c.caData, 'base64') : undefined;
    const exec = this.execTls();
    this.execSeen = exec;
    const cert = this.certFile?.read() ?? (this.user?.certData ? Buffer.from(this.user.certData, 'base64') : exec.cert);
    const key = this.keyFile?.read() ?? (this.user?.keyData ? Buffer.from(this.user.keyData, 'base64') : exec.key);
    return { ca, cert, key, rejectUnauthorized: !c.skipTLSVerify, servername: c.tlsServerName };
  }
}

/** A keep-alive pool for the API server with this TLS, through `proxy` when given. */
export function apiDispatcher(tls: TlsMaterial, proxy: string | null, connections: number): Dispatcher {
  const connect = { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized, servername: tls.servername };
  if (proxy && isSocksProxy(proxy)) return new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1, connect: socksConnector(proxy, tls) });
  if (proxy) return new ProxyAgent({ uri: proxy, requestTls: connect, connections, keepAliveTimeout: 30_000, pipelining: 1 });
  return new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1, connect });
}
