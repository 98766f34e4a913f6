// `kubepulse config check FILE`: schema validation, then the deeper checks a schema cannot do (the
// kubeconfig files and contexts named by each cluster exist).
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, loadConfig } from '../config/load.js';

export async function configCheckCommand(file: string, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let problems: string[];
  try {
    const cfg = loadConfig(file);
    problems = cfg.clusters.flatMap((c, i) => clusterProblems(c, i, file));
    if (!problems.length) {
      out.write(`${file}: OK (${cfg.clusters.length} cluster${cfg.clusters.length === 1 ? '' : 's'}${cfg.database.url ? ', external database' : ', embedded database'})\n`);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems;
  }
  for (const p of problems) err.write(`${p}\n`);
  return 2;
}

function clusterProblems(c: { name: string; kubeconfig: string; context: string; in_cluster: boolean }, i: number, file: string): string[] {
  if (c.in_cluster) return [];
  const kc = new KubeConfig();
  try {
    if (c.kubeconfig) kc.loadFromFile(c.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    return [`${file}: clusters[${i}].kubeconfig: cannot load ${c.kubeconfig || 'the default kubeconfig'}: ${(e as Error).message}`];
  }
  if (c.context && !kc.getContextObject(c.context)) {
    const known = kc.getContexts().map((x) => x.name).join(', ') || 'none';
    return [`${file}: clusters[${i}].context: context "${c.context}" not found in ${c.kubeconfig || 'the default kubeconfig'} (known: ${known})`];
  }
  if (!c.context && !kc.getCurrentContext()) return [`${file}: clusters[${i}].context: empty, and the kubeconfig has no current-context`];
  return [];
}
