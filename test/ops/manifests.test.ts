// Every Kubernetes manifest under deploy/kubernetes/ (the one-replica embedded deployment and the
// multi-replica group against an external PostgreSQL) parsed as Kubernetes reads it, and checked against the
// collector itself rather than a copy of its needs:
// - RBAC: a real collector collects a simulated cluster through the API server's node proxy (every kubelet
//   source on), every request it makes is recorded, turned into the attributes the API server authorizes
//   (verb, group, resource, subresource) and looked up in the ClusterRole bound to each Deployment's service
//   account; the kubelet paths also as the kubelet authorizes them when reached directly.
// - Config: each Deployment's TOML passes the collector's own loader with the environment the pod gets (the
//   image's ENV from deploy/Dockerfile, then the container's, Secret references resolved), what it writes
//   lands on a writable volume (the root filesystem is read-only), and its probes answer on a running
//   collector.
// - Sizing: the group's resource requests hold what bench/results/latest.json says a member needs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllYaml } from '@kubernetes/client-node';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { parseConfigText } from '../../src/config/load.js';
import { ALL_KINDS } from '../../src/inventory/kinds/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startSimCollector, type SimCollector } from '../helpers/sim-collector.js';
import { waitFor } from '../helpers/wait.js';

interface Rule { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] }
interface KObject { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: unknown }
interface Probe { httpGet?: { path: string; port: string | number } }
interface Container {
  args: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface Deployment extends KObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string; containers: Container[]; volumes?: Array<{ name: string; configMap?: { name: string }; persistentVolumeClaim?: unknown }> } };
  };
}

const MANIFEST_DIR = join(REPO_ROOT, 'deploy/kubernetes');
const files = readdirSync(MANIFEST_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).sort();
/** Every object of every manifest, with the file it came from. */
const objects: Array<KObject & { file: string }> = files.flatMap((file) => {
  // client-node loads into its model classes (V1RoleRef …); the checks compare plain JSON.
  const docs = JSON.parse(JSON.stringify(loadAllYaml(readFileSync(join(MANIFEST_DIR, file), 'utf8')))) as Array<KObject | null>;
  return docs.filter((d): d is KObject => d !== null).map((d) => ({ ...d, file }));
});
const ofKind = <T extends KObject>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as Array<T & { file: string }>;
const deployments = ofKind<Deployment>('Deployment');
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

test('every manifest parses into Kubernetes objects, namespaced ones in a namespace the manifests create', () => {
  assert.ok(files.length >= 3 && deployments.length >= 2, `manifests found: ${files.join(', ')}`);
  const namespaces = new Set(ofKind('Namespace').map((n) => n.metadata.name));
  const seen = new Set<string>();
  for (const o of objects) {
    assert.ok(o.apiVersion && o.kind && o.metadata?.name, `${o.file}: a Kubernetes object (${JSON.stringify(o).slice(0, 80)})`);
    if (CLUSTER_SCOPED.has(o.kind)) continue;
    assert.ok(o.metadata.namespace && namespaces.has(o.metadata.namespace), `${o.file}: ${o.kind} ${o.metadata.name} in a namespace the manifests create`);
    // Applied together, two objects of one kind and name would overwrite each other.
    const key = `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
    if (o.kind !== 'Namespace' && o.kind !== 'ServiceAccount') {
      assert.ok(!seen.has(key), `${o.file}: ${key} is declared once`);
      seen.add(key);
    }
  }
});

/** A request the collector sent to an API server. */
interface ApiRequest { method: string; path: string }
/** What the API server authorizes: a resource request or a non-resource URL. */
type Attributes = { verb: string; group: string; resource: string } | { verb: string; nonResourceURL: string };

/** Kubernetes' request-info rules, for the request shapes a read-only client makes. */
function attributesOf(r: ApiRequest): Attributes {
  const url = new URL(r.path, 'https://api.invalid');
  const parts = url.pathname.split('/').filter(Boolean);
  const verb = r.method.toLowerCase();
  if (parts[0] !== 'api' && parts[0] !== 'apis') return { verb, nonResourceURL: url.pathname };
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  const group = parts[0] === 'api' ? '' : parts[1];
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const [resource, name, subresource] = rest;
  if (verb !== 'get') return { verb, group, resource: subresource ? `${resource}/${subresource}` : resource };
  if (name) return { verb: 'get', group, resource: subresource ? `${resource}/${subresource}` : resource };
  return { verb: ['1', 'true'].includes(url.searchParams.get('watch') ?? '') ? 'watch' : 'list', group, resource };
}

/** The kubelet's authorizer for a request reaching it directly (kubelet_access = "direct"). */
function kubeletAttributes(kubeletPath: string): Attributes {
  const sub = kubeletPath.startsWith('/stats') ? 'stats' : kubeletPath.startsWith('/metrics') ? 'metrics' : kubeletPath.startsWith('/logs') ? 'log' : 'proxy';
  return { verb: 'get', group: '', resource: `nodes/${sub}` };
}

/** Kubernetes' default system:public-info-viewer role grants these to every client, no RBAC of ours needed. */
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

function allows(rules: Rule[], a: Attributes): boolean {
  if ('nonResourceURL' in a) {
    if (PUBLIC_INFO_URLS.includes(a.nonResourceURL) && a.verb === 'get') return true;
    return rules.some((r) => r.verbs.includes(a.verb) && (r.nonResourceURLs ?? []).includes(a.nonResourceURL));
  }
  return rules.some((r) => r.verbs.includes(a.verb) && (r.apiGroups ?? []).includes(a.group) && (r.resources ?? []).includes(a.resource));
}

/** The rules of the ClusterRoles bound to a service account. */
function rulesFor(namespace: string, account: string): Rule[] {
  assert.ok(ofKind('ServiceAccount').some((s) => s.metadata.name === account && s.metadata.namespace === namespace), `ServiceAccount ${namespace}/${account} is declared`);
  const bindings = ofKind<KObject & { roleRef: { kind: string; name: string }; subjects: Array<{ kind: string; name: string; namespace?: string }> }>('ClusterRoleBinding')
    .filter((b) => b.subjects.some((s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === namespace));
  assert.ok(bindings.length > 0, `a ClusterRoleBinding for ${namespace}/${account}`);
  return bindings.flatMap((b) => {
    const role = ofKind<KObject & { rules: Rule[] }>('ClusterRole').find((r) => r.metadata.name === b.roleRef.name);
    assert.ok(role && b.roleRef.kind === 'ClusterRole', `${b.metadata.name}: ClusterRole ${b.roleRef.name} is declared`);
    return role.rules;
  });
}

// A collector through the node proxy with every kubelet source on; its requests recorded at the one place
// every API-server request passes (ClusterConnection.raw: getJson goes through it too).
const requests: ApiRequest[] = [];
let collector: SimCollector;
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the connection as `this`
const originalRaw = ClusterConnection.prototype.raw;
before(async () => {
  ClusterConnection.prototype.raw = function (this: ClusterConnection, path, o = {}) {
    requests.push({ method: o.method ?? 'GET', path });
    return originalRaw.call(this, path, o);
  };
  collector = await startSimCollector(
    { name: 'rbac', nodes: 2, podsPerNode: 3, seed: 7, podChurnIntervalMs: 0 },
    { kubelet_access: 'proxy', resource_interval: '1s' },
  );
  const watched = () => new Set(requests.filter((r) => attributesOf(r).verb === 'watch').map((r) => r.path.split('?')[0]));
  await waitFor(() => ALL_KINDS.every((k) => watched().has(k.listPath)), () => `every kind watched (seen: ${[...watched()].join(', ')})`, 30_000);
  await waitFor(async () => Number((await collector.pool.query<{ n: string }>('SELECT count(*) AS n FROM kubepulse.node_metric')).rows[0].n) > 0, 'node samples stored', 30_000);
  // Three more 1 s scrape rounds: every kubelet source has been asked by then.
  await new Promise((r) => setTimeout(r, 3000));
});
after(async () => {
  ClusterConnection.prototype.raw = originalRaw;
  await collector?.stop();
});

test('the ClusterRole bound to each Deployment\'s service account allows every request the collector makes', () => {
  const distinct = new Map(requests.map((r) => [`${r.method} ${r.path.split('?')[0]}${attributesOf(r).verb === 'watch' ? ' (watch)' : ''}`, r]));
  const proxied = [...distinct.values()].map((r) => /^\/api\/v1\/nodes\/[^/]+\/proxy(\/[^?]*)/.exec(r.path)?.[1]).filter((p): p is string => !!p);
  const kubeletPaths = [...new Set(proxied)];
  assert.ok(kubeletPaths.length >= 3, `summary, cAdvisor and resource metrics read through the proxy (${kubeletPaths.join(', ')})`);
  const needed: Array<{ what: string; attrs: Attributes }> = [
    ...[...distinct].map(([what, r]) => ({ what, attrs: attributesOf(r) })),
    ...kubeletPaths.map((p) => ({ what: `kubelet ${p} (direct)`, attrs: kubeletAttributes(p) })),
  ];
  for (const d of deployments) {
    const rules = rulesFor(d.metadata.namespace!, d.spec.template.spec.serviceAccountName);
    for (const n of needed) assert.ok(allows(rules, n.attrs), `${d.file}: ${d.metadata.name} may ${n.what}: ${JSON.stringify(n.attrs)}`);
    // Read-only: nothing the collector does needs more than get, list and watch.
    assert.deepEqual([...new Set(rules.flatMap((r) => r.verbs))].filter((v) => !['get', 'list', 'watch'].includes(v)), [], 'read verbs only');
  }
});

/** The ENV of deploy/Dockerfile's last stage: the image the manifests run (`kubepulse:dev`). */
function imageEnv(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lastStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of lastStage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      assert.ok(eq > 0, `deploy/Dockerfile: ENV ${pair} is NAME=value`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  assert.ok(Object.keys(env).some((k) => k.startsWith('KUBEPULSE_')), 'the image sets KUBEPULSE_ variables');
  return env;
}

/** The environment a container gets: the image's, then literal values and Secret keys from the manifests. */
function containerEnv(d: Deployment & { file: string }, c: Container): Record<string, string> {
  const env: Record<string, string> = imageEnv();
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (!ref) {
      env[e.name] = e.value ?? '';
      continue;
    }
    const secret = ofKind<KObject & { stringData?: Record<string, string>; data?: Record<string, string> }>('Secret')
      .find((s) => s.metadata.name === ref.name && s.metadata.namespace === d.metadata.namespace);
    assert.ok(secret, `${d.file}: ${e.name} names Secret ${ref.name}, declared in the manifests`);
    const value = secret.stringData?.[ref.key] ?? (secret.data?.[ref.key] !== undefined ? Buffer.from(secret.data[ref.key], 'base64').toString() : undefined);
    assert.ok(value !== undefined, `${d.file}: Secret ${ref.name} has key ${ref.key}`);
    env[e.name] = value;
  }
  return env;
}

/** The TOML of the ConfigMap mounted where `--config` points. */
function configText(d: Deployment & { file: string }, c: Container): string {
  const path = c.args[c.args.indexOf('--config') + 1];
  assert.ok(c.args.includes('--config') && path, `${d.file}: the container runs with --config`);
  const mount = c.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`));
  const volume = d.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
  assert.ok(mount && volume?.configMap, `${d.file}: ${path} is on a ConfigMap volume`);
  const map = ofKind<KObject & { data: Record<string, string> }>('ConfigMap').find((m) => m.metadata.name === volume.configMap!.name && m.metadata.namespace === d.metadata.namespace);
  const key = path.slice(mount.mountPath.length + 1);
  assert.ok(map?.data[key], `${d.file}: ConfigMap ${volume.configMap.name} has ${key}`);
  return map.data[key];
}

test('each Deployment\'s TOML passes the collector\'s config validation with the pod\'s environment, and its probes answer', async () => {
  for (const d of deployments) {
    const [c, ...more] = d.spec.template.spec.containers;
    assert.equal(more.length, 0, `${d.file}: one container`);
    assert.ok(c.args[0] === 'run' && c.args.includes('--no-watchdog'), `${d.file}: run without the watchdog (the kubelet restarts it)`);
    const cfg = parseConfigText(configText(d, c), `${d.file} ConfigMap`, containerEnv(d, c));
    assert.ok(cfg.clusters.length > 0 && cfg.clusters.every((k) => k.in_cluster), `${d.file}: collects the cluster it runs in`);
    if (d.spec.replicas > 1) {
      // Replicas cannot share an embedded server's data folder: they need one external database.
      assert.ok(cfg.database.url, `${d.file}: ${d.spec.replicas} replicas need database.url`);
      assert.ok(!d.spec.template.spec.volumes?.some((v) => v.persistentVolumeClaim), `${d.file}: no shared volume claim between replicas`);
    } else {
      assert.equal(d.spec.replicas, 1, `${d.file}: replicas`);
    }
    // The root filesystem is read-only: whatever the collector writes must be on a writable volume.
    const writable = (c.volumeMounts ?? []).filter((m) => !d.spec.template.spec.volumes?.find((v) => v.name === m.name)?.configMap);
    const written = [cfg.spool.dir, ...(cfg.log.file ? [cfg.log.file] : []), ...(cfg.database.url ? [] : [cfg.database.data_dir])];
    for (const path of written) {
      assert.ok(writable.some((m) => path.startsWith(`${m.mountPath}/`)), `${d.file}: ${path} is on a writable volume (${writable.map((m) => m.mountPath).join(', ')})`);
    }
    const listenPort = Number(/:(\d+)$/.exec(cfg.server.listen)?.[1]);
    const http = c.ports?.find((p) => p.name === 'http');
    assert.equal(http?.containerPort, listenPort, `${d.file}: the http port is the one server.listen serves`);
    assert.ok(c.livenessProbe?.httpGet && c.readinessProbe?.httpGet, `${d.file}: liveness and readiness probes over HTTP`);
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      if (!probe?.httpGet) continue;
      assert.equal(probe.httpGet.port, 'http', `${d.file}: probes on the http port`);
      const res = await fetch(`http://${collector.collector.httpAddress}${probe.httpGet.path}`);
      assert.equal(res.status, 200, `${d.file}: ${probe.httpGet.path} answers on a collecting collector (${await res.text()})`);
    }
  }
});

/** Kubernetes quantities: '600m' → 0.6, '1Gi' → 2^30, '953Mi' → 953 × 2^20. */
function quantity(q: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q ?? '');
  assert.ok(m, `a Kubernetes quantity: ${q}`);
  const units: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9 };
  const unit = m[2] ? units[m[2]] : 1;
  return Number(m[1]) * unit;
}

test('the multi-replica Deployment: a disruption budget that keeps members up, spread over nodes, requests sized from the benchmark', () => {
  const figures = JSON.parse(readFileSync(join(REPO_ROOT, 'bench/results/latest.json'), 'utf8')) as Record<string, { value: number }>;
  const group = deployments.filter((d) => d.spec.replicas > 1);
  assert.ok(group.length > 0, 'a multi-replica Deployment');
  for (const d of group) {
    const labels = d.spec.template.metadata.labels;
    const pdb = ofKind<KObject & { spec: { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number; minAvailable?: number } }>('PodDisruptionBudget')
      .find((p) => p.metadata.namespace === d.metadata.namespace && Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
    assert.ok(pdb, `${d.file}: a PodDisruptionBudget selects ${d.metadata.name}'s pods`);
    const down = pdb.spec.maxUnavailable ?? d.spec.replicas - (pdb.spec.minAvailable ?? 0);
    assert.ok(down >= 1 && down < d.spec.replicas, `${d.file}: drains take ${down} of ${d.spec.replicas} members at a time`);
    const spread = JSON.stringify((d.spec.template.spec as Record<string, unknown>).affinity ?? (d.spec.template.spec as Record<string, unknown>).topologySpreadConstraints ?? {});
    assert.match(spread, /kubernetes\.io\/hostname/, `${d.file}: members spread over nodes`);

    const perMember = Number(d.metadata.annotations?.['kubepulse.io/nodes-per-member']);
    assert.ok(perMember > 0, `${d.file}: kubepulse.io/nodes-per-member states what the requests are sized for`);
    const res = d.spec.template.spec.containers[0].resources;
    const cores = perMember / figures.nodes_per_core_default_config.value;
    assert.ok(quantity(res?.requests?.cpu) >= cores, `${d.file}: CPU request ${res?.requests?.cpu} for ${perMember} nodes (${cores.toFixed(2)} cores at nodes_per_core_default_config ${figures.nodes_per_core_default_config.value})`);
    const rss = figures.collector_peak_rss_mib_1000.value * 2 ** 20;
    assert.ok(quantity(res?.requests?.memory) >= rss, `${d.file}: memory request ${res?.requests?.memory} ≥ the collector's peak RSS at 1000 nodes (${figures.collector_peak_rss_mib_1000.value} MiB)`);
    assert.ok(quantity(res?.limits?.memory) >= quantity(res?.requests?.memory), `${d.file}: memory limit ≥ request`);
  }
});
