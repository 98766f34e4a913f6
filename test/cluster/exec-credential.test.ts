// Exec credential plugins as kubectl runs them, with a real plugin (a node script this test writes) that
// counts its runs and issues short-lived tokens the simulator accepts until their expiry (signed, as bound
// service-account tokens are), or client certificates the cluster CA signed: the credential is kept while
// valid, refreshed shortly before its expirationTimestamp, re-read (rate-limited) on a 401.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startSim, type SimCluster } from '@kubepulse/sim';
import { ClusterConnection, HttpError } from '../../src/cluster/connection.js';
import { ClusterAuth } from '../../src/cluster/credentials.js';
import { execConfigOf, parseExecCredential, refreshAt } from '../../src/cluster/exec-credential.js';
import { configureLogging } from '../../src/log.js';
import { waitFor } from '../helpers/wait.js';
import { simKubeconfig } from './sim-kubeconfig.js';

let sim: SimCluster;
let dir: string;
let plugin: string;

/** What the plugin does on its next run (the test rewrites it between runs). */
interface PluginConfig {
  runs: string;
  /** Where the plugin writes the KUBERNETES_EXEC_INFO it was given. */
  info: string;
  lifetimeMs: number | null;
  /** Sign tokens with this key (the sim's). */
  signingKey?: string;
  /** Fixed issue time (epoch ms) instead of the wall clock. */
  now?: number;
  /** A JSON file {certPem, keyPem}: one file, so a run never reads half a rotation. */
  certFile?: string;
  fail?: boolean;
}

before(async () => {
  configureLogging({ level: 'fatal', console: 'off' });
  sim = await startSim({ name: 'exec-it', nodes: 1, podsPerNode: 2, seed: 5, podChurnIntervalMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kp-exec-'));
  plugin = join(dir, 'plugin.mjs');
  writeFileSync(plugin, `import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const exp = cfg.lifetimeMs === null ? null : (cfg.now ?? Date.now()) + cfg.lifetimeMs;
appendFileSync(cfg.runs, 'run ' + (cfg.fail ? 'failed' : exp ?? 'no-expiry') + '\\n');
const run = readFileSync(cfg.runs, 'utf8').split('\\n').filter(Boolean).length;
writeFileSync(cfg.info, process.env.KUBERNETES_EXEC_INFO ?? '');
if (cfg.fail) { process.stderr.write('token service unavailable'); process.exit(3); }
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
const status = {};
if (exp !== null) status.expirationTimestamp = new Date(exp).toISOString();
if (cfg.signingKey) {
  const body = 'run' + run + '.' + (exp ?? 9e14);
  status.token = 'kpsim.' + body + '.' + createHmac('sha256', cfg.signingKey).update(body).digest('hex');
}
if (cfg.certFile) {
  const pair = JSON.parse(readFileSync(cfg.certFile, 'utf8'));
  status.clientCertificateData = pair.certPem;
  status.clientKeyData = pair.keyPem;
}
process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status }));
`);
});

after(async () => {
  await sim?.stop();
});

function pluginConfig(name: string, cfg: Omit<PluginConfig, 'runs' | 'info'>): { path: string; cfg: PluginConfig } {
  const path = join(dir, `${name}.json`);
  const full: PluginConfig = { runs: join(dir, `${name}.runs`), info: join(dir, `${name}.info`), ...cfg };
  writeFileSync(full.runs, '');
  writeFileSync(path, JSON.stringify(full));
  return { path, cfg: full };
}

function execUser(configPath: string, extra: string[] = []): string[] {
  return [
    'exec:', '  apiVersion: client.authentication.k8s.io/v1', `  command: ${JSON.stringify(process.execPath)}`,
    `  args: [${JSON.stringify(plugin)}, ${JSON.stringify(configPath)}]`, '  interactiveMode: IfAvailable', ...extra.map((l) => `  ${l}`),
  ];
}

/** The plugin's runs so far, each `run <expiry ms | no-expiry | failed>`. */
const runLines = (cfg: PluginConfig): string[] => readFileSync(cfg.runs, 'utf8').split('\n').filter(Boolean);
const runs = (cfg: PluginConfig): number => runLines(cfg).length;

async function status(conn: ClusterConnection): Promise<number> {
  try {
    await conn.getJson('/api/v1/namespaces');
    return 200;
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

test('expiring tokens: refreshed before each expiry (no request refused), never while valid; a revoked one is re-read once', async () => {
  const { path, cfg } = pluginConfig('tok', { lifetimeMs: 3000, signingKey: sim.credentials.signingKey });
  const conn = await ClusterConnection.open({ name: 'tok', kubeconfig: simKubeconfig(sim, dir, 'tok', execUser(path, ['provideClusterInfo: true'])) });
  const expiredBefore = sim.credentials.expiredRejections;
  try {
    const info = JSON.parse(readFileSync(cfg.info, 'utf8')) as { apiVersion: string; kind: string; spec: { interactive: boolean; cluster?: { server: string } } };
    assert.deepEqual([info.apiVersion, info.kind, info.spec.interactive, info.spec.cluster?.server], ['client.authentication.k8s.io/v1', 'ExecCredential', false, sim.url]);
    const started = Date.now();
    const codes = new Map<number, number>();
    // 8 s of requests, 40 ms apart: three expiries pass.
    while (Date.now() - started < 8000) {
      const code = await status(conn);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 40));
    }
    assert.deepEqual([...codes.keys()], [200], `every request accepted (${JSON.stringify([...codes])})`);
    assert.equal(sim.credentials.expiredRejections, expiredBefore, 'no request carried an expired token');
    // Refreshed at ~80 % of the 3 s lifetime: a run at 0, ~2.4, ~4.8, ~7.2 s (plus spawn times).
    const n = runs(cfg);
    assert.ok(n >= 3 && n <= 5, `plugin runs over 8 s of 3 s tokens: ${n}`);
    assert.ok(conn.execPluginRuns - n >= 0 && conn.execPluginRuns - n <= 1, `runs counted by the connection (${conn.execPluginRuns}; one may be starting)`);

    // Long-lived tokens from here on, so no refresh before their expiry races the revocation below.
    writeFileSync(path, JSON.stringify({ ...cfg, lifetimeMs: 600_000 }));
    const longLived = async (): Promise<boolean> => Number((await conn.authHeaders()).authorization.split('.')[2]) > Date.now() + 300_000;
    await waitFor(longLived, 'a long-lived token in use');
    const current = (await conn.authHeaders()).authorization.slice('Bearer '.length);
    assert.ok(sim.credentials.revokeToken(current));
    const burst = await Promise.all(Array.from({ length: 10 }, () => status(conn)));
    assert.ok(burst.includes(401), 'the revoked token is refused');
    await waitFor(async () => (await status(conn)) === 200, 'a new token after the revoked one');
    assert.equal(conn.forcedAuthRefreshes, 1, 'one forced re-run for the whole burst');
  } finally {
    await conn.close();
  }
});

test('on a clock of our own: no run while valid, a background refresh in the last fifth, a wait once expired, backoff on failure', async () => {
  let now = 5_000_000;
  const { path, cfg } = pluginConfig('clock', { lifetimeMs: 100_000, signingKey: 'k', now });
  const kc = new KubeConfig();
  kc.loadFromFile(simKubeconfig(sim, dir, 'clock', [...execUser(path), 'as: auditor']));
  const auth = new ClusterAuth(kc, { now: () => now });
  const first = (await auth.current()).authorization;
  assert.match(first, /^Bearer kpsim\.run1\./);
  assert.equal((await auth.current())['impersonate-user'], 'auditor', 'the kubeconfig\'s `as` goes with the plugin\'s token');
  now += 79_000;
  for (let i = 0; i < 5; i++) assert.equal((await auth.current()).authorization, first);
  assert.equal(runs(cfg), 1, 'valid and not yet due: the plugin is not run');

  writeFileSync(path, JSON.stringify({ ...cfg, now }));
  now += 2_000; // 81 % of the lifetime
  assert.equal((await auth.current()).authorization, first, 'due: the valid credential still answers at once');
  await waitFor(async () => (await auth.current()).authorization !== first, 'the background refresh');
  assert.equal(runs(cfg), 2);
  assert.match((await auth.current()).authorization, /^Bearer kpsim\.run2\./);

  // The second token expires at now + 100 s; a failing plugin keeps it until then, retried with backoff.
  writeFileSync(path, JSON.stringify({ ...cfg, fail: true }));
  now += 85_000;
  await auth.current();
  await waitFor(() => runs(cfg) === 3, 'the failed background run');
  // A 401 for an older credential waits for the refresh in flight, and forces none: the run has ended after it.
  await auth.rejected('Bearer older');
  now += 500;
  await auth.current();
  assert.equal(runs(cfg), 3, 'not run again within the backoff');
  now += 20_000; // expired
  await assert.rejects(auth.current(), /exec plugin .*exit code 3: token service unavailable/);
  assert.equal(runs(cfg), 4);
  await assert.rejects(auth.current(), /token service unavailable/, 'the error stands until the next attempt');
  assert.equal(runs(cfg), 4);
});

test('client certificates from the plugin: used for the connection, replaced at expiry and after a 401', async () => {
  const certFile = join(dir, 'exec-client.json');
  const put = (user: string): void => {
    writeFileSync(`${certFile}.new`, JSON.stringify(sim.issueClientCert(user)));
    renameSync(`${certFile}.new`, certFile);
  };
  put('exec-cert-a');
  const { path, cfg } = pluginConfig('cert', { lifetimeMs: 1500, certFile });
  const conn = await ClusterConnection.open({ name: 'cert', kubeconfig: simKubeconfig(sim, dir, 'cert', execUser(path)) });
  try {
    assert.equal((await conn.authHeaders()).authorization, undefined, 'no token: the certificate alone');
    assert.equal(await status(conn), 200);
    assert.equal(sim.credentials.lastCertUser, 'exec-cert-a');
    put('exec-cert-b');
    await waitFor(async () => (await status(conn)) === 200 && sim.credentials.lastCertUser === 'exec-cert-b', 'requests with the certificate of the next run');
    assert.ok(runs(cfg) >= 2);

    writeFileSync(path, JSON.stringify({ ...cfg, lifetimeMs: null }));
    await waitFor(async () => (await status(conn)) === 200 && runLines(cfg).at(-1) === 'run no-expiry', 'a certificate without expiry');
    const settled = runs(cfg);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await status(conn), 200);
    assert.equal(runs(cfg), settled, 'no expiry: the plugin is not run again while the certificate is accepted');
    put('exec-cert-c');
    sim.credentials.revokeCertUser('exec-cert-b');
    await waitFor(async () => (await status(conn)) === 200 && sim.credentials.lastCertUser === 'exec-cert-c', 'a new certificate after the 401');
    assert.equal(runs(cfg), settled + 1, 'one run, forced by the 401');
    assert.equal(conn.forcedAuthRefreshes, 1);
  } finally {
    await conn.close();
  }
});

test('a plugin that is not installed: the error names it and carries the kubeconfig\'s installHint', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(simKubeconfig(sim, dir, 'missing', [
    'exec:', '  apiVersion: client.authentication.k8s.io/v1beta1', `  command: ${JSON.stringify(join(dir, 'no-such-plugin'))}`,
    '  installHint: "install it with: apt-get install no-such-plugin"',
  ]));
  const auth = new ClusterAuth(kc);
  await assert.rejects(auth.current(), /exec plugin .*no-such-plugin \(kubeconfig user "missing-user"\): cannot run it: .*ENOENT.* \(install it with: apt-get install no-such-plugin\)/);
});

test('ExecCredential checks: apiVersion, kind, token or certificate pair, expiry; exec blocks a collector cannot run', () => {
  const v1 = 'client.authentication.k8s.io/v1';
  const doc = (status: unknown, over: Record<string, unknown> = {}): string => JSON.stringify({ apiVersion: v1, kind: 'ExecCredential', status, ...over });
  assert.deepEqual(parseExecCredential(doc({ token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' }), v1, 'p'), { token: 't', cert: undefined, key: undefined, expiresAt: Date.UTC(2030, 0, 1) });
  assert.equal(parseExecCredential(doc({ token: 't' }), v1, 'p').expiresAt, null);
  assert.throws(() => parseExecCredential('not json', v1, 'p'), /p: output is not JSON/);
  assert.throws(() => parseExecCredential(doc({ token: 't' }, { apiVersion: 'client.authentication.k8s.io/v1beta1' }), v1, 'p'), /apiVersion "client.authentication.k8s.io\/v1beta1" differs/);
  assert.throws(() => parseExecCredential(doc({ token: 't' }, { kind: 'Status' }), v1, 'p'), /kind is "Status"/);
  assert.throws(() => parseExecCredential(doc({ clientCertificateData: 'c' }), v1, 'p'), /clientCertificateData without clientKeyData/);
  assert.throws(() => parseExecCredential(doc({}), v1, 'p'), /neither a token nor a client certificate/);
  assert.throws(() => parseExecCredential(doc({ token: 't', expirationTimestamp: 'tomorrow' }), v1, 'p'), /expirationTimestamp "tomorrow"/);
  assert.equal(refreshAt(0, 10_000), 8_000);
  assert.equal(refreshAt(0, 3_600_000), 3_540_000, 'at most a minute early');
  assert.equal(refreshAt(0, null), Infinity);
  assert.throws(() => execConfigOf({ apiVersion: v1, command: 'x', interactiveMode: 'Always' }, 'u', null), /user "u": exec: interactiveMode Always needs a terminal/);
  assert.throws(() => execConfigOf({ apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' }, 'u', null), /apiVersion "client.authentication.k8s.io\/v1alpha1" not supported/);
  assert.throws(() => execConfigOf({ apiVersion: v1 }, 'u', null), /no command given/);
  assert.equal(execConfigOf({ apiVersion: v1, command: './bin/plugin' }, 'u', '/etc/kube/config').command, '/etc/kube/bin/plugin');
  assert.equal(execConfigOf({ apiVersion: v1, command: 'gke-gcloud-auth-plugin' }, 'u', '/etc/kube/config').command, 'gke-gcloud-auth-plugin', 'a bare name is looked up in PATH');
});
