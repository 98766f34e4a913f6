// A `kubepulse run` process as a collector group member: its own config file, port, spool and log, all
// members pointing at one test PostgreSQL. Short heartbeat and TTL so takeovers happen within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/pg.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import type { StatusReport } from '../../src/health/status.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');

export interface Member {
  name: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  status(): Promise<StatusReport>;
}

export interface MemberSpec {
  name: string;
  dir: string;
  databaseUrl: string;
  kubeconfig: string;
  clusters: string[];
  heartbeat: string;
  ttl: string;
  /** The summary scrape interval (default 1s). */
  summaryInterval?: string;
}

export async function startMember(s: MemberSpec): Promise<Member> {
  const port = await freePort();
  const home = join(s.dir, s.name);
  mkdirSync(home, { recursive: true });
  const toml = [
    '[server]', `listen = "127.0.0.1:${port}"`,
    '[database]', `url = "${s.databaseUrl}"`, 'pool_size = 4',
    '[log]', 'console = "json"', 'level = "info"', `file = "${join(home, 'kubepulse.log')}"`,
    '[collection]', `summary_interval = "${s.summaryInterval ?? '1s'}"`, 'cadvisor_interval = "0s"', 'health_interval = "1s"', 'scrape_timeout = "2s"', 'kubelet_access = "direct"',
    '[spool]', `dir = "${join(home, 'spool')}"`,
    '[group]', 'enabled = true', `name = "${s.name}"`, `heartbeat_interval = "${s.heartbeat}"`, `member_ttl = "${s.ttl}"`,
    ...s.clusters.flatMap((c) => ['[[clusters]]', `name = "${c}"`, `kubeconfig = "${s.kubeconfig}"`, `context = "${c}"`]),
  ].join('\n');
  const file = join(home, 'kubepulse.toml');
  writeFileSync(file, toml + '\n');
  const proc = spawn(process.execPath, [BIN, 'run', '--no-watchdog', '--config', file], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output = (output + String(d)).slice(-20_000)));
  proc.stderr.on('data', (d) => (output = (output + String(d)).slice(-20_000)));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    name: s.name, port, proc, exited,
    output: () => output,
    async status() {
      const r = await fetch(`http://127.0.0.1:${port}/api/status`);
      if (!r.ok) throw new Error(`${s.name} /api/status: HTTP ${r.status}`);
      return (await r.json()) as StatusReport;
    },
  };
}

/** Waits until a started member answers /healthz (its recent output in the timeout message). */
export async function waitUntilUp(m: Member): Promise<void> {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${m.port}/healthz`)).ok, () => `${m.name} up (${m.output().slice(-600)})`, 40_000);
}

/** Stops every member still running (SIGTERM, then at most 10 s each for it to exit). */
export async function stopMembers(members: Iterable<Member>): Promise<void> {
  for (const m of members) {
    if (m.proc.exitCode === null && m.proc.signalCode === null) m.proc.kill('SIGTERM');
    await Promise.race([m.exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
}
