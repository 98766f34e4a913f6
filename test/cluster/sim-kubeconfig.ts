// A kubeconfig file for one simulated cluster with the user block and cluster extras a test needs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimCluster } from '@kubepulse/sim';

/**
 * Writes `<dir>/<name>.kubeconfig` with this user block (YAML lines under `user:`) and cluster extras;
 * `server` replaces the sim's URL (another name for it).
 */
export function simKubeconfig(sim: SimCluster, dir: string, name: string, userLines: string[], clusterLines: string[] = [], server = sim.url): string {
  const path = join(dir, `${name}.kubeconfig`);
  const q = (s: string): string => JSON.stringify(s);
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', `current-context: ${name}`,
    'clusters:', `- name: ${name}`, '  cluster:', `    server: ${q(server)}`,
    `    certificate-authority-data: ${q(Buffer.from(sim.caPem).toString('base64'))}`, ...clusterLines.map((l) => `    ${l}`),
    'users:', `- name: ${name}-user`, '  user:', ...userLines.map((l) => `    ${l}`),
    'contexts:', `- name: ${name}`, '  context:', `    cluster: ${name}`, `    user: ${name}-user`, '',
  ].join('\n'), { mode: 0o600 });
  return path;
}
