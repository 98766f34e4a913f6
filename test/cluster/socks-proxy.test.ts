// SOCKS5 proxies in front of the simulated API server, as kubeconfigs name them (`proxy-url: socks5://…`,
// socks5h://, with a user and password) and as HTTPS_PROXY does; TLS to the API server runs inside the tunnel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type SimCluster } from '@kubepulse/sim';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { proxyFor } from '../../src/cluster/transport.js';
import { configureLogging } from '../../src/log.js';
import { simKubeconfig } from './sim-kubeconfig.js';
import { startSocks5Server, type Socks5Server } from './socks5-server.js';

let sim: SimCluster;
let dir: string;
let socks: Socks5Server;
let socksAuth: Socks5Server;

before(async () => {
  configureLogging({ level: 'error', console: 'off' });
  sim = await startSim({ name: 'socks-it', nodes: 2, podsPerNode: 3, seed: 9, podChurnIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kp-socks-'));
  // `kubernetes.default` (in the API server's certificate) resolves only on the proxy's side.
  socks = await startSocks5Server({ hosts: { 'kubernetes.default': '127.0.0.1' } });
  socksAuth = await startSocks5Server({ users: { bastion: 'p@ss:wörd' } });
});

after(async () => {
  await socks?.close();
  await socksAuth?.close();
  await sim?.stop();
});

const token = (): string[] => [`token: ${JSON.stringify(sim.token)}`];

async function pods(conn: ClusterConnection): Promise<number> {
  return (await conn.getJson<{ items: unknown[] }>('/api/v1/pods')).items.length;
}

test('proxy-url socks5://: requests and a watch go through the tunnel, TLS to the API server inside it', async () => {
  const at = socks.targets.length;
  const conn = await ClusterConnection.open({ name: 's5', kubeconfig: simKubeconfig(sim, dir, 's5', token(), [`proxy-url: ${socks.url}`]) });
  try {
    assert.equal(conn.proxy, socks.url);
    assert.ok((await pods(conn)) >= sim.nodes().length * 3, 'the pods listed');
    const watch = await conn.raw('/api/v1/namespaces?watch=1&timeoutSeconds=1');
    assert.equal(watch.status, 200);
    assert.match(await watch.body.text(), /"type":"ADDED"/);
    assert.ok(socks.targets.slice(at).includes(new URL(sim.url).host), `CONNECT to the API server (${socks.targets.slice(at).join(', ')})`);
  } finally {
    await conn.close();
  }
});

test('socks5h:// with a host name only the proxy resolves, and socks5:// the same way (as kubectl does)', async () => {
  const server = `https://kubernetes.default:${new URL(sim.url).port}`;
  for (const scheme of ['socks5h', 'socks5']) {
    const path = simKubeconfig(sim, dir, `s5h-${scheme}`, token(), [`proxy-url: ${socks.url.replace('socks5', scheme)}`], server);
    const at = socks.targets.length;
    const named = await ClusterConnection.open({ name: scheme, kubeconfig: path });
    try {
      assert.ok((await pods(named)) > 0, `${scheme}: listed through the proxy`);
      assert.deepEqual(new Set(socks.targets.slice(at)), new Set([`kubernetes.default:${new URL(sim.url).port}`]), `${scheme}: the name went to the proxy`);
    } finally {
      await named.close();
    }
  }
});

test('a SOCKS user and password authenticate to the proxy; a wrong password fails with the proxy named', async () => {
  const good = `socks5://bastion:${encodeURIComponent('p@ss:wörd')}@127.0.0.1:${socksAuth.port}`;
  const conn = await ClusterConnection.open({ name: 'auth', kubeconfig: simKubeconfig(sim, dir, 's5auth', token(), [`proxy-url: ${JSON.stringify(good)}`]) });
  try {
    assert.ok((await pods(conn)) > 0);
    assert.ok(socksAuth.users.includes('bastion'));
  } finally {
    await conn.close();
  }
  const bad = `socks5://bastion:nope@127.0.0.1:${socksAuth.port}`;
  const wrong = await ClusterConnection.open({ name: 'auth-bad', kubeconfig: simKubeconfig(sim, dir, 's5bad', token(), [`proxy-url: ${JSON.stringify(bad)}`]) });
  try {
    await assert.rejects(pods(wrong), (e: Error) => /SOCKS proxy 127\.0\.0\.1:\d+: cannot reach 127\.0\.0\.1:\d+: .*auth/i.test(`${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`));
  } finally {
    await wrong.close();
  }
});

test('HTTPS_PROXY=socks5://…, and the schemes a proxy may have', async () => {
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
  try {
    process.env.HTTPS_PROXY = socks.url;
    delete process.env.NO_PROXY;
    const at = socks.targets.length;
    const conn = await ClusterConnection.open({ name: 'env', kubeconfig: simKubeconfig(sim, dir, 's5env', token()) });
    try {
      assert.equal(conn.proxy, socks.url);
      assert.ok((await pods(conn)) > 0);
      assert.ok(socks.targets.length > at, 'through the SOCKS proxy');
    } finally {
      await conn.close();
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  const u = new URL('https://api.example.com:6443');
  assert.equal(proxyFor(u, 'socks5h://bastion:1080'), 'socks5h://bastion:1080');
  assert.equal(proxyFor(u, undefined, { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128', 'a bare host in the environment is an HTTP proxy');
  assert.throws(() => proxyFor(u, 'socks4://s:1080'), /proxy-url "socks4:\/\/s:1080": only http:\/\/, https:\/\/, socks5:\/\/ and socks5h:\/\//);
  assert.throws(() => proxyFor(u, 'proxy.corp:3128'), /proxy-url "proxy.corp:3128": only/);
  assert.throws(() => proxyFor(u, undefined, { HTTPS_PROXY: 'socks4://u:secret@s:1080' }), (e: Error) => /HTTPS_PROXY "socks4:\/\/\*\*\*\*@s:1080"/.test(e.message) && !e.message.includes('secret'));
});
