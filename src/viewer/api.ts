// The viewer's HTTP API (/api/…, JSON; docs/API.md) and page (/), registered on the collector's
// HttpServer (or `kubepulse view`'s). Every query parameter is parsed by params.ts (400 naming it);
// unknown parameters are refused too, so a typo never silently widens a query.
import type pg from 'pg';
import { RequestError, type HttpServer } from '../server/http-server.js';
import type { StatusReport } from '../health/status.js';
import { LiveHub } from './live.js';
import { FAVICON_SVG, loadIndexHtml } from './static.js';
import { optEnum, optInt, optLabel, optName, optNames, optSearch, parseInstant, reqName, timeRange } from './params.js';
import { NODE_SORTS, clusterId, nodeSparklines, pageNodes } from './queries.js';
import { SnapshotCache } from './snapshot.js';
import { POD_SORTS, events, namespaces, nodeDetail, podDetail, podsOnNodeAt, podsTable, type PodSort } from './object-queries.js';
import { WORKLOAD_KINDS, WORKLOAD_SORTS, workloads, type WorkloadKind, type WorkloadSort } from './workload-queries.js';
import { SERIES_METRICS, parseMetricList, querySeries, type SeriesEntity } from './series.js';
import { usageOverTime } from './overview-queries.js';
import { namespaceFigures, topLists } from './top-queries.js';
import { incidents, recentChanges } from './change-queries.js';
import { podLifecycle } from './lifecycle-queries.js';
import { hpaHistory, hpas, pvcs, volumes } from './storage-queries.js';
import { healthHistory } from './health-queries.js';
import { globalSearch } from './search-queries.js';

export interface ViewerDeps {
  pool: pg.Pool;
  /** The status model (/api/status); null before the first refresh. */
  status: () => StatusReport | null | Promise<StatusReport | null>;
  /** Cached status for the live stream's health events (synchronous). */
  statusNow: () => StatusReport | null;
  livePollMs?: number;
  /** How old the overview/nodes snapshot may be before a request refreshes it (default 2 s). */
  snapshotMaxAgeMs?: number;
}

export interface Viewer {
  live: LiveHub;
  stop(): void;
}

function allowOnly(u: URL, names: string[]): void {
  for (const k of u.searchParams.keys()) {
    if (k !== 'token' && !names.includes(k)) throw new RequestError(400, `query parameter ${k}: unknown here (allowed: ${names.join(', ') || 'none'})`);
  }
}

async function clusterParam(pool: pg.Pool, u: URL, required: boolean): Promise<number | undefined> {
  const name = required ? reqName(u, 'cluster') : optName(u, 'cluster');
  if (name === undefined) return undefined;
  const id = await clusterId(pool, name);
  if (id === null) throw new RequestError(404, `query parameter cluster: no cluster named ${JSON.stringify(name)}`);
  return id;
}

/** `dir=asc|desc`; absent: the sort key's natural direction. */
function optDir(u: URL): 'asc' | 'desc' | undefined {
  const dir = optEnum<'' | 'asc' | 'desc'>(u, 'dir', ['', 'asc', 'desc'], '');
  return dir === '' ? undefined : dir;
}

/** `after`: epoch seconds, the start of the newest bucket a live page holds (series answers from it on). */
function optAfter(u: URL): number | undefined {
  return u.searchParams.get('after') ? optInt(u, 'after', 0, 100_000_000_000, 0) : undefined;
}

export function registerViewer(s: HttpServer, d: ViewerDeps): Viewer {
  const pool = d.pool;
  const health = (): Map<string, string> => new Map((d.statusNow()?.clusters ?? []).map((c) => [c.name, c.api]));
  const live = new LiveHub({ pool, health, pollMs: d.livePollMs });
  let indexHtml: string | null = null;
  const snapshot = new SnapshotCache(pool, d.snapshotMaxAgeMs);

  s.route('/', () => ({ body: (indexHtml ??= loadIndexHtml()), contentType: 'text/html; charset=utf-8' }));
  // Browsers ask for it by themselves; the page also carries it inline.
  s.route('/favicon.ico', () => ({ body: FAVICON_SVG, contentType: 'image/svg+xml' }));
  s.route('/api/live', (req, u, res) => {
    allowOnly(u, []);
    live.handle(req, res);
  });

  s.route('/api/overview', async (_req, u) => {
    allowOnly(u, []);
    const [snap, st] = await Promise.all([snapshot.get(), d.status()]);
    const rows = snap.clusters;
    const byName = new Map((st?.clusters ?? []).map((c) => [c.name, c]));
    return {
      json: {
        generatedAt: new Date(snap.takenAt).toISOString(),
        clusters: rows.map((r) => {
          const h = byName.get(r.name);
          return {
            ...r,
            api: h?.api ?? 'unknown',
            apiError: h?.apiError ?? h?.error ?? null,
            apiLatencyMs: h?.apiLatencyMs ?? null,
            version: h?.version ?? null,
            collecting: h !== undefined,
            scrapes: h?.scrapes ?? {},
            nodesNotReporting: h?.nodesNotReporting ?? [],
            watches: h?.watches ?? [],
          };
        }),
        database: st?.database ?? null,
        collector: st?.collector ?? null,
      },
    };
  });

  // The overview over the page's time range (docs/API.md: "Overview over time").
  s.route('/api/overview/usage', async (_req, u) => {
    allowOnly(u, ['cluster', 'range', 'from', 'to']);
    return { json: await usageOverTime(pool, timeRange(u), await clusterParam(pool, u, false)) };
  });
  s.route('/api/overview/top', async (_req, u) => {
    allowOnly(u, ['cluster', 'range', 'from', 'to', 'limit']);
    const range = timeRange(u);
    return { json: { from: range.from.toISOString(), to: range.to.toISOString(), ...(await topLists(pool, range, optInt(u, 'limit', 1, 100, 10), await clusterParam(pool, u, false))) } };
  });
  s.route('/api/overview/namespaces', async (_req, u) => {
    allowOnly(u, ['cluster', 'range', 'from', 'to']);
    const range = timeRange(u);
    return { json: { from: range.from.toISOString(), to: range.to.toISOString(), rows: await namespaceFigures(pool, range, await clusterParam(pool, u, false)) } };
  });
  s.route('/api/overview/changes', async (_req, u) => {
    allowOnly(u, ['cluster', 'range', 'from', 'to', 'kind', 'limit']);
    const range = timeRange(u);
    const changes = await recentChanges(pool, range, optInt(u, 'limit', 1, 1000, 50), await clusterParam(pool, u, false), optName(u, 'kind'));
    return { json: { from: range.from.toISOString(), to: range.to.toISOString(), ...changes } };
  });
  s.route('/api/overview/incidents', async (_req, u) => {
    allowOnly(u, ['cluster', 'range', 'from', 'to']);
    const range = timeRange(u);
    return { json: { from: range.from.toISOString(), to: range.to.toISOString(), clusters: await incidents(pool, range, await clusterParam(pool, u, false)) } };
  });

  s.route('/api/health', async (_req, u) => {
    allowOnly(u, []);
    return { json: (await d.status()) ?? { clusters: [], database: null, collector: null } };
  });

  s.route('/api/health/history', async (_req, u) => {
    allowOnly(u, ['range', 'from', 'to']);
    const range = timeRange(u);
    return { json: { from: range.from.toISOString(), to: range.to.toISOString(), points: await healthHistory(pool, range) } };
  });

  s.route('/api/nodes', async (_req, u) => {
    allowOnly(u, ['cluster', 'search', 'role', 'sort', 'dir', 'offset', 'limit']);
    const filter = {
      cluster: optName(u, 'cluster'),
      search: optSearch(u, 'search'),
      role: optName(u, 'role'),
      sort: optEnum(u, 'sort', NODE_SORTS, 'name'),
      dir: optDir(u),
      offset: optInt(u, 'offset', 0, 10_000_000, 0),
      limit: optInt(u, 'limit', 1, 1000, 200),
    };
    const snap = await snapshot.get();
    if (filter.cluster !== undefined && !snap.clusters.some((c) => c.name === filter.cluster)) {
      throw new RequestError(404, `query parameter cluster: no cluster named ${JSON.stringify(filter.cluster)}`);
    }
    return { json: { ...pageNodes(snap.nodes, filter), snapshotAt: new Date(snap.takenAt).toISOString() } };
  });
  s.route('/api/nodes/sparklines', async (_req, u) => {
    allowOnly(u, ['cluster', 'nodes', 'range', 'from', 'to']);
    const id = (await clusterParam(pool, u, true))!;
    const list = (u.searchParams.get('nodes') ?? '').split(',').filter(Boolean);
    if (list.length === 0 || list.length > 200) throw new RequestError(400, 'query parameter nodes: expected 1 to 200 comma-separated node names');
    for (const n of list) if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(n)) throw new RequestError(400, `query parameter nodes: not a node name: ${JSON.stringify(n.slice(0, 80))}`);
    return { json: await nodeSparklines(pool, id, list, timeRange(u)) };
  });

  s.route('/api/node', async (_req, u) => {
    allowOnly(u, ['cluster', 'name']);
    const id = (await clusterParam(pool, u, true))!;
    const name = reqName(u, 'name');
    const n = await nodeDetail(pool, id, name);
    if (!n) throw new RequestError(404, `no node ${name} in this cluster`);
    return { json: n };
  });

  s.route('/api/node/pods-at', async (_req, u) => {
    allowOnly(u, ['cluster', 'name', 'at']);
    const id = (await clusterParam(pool, u, true))!;
    const at = parseInstant('at', u.searchParams.get('at') ?? '');
    return { json: { at: at.toISOString(), pods: await podsOnNodeAt(pool, id, reqName(u, 'name'), at) } };
  });

  s.route('/api/pods', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'node', 'workload', 'phase', 'label', 'search', 'sort', 'dir', 'offset', 'limit']);
    return {
      json: await podsTable(pool, {
        clusterId: await clusterParam(pool, u, false),
        namespace: optNames(u, 'namespace'),
        node: optName(u, 'node'),
        workload: optName(u, 'workload'),
        phase: optEnum(u, 'phase', ['', 'Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'], '') || undefined,
        label: optLabel(u, 'label'),
        search: optSearch(u, 'search'),
        sort: optEnum(u, 'sort', Object.keys(POD_SORTS) as PodSort[], 'name'),
        dir: optDir(u),
        offset: optInt(u, 'offset', 0, 10_000_000, 0),
        limit: optInt(u, 'limit', 1, 1000, 200),
      }),
    };
  });

  s.route('/api/pod', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'name']);
    const id = (await clusterParam(pool, u, true))!;
    const p = await podDetail(pool, id, reqName(u, 'namespace'), reqName(u, 'name'));
    if (!p) throw new RequestError(404, 'no such pod in this cluster');
    return { json: p };
  });

  s.route('/api/pod/lifecycle', async (_req, u) => {
    allowOnly(u, ['cluster', 'pod_uid']);
    const id = (await clusterParam(pool, u, true))!;
    return { json: await podLifecycle(pool, id, reqName(u, 'pod_uid')) };
  });

  const storageFilter = async (u: URL): Promise<Parameters<typeof volumes>[1]> => ({
    clusterId: await clusterParam(pool, u, false), namespace: optNames(u, 'namespace'), search: optSearch(u, 'search'), limit: optInt(u, 'limit', 1, 5000, 500),
  });
  s.route('/api/volumes', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'pod_uid', 'search', 'limit']);
    return { json: await volumes(pool, { ...(await storageFilter(u)), podUid: optName(u, 'pod_uid') }) };
  });
  s.route('/api/pvcs', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'search', 'limit']);
    return { json: await pvcs(pool, await storageFilter(u)) };
  });
  s.route('/api/hpas', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'search', 'limit']);
    return { json: await hpas(pool, await storageFilter(u)) };
  });
  s.route('/api/hpa/history', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'name', 'range', 'from', 'to']);
    const id = (await clusterParam(pool, u, true))!;
    const range = timeRange(u);
    const points = await hpaHistory(pool, id, reqName(u, 'namespace'), reqName(u, 'name'), range.from, range.to);
    return { json: { from: range.from.toISOString(), to: range.to.toISOString(), points } };
  });

  s.route('/api/workloads', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'kind', 'search', 'sort', 'dir', 'offset', 'limit']);
    const kind = optEnum<'' | WorkloadKind>(u, 'kind', ['', ...WORKLOAD_KINDS], '');
    return {
      json: await workloads(pool, {
        clusterId: await clusterParam(pool, u, false),
        namespace: optNames(u, 'namespace'),
        kind: kind === '' ? undefined : kind,
        search: optSearch(u, 'search'),
        sort: optEnum(u, 'sort', Object.keys(WORKLOAD_SORTS) as WorkloadSort[], 'cluster'),
        dir: optDir(u),
        offset: optInt(u, 'offset', 0, 10_000_000, 0),
        limit: optInt(u, 'limit', 1, 1000, 200),
      }),
    };
  });

  s.route('/api/events', async (_req, u) => {
    allowOnly(u, ['cluster', 'namespace', 'type', 'search', 'object_kind', 'object_name', 'range', 'from', 'to', 'limit']);
    const ranged = ['range', 'from', 'to'].some((k) => u.searchParams.get(k));
    return {
      json: await events(pool, {
        clusterId: await clusterParam(pool, u, false),
        namespace: optNames(u, 'namespace'),
        type: optEnum(u, 'type', ['', 'Normal', 'Warning'], '') || undefined,
        search: optSearch(u, 'search'),
        objectKind: optName(u, 'object_kind'),
        objectName: optName(u, 'object_name'),
        range: ranged ? timeRange(u) : undefined,
        limit: optInt(u, 'limit', 1, 2000, 500),
      }),
    };
  });

  s.route('/api/search', async (_req, u) => {
    allowOnly(u, ['q', 'limit']);
    const q = optSearch(u, 'q');
    if (q === undefined) throw new RequestError(400, 'query parameter q: required (the text to find in names)');
    return { json: await globalSearch(pool, q, optInt(u, 'limit', 1, 100, 8)) };
  });

  s.route('/api/clusters', async (_req, u) => {
    allowOnly(u, []);
    return { json: (await snapshot.get()).clusters.map((c) => c.name) };
  });

  s.route('/api/namespaces', async (_req, u) => {
    allowOnly(u, ['cluster']);
    return { json: await namespaces(pool, await clusterParam(pool, u, false)) };
  });

  s.route('/api/series', async (_req, u) => {
    allowOnly(u, ['entity', 'cluster', 'node', 'pod_uid', 'metrics', 'range', 'from', 'to', 'after']);
    const entity = optEnum(u, 'entity', Object.keys(SERIES_METRICS) as SeriesEntity[], 'node');
    const id = (await clusterParam(pool, u, true))!;
    const byNode = entity === 'node' || entity === 'interface';
    const node = byNode ? reqName(u, 'node') : undefined;
    const podUid = byNode ? undefined : reqName(u, 'pod_uid');
    const metrics = parseMetricList(entity, u.searchParams.get('metrics'));
    return { json: await querySeries(pool, { entity, clusterId: id, node, podUid, metrics, range: timeRange(u) }, optAfter(u)) };
  });

  // A node page's charts in one answer: the node's series and its interfaces'. With `after` (epoch
  // seconds, the start of the newest bucket the page holds), only the buckets from it on: a live
  // update appends them (each answer's `since` says where it starts; null: the whole range).
  s.route('/api/node/series', async (_req, u) => {
    allowOnly(u, ['cluster', 'node', 'range', 'from', 'to', 'after']);
    const id = (await clusterParam(pool, u, true))!;
    const node = reqName(u, 'node');
    const range = timeRange(u);
    const after = optAfter(u);
    const one = (entity: SeriesEntity) => querySeries(pool, { entity, clusterId: id, node, metrics: parseMetricList(entity, null), range }, after);
    const [nodeSeries, interfaces] = await Promise.all([one('node'), one('interface')]);
    return { json: { node: nodeSeries, interface: interfaces } };
  });

  return { live, stop: () => live.stop() };
}
