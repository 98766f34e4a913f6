// N real `kubepulse run` processes against one external PostgreSQL (test/helpers/external-pg.ts, Debian's
// PostgreSQL 15) with simulated clusters (two by default), as a site runs several collectors: each member
// has its own config file, HTTP port, spool and log folder, and can be started, signalled (kill -9, SIGSTOP
// for a hung member, SIGCONT), stopped and started again on the same folder (its spool is replayed by the
// restart), and partitioned from the database: each member reaches it through a relay of its own
// (tcp-relay.ts), which the test can cut. The clusters scrape every second, kubelets reached directly, so a
// test sees samples quickly.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSim, writeKubeconfig, type SimCluster, type SimOptions } from '@kubepulse/sim';
import type { StatusReport } from '../../src/health/status.js';
import { createPool } from '../../src/store/pool.js';
import { startExternalPostgres, type ExternalPostgres } from './external-pg.js';
import { REPO_ROOT } from './paths.js';
import { freePort } from './pg.js';
import { startTcpRelay, type PartitionMode, type StatementHold, type TcpRelay } from './tcp-relay.js';
import { waitFor } from './wait.js';

const BIN = join(REPO_ROOT, 'bin/kubepulse.js');

interface GroupMemberSpec {
  /** Names of the clusters in this member's config (default: every cluster of the harness). */
  clusters?: string[];
  /** TOML appended to the member's config file (keys of sections the harness does not write, e.g. the group's). */
  toml?: string;
  /** Extra environment (KUBEPULSE_… overrides; leave log.console on: start() waits for its "kubepulse running" line). */
  env?: Record<string, string>;
}

export interface GroupHarnessOptions {
  /** How many members, or one spec each. */
  members: number | GroupMemberSpec[];
  /** The simulated clusters (default: `east` 3 nodes × 4 pods and `west` 2 nodes × 3 pods, no pod churn). */
  clusters?: SimOptions[];
  /** [collection] keys over the harness's 1 s direct-scrape defaults. */
  collection?: Record<string, string>;
  /** Start the members (default true); false leaves them to member.start(). */
  start?: boolean;
}

interface GroupMember {
  readonly index: number;
  /** Its folder: config, spool, log. */
  readonly dir: string;
  readonly configFile: string;
  /** http://127.0.0.1:port of its API (fixed across restarts). */
  readonly apiUrl: string;
  /** The database URL in its config: the external server, through this member's relay. */
  readonly databaseUrl: string;
  /** Spawns `kubepulse run --no-watchdog --config …` and waits for /healthz. */
  start(): Promise<void>;
  /** The running process's pid (undefined when it is not running). */
  pid(): number | undefined;
  running(): boolean;
  /** Sends a signal: SIGKILL (killed), SIGSTOP (hung: its sockets stay open), SIGCONT. */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM (SIGCONT first, in case it was stopped), SIGKILL after 30 s; the exit code (null when killed). */
  stop(): Promise<number | null>;
  /** Cuts this member from the database (tcp-relay.ts: 'refuse' resets, 'blackhole' drops silently). */
  partition(mode: PartitionMode): void;
  /** Lets it reach the database again. */
  heal(): void;
  /** Holds its next statements containing `text` (tcp-relay.ts holdWhen): it sits inside them, e.g. mid-COPY. */
  hold(text: string): StatementHold;
  /** The last 16 KiB of its stdout and stderr (JSON log lines), for failure messages. */
  output(): string;
  /** Its /api/status. */
  status(): Promise<StatusReport>;
}

export interface GroupHarness {
  db: ExternalPostgres;
  sims: SimCluster[];
  /** One kubeconfig with a context per simulated cluster, named after it. */
  kubeconfig: string;
  members: GroupMember[];
  /** A pool of the test's own on the members' database (as their login). */
  pool: pg.Pool;
  /** Adds (and starts) one more member. */
  addMember(spec?: GroupMemberSpec): Promise<GroupMember>;
  /** Stops every member, the simulators and the database; removes the folders. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_CLUSTERS: SimOptions[] = [
  { name: 'east', nodes: 3, podsPerNode: 4, seed: 31, podChurnIntervalMs: 0 },
  { name: 'west', nodes: 2, podsPerNode: 3, seed: 32, podChurnIntervalMs: 0 },
];

const COLLECTION_DEFAULTS: Record<string, string> = {
  summary_interval: '1s', cadvisor_interval: '1s', health_interval: '1s', scrape_timeout: '3s', kubelet_access: 'direct',
};

/** Members still running when the test process exits are killed, never left behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

const toml = (s: string) => JSON.stringify(s); // a JSON string is a valid TOML basic string

function memberConfig(o: { port: number; dir: string; dbUrl: string; kubeconfig: string; clusters: string[]; collection: Record<string, string>; extra: string }): string {
  return [
    '[server]', `listen = ${toml(`127.0.0.1:${o.port}`)}`,
    '[database]', `url = ${toml(o.dbUrl)}`, 'pool_size = 4', 'flush_interval = "1s"',
    '[spool]', `dir = ${toml(join(o.dir, 'spool'))}`,
    '[log]', `file = ${toml(join(o.dir, 'kubepulse.log'))}`, 'console = "json"', 'level = "info"',
    '[collection]', ...Object.entries(o.collection).map(([k, v]) => `${k} = ${toml(v)}`),
    ...o.clusters.flatMap((c) => ['[[clusters]]', `name = ${toml(c)}`, `kubeconfig = ${toml(o.kubeconfig)}`, `context = ${toml(c)}`]),
    o.extra,
    '',
  ].join('\n');
}

export async function startGroup(opts: GroupHarnessOptions): Promise<GroupHarness> {
  const root = await mkdtemp(join(tmpdir(), 'kp-group-'));
  const specs = typeof opts.members === 'number' ? Array.from({ length: opts.members }, () => ({})) : opts.members;
  const collection = { ...COLLECTION_DEFAULTS, ...opts.collection };
  const sims: SimCluster[] = [];
  let db: ExternalPostgres | null = null;
  let pool: pg.Pool | null = null;
  const members: GroupMember[] = [];
  const relays: TcpRelay[] = [];

  const stopAll = async () => {
    await Promise.all(members.map((m) => m.stop()));
    await Promise.all(relays.map((r) => r.close()));
    await pool?.end();
    await Promise.all(sims.map((s) => s.stop()));
    await db?.stop();
    await rm(root, { recursive: true, force: true });
  };

  try {
    db = await startExternalPostgres();
    for (const o of opts.clusters ?? DEFAULT_CLUSTERS) sims.push(await startSim(o));
    const kubeconfig = join(root, 'kubeconfig');
    await writeKubeconfig(kubeconfig, sims);
    pool = createPool(db.url, { max: 2 });
    const database = db;

    const makeMember = async (spec: GroupMemberSpec): Promise<GroupMember> => {
      const index = members.length;
      const dir = join(root, `member-${index}`);
      mkdirSync(dir);
      const port = await freePort();
      const clusters = spec.clusters ?? sims.map((s) => s.name);
      for (const c of clusters) if (!sims.some((s) => s.name === c)) throw new Error(`member ${index}: no simulated cluster named ${c}`);
      const relay = await startTcpRelay(database.port);
      relays.push(relay);
      const dbUrl = new URL(database.url);
      dbUrl.port = String(relay.port);
      const configFile = join(dir, 'kubepulse.toml');
      writeFileSync(configFile, memberConfig({ port, dir, dbUrl: dbUrl.toString(), kubeconfig, clusters, collection, extra: spec.toml ?? '' }));
      const member = newMember({ index, dir, configFile, apiUrl: `http://127.0.0.1:${port}`, databaseUrl: dbUrl.toString(), env: spec.env ?? {}, relay });
      members.push(member);
      return member;
    };
    for (const spec of specs) await makeMember(spec);
    if (opts.start ?? true) await Promise.all(members.map((m) => m.start()));

    let stopping: Promise<void> | null = null;
    return {
      db, sims, kubeconfig, members, pool,
      async addMember(spec = {}) {
        const m = await makeMember(spec);
        await m.start();
        return m;
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

function newMember(o: { index: number; dir: string; configFile: string; apiUrl: string; databaseUrl: string; env: Record<string, string>; relay: TcpRelay }): GroupMember {
  const { index, dir, configFile, apiUrl, databaseUrl, env, relay } = o;
  let child: ChildProcess | null = null;
  let exited: Promise<number | null> = Promise.resolve(null);
  let out = '';
  const isRunning = () => child !== null && child.exitCode === null && child.signalCode === null;

  const member: GroupMember = {
    index, dir, configFile, apiUrl, databaseUrl,
    async start() {
      if (isRunning()) throw new Error(`member ${index} already runs (pid ${child!.pid})`);
      const p = spawn(process.execPath, [BIN, 'run', '--no-watchdog', '--config', configFile], {
        cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = p;
      running.add(p);
      // Where this run's output starts in `out` (moves down as old output is dropped).
      let startedAt = out.length;
      const keep = (d: Buffer) => {
        const next = out + d.toString();
        const drop = Math.max(0, next.length - 16_384);
        startedAt = Math.max(0, startedAt - drop);
        out = next.slice(drop);
      };
      p.stdout.on('data', keep);
      p.stderr.on('data', keep);
      exited = new Promise((r) => p.once('exit', (code) => {
        running.delete(p);
        r(code);
      }));
      // Started = its stop handlers are installed, right after it logs "kubepulse running". /healthz
      // answers earlier (the HTTP server starts inside Collector.start), and a SIGTERM before the handlers
      // would end the process without its clean stop.
      await waitFor(async () => {
        if (p.exitCode !== null) throw new Error(`member ${index} exited (${p.exitCode}) during start-up:\n${out.slice(-2000)}`);
        return out.includes('"msg":"kubepulse running"', startedAt) && (await fetch(`${apiUrl}/healthz`)).ok;
      }, () => `member ${index} running (output: ${out.slice(-1500)})`, 60_000);
    },
    pid: () => (isRunning() ? child!.pid : undefined),
    running: isRunning,
    signal(sig) {
      if (!isRunning()) throw new Error(`member ${index} does not run`);
      child!.kill(sig);
    },
    async stop() {
      if (!isRunning()) return exited;
      const p = child!;
      p.kill('SIGCONT');
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    partition: (mode) => relay.partition(mode),
    heal: () => relay.heal(),
    hold: (text) => relay.holdWhen(text),
    output: () => out,
    async status() {
      const res = await fetch(`${apiUrl}/api/status`);
      if (!res.ok) throw new Error(`member ${index} /api/status: HTTP ${res.status}`);
      return (await res.json()) as StatusReport;
    },
  };
  return member;
}
