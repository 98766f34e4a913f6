// A kubeconfig `exec` credential plugin, run as kubectl (client-go) runs it: the plugin is given
// KUBERNETES_EXEC_INFO and no terminal; its ExecCredential is checked (apiVersion, kind, a token or a client
// certificate with its key) and kept until shortly before its `status.expirationTimestamp`, or, without one,
// until the API server refuses it. client-node's own exec support keeps the credential up to the very
// second of its expiry (requests then race the expiry) and reads neither KUBERNETES_EXEC_INFO nor the
// interactive mode, so the plugin is run here instead.
import { spawn } from 'node:child_process';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Cluster } from '@kubernetes/client-node';

/** The `exec` block of a kubeconfig user, as YAML spells it. */
export interface ExecConfig {
  apiVersion?: string;
  command?: string;
  args?: string[];
  env?: Array<{ name?: string; value?: string }> | null;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
  installHint?: string;
}

export interface ExecResult {
  token?: string;
  cert?: string;
  key?: string;
  /** Epoch ms; null: valid until refused. */
  expiresAt: number | null;
}

const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
/** A plugin that has not answered by then is killed (client-go waits forever; a collector must not). */
const PLUGIN_TIMEOUT_MS = 60_000;
/** Refresh this long before the expiry at most … */
const MAX_EARLY_MS = 60_000;
/** … and at most this share of the credential's lifetime (short-lived tokens are not refreshed at once). */
const EARLY_SHARE = 0.2;

/** Checks the block client-node passes through unchecked; `kubeconfigFile` resolves a relative command. */
export function execConfigOf(raw: unknown, userName: string, kubeconfigFile: string | null): ExecConfig & { command: string } {
  const e = (raw ?? {}) as ExecConfig;
  const where = `kubeconfig user "${userName}": exec`;
  if (!e.command || typeof e.command !== 'string') throw new Error(`${where}: no command given`);
  if (!e.apiVersion || !API_VERSIONS.includes(e.apiVersion)) {
    throw new Error(`${where}: apiVersion "${String(e.apiVersion ?? '')}" not supported (use ${API_VERSIONS.join(' or ')})`);
  }
  if (e.interactiveMode === 'Always') throw new Error(`${where}: interactiveMode Always needs a terminal, which a collector has not; use a plugin that can run with IfAvailable or Never`);
  if (e.args != null && (!Array.isArray(e.args) || e.args.some((a) => typeof a !== 'string'))) throw new Error(`${where}: args must be a list of strings`);
  // As client-go: a relative command with a directory part is relative to the kubeconfig that names it.
  const command = !isAbsolute(e.command) && /[\\/]/.test(e.command) && kubeconfigFile ? resolve(dirname(kubeconfigFile), e.command) : e.command;
  return { ...e, command };
}

/** The KUBERNETES_EXEC_INFO a plugin reads (spec.cluster only when the kubeconfig asks for it). */
function execInfo(e: ExecConfig, cluster: Cluster | null): string {
  const spec: Record<string, unknown> = { interactive: false };
  if (e.provideClusterInfo && cluster) {
    spec.cluster = {
      server: cluster.server,
      'tls-server-name': cluster.tlsServerName,
      'insecure-skip-tls-verify': cluster.skipTLSVerify || undefined,
      'certificate-authority-data': cluster.caData,
      'proxy-url': cluster.proxyUrl,
    };
  }
  return JSON.stringify({ apiVersion: e.apiVersion, kind: 'ExecCredential', spec });
}

/** Parses and checks a plugin's stdout. */
export function parseExecCredential(stdout: string, apiVersion: string, what: string): ExecResult {
  let doc: { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> | null };
  try {
    doc = JSON.parse(stdout) as typeof doc;
  } catch (e) {
    throw new Error(`${what}: output is not JSON (${(e as Error).message}): ${stdout.slice(0, 120)}`, { cause: e });
  }
  if (doc?.kind !== 'ExecCredential') throw new Error(`${what}: kind is "${String(doc?.kind)}", expected ExecCredential`);
  if (doc.apiVersion !== apiVersion) throw new Error(`${what}: apiVersion "${String(doc.apiVersion)}" differs from the kubeconfig's "${apiVersion}"`);
  const s = doc.status ?? {};
  const str = (k: string): string | undefined => {
    const v = s[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new Error(`${what}: status.${k} is not a string`);
    return v;
  };
  const token = str('token');
  const cert = str('clientCertificateData');
  const key = str('clientKeyData');
  if (!cert !== !key) throw new Error(`${what}: status has ${cert ? 'clientCertificateData without clientKeyData' : 'clientKeyData without clientCertificateData'}`);
  if (!token && !cert) throw new Error(`${what}: status has neither a token nor a client certificate and key`);
  const exp = str('expirationTimestamp');
  let expiresAt: number | null = null;
  if (exp) {
    expiresAt = Date.parse(exp);
    if (!Number.isFinite(expiresAt)) throw new Error(`${what}: status.expirationTimestamp "${exp}" is not an RFC 3339 time`);
  }
  return { token, cert, key, expiresAt };
}

/** When to ask the plugin again: shortly before the expiry (a fifth of the lifetime, at most a minute). */
export function refreshAt(obtainedAt: number, expiresAt: number | null): number {
  if (expiresAt === null) return Infinity;
  const early = Math.min(MAX_EARLY_MS, Math.max(0, expiresAt - obtainedAt) * EARLY_SHARE);
  return expiresAt - early;
}

/** Runs the plugin once. */
export function runExecPlugin(e: ExecConfig & { command: string }, cluster: Cluster | null, userName: string): Promise<ExecResult> {
  const what = `exec plugin ${e.command} (kubeconfig user "${userName}")`;
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: execInfo(e, cluster) };
  for (const v of e.env ?? []) if (v?.name) env[v.name] = v.value ?? '';
  return new Promise((resolvePromise, reject) => {
    const child = spawn(e.command, e.args ?? [], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: PLUGIN_TIMEOUT_MS });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'ENOENT' && e.installHint ? ` (${e.installHint.trim()})` : '';
      reject(new Error(`${what}: cannot run it: ${error.message}${hint}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = signal ? `killed by ${signal}${signal === 'SIGTERM' ? ` (no answer in ${PLUGIN_TIMEOUT_MS / 1000} s?)` : ''}` : `exit code ${code}`;
        reject(new Error(`${what}: ${why}: ${err.trim() || 'no message'}`));
        return;
      }
      try {
        resolvePromise(parseExecCredential(out, e.apiVersion!, what));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
