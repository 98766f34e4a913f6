// Short-lived signed tokens (as bound service-account and OIDC tokens are): accepted until the expiry they
// carry, by the apiserver and the kubelets alike; refused once expired (counted), when revoked, or when
// their signature does not match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, signToken, type SimCluster } from '../src/index.js';
import { call } from './api-helpers.js';

let sim: SimCluster;

before(async () => {
  sim = await startSim({ name: 'signed', nodes: 1, podsPerNode: 2, seed: 3, podChurnIntervalMs: 0 });
});
after(async () => {
  await sim.stop();
});

const status = async (token: string, path = '/api/v1/namespaces'): Promise<number> => (await call(sim, 'GET', path, { token })).status;

test('signed tokens: valid until their expiry, then refused and counted; revocable; a forged one is refused', async () => {
  const key = sim.credentials.signingKey;
  const live = signToken(key, 'ci-bot', Date.now() + 60_000);
  assert.match(live, /^kpsim\.ci-bot\.\d+\.[0-9a-f]{64}$/);
  assert.equal(await status(live), 200);
  const node = sim.nodes()[0];
  assert.equal(await status(live, `/api/v1/nodes/${node.name}/proxy/healthz`), 200, 'through the node proxy');

  const expiredBefore = sim.credentials.expiredRejections;
  const soon = signToken(key, 'ci-bot', Date.now() + 300);
  assert.equal(await status(soon), 200);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await status(soon), 401);
  assert.equal(sim.credentials.expiredRejections, expiredBefore + 1);

  assert.equal(sim.credentials.revokeToken(live), true);
  assert.equal(await status(live), 401);
  assert.equal(sim.credentials.revokeToken(live), false, 'already refused');

  const forged = signToken('another-key', 'ci-bot', Date.now() + 60_000);
  assert.equal(await status(forged), 401);
  assert.equal(await status(live.replace('ci-bot', 'admin')), 401, 'the subject is signed');
  assert.equal(sim.credentials.expiredRejections, expiredBefore + 1, 'forged and revoked tokens are not counted as expired');
});
