// kubepulse against an external PostgreSQL of another major version than the embedded one: Debian's
// PostgreSQL 15 (test/helpers/external-pg.ts), reached as a login that owns its database and is no
// superuser, as a DBA hands one out. The migrations give the same schema as on the embedded 17, and a real
// `kubepulse run` process (the group harness, one member, two simulated clusters) stores samples and
// inventory there, reports the external database in its status, and answers the probes the multi-replica
// Kubernetes manifest declares.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllYaml } from '@kubernetes/client-node';
import { migrate } from '../../src/store/migrate.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startExternalPostgres, type ExternalPostgres } from '../helpers/external-pg.js';
import { startGroup, type GroupHarness } from '../helpers/group-harness.js';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait.js';
import { configureLogging } from '../../src/log.js';
import { readCatalog, type Catalog } from './migrate-catalog.js';

before(() => configureLogging({ level: 'error', console: 'off' }));

test('the migrations apply on PostgreSQL 15 as the database owner (no superuser), giving the schema they give on the embedded 17', async (t) => {
  const external: ExternalPostgres = await startExternalPostgres();
  t.after(() => external.stop());
  const embedded: TestDatabase = await startTestDatabase();
  t.after(() => embedded.stop());

  assert.ok(external.versionNum >= 150000 && external.versionNum < 160000, `PostgreSQL 15 (server_version_num ${external.versionNum})`);
  const applied = await migrate(external.url); // also checks the declarations against the migrated tables
  assert.ok(applied.applied.length > 0, 'migrations applied');
  assert.deepEqual((await migrate(external.url)).applied, [], 'a second run finds nothing to do');
  await migrate(embedded.url);

  // Read with the same search_path on both: the login `kubepulse` would otherwise see its own schema
  // through "$user" and print names unqualified where the embedded superuser qualifies them.
  const [on15, on17] = [await readCatalog(withSearchPath(external.url)), await readCatalog(withSearchPath(embedded.url))];
  for (const part of Object.keys(on15) as Array<keyof Catalog>) {
    assert.ok(on15[part].length === on17[part].length, `${part}: ${on15[part].length} on 15, ${on17[part].length} on 17`);
    assert.deepEqual(on15[part], on17[part], `${part} equal on PostgreSQL 15 and 17`);
  }
});

function withSearchPath(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', '-c search_path=public');
  return u.toString();
}

/** The probe paths of the multi-replica Deployment (deploy/kubernetes/group/). */
function manifestProbePaths(): string[] {
  const docs = loadAllYaml(readFileSync(join(REPO_ROOT, 'deploy/kubernetes/group/kubepulse.yaml'), 'utf8')) as Array<{ kind?: string; spec?: unknown }>;
  const deployment = docs.find((d) => d?.kind === 'Deployment') as { spec: { template: { spec: { containers: Array<Record<string, { httpGet?: { path: string } } | undefined>> } } } };
  const container = deployment.spec.template.spec.containers[0];
  const paths = ['livenessProbe', 'readinessProbe', 'startupProbe'].map((p) => container[p]?.httpGet?.path).filter((p): p is string => !!p);
  assert.ok(paths.length >= 2, `liveness and readiness probes over HTTP (${paths.join(', ')})`);
  return paths;
}

test('a `kubepulse run` process collects two simulated clusters into PostgreSQL 15 and reports the external database', async (t) => {
  const group: GroupHarness = await startGroup({ members: 1 });
  t.after(() => group.stop());
  const [member] = group.members;
  const perCluster = async (sql: string) => {
    const r = await group.pool.query<{ name: string; n: string }>(
      `SELECT c.name, count(*) AS n FROM kubepulse.cluster c JOIN ${sql} x ON x.cluster_id = c.id GROUP BY c.name`);
    return Object.fromEntries(r.rows.map((row) => [row.name, Number(row.n)]));
  };
  const expected = (what: (s: (typeof group.sims)[number]) => number) => Object.fromEntries(group.sims.map((s) => [s.name, what(s)]));

  // Every node of both clusters sampled, and the inventory listed.
  await waitFor(async () => {
    const sampled = await perCluster('(SELECT DISTINCT cluster_id, node FROM kubepulse.node_metric)');
    return group.sims.every((s) => sampled[s.name] === s.options.nodes);
  }, () => `every node of both clusters sampled (member output: ${member.output().slice(-1500)})`, 60_000);
  await waitFor(async () => {
    const pods = await perCluster('(SELECT cluster_id FROM kubepulse.pod WHERE deleted_at IS NULL)');
    const nodes = await perCluster('(SELECT cluster_id FROM kubepulse.node WHERE deleted_at IS NULL)');
    return JSON.stringify(pods) === JSON.stringify(expected((s) => s.stats().pods)) &&
      JSON.stringify(nodes) === JSON.stringify(expected((s) => s.options.nodes));
  }, 'the inventory of both clusters stored', 30_000);
  // Pod samples follow the inventory: a pod's rows are kept once the collector knows the pod.
  await waitFor(async () => {
    const podSamples = await perCluster('(SELECT DISTINCT cluster_id, pod_uid FROM kubepulse.pod_metric)');
    return group.sims.every((s) => podSamples[s.name] > 0);
  }, 'pod samples of both clusters', 30_000);

  // The status names the external server: no embedded server, no data folder, its host and port.
  await waitFor(async () => {
    const s = await member.status();
    return s.clusters.every((c) => c.lastSampleAt !== null && c.api === 'healthy') && s.database.rows.node_metric > 0;
  }, 'status: both clusters healthy and sampled, samples counted', 30_000);
  const st = await member.status();
  assert.equal(st.database.state, 'connected');
  assert.equal(st.database.embedded, false);
  assert.equal(st.database.dataDir, null);
  const shown = new URL(st.database.url);
  assert.equal(`${shown.hostname}:${shown.port}`, `${new URL(member.databaseUrl).hostname}:${new URL(member.databaseUrl).port}`);
  assert.ok(!st.database.url.includes(new URL(group.db.url).password), 'the password is not shown');
  assert.deepEqual(st.clusters.map((c) => c.name).sort(), group.sims.map((s) => s.name).sort());

  // The viewer's queries on PostgreSQL 15 (date_bin and the history functions need 14+): charts, tables,
  // the overview over time, each answering with data.
  const node = (await group.pool.query<{ node: string }>(
    "SELECT m.node FROM kubepulse.node_metric m JOIN kubepulse.cluster c ON c.id = m.cluster_id WHERE c.name = 'east' LIMIT 1")).rows[0].node;
  for (const path of [
    '/api/overview', '/api/overview/usage?cluster=east&range=1h', `/api/series?entity=node&cluster=east&node=${node}&metrics=cpu,memory&range=15m`,
    '/api/nodes?cluster=east', '/api/pods?cluster=west', `/api/nodes/sparklines?cluster=east&nodes=${node}`, '/api/health/history?range=1h',
  ]) {
    const res = await fetch(`${member.apiUrl}${path}`);
    const body = await res.text();
    assert.equal(res.status, 200, `${path}: ${body.slice(0, 300)}`);
    assert.ok(body.length > 2, `${path} answers with data`);
  }

  // What the Kubernetes manifest probes answers on a running member.
  for (const path of manifestProbePaths()) {
    const res = await fetch(`${member.apiUrl}${path}`);
    assert.equal(res.status, 200, `${path}: ${await res.text()}`);
  }
  // The collector wrote as the database's owner, not a superuser: nothing needed more.
  const who = await group.pool.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
  assert.equal(who.rows[0].rolsuper, false);

  // Cut from the database (what a partition test does to a member): it says so and spools; healed, it
  // replays what it spooled and writes on.
  member.partition('refuse');
  let spooled = 0;
  await waitFor(async () => {
    const s = await member.status();
    spooled = Math.max(spooled, s.database.spool.records);
    return s.database.state === 'unreachable' && spooled > 0;
  }, () => `the member reports the database unreachable and spools (output: ${member.output().slice(-1000)})`, 30_000);
  const healedAt = new Date();
  member.heal();
  await waitFor(async () => {
    const s = await member.status();
    return s.database.state === 'connected' && s.database.spool.records === 0;
  }, 'connected again, the spool replayed', 30_000);
  await waitFor(async () => {
    const fresh = await perCluster(`(SELECT DISTINCT cluster_id, node FROM kubepulse.node_metric WHERE ts > '${healedAt.toISOString()}')`);
    return group.sims.every((s) => fresh[s.name] === s.options.nodes);
  }, 'samples of every node after the partition healed', 30_000);

  // Killed with -9 and started again on its folder (what the group tests do to members): it collects on.
  member.signal('SIGKILL');
  await waitFor(() => !member.running(), 'the killed member is gone', 10_000);
  const restartedAt = new Date();
  await member.start();
  await waitFor(async () => {
    const fresh = await perCluster(`(SELECT DISTINCT cluster_id, node FROM kubepulse.node_metric WHERE ts > '${restartedAt.toISOString()}')`);
    return group.sims.every((s) => fresh[s.name] === s.options.nodes);
  }, () => `samples of every node after the restart (output: ${member.output().slice(-1500)})`, 60_000);

  assert.equal(await member.stop(), 0, `clean exit on SIGTERM (output: ${member.output().slice(-1500)})`);
  assert.equal(member.running(), false);
});
