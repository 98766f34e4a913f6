// Kubelet resource metrics (`/metrics/resource`, Prometheus text) → node, pod and container rows with CPU,
// working set and swap: the lightweight fallback when the Summary API is refused or failing
// (K8S-REFERENCE §8). Samples carry the kubelet's stat time as ms timestamps; start times have none.
//
// The payload names pods by namespace/name only. Rows are keyed by pod UID, so the caller passes a
// resolver (the inventory knows which pod of that name runs on the node); without one (e.g. `inspect`)
// pod_uid is null, and with one, rows of pods it cannot resolve are dropped and counted.
import { METRIC_DEFS, isFloatType, emptyMetricRows, rowFactory, type Entity, type MetricRow, type MetricRows } from '../definitions.js';
import { INT64_LIMIT, MetricDecodeError, emptyStartTimes, type StartTimes } from './decode-util.js';
import { PromParseError, PromTextParser, type PromSample } from './prom-text.js';

export interface ResourceDecodeOptions {
  nodeName: string;
  /** Time for samples without a timestamp. */
  scrapeTime: Date;
  /** Pod UID by namespace and name; see the file comment. */
  resolvePodUid?: (namespace: string, pod: string) => string | undefined;
}

export interface DecodedResource {
  nodeName: string;
  rows: MetricRows;
  startTimes: StartTimes;
  /** Value of `resource_scrape_error` / `scrape_error` (1 = the kubelet failed to collect), null if absent. */
  scrapeError: number | null;
  unmapped: string[];
  /** Pods whose UID the resolver did not know (their rows were dropped), as namespace/name. */
  unresolvedPods: string[];
}

const IGNORED = new Set(['container_swap_limit_bytes']);

interface Target { entity: Entity; column: string; scale: number; integer: boolean }
const TARGETS = new Map<string, Target>();
for (const def of METRIC_DEFS) {
  if (def.resource) {
    TARGETS.set(def.resource.family, {
      entity: def.entity, column: def.column, scale: def.resource.scale ?? 1, integer: !isFloatType(def.sqlType),
    });
  }
}

const NEW_ROW = { node: rowFactory('node'), pod: rowFactory('pod'), container: rowFactory('container') };

class ResourceMapper {
  readonly rows = emptyMetricRows();
  readonly startTimes = emptyStartTimes();
  readonly unmapped = new Set<string>();
  readonly unresolved = new Set<string>();
  scrapeError: number | null = null;
  private readonly byKey = new Map<string, MetricRow>();

  constructor(private readonly opts: ResourceDecodeOptions) {}

  add(s: PromSample): void {
    if (s.name === 'scrape_error' || s.name === 'resource_scrape_error') {
      this.scrapeError = s.value;
      return;
    }
    if (s.name === 'container_start_time_seconds') {
      const uid = this.uid(s);
      if (typeof uid === 'string' && Number.isFinite(s.value) && s.labels.container) {
        this.startTimes.containers.set(`${uid}/${s.labels.container}`, Math.round(s.value * 1000));
      }
      return;
    }
    const target = TARGETS.get(s.name);
    if (!target) {
      if (!IGNORED.has(s.name)) this.unmapped.add(s.name);
      return;
    }
    const row = this.row(target.entity, s);
    if (!row) return;
    const v = s.value * target.scale;
    row[target.column] = !(v >= 0) || v === Infinity || (target.integer && v >= INT64_LIMIT) ? null : target.integer ? Math.round(v) : v;
    if (row.ts === null && s.timestampMs !== null) row.ts = new Date(s.timestampMs);
  }

  /** The pod's UID; null when no resolver is given; undefined when the resolver does not know it. */
  private uid(s: PromSample): string | null | undefined {
    const { namespace = '', pod = '' } = s.labels;
    if (!this.opts.resolvePodUid) return null;
    const uid = this.opts.resolvePodUid(namespace, pod);
    if (uid === undefined) this.unresolved.add(`${namespace}/${pod}`);
    return uid;
  }

  private row(entity: Entity, s: PromSample): MetricRow | undefined {
    const l = s.labels;
    if (entity === 'node') return this.get('node', 'node', () => ({}));
    const uid = this.uid(s);
    if (uid === undefined) return undefined;
    const attrs = { pod_uid: uid, namespace: l.namespace ?? '', pod: l.pod ?? '' };
    if (entity === 'pod') return this.get('pod', `p/${attrs.namespace}/${attrs.pod}`, () => attrs);
    if (entity === 'container') {
      const container = l.container ?? '';
      return this.get('container', `c/${attrs.namespace}/${attrs.pod}/${container}`, () => ({ ...attrs, container }));
    }
    return undefined;
  }

  private get(entity: 'node' | 'pod' | 'container', key: string, attrs: () => Record<string, string | null>): MetricRow {
    let row = this.byKey.get(key);
    if (row) return row;
    row = NEW_ROW[entity]();
    row.node = this.opts.nodeName;
    Object.assign(row, attrs());
    this.byKey.set(key, row);
    this.rows[entity].push(row);
    return row;
  }
}

export function decodeResource(input: string | Buffer, opts: ResourceDecodeOptions): DecodedResource {
  const mapper = new ResourceMapper(opts);
  const parser = new PromTextParser((s) => mapper.add(s), { comments: false });
  try {
    parser.push(input);
    parser.end();
  } catch (err) {
    if (err instanceof PromParseError) throw new MetricDecodeError('resource', `line ${err.line}`, `${err.problem}: ${JSON.stringify(err.text.slice(0, 120))}`);
    throw err;
  }
  for (const list of [mapper.rows.node, mapper.rows.pod, mapper.rows.container]) {
    for (const row of list) if (row.ts === null) row.ts = opts.scrapeTime;
  }
  return {
    nodeName: opts.nodeName, rows: mapper.rows, startTimes: mapper.startTimes, scrapeError: mapper.scrapeError,
    unmapped: [...mapper.unmapped], unresolvedPods: [...mapper.unresolved],
  };
}
