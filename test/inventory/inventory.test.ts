// Issue 5 proof over real HTTPS and a real PostgreSQL: every kind's rows match the simulator's objects
// (every typed column, computed from the API object by the same declaration); updates and deletes
// arrive; deletions made while the API server was down are reconciled; a watch expired by compaction
// relists without duplicates; a 403 kind is reported while the rest goes on; two clusters with the same
// names stay apart; the history query answers for a past moment; workloads resolve to the top.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { buildConfig, loadConfig } from '../../src/config/load.js';
import { Collector } from '../../src/collector/collector.js';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { ALL_KINDS } from '../../src/inventory/kinds/index.js';
import type { KindDef, KubeObject, WireObject } from '../../src/inventory/kind.js';
import { configureLogging, type LogOptions } from '../../src/log.js';
import type { V1Pod } from '@kubernetes/client-node';
import { waitFor } from '../helpers/wait.js';
import { HISTORY_QUERY } from '../../src/inventory/history.js';

let db: TestDatabase;
let sims: SimCluster[];
let collector: Collector;
let client: pg.Client;
let dir: string;
let kubeconfig: string;

function configDoc(clusters: string[]) {
  return {
    server: { listen: '127.0.0.1:0' },
    database: { url: db.url },
    collection: { summary_interval: '0s', cadvisor_interval: '0s', health_interval: '1s', inventory_resync: '1m' },
    clusters: clusters.map((name) => ({ name, kubeconfig, context: name })),
  };
}

before(async () => {
  configureLogging({ level: (process.env.TEST_LOG as LogOptions['level'] | undefined) ?? 'warn', console: process.env.TEST_LOG ? 'json' : 'off' });
  db = await startTestDatabase();
  sims = [
    // Same seed: the same namespaces, workloads and pod names in two clusters. Six pods per node leave
    // room for the simulator's CronJob with its Jobs' pods besides the DaemonSets.
    await startSim({ name: 'alpha', nodes: 3, podsPerNode: 6, seed: 7, podChurnIntervalMs: 0, faults: { forbid: [{ resource: 'resourcequotas' }] } }),
    await startSim({ name: 'beta', nodes: 3, podsPerNode: 6, seed: 7, podChurnIntervalMs: 0 }),
    await startSim({ name: 'gamma', nodes: 1, podsPerNode: 2, seed: 9, podChurnIntervalMs: 0 }),
  ];
  dir = mkdtempSync(join(tmpdir(), 'kp-inv-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, sims);
  const file = join(dir, 'kubepulse.toml');
  writeFileSync(file, toToml(configDoc(['alpha', 'beta'])));
  collector = await Collector.start(buildConfig(configDoc(['alpha', 'beta']), 'test', {}), { loadConfig: () => loadConfig(file, {}) });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

after(async () => {
  await client?.end();
  await collector?.stop();
  await Promise.all(sims.map((s) => s.stop()));
  await db?.stop();
});

function toToml(doc: ReturnType<typeof configDoc>): string {
  const lines = ['[server]', `listen = "${doc.server.listen}"`, '[database]', `url = "${doc.database.url}"`, '[collection]'];
  for (const [k, v] of Object.entries(doc.collection)) lines.push(`${k} = "${v}"`);
  for (const c of doc.clusters) lines.push('[[clusters]]', `name = "${c.name}"`, `kubeconfig = ${JSON.stringify(c.kubeconfig)}`, `context = "${c.context}"`);
  return lines.join('\n') + '\n';
}

async function q<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

async function clusterId(name: string): Promise<number> {
  return (await q<{ id: number }>('SELECT id FROM kubepulse.cluster WHERE name = $1', [name]))[0].id;
}

async function withConn<T>(sim: SimCluster, f: (c: ClusterConnection) => Promise<T>): Promise<T> {
  const conn = await ClusterConnection.open({ name: sim.name, kubeconfig, context: sim.name });
  try {
    return await f(conn);
  } finally {
    await conn.close();
  }
}

async function admin(sim: SimCluster, method: string, path: string, body?: unknown): Promise<unknown> {
  return withConn(sim, async (c) => {
    const res = await c.raw(`/_sim/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), contentType: 'application/json' });
    return JSON.parse(await res.body.text()) as unknown;
  });
}

/** A column value as the database returns it, normalised for comparison with the extractor's value. */
function norm(v: unknown, sqlType: string): unknown {
  if (v === null || v === undefined) return null;
  if (sqlType === 'timestamptz') return new Date(v as string | Date).toISOString();
  if (sqlType === 'bigint' || sqlType === 'integer' || sqlType === 'double precision') return Number(v);
  if (sqlType === 'jsonb') return canonical(JSON.parse(JSON.stringify(v)));
  return v;
}

/** jsonb does not keep key order: compare with keys sorted at every level. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

async function mismatches(sim: SimCluster, kind: KindDef): Promise<string[]> {
  const id = await clusterId(sim.name);
  const items = await withConn(sim, async (c) => (await c.getJson<{ items: KubeObject[] }>(kind.listPath)).items);
  const rows = await q(`SELECT * FROM kubepulse.${kind.table} WHERE cluster_id = $1 AND deleted_at IS NULL`, [id]);
  const byUid = new Map(rows.map((r) => [r.uid, r]));
  const out: string[] = [];
  if (rows.length !== items.length) out.push(`${kind.name}: ${rows.length} rows, ${items.length} objects`);
  for (const obj of items) {
    const row = byUid.get(obj.metadata.uid);
    if (!row) {
      out.push(`${kind.name} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}: no row`);
      continue;
    }
    if (row.name !== obj.metadata.name || (row.namespace ?? undefined) !== obj.metadata.namespace) out.push(`${kind.name} ${obj.metadata.name}: name/namespace differ`);
    // workload columns are resolved further than the object alone can say (tested separately)
    for (const col of kind.columns.filter((c) => !c.column.startsWith('workload_'))) {
      const want = norm(col.value(obj), col.sqlType);
      const got = norm(row[col.column], col.sqlType);
      if (JSON.stringify(want) !== JSON.stringify(got)) out.push(`${kind.name} ${obj.metadata.name}.${col.column}: row ${JSON.stringify(got)} ≠ object ${JSON.stringify(want)}`);
    }
  }
  return out;
}

test('every kind of both clusters is stored, every typed column as the API object says', async () => {
  for (const sim of sims.slice(0, 2)) {
    for (const kind of ALL_KINDS) {
      if (sim.name === 'alpha' && kind.name === 'resourcequota') continue; // forbidden there (next test)
      let last: string[] = [];
      await waitFor(async () => (last = await mismatches(sim, kind)).length === 0, () => `${sim.name} ${kind.name} rows match: ${last.slice(0, 3).join('; ')}`, 30_000);
    }
  }
  const kindsWithRows = await q<{ n: string }>(`SELECT count(*) AS n FROM kubepulse.deployment`);
  assert.ok(Number(kindsWithRows[0].n) > 0);
});

test('a kind the credentials may not list is reported, and the other kinds go on', async () => {
  const st = await collector.refreshStatus();
  const alpha = st.clusters.find((c) => c.name === 'alpha')!;
  const quota = alpha.watches.find((w) => w.kind === 'resourcequota')!;
  assert.equal(quota.state, 'forbidden');
  assert.match(quota.lastError ?? '', /403/);
  const others = alpha.watches.filter((w) => w.kind !== 'resourcequota');
  assert.deepEqual(others.map((w) => w.kind).sort(), ALL_KINDS.map((k) => k.name).filter((k) => k !== 'resourcequota').sort(), 'a watch for every other kind');
  assert.ok(others.every((w) => w.state === 'watching'), JSON.stringify(alpha.watches));
  const beta = st.clusters.find((c) => c.name === 'beta')!;
  assert.equal(beta.watches.find((w) => w.kind === 'resourcequota')!.state, 'watching');
});

test('two clusters with the same namespaces and pod names stay apart', async () => {
  const [a, b] = [await clusterId('alpha'), await clusterId('beta')];
  const rows = await q<{ namespace: string; name: string; clusters: number }>(
    `SELECT namespace, name, count(DISTINCT cluster_id)::int AS clusters FROM kubepulse.pod
      WHERE cluster_id IN ($1, $2) AND deleted_at IS NULL GROUP BY 1, 2`,
    [a, b],
  );
  assert.ok(rows.length > 0);
  assert.ok(rows.filter((r) => r.clusters === 2).length >= rows.length / 2, 'most pod names exist in both clusters');
  const victim = rows.find((r) => r.clusters === 2 && r.namespace !== 'kube-system')!;
  sims[0].deletePod(victim.namespace, victim.name);
  await waitFor(async () => (await q('SELECT 1 FROM kubepulse.pod WHERE cluster_id = $1 AND namespace = $2 AND name = $3 AND deleted_at IS NOT NULL', [a, victim.namespace, victim.name])).length === 1, 'deleted in alpha');
  const inBeta = await q('SELECT deleted_at FROM kubepulse.pod WHERE cluster_id = $1 AND namespace = $2 AND name = $3', [b, victim.namespace, victim.name]);
  assert.equal(inBeta.length, 1);
  assert.equal(inBeta[0].deleted_at, null, 'the same pod name in beta is untouched');
});

test('an update arrives (scale a deployment) and writes one history row; pods resolve to their workload', async () => {
  const sim = sims[1];
  const id = await clusterId(sim.name);
  const [dep] = await q<{ namespace: string; name: string; uid: string; replicas_desired: number }>(
    `SELECT namespace, name, uid, replicas_desired FROM kubepulse.deployment WHERE cluster_id = $1 AND deleted_at IS NULL AND namespace <> 'kube-system' ORDER BY name LIMIT 1`,
    [id],
  );
  const want = dep.replicas_desired + 2;
  await withConn(sim, async (c) => {
    const res = await c.raw(`/apis/apps/v1/namespaces/${dep.namespace}/deployments/${dep.name}/scale`, {
      method: 'PATCH', body: JSON.stringify({ spec: { replicas: want } }), contentType: 'application/merge-patch+json',
    });
    assert.equal(res.status, 200, await res.body.text());
  });
  await waitFor(async () => (await q('SELECT 1 FROM kubepulse.deployment WHERE cluster_id = $3 AND uid = $1 AND replicas_desired = $2', [dep.uid, want, id])).length === 1, 'scaled deployment stored');
  const log = await q<{ op: string; changed: unknown }>(`SELECT op, changed FROM kubepulse.change_log WHERE cluster_id = $1 AND uid = $2 AND op = 'update' ORDER BY id`, [id, dep.uid]);
  assert.ok(log.some((l) => JSON.stringify(l.changed).includes(`${want}`)), 'the change log says what changed');
  await waitFor(async () => {
    const pods = await q('SELECT workload_kind, workload_name FROM kubepulse.pod WHERE cluster_id = $1 AND namespace = $2 AND workload_name = $3 AND deleted_at IS NULL', [id, dep.namespace, dep.name]);
    return pods.length === want && pods.every((p) => p.workload_kind === 'Deployment');
  }, 'new pods stored, owned by the Deployment');
  const jobPods = await q<{ workload_kind: string; workload_name: string; namespace: string }>(
    `SELECT p.workload_kind, p.workload_name, p.namespace FROM kubepulse.pod p
      JOIN kubepulse.job j ON j.cluster_id = p.cluster_id AND j.namespace = p.namespace AND j.owner_kind = 'CronJob'
     WHERE p.cluster_id = $1 AND (p.object->'metadata'->'ownerReferences'->0->>'name') = j.name`,
    [id],
  );
  assert.ok(jobPods.length > 0, 'the simulator runs a CronJob whose Jobs have pods');
  for (const p of jobPods) assert.deepEqual([p.workload_kind, p.namespace], ['CronJob', 'batch'], 'a CronJob pod resolves through its Job to the CronJob');
  const [cronJob] = await q<{ name: string }>(`SELECT name FROM kubepulse.cronjob WHERE cluster_id = $1 AND namespace = 'batch'`, [id]);
  assert.ok(cronJob, 'the CronJob is stored');
  assert.deepEqual([...new Set(jobPods.map((p) => p.workload_name))], [cronJob.name], 'named after the CronJob, not the Job');
});

test('deletions made while the API server was down are reconciled; a compacted watch relists without duplicates', async () => {
  const sim = sims[1];
  const id = await clusterId(sim.name);
  const podUids = async (sql: string): Promise<string[]> => (await q<{ uid: string }>(sql, [id])).map((r) => r.uid).sort();
  const addedBefore = new Set(await podUids(`SELECT DISTINCT uid FROM kubepulse.change_log WHERE cluster_id = $1 AND kind = 'pod' AND op = 'add'`));
  const liveBefore = new Set(await podUids('SELECT uid FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL'));
  let victims: Array<{ namespace: string; name: string; uid: string }> = [];
  await waitFor(async () => {
    // Deployment pods: their ReplicaSet replaces them, so the relist also brings new pods.
    victims = await q(
      `SELECT namespace, name, uid FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL AND namespace <> 'kube-system' AND workload_kind = 'Deployment' ORDER BY uid LIMIT 2`,
      [id],
    );
    return victims.length === 2;
  }, 'two Deployment pods stored');
  sim.setApiDown(true);
  await admin(sim, 'POST', 'watches/cut').catch(() => undefined); // admin path works while the API is "down"
  for (const v of victims) sim.deletePod(v.namespace, v.name);
  sim.compact(); // the watch cannot resume from its resourceVersion: 410 → relist
  await new Promise((r) => setTimeout(r, 2000));
  sim.setApiDown(false);
  let seen: unknown[] = [];
  await waitFor(
    async () => (seen = await q(`SELECT name, deleted_at FROM kubepulse.pod WHERE cluster_id = $1 AND uid = ANY($2)`, [id, victims.map((v) => v.uid)])).filter((r) => r.deleted_at).length === 2,
    () => `vanished pods marked deleted after the relist: ${JSON.stringify(seen)} of ${JSON.stringify(victims)}`,
    60_000,
  );
  const podKind = ALL_KINDS.find((k) => k.name === 'pod')!;
  let last: string[] = [];
  await waitFor(async () => (last = await mismatches(sim, podKind)).length === 0, () => `pods match after relist: ${last.slice(0, 3).join('; ')}`, 30_000);
  // No object was added twice: one 'add' per uid in the change log.
  const dupAdds = await q(`SELECT uid FROM kubepulse.change_log WHERE cluster_id = $1 AND op = 'add' GROUP BY uid HAVING count(*) > 1`, [id]);
  assert.deepEqual(dupAdds, []);
  // The relist added exactly the replacement pods it found, and re-added none of the pods it already had.
  const replacements = (await podUids('SELECT uid FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL')).filter((u) => !liveBefore.has(u));
  assert.equal(replacements.length, victims.length, `one replacement per deleted Deployment pod: ${JSON.stringify(replacements)}`);
  const addedSince = (await podUids(`SELECT DISTINCT uid FROM kubepulse.change_log WHERE cluster_id = $1 AND kind = 'pod' AND op = 'add'`)).filter((u) => !addedBefore.has(u));
  assert.deepEqual(addedSince, replacements);
  const st = await collector.refreshStatus();
  assert.ok(st.clusters.find((c) => c.name === 'beta')!.watches.find((w) => w.kind === 'pod')!.relists >= 1, 'the 410 made the pod informer relist');
});

test('the history query returns the pods that ran on a node at a past moment, with their limits', async () => {
  const sim = sims[0];
  const id = await clusterId(sim.name);
  const [{ node }] = await q<{ node: string }>(`SELECT node FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL AND namespace <> 'kube-system' AND node IS NOT NULL GROUP BY node ORDER BY count(*) DESC LIMIT 1`, [id]);
  const before = await q<{ uid: string; name: string; cpu_limit_millicores: string | null }>(
    `SELECT uid, name, cpu_limit_millicores FROM kubepulse.pod WHERE cluster_id = $1 AND node = $2 AND deleted_at IS NULL ORDER BY uid`, [id, node],
  );
  await new Promise((r) => setTimeout(r, 1100));
  const t1 = (await q<{ now: Date }>('SELECT now() AS now'))[0].now;
  await new Promise((r) => setTimeout(r, 1100));
  const victim = before.find((p) => !p.name.startsWith('kube-')) ?? before[0];
  const [meta] = await q<{ namespace: string }>('SELECT namespace FROM kubepulse.pod WHERE cluster_id = $2 AND uid = $1', [victim.uid, id]);
  sim.deletePod(meta.namespace, victim.name);
  await waitFor(async () => (await q('SELECT 1 FROM kubepulse.pod WHERE cluster_id = $2 AND uid = $1 AND deleted_at IS NOT NULL', [victim.uid, id])).length === 1, 'victim deleted');
  const atT1 = await q<{ uid: string; cpu_limit_millicores: string | null }>(HISTORY_QUERY, [id, node, t1]);
  assert.deepEqual(atT1.map((r) => r.uid).sort(), before.map((r) => r.uid).sort(), 'exactly the pods that were on the node at T1');
  for (const r of atT1) assert.equal(r.cpu_limit_millicores === null ? null : Number(r.cpu_limit_millicores), before.find((b) => b.uid === r.uid)!.cpu_limit_millicores === null ? null : Number(before.find((b) => b.uid === r.uid)!.cpu_limit_millicores));
  const now = await q<{ uid: string }>(HISTORY_QUERY, [id, node, new Date()]);
  assert.ok(!now.some((r) => r.uid === victim.uid), 'the deleted pod is gone from the present answer');
});

test('no env value of any pod reaches the database', async () => {
  const values = new Set<string>();
  for (const sim of sims.slice(0, 2)) {
    const pods = await withConn(sim, async (c) => (await c.getJson<{ items: Array<WireObject<V1Pod>> }>('/api/v1/pods')).items);
    for (const p of pods) for (const c of [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])]) for (const e of c.env ?? []) if (typeof e.value === 'string' && e.value.length >= 6) values.add(e.value);
  }
  assert.ok(values.size > 0, 'the simulated pods carry env values to look for');
  const tables = await q<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'kubepulse' AND table_type = 'BASE TABLE'`);
  for (const { table_name } of tables) {
    for (const v of values) {
      const found = await q(`SELECT 1 FROM kubepulse."${table_name}" t WHERE strpos(t::text, $1) > 0 LIMIT 1`, [v]);
      assert.equal(found.length, 0, `env value ${v.slice(0, 3)}… found in table ${table_name}`);
    }
  }
});

test('clusters added and removed in the config are picked up on reload without a restart', async () => {
  const file = join(dir, 'kubepulse.toml');
  writeFileSync(file, toToml(configDoc(['beta', 'gamma'])));
  const res = await fetch(`http://${collector.httpAddress}/api/reload`, { method: 'POST' });
  assert.equal(res.status, 200);
  const out = (await res.json()) as { added: string[]; removed: string[] };
  assert.deepEqual(out.added, ['gamma']);
  assert.deepEqual(out.removed, ['alpha']);
  const gamma = sims[2];
  await waitFor(async () => (await q('SELECT 1 FROM kubepulse.pod p JOIN kubepulse.cluster c ON c.id = p.cluster_id WHERE c.name = $1', ['gamma'])).length === gamma.stats().pods, 'gamma collected');
  const st = await collector.refreshStatus();
  assert.deepEqual(st.clusters.map((c) => c.name).sort(), ['beta', 'gamma']);
  writeFileSync(file, '[collection]\nsummary_interval = 5\n');
  const bad = await fetch(`http://${collector.httpAddress}/api/reload`, { method: 'POST' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /summary_interval/);
  assert.deepEqual((await collector.refreshStatus()).clusters.map((c) => c.name).sort(), ['beta', 'gamma'], 'a bad file leaves the running config');
});
