import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { createPool } from '../../src/store/pool.js';
import { ensureCluster } from '../../src/store/clusters.js';
import { applyInventory, databaseNow, hasLiveObjects, reconcile } from '../../src/store/inventory-writer.js';
import { podKind, podContainers, type PodObject } from '../../src/inventory/kinds/pod.js';
import { nodeKind, type NodeObject } from '../../src/inventory/kinds/node.js';
import type { KubeObject } from '../../src/inventory/kind.js';

/** The objects these tests build or load always carry spec and status. */
type Full<T extends { spec?: unknown; status?: unknown }> = T & { spec: NonNullable<T['spec']>; status: NonNullable<T['status']> };
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { fixture } from '../helpers/paths.js';

const pods = (JSON.parse(readFileSync(fixture('pods-nri-1.35.json'), 'utf8')) as { items: Array<Full<PodObject>> }).items;

let db: TestDatabase;
let pool: pg.Pool;
let c1: number;
let c2: number;
before(async () => {
  db = await startTestDatabase();
  await migrate(db.url);
  pool = createPool(db.url, { max: 4 });
  c1 = await ensureCluster(pool, 'inv-one');
  c2 = await ensureCluster(pool, 'inv-two');
});
after(async () => {
  await pool?.end();
  await db?.stop();
});

const clone = <T>(o: T): T => structuredClone(o);
/** A change_log row of a pod: `changed` holds the parts of the object that changed, `state` its columns. */
interface PodLogRow {
  op: string;
  changed: { metadata?: Partial<PodObject['metadata']>; spec?: unknown; status?: PodObject['status'] };
  state: Record<string, unknown>;
}
async function logRows(cluster: number, uid: string): Promise<PodLogRow[]> {
  const r = await pool.query<PodLogRow>(`SELECT op, changed, state FROM kubepulse.change_log WHERE cluster_id = $1 AND uid = $2 ORDER BY id`, [cluster, uid]);
  return r.rows;
}

test('a list of real pods lands with typed columns, containers and one add each; a re-apply logs nothing', async () => {
  const r = await applyInventory(pool, podKind, c1, pods.map((obj) => ({ op: 'upsert', obj })));
  assert.deepEqual(r, { upserted: pods.length, deleted: 0, logged: pods.length });

  const stored = await pool.query<{
    uid: string; name: string; namespace: string; node: string | null; phase: string | null; labels: unknown;
    deleted_at: Date | null; object: PodObject; owner_name: string | null;
  }>(`SELECT * FROM kubepulse.pod WHERE cluster_id = $1`, [c1]);
  assert.equal(stored.rowCount, pods.length);
  for (const p of pods) {
    const row = stored.rows.find((x) => x.uid === p.metadata.uid);
    assert.ok(row, `${p.metadata.name} stored`);
    assert.equal(row.name, p.metadata.name);
    assert.equal(row.namespace, p.metadata.namespace);
    assert.equal(row.node, p.spec.nodeName);
    assert.equal(row.phase, p.status.phase);
    assert.deepEqual(row.labels, p.metadata.labels ?? {});
    assert.equal(row.deleted_at, null);
    assert.equal(row.object.metadata.managedFields, undefined);
    const owner = p.metadata.ownerReferences?.find((o) => o.controller);
    assert.equal(row.owner_name, owner?.name ?? p.metadata.ownerReferences?.[0]?.name ?? null);
  }
  const containers = await pool.query<{ pod_uid: string; container: string; image: string | null }>(`SELECT pod_uid, container, image FROM kubepulse.container WHERE cluster_id = $1`, [c1]);
  assert.equal(containers.rowCount, pods.reduce((n, p) => n + podContainers(p).length, 0));
  const first = pods[0];
  const firstSpec = first.spec.containers[0];
  assert.equal(
    containers.rows.find((c) => c.pod_uid === first.metadata.uid && c.container === firstSpec.name)?.image,
    firstSpec.image,
  );
  const adds = await logRows(c1, first.metadata.uid);
  assert.equal(adds.length, 1);
  assert.equal(adds[0].op, 'add');
  assert.equal(adds[0].state.node, first.spec.nodeName);
  assert.equal(adds[0].changed.metadata?.name, first.metadata.name);

  // The same list again (a relist, or a resync): rows refreshed, no history.
  const again = await applyInventory(pool, podKind, c1, pods.map((obj) => ({ op: 'upsert', obj })));
  assert.equal(again.logged, 0);
});

test('no literal env value of any pod reaches any table', async () => {
  const withValues = pods.filter((p) => JSON.stringify(p.spec).includes('"value":'));
  assert.ok(withValues.length > 0, 'the fixture has env values to look for');
  // Every env entry stored, in the current object and in the change log, has its value replaced.
  const leaked = await pool.query(`
    SELECT e->>'value' AS v FROM (
      SELECT object AS o FROM kubepulse.pod UNION ALL SELECT changed FROM kubepulse.change_log WHERE kind = 'pod') x,
      jsonb_array_elements(COALESCE(x.o->'spec'->'containers', '[]') || COALESCE(x.o->'spec'->'initContainers', '[]')) c,
      jsonb_array_elements(COALESCE(c->'env', '[]')) e
    WHERE e ? 'value' AND e->>'value' <> '[stripped]'`);
  assert.deepEqual(leaked.rows, []);
  const stripped = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.pod WHERE object::text LIKE '%[stripped]%'`);
  assert.ok(stripped.rows[0].n >= withValues.length);
});

test('resourceVersion-only and heartbeat-only updates log nothing; real changes log what changed', async () => {
  const pod = clone(pods[1]);
  pod.metadata.resourceVersion = '999999';
  assert.equal((await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: pod }])).logged, 0);
  const rv = await pool.query<{ resource_version: string }>(`SELECT resource_version FROM kubepulse.pod WHERE cluster_id = $1 AND uid = $2`, [c1, pod.metadata.uid]);
  // The row is not rewritten either: resource_version stays that of the last meaningful change.
  assert.equal(rv.rows[0].resource_version, pods[1].metadata.resourceVersion);

  const moved = clone(pod);
  moved.metadata.resourceVersion = '1000000';
  const newPhase = pod.status.phase === 'Failed' ? 'Succeeded' : 'Failed';
  moved.status.phase = newPhase;
  moved.metadata.labels = { ...(moved.metadata.labels ?? {}), tier: 'gold' };
  assert.equal((await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: moved }])).logged, 1);
  const log = await logRows(c1, pod.metadata.uid);
  const upd = log[log.length - 1];
  assert.equal(upd.op, 'update');
  assert.equal(upd.changed.status?.phase, newPhase);
  assert.equal(upd.changed.metadata?.labels?.tier, 'gold');
  assert.equal(upd.changed.spec, undefined, 'unchanged parts are not in the diff');
  assert.equal(upd.state.phase, newPhase);

  const node: Full<NodeObject> = {
    metadata: { name: 'node-a', uid: 'node-a-uid', resourceVersion: '1', labels: { 'node-role.kubernetes.io/worker': '' } },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-11-25T10:00:00Z', lastTransitionTime: '2026-11-01T00:00:00Z' }],
    },
  };
  assert.equal((await applyInventory(pool, nodeKind, c1, [{ op: 'upsert', obj: node }])).logged, 1);
  const beat = clone(node);
  beat.metadata.resourceVersion = '2';
  beat.status.conditions![0].lastHeartbeatTime = '2026-11-25T10:00:40Z';
  assert.equal((await applyInventory(pool, nodeKind, c1, [{ op: 'upsert', obj: beat }])).logged, 0);
  const notReady = clone(beat);
  notReady.status.conditions![0].status = 'False';
  assert.equal((await applyInventory(pool, nodeKind, c1, [{ op: 'upsert', obj: notReady }])).logged, 1);
  const n = await pool.query(`SELECT ready, capacity_cpu_millicores, roles, resource_version FROM kubepulse.node WHERE cluster_id = $1 AND uid = 'node-a-uid'`, [c1]);
  assert.deepEqual(n.rows[0], { ready: false, capacity_cpu_millicores: '4000', roles: 'worker', resource_version: '2' });
});

test('deletes keep the row with deleted_at; a batch keeps every transition of one object; clusters stay apart', async () => {
  const pod = clone(pods[2]);
  const uid = pod.metadata.uid;
  const t = new Date('2026-11-25T11:00:00Z');
  const r = await applyInventory(pool, podKind, c1, [{ op: 'delete', obj: pod }], { at: t });
  assert.deepEqual(r, { upserted: 0, deleted: 1, logged: 1 });
  const row = await pool.query<{ deleted_at: Date }>(`SELECT deleted_at FROM kubepulse.pod WHERE cluster_id = $1 AND uid = $2`, [c1, uid]);
  assert.equal(row.rows[0].deleted_at.getTime(), t.getTime());
  assert.equal((await applyInventory(pool, podKind, c1, [{ op: 'delete', obj: pod }])).logged, 0, 'deleting twice logs once');

  // Re-created (same uid, e.g. a relist that raced the delete) then updated, in one batch.
  const changed = clone(pod);
  changed.status.phase = 'Unknown';
  const batch = await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: pod }, { op: 'upsert', obj: changed }]);
  assert.equal(batch.logged, 2);
  assert.deepEqual((await logRows(c1, uid)).map((l) => l.op), ['add', 'delete', 'add', 'update']);

  // The same pod (same uid, namespace and name) in another cluster is another row.
  await applyInventory(pool, podKind, c2, [{ op: 'upsert', obj: pod }]);
  const both = await pool.query(`SELECT cluster_id, phase FROM kubepulse.pod WHERE uid = $1 ORDER BY cluster_id`, [uid]);
  assert.deepEqual(both.rows, [{ cluster_id: c1, phase: 'Unknown' }, { cluster_id: c2, phase: pod.status.phase }]);
});

test('reconcile marks deleted what a relist no longer has, but not what the watch added meanwhile', async () => {
  const mk = (name: string): KubeObject => ({
    metadata: { name, namespace: 'rec', uid: `rec-${name}`, resourceVersion: '1' },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox' }] },
    status: { phase: 'Running' },
  });
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(mk) as [KubeObject, KubeObject, KubeObject, KubeObject];
  await applyInventory(pool, podKind, c2, [a, b, c].map((obj) => ({ op: 'upsert' as const, obj })));
  const listStartedAt = await databaseNow(pool);
  // The relist returns a and b; the watch adds d while the list is being read.
  await applyInventory(pool, podKind, c2, [{ op: 'upsert', obj: d }]);
  await applyInventory(pool, podKind, c2, [a, b].map((obj) => ({ op: 'upsert' as const, obj })));
  const present = [...pods.map((p) => p.metadata.uid), a.metadata.uid, b.metadata.uid];
  const gone = await reconcile(pool, podKind, c2, present, listStartedAt);
  assert.deepEqual(gone, ['rec-c']);
  const live = await pool.query<{ name: string }>(
    `SELECT name FROM kubepulse.pod WHERE cluster_id = $1 AND namespace = 'rec' AND deleted_at IS NULL ORDER BY name`, [c2],
  );
  assert.deepEqual(live.rows.map((x) => x.name), ['a', 'b', 'd']);
  assert.deepEqual((await logRows(c2, 'rec-c')).map((l) => l.op), ['add', 'delete']);
});

test('the change log answers which pods ran on a node at a past moment, with their limits', async () => {
  const mk = (name: string, node: string, mem: string): KubeObject => ({
    metadata: { name, namespace: 'hist', uid: `hist-${name}`, resourceVersion: '1' },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx', resources: { limits: { memory: mem, cpu: '1' } } }] },
    status: { phase: 'Running' },
  });
  const t = (m: number) => new Date(Date.UTC(2026, 10, 24, 14, m));
  await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: mk('p1', 'x', '1Gi') }], { at: t(0) });
  await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: mk('p2', 'x', '2Gi') }], { at: t(1) });
  await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: mk('p3', 'y', '1Gi') }], { at: t(2) });
  await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: mk('p1', 'x', '4Gi') }], { at: t(3) });
  await applyInventory(pool, podKind, c1, [{ op: 'delete', obj: mk('p2', 'x', '2Gi') }], { at: t(4) });
  await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: mk('p4', 'x', '1Gi') }], { at: t(6) });

  // State of each pod at 14:05: its latest change_log row at or before then, unless that is a delete.
  const at = async (when: Date) => (await pool.query<{ name: string; mem: string }>(
    `SELECT name, (state->>'memory_limit_bytes')::bigint AS mem FROM (
       SELECT DISTINCT ON (uid) uid, name, op, state FROM kubepulse.change_log
       WHERE cluster_id = $1 AND kind = 'pod' AND namespace = 'hist' AND at <= $2
       ORDER BY uid, at DESC, id DESC) s
     WHERE op <> 'delete' AND state->>'node' = 'x' ORDER BY name`, [c1, when])).rows;
  assert.deepEqual(await at(t(5)), [{ name: 'p1', mem: String(4 * 2 ** 30) }]);
  assert.deepEqual(await at(t(2)), [{ name: 'p1', mem: String(2 ** 30) }, { name: 'p2', mem: String(2 * 2 ** 30) }]);
});

test('container rows follow their pod: a listed-twice name is kept once, an update replaces them, odd text survives', async () => {
  // A partial object on purpose (its container status has no image fields), hence `as`.
  const pod = {
    metadata: { name: 'dup', namespace: 'odd', uid: 'odd-dup', resourceVersion: '1' },
    spec: {
      nodeName: 'n1',
      containers: [
        { name: 'app', image: 'reg.example/app:1\twith-tab\\and-backslash', resources: { limits: { cpu: '250m', memory: '64Mi' } } },
        { name: 'app', image: 'second-entry-is-dropped' },
        { name: 'side', image: 'busybox' },
      ],
    },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: { startedAt: '2026-11-25T10:00:00Z' } } }] },
  } as Full<PodObject>;
  await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: pod }]);
  const rows = async () => (await pool.query<{
    container: string; image: string; cpu_limit_millicores: string; memory_limit_bytes: string; restart_count: number; state: string; state_since: Date;
  }>(
    `SELECT container, image, cpu_limit_millicores, memory_limit_bytes, restart_count, state, state_since
     FROM kubepulse.container WHERE cluster_id = $1 AND pod_uid = $2 ORDER BY container`, [c1, 'odd-dup'])).rows;
  const first = await rows();
  assert.deepEqual(first.map((r) => [r.container, r.image]), [['app', pod.spec.containers[0].image], ['side', 'busybox']]);
  assert.equal(Number(first[0].cpu_limit_millicores), 250);
  assert.equal(Number(first[0].memory_limit_bytes), 64 * 1024 * 1024);
  assert.equal(first[0].restart_count, 2);
  assert.equal(first[0].state, 'running');
  assert.equal(first[0].state_since.toISOString(), '2026-11-25T10:00:00.000Z');

  // The side container goes away and the app's image changes: the rows are those of the new spec.
  const next = clone(pod);
  next.metadata.resourceVersion = '2';
  next.spec.containers = [{ name: 'app', image: 'reg.example/app:2' }];
  await applyInventory(pool, podKind, c1, [{ op: 'upsert', obj: next }]);
  assert.deepEqual((await rows()).map((r) => [r.container, r.image]), [['app', 'reg.example/app:2']]);
});

test('assumeNew is only a hint: stored, unchanged objects sent with it are neither rewritten nor logged', async () => {
  const cluster = await ensureCluster(pool, 'inv-hint');
  assert.equal(await hasLiveObjects(pool, podKind, cluster), false);
  const first = await applyInventory(pool, podKind, cluster, pods.map((obj) => ({ op: 'upsert', obj })), { assumeNew: true });
  assert.equal(first.logged, pods.length);
  assert.equal(await hasLiveObjects(pool, podKind, cluster), true);
  const versions = async () => (await pool.query<{ uid: string; x: string }>(`SELECT uid, xmin::text AS x FROM kubepulse.pod WHERE cluster_id = $1 ORDER BY uid`, [cluster])).rows;
  const before = await versions();
  const again = await applyInventory(pool, podKind, cluster, pods.map((obj) => ({ op: 'upsert', obj })), { assumeNew: true });
  assert.equal(again.logged, 0);
  assert.deepEqual(await versions(), before, 'no row version was written');
  // One real change among them is still logged.
  const changed = clone(pods[0]);
  changed.metadata.labels = { ...(changed.metadata.labels ?? {}), hinted: 'yes' };
  const third = await applyInventory(pool, podKind, cluster, [changed, ...pods.slice(1)].map((obj) => ({ op: 'upsert', obj })), { assumeNew: true });
  assert.equal(third.logged, 1);
  assert.deepEqual((await logRows(cluster, changed.metadata.uid)).map((l) => l.op), ['add', 'update']);
});
