// `kubepulse sim` (simCommand): starts K clusters, writes one kubeconfig context per cluster, stops on abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { simCommand } from '../../src/cli/sim.js';
import type { SimCluster } from '@kubepulse/sim';

/** GET `path` from a simulated apiserver, trusting its CA and sending its token; the parsed JSON body, of the shape T the caller names. */
function get<T = unknown>(sim: SimCluster, path: string): Promise<{ status: number; json: T }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sim.url), { headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('simCommand serves --clusters K simulated clusters and writes their kubeconfig', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubepulse-simcmd-'));
  const abort = new AbortController();
  let sims: SimCluster[] = [];
  let checkError: Error | undefined;
  try {
    const running = simCommand({
      nodes: '2', podsPerNode: '5', clusters: '2', seed: '4', kubernetesVersion: '1.28', kubeconfig: join(dir, 'kubeconfig'), signal: abort.signal,
      onReady: (s) => {
        sims = s;
        void (async () => {
          try {
            for (const sim of s) {
              assert.equal((await get<{ gitVersion: string }>(sim, '/version')).json.gitVersion, 'v1.28.15');
              assert.equal((await get<{ items: unknown[] }>(sim, '/api/v1/nodes')).json.items.length, 2);
            }
          } catch (e) {
            checkError = e instanceof Error ? e : new Error(String(e));
          } finally {
            abort.abort();
          }
        })();
      },
    });
    await running;
    if (checkError) throw checkError;
    assert.deepEqual(sims.map((s) => s.name), ['sim-1', 'sim-2']);
    const text = readFileSync(join(dir, 'kubeconfig'), 'utf8');
    for (const s of sims) assert.ok(text.includes(`server: "${s.url}"`));
    // Stopped: the port no longer answers.
    await assert.rejects(get(sims[0], '/version'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('simCommand rejects bad flags with a message naming the flag', async () => {
  await assert.rejects(simCommand({ nodes: 'many', podsPerNode: 5, kubeconfig: '/tmp/x' }), /--nodes "many": expected an integer >= 1/);
  await assert.rejects(simCommand({ nodes: 1, podsPerNode: 5, kubeconfig: '' }), /--kubeconfig PATH is required/);
  await assert.rejects(simCommand({ nodes: 1, podsPerNode: 5, kubeconfig: '/tmp/x', kubernetesVersion: '1.9' }), /kubernetesVersion "1.9": expected 1.24/);
});
