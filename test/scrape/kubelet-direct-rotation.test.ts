// Direct kubelet access follows a rotated client certificate: the kubelet pool is replaced when the
// connection's TLS material changes (a certificate file rewritten, or the exec plugin handing out another),
// as the API server's pool is. A local HTTPS "kubelet" answers with the common name of the client
// certificate each request presented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createSimPki } from '@kubepulse/sim/tls';
import { KubeletClient } from '../../src/scrape/kubelet-fetch.js';
import type { ClusterConnection } from '../../src/cluster/connection.js';
import type { TlsMaterial } from '../../src/cluster/transport.js';
import { kubeletBodies } from '../../src/metrics/body-pool.js';

test('direct kubelet requests present the rotated client certificate once the connection has it', async (t) => {
  const pki = createSimPki('rotation', ['127.0.0.1'], ['127.0.0.1']);
  const server: Server = createServer({ cert: pki.kubelet.certPem, key: pki.kubelet.keyPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
    res.end(JSON.stringify({ cn }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;

  const material = (user: string): TlsMaterial => {
    const c = pki.issueClientCert(user);
    return { ca: Buffer.from(pki.caPem), cert: c.certPem, key: c.keyPem, rejectUnauthorized: true };
  };
  let tls = material('alice');
  // The parts of a ClusterConnection the kubelet client uses in direct mode.
  const conn = {
    name: 'rotation',
    get tls() { return { ca: tls.ca }; },
    currentTls: () => tls,
    authHeaders: () => Promise.resolve({}),
    unauthorized: () => Promise.resolve(),
  } as unknown as ClusterConnection;
  const client = new KubeletClient(conn, { access: 'direct', insecureSkipTlsVerify: false, timeoutMs: 5_000, addressOf: () => ({ address: '127.0.0.1', port }) });
  t.after(() => client.close());

  const who = async (): Promise<string> => {
    const body = await client.fetch('node-1', 'summary', AbortSignal.timeout(5_000));
    const cn = (JSON.parse(body.toString('utf8')) as { cn: string }).cn;
    kubeletBodies.giveBack(body);
    return cn;
  };
  assert.equal(await who(), 'alice');
  assert.equal(await who(), 'alice', 'the same material: the pool (and its kept-alive connection) stays');
  tls = material('bob');
  assert.equal(await who(), 'bob', 'a rotated certificate reaches the next kubelet request');
});
