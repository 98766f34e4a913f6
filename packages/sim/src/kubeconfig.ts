// Writes one kubeconfig for several simulated clusters: one cluster, user and context per simulator,
// context name = simulator name, CA data inline and a bearer token (K8S-REFERENCE §11).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface KubeconfigEntry { name: string; url: string; token: string; caPem: string }

/** YAML text; strings are JSON-quoted, which YAML reads verbatim. */
export function kubeconfigText(sims: KubeconfigEntry[]): string {
  if (sims.length === 0) throw new Error('writeKubeconfig: no simulated clusters given');
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['apiVersion: v1', 'kind: Config', 'preferences: {}', `current-context: ${q(sims[0].name)}`, 'clusters:'];
  for (const s of sims) {
    lines.push(`- name: ${q(s.name)}`, '  cluster:', `    server: ${q(s.url)}`, `    certificate-authority-data: ${q(Buffer.from(s.caPem).toString('base64'))}`);
  }
  lines.push('users:');
  for (const s of sims) lines.push(`- name: ${q(`${s.name}-admin`)}`, '  user:', `    token: ${q(s.token)}`);
  lines.push('contexts:');
  for (const s of sims) lines.push(`- name: ${q(s.name)}`, '  context:', `    cluster: ${q(s.name)}`, `    user: ${q(`${s.name}-admin`)}`, '    namespace: default');
  return lines.join('\n') + '\n';
}

export async function writeKubeconfigFile(path: string, sims: KubeconfigEntry[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // 0600: the file holds bearer tokens.
  await writeFile(path, kubeconfigText(sims), { mode: 0o600 });
}
