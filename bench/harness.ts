// Processes the end-to-end benchmarks run side by side: the simulator and the collector each in their
// own child process (so each is measured alone), an embedded PostgreSQL in a temporary folder, and
// /proc readings of CPU time and memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
export const BIN = join(REPO_ROOT, 'bin/kubepulse.js');

export interface Child {
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

function child(args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 40_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** `kubepulse sim` in a child process; resolves once its kubeconfig is written. */
export async function startSimChild(o: { nodes: number; podsPerNode: number; clusters?: number; podChurnMs?: number; seed?: number }): Promise<Child & { kubeconfig: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kp-bench-sim-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const args = [BIN, 'sim', '--nodes', String(o.nodes), '--pods-per-node', String(o.podsPerNode), '--clusters', String(o.clusters ?? 1), '--kubeconfig', kubeconfig, '--seed', String(o.seed ?? 1), '--pod-churn-ms', String(o.podChurnMs ?? 0)];
  const c = child(['--max-old-space-size=4096', ...args], {});
  await waitUntil(() => existsSync(kubeconfig) && c.output().includes('kubeconfig written'), 180_000, () => `simulator start: ${c.output().slice(-800)}`, c);
  return { ...c, kubeconfig };
}

/** `kubepulse run --no-watchdog` in a child process with the given KUBEPULSE_* settings. */
export function startCollectorChild(env: Record<string, string>): Child {
  return child([BIN, 'run', '--no-watchdog'], { KUBEPULSE_LOG__CONSOLE: 'json', KUBEPULSE_LOG__LEVEL: 'warn', KUBEPULSE_LOG__FILE: '', ...env });
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string, watch?: Child, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (watch && watch.proc.exitCode !== null) throw new Error(`child exited (${watch.proc.exitCode}) while waiting for ${what()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User+system CPU seconds of a process (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Current and peak resident memory of a process in MiB (VmRSS, VmHWM). */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** utime + stime of one process in seconds, its parent pid and command name; null once it ended. */
export function procTimes(pid: number): { cpuS: number; reapedChildrenCpuS: number; ppid: number; comm: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    // fields after comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return {
      cpuS: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS,
      reapedChildrenCpuS: (Number(f[13]) + Number(f[14])) / CLOCK_TICKS,
      ppid: Number(f[1]),
      comm: text.slice(text.indexOf('(') + 1, close),
    };
  } catch {
    return null;
  }
}

/**
 * CPU seconds of every postgres process descending from `root` (an embedded server and its backends),
 * including backends that have exited since: the postmaster reaps them, so their time is in its
 * cutime/cstime. Without that, a backend ending between two readings made the difference negative.
 */
export function postgresCpuSeconds(root: number): number {
  const all = new Map<number, NonNullable<ReturnType<typeof procTimes>>>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const t = procTimes(Number(name));
    if (t) all.set(Number(name), t);
  }
  let sum = 0;
  for (const t of all.values()) {
    if (!t.comm.startsWith('postgres')) continue;
    for (let up = t.ppid, hops = 0; up > 1 && hops < 10; up = all.get(up)?.ppid ?? 0, hops++) {
      if (up === root) {
        sum += t.cpuS + t.reapedChildrenCpuS;
        break;
      }
    }
  }
  return sum;
}
