// The collector group (issue 19, docs/GROUP.md): three `kubepulse run` members on one PostgreSQL sharing two
// simulated clusters of 60 and 40 nodes (100 nodes, 5 pods each, kubelets taking a sample every 10 s), at the
// defaults that matter: summary every 15 s, heartbeat 3 s, member TTL 15 s. Then KUBEPULSE_BENCH_GROUP_KILLS
// (default 20, the count) rounds: kill -9 a random member at a random moment (0–15 s after the
// previous round), start it again at once as its watchdog would (a new member of the group), and time until
// every node the killed member scraped has a sample newer than the newest stored at the kill.
// - takeover_s_kill9: the worst of those times over the kills of a member that scraped nodes;
// - max_gap_s_during_takeover: the longest gap between two summary samples of any node over the kill rounds
//   (and per kill, the longest gap spanning it: their median goes in the method);
// - duplicate_rows_after_takeovers: sample rows stored twice (same cluster, series, ts, source) at the end;
// - group_overhead_cpu_share: the CPU of the group protocol (a heartbeat with lease renewal, membership read,
//   share recomputed over 100 nodes) per heartbeat interval, measured in this process over 100 heartbeats
//   against the same database with three member rows, divided by the CPU one member used per second while
//   collecting its share (from /proc over a quiet minute before the kills).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import type { Figures } from './figure.js';
import { cpuSeconds, sleep } from './harness.js';
import { startTestDatabase } from '../test/helpers/pg.js';
import { startMember, type Member, type MemberSpec } from '../test/group/spawn-member.js';
import { createPool } from '../src/store/pool.js';
import { ENTITIES } from '../src/metrics/definitions.js';
import { sampleTable } from '../src/store/series-schema.js';
import { CollectorGroup } from '../src/group/group.js';
import { heartbeat } from '../src/group/membership.js';

const KILLS = Number(process.env.KUBEPULSE_BENCH_GROUP_KILLS ?? 20);
const CLUSTERS: Record<string, number> = { alpha: 60, beta: 40 };
const NAMES = ['m1', 'm2', 'm3'];
const HEARTBEAT_MS = 3_000;
const TTL_MS = 15_000;

export async function run(): Promise<Figures> {
  const db = await startTestDatabase();
  const pool = createPool(db.url, { max: 3 });
  const sims: SimCluster[] = [];
  const members = new Map<string, Member>();
  try {
    for (const [name, nodes] of Object.entries(CLUSTERS)) sims.push(await startSim({ name, nodes, podsPerNode: 5, seed: nodes, podChurnIntervalMs: 0 }));
    const dir = mkdtempSync(join(tmpdir(), 'kp-bench-group-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, sims);
    const spec = (name: string): MemberSpec => ({
      name, dir, databaseUrl: db.url, kubeconfig, clusters: Object.keys(CLUSTERS), heartbeat: `${HEARTBEAT_MS}ms`, ttl: `${TTL_MS}ms`, summaryInterval: '15s',
    });
    const start = async (name: string) => {
      const m = await startMember(spec(name));
      members.set(name, m);
      await until(async () => (await fetch(`http://127.0.0.1:${m.port}/healthz`).catch(() => null))?.ok === true, 60_000, `${name} up`);
    };
    for (const n of NAMES) await start(n);
    const nodes = new Map<string, string[]>();
    for (const c of Object.keys(CLUSTERS)) {
      await until(async () => (await liveNodes(c)).length === CLUSTERS[c], 120_000, `${c} listed`);
      nodes.set(c, await liveNodes(c));
    }
    await until(() => settled(), 120_000, 'every node scraped by exactly one member');

    // A quiet minute: what one member costs while collecting its share.
    const cpu0 = NAMES.map((n) => cpuSeconds(members.get(n)!.proc.pid!));
    const t0 = performance.now();
    await sleep(60_000);
    const memberCpuPerS = NAMES.map((n, i) => (cpuSeconds(members.get(n)!.proc.pid!) - cpu0[i]) / ((performance.now() - t0) / 1000));
    const meanMemberCpu = memberCpuPerS.reduce((a, b) => a + b, 0) / NAMES.length;

    // Kills of a random member at a random moment; each is started again at once, as its watchdog would,
    // so the next kill may land on a member that just joined, holds a lease, is mid-write or in maintenance.
    const killsFrom = new Date();
    const rounds: KillRound[] = [];
    for (let k = 0; k < KILLS; k++) {
      const victim = NAMES[Math.floor(Math.random() * NAMES.length)];
      const st = await members.get(victim)!.status().catch(() => null);
      const victimNodes = Object.entries(st?.group?.nodes ?? {}).flatMap(([c, ns]) => ns.map((n) => [c, n] as const));
      const held = await leasesHeldBy(victim);
      members.get(victim)!.proc.kill('SIGKILL');
      const killedAt = performance.now();
      const killedAtWall = new Date();
      await members.get(victim)!.exited;
      const baseline = await newestSamples();
      const restarted = start(victim); // the watchdog's restart (its first backoff is 1 s; the start takes longer)
      await until(async () => {
        const now = await newestSamples();
        return victimNodes.every(([c, n]) => (now.get(`${c}/${n}`) ?? 0) > (baseline.get(`${c}/${n}`) ?? 0));
      }, 120_000, `the share of ${victim} sampled again`, 250);
      const takeoverS = (performance.now() - killedAt) / 1000;
      await restarted;
      rounds.push({ victim, held, nodes: victimNodes.length, takeoverS, killedAt: killedAtWall, doneAt: new Date() });
      process.stdout.write(`  kill ${k + 1}/${KILLS}: ${victim} (leases: ${held.join(',') || 'none'}; ${victimNodes.length} nodes) replaced in ${takeoverS.toFixed(1)} s\n`);
      await sleep(Math.random() * 15_000); // the next kill at a random point of the scrape and heartbeat cycles
    }
    await until(() => settled(), 120_000, 'every node scraped by exactly one member after the last kill');
    await sleep(20_000); // the last samples of every node stored
    const maxGap = await longestGap(killsFrom);
    const gapsPerKill: number[] = [];
    for (const r of rounds) gapsPerKill.push(await longestGapAcross(r.killedAt, r.doneAt));
    const duplicates = await duplicateRows();
    const withShare = rounds.filter((r) => r.nodes > 0);
    const takeovers = withShare.map((r) => r.takeoverS);
    const holderKills = rounds.filter((r) => r.held.length > 0).length;

    // The protocol's own CPU: 100 heartbeats of a fourth, idle member (no scrape) beside two member rows.
    for (const m of members.values()) m.proc.kill('SIGTERM');
    await Promise.all([...members.values()].map((m) => m.exited));
    const overheadCpuPerS = await protocolCpuPerSecond(pool, [...nodes.values()].flat());

    const method = `3 kubepulse run members (group heartbeat 3 s, TTL 15 s, summary every 15 s, direct kubelet access) on one embedded PostgreSQL, 2 simulated clusters (60 + 40 nodes, 5 pods each, 10 s kubelet housekeeping), ${KILLS} kills -9 of a random member at a random moment (${holderKills} of them held an inventory lease), each started again at once as its watchdog would; the machine (2 cores) was shared with other sessions' work, so times include their load`;
    return {
      takeover_s_kill9: { value: round(Math.max(...takeovers)), unit: 's', method: `${method}. Worst over the ${takeovers.length} kills of a member scraping a share (median ${round(median(takeovers))} s; worst of the lease holders' ${round(Math.max(0, ...withShare.filter((r) => r.held.length > 0).map((r) => r.takeoverS)))} s) of the time from the kill to a sample newer than the newest stored at the kill for every node the killed member scraped` },
      max_gap_s_during_takeover: { value: round(maxGap), unit: 's', method: `${method}. Longest gap between consecutive summary samples (kubelet time) of any node from the first kill to 20 s after the last (per kill, the longest gap spanning it: median ${round(median(gapsPerKill))} s, max ${round(Math.max(...gapsPerKill))} s)` },
      duplicate_rows_after_takeovers: { value: duplicates, unit: 'rows', method: `${method}. Sample rows with the same (cluster_id, series_id, ts, source) in every sample table at the end, over all ${KILLS} kills` },
      group_overhead_cpu_share: { value: round(overheadCpuPerS / meanMemberCpu, 4), unit: 'share', method: `${method}. CPU s/s of the protocol (100 heartbeats of an extra member in the bench process: member row, lease renewal, membership read, share of 100 nodes recomputed; ${round(overheadCpuPerS * 1000, 3)} mCPU) ÷ a member's CPU s/s while collecting its share (mean of 3 over a quiet minute: ${round(meanMemberCpu * 1000, 1)} mCPU)` },
    };
  } finally {
    for (const m of members.values()) if (m.proc.exitCode === null && m.proc.signalCode === null) m.proc.kill('SIGKILL');
    await Promise.all([...members.values()].map((m) => Promise.race([m.exited, sleep(10_000)])));
    await pool.end();
    for (const s of sims) await s.stop();
    await db.stop();
  }

  async function liveNodes(cluster: string): Promise<string[]> {
    const r = await pool.query<{ name: string }>(
      'SELECT n.name FROM kubepulse.node n JOIN kubepulse.cluster c ON c.id = n.cluster_id WHERE c.name = $1 AND n.deleted_at IS NULL ORDER BY 1', [cluster]);
    return r.rows.map((x) => x.name);
  }

  /** The clusters whose inventory lease the member of that name holds now. */
  async function leasesHeldBy(name: string): Promise<string[]> {
    const r = await pool.query<{ cluster: string }>(
      `SELECT c.name AS cluster FROM kubepulse.collector_lease l JOIN kubepulse.cluster c ON c.id = l.cluster_id
         JOIN kubepulse.collector_member m ON m.member_id = l.holder WHERE l.expires_at > now() AND m.name = $1 ORDER BY 1`, [name]);
    return r.rows.map((x) => x.cluster);
  }

  async function settled(): Promise<boolean> {
    const owners = new Map<string, number>();
    for (const m of members.values()) {
      const st = await m.status().catch(() => null);
      if (!st?.group || st.group.fenced || st.group.members.filter((x) => x.alive).length !== NAMES.length) return false;
      for (const [c, ns] of Object.entries(st.group.nodes)) for (const n of ns) owners.set(`${c}/${n}`, (owners.get(`${c}/${n}`) ?? 0) + 1);
    }
    const total = Object.values(CLUSTERS).reduce((a, b) => a + b, 0);
    return owners.size === total && [...owners.values()].every((v) => v === 1);
  }

  async function newestSamples(): Promise<Map<string, number>> {
    const r = await pool.query<{ k: string; ts: Date }>(
      `SELECT c.name || '/' || m.node AS k, max(m.ts) AS ts FROM kubepulse.node_metric m JOIN kubepulse.cluster c ON c.id = m.cluster_id
        WHERE m.ts > now() - interval '10 minutes' AND m.source = 's' GROUP BY 1`);
    return new Map(r.rows.map((x) => [x.k, x.ts.getTime()]));
  }

  async function longestGap(from: Date): Promise<number> {
    const r = await pool.query<{ gap: number | null }>(
      `SELECT max(gap)::float8 AS gap FROM (
         SELECT extract(epoch FROM ts - lag(ts) OVER (PARTITION BY cluster_id, node ORDER BY ts)) AS gap
           FROM kubepulse.node_metric WHERE ts >= $1 AND source = 's') g`, [from]);
    return r.rows[0].gap ?? 0;
  }

  /** The longest gap between consecutive summary samples of any node that spans part of [from, to]. */
  async function longestGapAcross(from: Date, to: Date): Promise<number> {
    const r = await pool.query<{ gap: number | null }>(
      `SELECT max(extract(epoch FROM ts - prev))::float8 AS gap FROM (
         SELECT ts, lag(ts) OVER (PARTITION BY cluster_id, node ORDER BY ts) AS prev
           FROM kubepulse.node_metric WHERE ts >= $1::timestamptz - interval '2 minutes' AND source = 's') g
        WHERE prev IS NOT NULL AND ts >= $1 AND prev <= $2`, [from, to]);
    return r.rows[0].gap ?? 0;
  }

  async function duplicateRows(): Promise<number> {
    let dup = 0;
    for (const e of ENTITIES) {
      const r = await pool.query<{ n: string }>(
        `SELECT coalesce(sum(c - 1), 0)::text AS n FROM (SELECT count(*) AS c FROM kubepulse.${sampleTable(e)} GROUP BY cluster_id, series_id, ts, source HAVING count(*) > 1) d`);
      dup += Number(r.rows[0].n);
    }
    return dup;
  }
}

/** CPU seconds per second one member spends on the protocol at the default heartbeat interval. */
async function protocolCpuPerSecond(pool: ReturnType<typeof createPool>, nodeNames: string[]): Promise<number> {
  const others = [randomUUID(), randomUUID()].map((id, i) => ({ id, name: `other-${i}`, host: 'bench', pid: 0, httpAddress: '' }));
  const ids = await pool.query<{ id: number; name: string }>('SELECT id, name FROM kubepulse.cluster');
  const g = new CollectorGroup(pool, { name: 'probe', heartbeatIntervalMs: HEARTBEAT_MS, ttlMs: TTL_MS, ownedNodes: () => ({ alpha: nodeNames.slice(0, 33) }) });
  for (const c of ids.rows) g.addCluster(c.name, c.id);
  const beat = async () => {
    for (const o of others) await heartbeat(pool, o, Object.keys(CLUSTERS), {}, TTL_MS);
    const before = process.cpuUsage();
    await g.beat();
    for (const c of Object.keys(CLUSTERS)) {
      const role = g.roleOf(c);
      for (const n of nodeNames) role.owns(n);
    }
    const d = process.cpuUsage(before);
    return (d.user + d.system) / 1e6;
  };
  await beat(); // warm-up
  let cpuS = 0;
  const BEATS = 100;
  for (let i = 0; i < BEATS; i++) cpuS += await beat();
  await g.stop();
  return cpuS / BEATS / (HEARTBEAT_MS / 1000);
}

interface KillRound {
  victim: string;
  /** Clusters whose inventory lease it held at the kill. */
  held: string[];
  /** Nodes it scraped at the kill. */
  nodes: number;
  takeoverS: number;
  killedAt: Date;
  doneAt: Date;
}

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(cond).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`bench/group: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
