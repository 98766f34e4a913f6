// Fetches one kubelet endpoint of one node: through the API server's node proxy (the default: works
// from outside the cluster) or directly at https://{InternalIP}:{kubeletPort} (in-cluster deployments),
// with the cluster CA or an explicit, loudly logged insecure_skip_tls_verify. Bodies are size-bounded, and
// one cut short says so (undici's own words are "other side closed").
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { ClusterConnection } from '../cluster/connection.js';
import type { TlsMaterial } from '../cluster/transport.js';
import { httpErrorFrom } from '../cluster/connection.js';
import { log } from '../log.js';
import { kubeletBodies } from '../metrics/body-pool.js';

export type KubeletSource = 'summary' | 'cadvisor' | 'resource';

const KUBELET_PATHS: Record<KubeletSource, string> = {
  summary: '/stats/summary',
  cadvisor: '/metrics/cadvisor',
  resource: '/metrics/resource',
};

/** A 110-pod cAdvisor page is ~3 MiB; anything past this is a broken or hostile kubelet. */
const MAX_BODY_BYTES = 64 * 2 ** 20;

export interface KubeletClientOptions {
  access: 'proxy' | 'direct';
  insecureSkipTlsVerify: boolean;
  /** PEM file of the kubelets' CA for direct access ('' or absent: the cluster CA). */
  kubeletCaFile?: string;
  timeoutMs: number;
  addressOf: (node: string) => { address: string | null; port: number | null } | null;
  maxBodyBytes?: number;
}

export class KubeletClient {
  private direct: Agent | null = null;
  /** The connection's TLS material the direct pool was made with, and the CA it verifies kubelets by. */
  private directTls: TlsMaterial | null = null;
  private kubeletCa: Buffer | string | undefined;
  /** An unreadable kubelet_ca: every direct fetch fails with it (the node status shows why). */
  private caError: Error | null = null;

  constructor(
    private readonly conn: ClusterConnection,
    private readonly o: KubeletClientOptions,
  ) {
    if (o.access === 'direct') {
      if (o.insecureSkipTlsVerify) {
        log('metrics').warn({ cluster: conn.name }, 'kubelet TLS verification is OFF (insecure_skip_tls_verify = true): kubelet identities are not checked');
      }
      let ca = conn.tls.ca as Buffer | string | undefined;
      if (o.kubeletCaFile) {
        try {
          ca = readKubeletCa(o.kubeletCaFile);
        } catch (e) {
          this.caError = e as Error;
          log('metrics').error({ cluster: conn.name, err: this.caError.message }, 'kubelet CA unreadable: direct kubelet requests fail');
        }
      }
      this.kubeletCa = ca;
      this.direct = this.directAgent();
    }
  }

  /** A pool for the kubelets with the connection's client certificate of the moment. */
  private directAgent(): Agent {
    this.directTls = this.conn.currentTls();
    return new Agent({
      connections: 4,
      keepAliveTimeout: 30_000,
      connect: {
        ca: this.kubeletCa,
        cert: this.directTls.cert,
        key: this.directTls.key,
        rejectUnauthorized: !this.o.insecureSkipTlsVerify,
      },
    });
  }

  /** The kubelet pool, replaced when the client certificate rotated (the old one finishes its requests). */
  private directDispatcher(): Agent {
    if (this.conn.currentTls() !== this.directTls) {
      const old = this.direct!;
      this.direct = this.directAgent();
      void old.close().catch(() => old.destroy());
    }
    return this.direct!;
  }

  /**
   * The body as a Buffer; HTTP errors become HttpError (429 keeps its Retry-After). The Buffer may be lent
   * from `kubeletBodies`: whoever decodes it gives it back (`kubeletBodies.giveBack`) and uses it no more.
   */
  async fetch(node: string, source: KubeletSource, signal: AbortSignal): Promise<Buffer> {
    const what = `${this.o.access === 'direct' ? 'kubelet' : 'proxy'} ${node}${KUBELET_PATHS[source]}`;
    try {
      return await this.fetchAs(node, source, signal, what);
    } catch (e) {
      // Before the headers nothing was read: the same words, without a byte count.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && CUT_SHORT_CODES.has(code)) {
        throw new Error(`${what}: the connection closed before the kubelet answered (${(e as Error).message}, ${code})`, { cause: e });
      }
      throw e;
    }
  }

  private async fetchAs(node: string, source: KubeletSource, signal: AbortSignal, what: string): Promise<Buffer> {
    const path = KUBELET_PATHS[source];
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let body: Readable & { text(): Promise<string>; dump(): Promise<void> };
    if (this.direct) {
      if (this.caError) throw this.caError;
      const target = this.o.addressOf(node);
      if (!target?.address || !target.port) throw new Error(`${what}: node has no InternalIP / kubelet port in its status`);
      const host = target.address.includes(':') ? `[${target.address}]` : target.address;
      const auth = await this.conn.authHeaders();
      const res = await request(`https://${host}:${target.port}${path}`, {
        dispatcher: this.directDispatcher(),
        headers: { ...auth, accept: '*/*', 'user-agent': 'kubepulse' },
        signal,
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
      });
      ({ statusCode: status, headers } = res);
      body = res.body;
      if (status === 401) await this.conn.unauthorized(auth);
    } else {
      const res = await this.conn.raw(`/api/v1/nodes/${encodeURIComponent(node)}/proxy${path}`, { signal, timeoutMs: this.o.timeoutMs, accept: '*/*' });
      ({ status, headers } = res);
      body = res.body;
    }
    if (status < 200 || status > 299) throw httpErrorFrom(status, headers, await body.text(), what);
    return readBounded(body, this.o.maxBodyBytes ?? MAX_BODY_BYTES, what, headers);
  }

  async close(): Promise<void> {
    await this.direct?.close();
  }
}

function readKubeletCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`kubelet_ca ${file}: cannot read it (${(e as Error).message})`, { cause: e });
  }
}

/** undici's errors for a body whose sender stopped early: the socket closed, fewer bytes than announced. */
const CUT_SHORT_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ECONNRESET', 'EPIPE']);

/**
 * Pure: the error for an answer cut short after `received` body bytes, naming what was announced (a
 * Content-Length, chunks) and what came; null when `err` is not about the connection ending early.
 */
function truncatedAnswerError(what: string, received: number, headers: Record<string, string | string[] | undefined>, err: unknown): Error | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !CUT_SHORT_CODES.has(code)) return null;
  const length = Number(headers['content-length']);
  const chunked = /chunked/i.test(String(headers['transfer-encoding'] ?? ''));
  const why = `${(err as Error).message}, ${code}`;
  const message = Number.isFinite(length) && length > 0
    ? `${what}: kubelet answer truncated after ${received} of ${length} bytes (Content-Length): the connection closed before the end of the answer (${why})`
    : `${what}: kubelet answer truncated after ${received} bytes${chunked ? ' (chunked, the last chunk never came)' : ''}: the connection closed before the end of the answer (${why})`;
  return new Error(message, { cause: err });
}

/**
 * The body, read by 'data' events (an async iterator costs a promise and a microtask turn per chunk, and
 * a cAdvisor body comes in ~100 TLS-record chunks), then copied into pooled memory when it came in more
 * than one chunk.
 */
function readBounded(
  body: Readable & { dump(): Promise<void> }, max: number, what: string, headers: Record<string, string | string[] | undefined>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size <= max) {
        chunks.push(c);
        return;
      }
      settled = true;
      body.off('data', onData);
      body.dump().catch(() => undefined).finally(() => reject(new Error(`${what}: response larger than ${max} bytes; refused`)));
    };
    body.on('data', onData);
    body.once('error', (e) => {
      if (settled) return;
      settled = true;
      reject(truncatedAnswerError(what, size, headers, e) ?? e);
    });
    body.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(joined(chunks, size));
    });
  });
}

function joined(chunks: Buffer[], size: number): Buffer {
  if (chunks.length === 1) return chunks[0];
  // Into reused memory: a fresh buffer of this size is a fresh mmap (see body-pool.ts).
  const out = kubeletBodies.take(size);
  let at = 0;
  for (const c of chunks) at += c.copy(out, at);
  return out;
}
