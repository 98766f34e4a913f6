// The `token-file` of a kubeconfig user. client-node reads the file once, when the kubeconfig is loaded,
// and keeps its content as a static token; the path is needed to follow a rotating file, so it is read
// from the kubeconfig itself (the files KubeConfig.loadFromDefault would read, first user of the name wins).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { load } from 'js-yaml';

interface RawKubeconfig { users?: Array<{ name?: string; user?: { 'token-file'?: string } }> }

/** The kubeconfig files in effect: the given one, else $KUBECONFIG's list, else ~/.kube/config. */
function kubeconfigFiles(path: string | undefined): string[] {
  if (path) return [path];
  const env = process.env.KUBECONFIG;
  if (env) return env.split(delimiter).filter(Boolean);
  return [join(homedir(), '.kube', 'config')];
}

/** The absolute token-file path of `userName`, or null when that user has none. */
export function tokenFileOf(kubeconfig: string | undefined, userName: string | undefined): string | null {
  if (!userName) return null;
  for (const file of kubeconfigFiles(kubeconfig)) {
    let doc: RawKubeconfig;
    try {
      doc = load(readFileSync(file, 'utf8')) ?? {};
    } catch {
      continue; // client-node has already said what is wrong with an unreadable kubeconfig
    }
    const user = doc.users?.find((u) => u.name === userName);
    if (!user) continue;
    const tf = user.user?.['token-file'];
    if (!tf) return null;
    return isAbsolute(tf) ? tf : join(dirname(file), tf);
  }
  return null;
}
