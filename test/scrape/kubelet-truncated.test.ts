// A kubelet answer cut short — the connection closed before the announced Content-Length was met, or
// before the last chunk of a chunked answer — is reported as truncated, with the bytes that came and
// those announced, not as undici's bare "other side closed". A plain-HTTP API server on 127.0.0.1 plays
// the node proxy and cuts the body at a known byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { KubeletClient } from '../../src/scrape/kubelet-fetch.js';
import { configureLogging } from '../../src/log.js';

const BODY = Buffer.from(JSON.stringify({ node: { nodeName: 'n', padding: 'x'.repeat(2000) }, pods: [] }));
let server: Server;
let dir: string;
let conn: ClusterConnection;
let client: KubeletClient;

/** Sends `sent` bytes of BODY, then closes the socket once they are flushed. */
function cut(res: import('node:http').ServerResponse, sent: number): void {
  res.write(BODY.subarray(0, sent), () => setTimeout(() => res.socket?.destroy(), 50));
}

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  server = createServer((req, res) => {
    const node = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/stats\/summary$/.exec(req.url ?? '')?.[1];
    if (node === 'whole') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length }).end(BODY);
    } else if (node === 'short-length') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
      cut(res, 400);
    } else if (node === 'short-chunked') {
      res.writeHead(200, { 'content-type': 'application/json' }); // no length: Node sends it chunked
      cut(res, 300);
    } else if (node === 'chunks') {
      // Many writes, as a large kubelet page arrives: the client joins them into one body.
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let at = 0; at < BODY.length; at += 97) res.write(BODY.subarray(at, at + 97));
      res.end();
    } else if (node === 'no-answer') {
      req.socket.destroy();
    } else {
      res.writeHead(404).end('no such node');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'kp-cut-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // Plain HTTP: the Kubernetes client accepts it only with TLS verification declared off.
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'cut',
    clusters: [{ name: 'cut', cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: 'cut-test-token' } }],
    contexts: [{ name: 'cut', context: { cluster: 'cut', user: 'u' } }],
  }));
  conn = await ClusterConnection.open({ name: 'cut', kubeconfig, context: 'cut' });
  client = new KubeletClient(conn, { access: 'proxy', insecureSkipTlsVerify: false, timeoutMs: 5000, addressOf: () => null });
});

after(async () => {
  await client?.close();
  await conn?.close();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('a whole answer is read as sent', async () => {
  const body = await client.fetch('whole', 'summary', AbortSignal.timeout(5000));
  assert.equal(body.length, BODY.length);
  assert.ok(body.equals(BODY));
});

test('an answer cut before its Content-Length says how many bytes came of how many', async () => {
  await assert.rejects(client.fetch('short-length', 'summary', AbortSignal.timeout(5000)), (e: Error) => {
    assert.match(e.message, new RegExp(`^proxy short-length/stats/summary: kubelet answer truncated after 400 of ${BODY.length} bytes \\(Content-Length\\): the connection closed before the end of the answer`));
    return true;
  });
});

test('a chunked answer cut before its last chunk says it was truncated, and after how many bytes', async () => {
  await assert.rejects(client.fetch('short-chunked', 'summary', AbortSignal.timeout(5000)), (e: Error) => {
    assert.match(e.message, /^proxy short-chunked\/stats\/summary: kubelet answer truncated after 300 bytes \(chunked, the last chunk never came\): the connection closed before the end of the answer/);
    return true;
  });
});

test('a connection closed before any answer says so', async () => {
  await assert.rejects(client.fetch('no-answer', 'summary', AbortSignal.timeout(5000)), /^Error: proxy no-answer\/stats\/summary: the connection closed before the kubelet answered \(other side closed/);
});

test('an answer sent in many pieces is read whole, and one larger than the bound is refused', async () => {
  const body = await client.fetch('chunks', 'summary', AbortSignal.timeout(5000));
  assert.ok(body.equals(BODY));
  const bounded = new KubeletClient(conn, { access: 'proxy', insecureSkipTlsVerify: false, timeoutMs: 5000, addressOf: () => null, maxBodyBytes: 1000 });
  await assert.rejects(bounded.fetch('chunks', 'summary', AbortSignal.timeout(5000)), /^Error: proxy chunks\/stats\/summary: response larger than 1000 bytes; refused/);
  // The connection's pool still serves after the refusal.
  assert.ok((await client.fetch('whole', 'summary', AbortSignal.timeout(5000))).equals(BODY));
  await bounded.close();
});
