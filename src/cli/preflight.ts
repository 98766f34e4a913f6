// The checks a schema cannot make, shared by `config check` (which reports them all) and `run` / `demo`
// (which refuse to start on an error, exit 2, instead of letting the watchdog restart a run that cannot
// work): the kubeconfig files and contexts each cluster names, the HTTP address, the embedded database's
// folder, the spool and log folders, the database URL.
import { KubeConfig } from '@kubernetes/client-node';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { ClusterConfig, Config } from '../config/schema.js';
import { dataDirProblem } from '../store/embedded.js';
import { classifyStartError } from '../supervisor/permanent-error.js';

export interface Preflight {
  /** The run cannot work until each is fixed. */
  errors: string[];
  /** Worth knowing, not fatal (a port in use may be a kubepulse that runs now). */
  warnings: string[];
}

export async function preflight(cfg: Config, source: string): Promise<Preflight> {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (cfg.clusters.length === 0) errors.push(...defaultContextProblems(source));
  cfg.clusters.forEach((c, i) => errors.push(...clusterProblems(c, i, source)));
  const listen = await listenProblem(cfg.server.listen);
  if (listen?.warning) warnings.push(`${source}: server.listen: ${listen.text}`);
  else if (listen) errors.push(`${source}: server.listen: ${listen.text}`);
  if (cfg.database.url) {
    const why = databaseUrlProblem(cfg.database.url);
    if (why) errors.push(`${source}: database.url: ${why}`);
  } else {
    const why = dataDirProblem(resolve(cfg.database.data_dir));
    if (why) errors.push(`${source}: database.data_dir: ${why}`);
  }
  const spool = writableFolderProblem(resolve(cfg.spool.dir));
  if (spool) errors.push(`${source}: spool.dir: ${spool}`);
  if (cfg.log.file) {
    const logDir = writableFolderProblem(dirname(resolve(cfg.log.file)));
    if (logDir) errors.push(`${source}: log.file: ${logDir}`);
  }
  return { errors, warnings };
}

function defaultContextProblems(source: string): string[] {
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (e) {
    return [`${source}: clusters: none configured, and the default kubeconfig cannot be loaded: ${(e as Error).message}`];
  }
  if (!kc.getCurrentContext()) return [`${source}: clusters: none configured, and the default kubeconfig has no current context (add [[clusters]] or set a context)`];
  return [];
}

function clusterProblems(c: ClusterConfig, i: number, source: string): string[] {
  if (c.in_cluster || !c.enabled) return [];
  const kc = new KubeConfig();
  try {
    if (c.kubeconfig) kc.loadFromFile(c.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    return [`${source}: clusters[${i}].kubeconfig: cannot load ${c.kubeconfig || 'the default kubeconfig'}: ${(e as Error).message}`];
  }
  if (c.context && !kc.getContextObject(c.context)) {
    const known = kc.getContexts().map((x) => x.name).join(', ') || 'none';
    return [`${source}: clusters[${i}].context: context "${c.context}" not found in ${c.kubeconfig || 'the default kubeconfig'} (known: ${known})`];
  }
  if (!c.context && !kc.getCurrentContext()) return [`${source}: clusters[${i}].context: empty, and the kubeconfig has no current-context`];
  return [];
}

/** Binds the address for a moment: an address of no local interface or a forbidden port is an error. */
async function listenProblem(listen: string): Promise<{ text: string; warning?: boolean } | null> {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!m) return { text: `expected host:port, got ${JSON.stringify(listen)}` };
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  try {
    await new Promise<void>((res, rej) => {
      const srv = createServer();
      srv.once('error', rej);
      srv.listen(port, host, () => srv.close(() => res()));
    });
    return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return { text: `${listen} is in use now (by a kubepulse that runs, or another program)`, warning: true };
    return { text: classifyStartError(e, listen).message.split('\n')[0].replace(/^server\.listen /, '') };
  }
}

function databaseUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL (expected postgres://user@host:5432/database)';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `scheme ${u.protocol} is not postgres: (expected postgres://user@host:5432/database)`;
  if (!u.hostname && !u.searchParams.get('host')) return 'no host (expected postgres://user@host:5432/database)';
  return null;
}

/** The folder exists and is writable, or the nearest existing folder above it is (it will be created). */
function writableFolderProblem(dir: string): string | null {
  let d = dir;
  while (!existsSync(d)) {
    if (dirname(d) === d) return `no part of ${dir} exists`;
    d = dirname(d);
  }
  if (!statSync(d).isDirectory()) return `${d} is a file, not a folder`;
  try {
    accessSync(d, constants.W_OK | constants.X_OK);
  } catch {
    return d === dir ? `${dir} is not writable by this user` : `${dir} cannot be created: ${d} is not writable by this user`;
  }
  return null;
}
