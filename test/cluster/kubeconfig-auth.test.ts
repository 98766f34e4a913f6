// Every kind of kubeconfig a user has, against the simulated API server: a token file rotated on disk,
// basic auth, client certificates rotated on disk, an exec plugin whose token the server stops accepting
// (bounded re-runs), proxy-url and HTTPS_PROXY / NO_PROXY through an HTTP CONNECT proxy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startSim, type SimCluster } from '@kubepulse/sim';
import { ClusterConnection, HttpError } from '../../src/cluster/connection.js';
import { ClusterAuth } from '../../src/cluster/credentials.js';
import { bypassesProxy, proxyFor } from '../../src/cluster/transport.js';
import { KubeletClient } from '../../src/scrape/kubelet-fetch.js';
import { configureLogging } from '../../src/log.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/connect-proxy.js';
import { waitFor } from '../helpers/wait.js';
import { simKubeconfig } from './sim-kubeconfig.js';

let sim: SimCluster;
let dir: string;
let proxy: ConnectProxy;

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  sim = await startSim({ name: 'auth-it', nodes: 1, podsPerNode: 2, seed: 3, podChurnIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kp-auth-'));
  proxy = await startConnectProxy();
});

after(async () => {
  await proxy?.close();
  await sim?.stop();
});

function kubeconfig(name: string, userLines: string[], clusterLines: string[] = []): string {
  return simKubeconfig(sim, dir, name, userLines, clusterLines);
}

async function listNamespaces(conn: ClusterConnection): Promise<number> {
  return (await conn.getJson<{ items: unknown[] }>('/api/v1/namespaces')).items.length;
}

async function status(conn: ClusterConnection): Promise<number> {
  try {
    await listNamespaces(conn);
    return 200;
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

/** Replaces a file the way rotations do: a new file renamed over the old one. */
function rotate(path: string, content: string): void {
  writeFileSync(`${path}.new`, content, { mode: 0o600 });
  renameSync(`${path}.new`, path);
}

test('token-file: a rotated token is read from the file, before and after the old one is revoked', async () => {
  const tokenPath = join(dir, 'token');
  writeFileSync(tokenPath, `${sim.token}\n`);
  const conn = await ClusterConnection.open({ name: 'tf', kubeconfig: kubeconfig('tf', [`token-file: ${JSON.stringify(tokenPath)}`]) });
  try {
    assert.ok((await listNamespaces(conn)) > 0);
    sim.credentials.addToken('rotated-token-1');
    rotate(tokenPath, 'rotated-token-1\n');
    await waitFor(async () => (await conn.authHeaders()).authorization === 'Bearer rotated-token-1', 'the new token picked up from the file without a 401');
    sim.credentials.revokeToken('rotated-token-1');
    sim.credentials.addToken('rotated-token-2');
    rotate(tokenPath, 'rotated-token-2');
    // Revoked before we noticed the file: one 401, re-read at once, then the next request passes.
    await waitFor(async () => (await status(conn)) === 200, 'requests pass with the second rotated token');
    assert.ok((sim.credentials.rejected.get('rotated-token-1') ?? 0) <= 1, 'at most one request with the revoked token');
  } finally {
    await conn.close();
  }
});

test('basic auth: username and password reach the API server', async () => {
  sim.credentials.addBasicUser('alice', 'pa:ss wörd');
  const conn = await ClusterConnection.open({ name: 'basic', kubeconfig: kubeconfig('basic', ['username: alice', `password: ${JSON.stringify('pa:ss wörd')}`]) });
  try {
    assert.ok((await listNamespaces(conn)) > 0);
  } finally {
    await conn.close();
  }
  const wrong = await ClusterConnection.open({ name: 'basic-wrong', kubeconfig: kubeconfig('basic-wrong', ['username: alice', 'password: nope']) });
  try {
    assert.equal(await status(wrong), 401);
  } finally {
    await wrong.close();
  }
});

test('client certificate files: a rotated certificate is used by the next connections', async () => {
  const certPath = join(dir, 'client.crt');
  const keyPath = join(dir, 'client.key');
  const first = sim.issueClientCert('cert-user-1');
  writeFileSync(certPath, first.certPem);
  writeFileSync(keyPath, first.keyPem);
  const conn = await ClusterConnection.open({ name: 'cert', kubeconfig: kubeconfig('cert', [`client-certificate: ${JSON.stringify(certPath)}`, `client-key: ${JSON.stringify(keyPath)}`]) });
  try {
    assert.ok((await listNamespaces(conn)) > 0);
    assert.equal(sim.credentials.lastCertUser, 'cert-user-1');
    const second = sim.issueClientCert('cert-user-2');
    rotate(keyPath, second.keyPem);
    rotate(certPath, second.certPem);
    sim.credentials.revokeCertUser('cert-user-1');
    await waitFor(async () => (await status(conn)) === 200 && sim.credentials.lastCertUser === 'cert-user-2', 'requests made with the rotated certificate');
  } finally {
    await conn.close();
  }
});

/** An exec credential plugin (node script) printing the token in `tokenPath`; each run appends a line to `runsPath`. */
function execPlugin(tokenPath: string, runsPath: string): string[] {
  const script = join(dir, 'plugin.mjs');
  writeFileSync(script, `import { appendFileSync, readFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(runsPath)}, 'run\\n');
const token = readFileSync(${JSON.stringify(tokenPath)}, 'utf8').trim();
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } }));
`);
  return [
    'exec:', '  apiVersion: client.authentication.k8s.io/v1', `  command: ${JSON.stringify(process.execPath)}`,
    `  args: [${JSON.stringify(script)}]`, '  interactiveMode: Never',
  ];
}

const runs = (path: string): number => readFileSync(path, 'utf8').split('\n').filter(Boolean).length;

test('exec plugin: a token the server refuses re-runs the plugin a bounded number of times, not once per 401', async () => {
  const tokenPath = join(dir, 'exec-token');
  const runsPath = join(dir, 'exec-runs');
  writeFileSync(runsPath, '');
  sim.credentials.addToken('exec-token-1');
  writeFileSync(tokenPath, 'exec-token-1');
  const conn = await ClusterConnection.open({ name: 'exec', kubeconfig: kubeconfig('exec', execPlugin(tokenPath, runsPath)) });
  try {
    assert.ok((await listNamespaces(conn)) > 0);
    assert.equal(runs(runsPath), 1);
    for (let i = 0; i < 5; i++) await listNamespaces(conn);
    assert.equal(runs(runsPath), 1, 'the cached credential serves every request');
    sim.credentials.revokeToken('exec-token-1');
    // 100 requests refused, 20 at a time: one re-run for the whole burst, however many 401s.
    for (let round = 0; round < 5; round++) {
      const codes = await Promise.all(Array.from({ length: 20 }, () => status(conn)));
      assert.deepEqual(new Set(codes), new Set([401]));
    }
    assert.equal(runs(runsPath), 2, 'one re-run for 100 refused requests');
    assert.ok((sim.credentials.rejected.get('exec-token-1') ?? 0) >= 100);
  } finally {
    await conn.close();
  }
});

test('exec plugin, on a clock of our own: the next forced re-run waits its turn, and picks up a good token', async () => {
  const tokenPath = join(dir, 'exec-token-2');
  const runsPath = join(dir, 'exec-runs-2');
  writeFileSync(runsPath, '');
  writeFileSync(tokenPath, 'refused');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig('exec2', execPlugin(tokenPath, runsPath)));
  let now = 1_000_000;
  const auth = new ClusterAuth(kc, { now: () => now });
  assert.equal((await auth.current()).authorization, 'Bearer refused');
  await auth.rejected('Bearer refused');
  assert.equal(runs(runsPath), 2, 'the first 401 re-runs the plugin');
  writeFileSync(tokenPath, 'good');
  now += 10_000;
  await Promise.all([auth.rejected('Bearer refused'), auth.rejected('Bearer refused'), auth.rejected('Bearer other')]);
  assert.equal(runs(runsPath), 2, 'no re-run within 30 s of the last forced one');
  now += 21_000;
  await auth.rejected('Bearer refused');
  assert.equal(runs(runsPath), 3);
  assert.equal((await auth.current()).authorization, 'Bearer good');
  assert.equal(auth.forcedRefreshes, 2);
});

test('proxy-url: requests go through the HTTP CONNECT proxy the kubeconfig names', async () => {
  const before = proxy.targets.length;
  const conn = await ClusterConnection.open({ name: 'px', kubeconfig: kubeconfig('px', [`token: ${JSON.stringify(sim.token)}`], [`proxy-url: ${proxy.url}`]) });
  try {
    assert.equal(conn.proxy, proxy.url);
    assert.ok((await listNamespaces(conn)) > 0);
    assert.ok(proxy.targets.slice(before).includes(new URL(sim.url).host), `CONNECT to the API server (${proxy.targets.slice(before).join(', ')})`);
  } finally {
    await conn.close();
  }
});

test('HTTPS_PROXY and NO_PROXY from the environment', async () => {
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
  const path = kubeconfig('envpx', [`token: ${JSON.stringify(sim.token)}`]);
  try {
    process.env.HTTPS_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    const before = proxy.targets.length;
    const via = await ClusterConnection.open({ name: 'envpx', kubeconfig: path });
    try {
      assert.ok((await listNamespaces(via)) > 0);
      assert.ok(proxy.targets.length > before, 'through the proxy');
    } finally {
      await via.close();
    }
    process.env.NO_PROXY = 'example.com,127.0.0.1';
    const direct = await ClusterConnection.open({ name: 'envpx', kubeconfig: path });
    try {
      assert.equal(direct.proxy, null);
      const at = proxy.targets.length;
      assert.ok((await listNamespaces(direct)) > 0);
      assert.equal(proxy.targets.length, at, 'NO_PROXY host: not through the proxy');
    } finally {
      await direct.close();
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
});

test('NO_PROXY matching as curl and Go do it, and proxy-url before the environment', () => {
  const u = new URL('https://api.prod.example.com:6443');
  assert.equal(bypassesProxy(u, '*'), true);
  assert.equal(bypassesProxy(u, 'example.com'), true);
  assert.equal(bypassesProxy(u, '.example.com'), true);
  assert.equal(bypassesProxy(u, '*.example.com'), true);
  assert.equal(bypassesProxy(u, 'api.prod.example.com:6443'), true);
  assert.equal(bypassesProxy(u, 'api.prod.example.com:443'), false);
  assert.equal(bypassesProxy(u, 'ample.com, other.org'), false);
  assert.equal(bypassesProxy(new URL('https://[::1]:6443'), '::1'), true);
  assert.equal(proxyFor(u, undefined, { HTTPS_PROXY: 'http://p:3128', NO_PROXY: 'other.org' }), 'http://p:3128');
  assert.equal(proxyFor(u, undefined, { https_proxy: 'http://p:3128', no_proxy: 'example.com' }), null);
  assert.equal(proxyFor(new URL('http://api:8080'), undefined, { HTTPS_PROXY: 'http://p:3128' }), null, 'HTTPS_PROXY is for https servers');
  assert.equal(proxyFor(u, 'http://kc:8888', { HTTPS_PROXY: 'http://p:3128' }), 'http://kc:8888');
});

test('kubelet_ca: direct kubelet requests verify the kubelets against it; an unreadable one fails with its name', async () => {
  // The API server's CA is not in this kubeconfig (verification off): only kubelet_ca can vouch for the kubelets.
  const path = kubeconfig('kca', [`token: ${JSON.stringify(sim.token)}`]);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/ {4}certificate-authority-data: .*\n/, '    insecure-skip-tls-verify: true\n'));
  const caPath = join(dir, 'kubelet-ca.pem');
  writeFileSync(caPath, sim.caPem);
  const conn = await ClusterConnection.open({ name: 'kca', kubeconfig: path });
  const node = sim.nodes()[0];
  const addressOf = () => ({ address: node.address, port: node.kubeletPort });
  const signal = new AbortController().signal;
  const base = { access: 'direct' as const, insecureSkipTlsVerify: false, timeoutMs: 5000, addressOf };
  const withCa = new KubeletClient(conn, { ...base, kubeletCaFile: caPath });
  const without = new KubeletClient(conn, base);
  const missing = new KubeletClient(conn, { ...base, kubeletCaFile: join(dir, 'no-such-ca.pem') });
  try {
    const body = await withCa.fetch(node.name, 'summary', signal);
    assert.equal((JSON.parse(body.toString()) as { node: { nodeName: string } }).node.nodeName, node.name);
    await assert.rejects(without.fetch(node.name, 'summary', signal), /certificate/i);
    await assert.rejects(missing.fetch(node.name, 'summary', signal), /kubelet_ca .*no-such-ca\.pem: cannot read it/);
  } finally {
    await Promise.all([withCa.close(), without.close(), missing.close(), conn.close()]);
  }
});
