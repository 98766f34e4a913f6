// Where a kubeconfig user is defined, and its `token-file`. client-node reads the token file once, when the
// kubeconfig is loaded, and keeps its content as a static token; the path is needed to follow a rotating
// file, so it is read from the kubeconfig itself (the files KubeConfig.loadFromDefault would read, first
// user of the name wins). The defining file also anchors a relative exec plugin command.
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

export interface UserSource {
  /** The kubeconfig file that defines the user. */
  file: string;
  /** Its absolute token-file path, or null when it has none. */
  tokenFile: string | null;
}

/** Where `userName` comes from, or null when no kubeconfig file defines it. */
export function userSourceOf(kubeconfig: string | undefined, userName: string | undefined): UserSource | null {
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
    return { file, tokenFile: !tf ? null : isAbsolute(tf) ? tf : join(dirname(file), tf) };
  }
  return null;
}
