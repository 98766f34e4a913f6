// Fault injection for one simulated cluster: per-request latency, error rates, resets, truncated and
// malformed bodies for the apiserver and the kubelets (per cluster and per node), API outage windows,
// watch cuts, frozen summaries and simulated RBAC denials. Settable at start (SimOptions.faults) and at
// run time through the admin endpoint (docs/SIM.md). Decisions draw from a seeded stream.
import { createRng, type Rng } from './model/rand.js';
import type { BodyFault } from './apiserver/sink.js';

export interface FaultSpec {
  /** Added delay per request, ms (plus up to latencyJitterMs). */
  latencyMs?: number;
  latencyJitterMs?: number;
  /** Fraction of requests (0..1) answered with an error Status picked from errorCodes. */
  errorRate?: number;
  /** Codes to pick from: 429 (with Retry-After), 500, 503. Default [500, 503, 429]. */
  errorCodes?: number[];
  /** Fraction of requests whose connection is reset before any response. */
  resetRate?: number;
  /** Fraction of responses cut off mid-body. */
  truncateRate?: number;
  /** Fraction of responses with a corrupted (unparseable) JSON body. */
  malformedRate?: number;
}

export interface RbacDenial { resource: string; verb?: string; namespace?: string }

export interface FaultConfig {
  /** Faults on every apiserver request (not the admin endpoint). */
  api: FaultSpec;
  /** Faults on every kubelet request (proxied or direct). */
  kubelets: FaultSpec;
  /** Per-node kubelet faults, merged over `kubelets`; frozenSummary keeps the summary's timestamp. */
  nodes: Record<string, FaultSpec & { frozenSummary?: boolean }>;
  /** API answers 503 (connection kept) until this time (ms since epoch); 0 = up. */
  apiDownUntilMs: number;
  /** Watches are cut (connection destroyed) after this long; 0 = never. */
  watchCutAfterMs: number;
  /**
   * Watch streams are sent in pieces of 1 … this many bytes (random), each its own write a millisecond
   * apart, so events (and multi-byte characters) arrive cut at any byte; 0 = whole events.
   */
  watchChunkBytes: number;
  /**
   * The next `count` list requests that carry a continue token (pages after the first) are answered 429
   * with this Retry-After, as API Priority and Fairness throttles a long paged list.
   */
  throttleListPages: { count: number; retryAfterSeconds: number };
  /** Simulated RBAC: matching requests get 403 Forbidden. */
  forbid: RbacDenial[];
}

export function defaultFaults(): FaultConfig {
  return { api: {}, kubelets: {}, nodes: {}, apiDownUntilMs: 0, watchCutAfterMs: 0, watchChunkBytes: 0, throttleListPages: { count: 0, retryAfterSeconds: 1 }, forbid: [] };
}

const SPEC_KEYS = ['latencyMs', 'latencyJitterMs', 'errorRate', 'errorCodes', 'resetRate', 'truncateRate', 'malformedRate', 'frozenSummary'];

function checkSpec(spec: unknown, where: string): FaultSpec {
  if (spec === undefined) return {};
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new Error(`${where}: expected an object`);
  for (const [k, v] of Object.entries(spec)) {
    if (!SPEC_KEYS.includes(k)) throw new Error(`${where}.${k}: unknown fault key (known: ${SPEC_KEYS.join(', ')})`);
    if (k === 'errorCodes') {
      if (!Array.isArray(v) || !v.every((c) => typeof c === 'number' && [429, 500, 503].includes(c))) throw new Error(`${where}.errorCodes: expected a list of 429, 500, 503`);
    } else if (k === 'frozenSummary') {
      if (typeof v !== 'boolean') throw new Error(`${where}.frozenSummary: expected true or false`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (k.endsWith('Rate') && v > 1)) {
      throw new Error(`${where}.${k}: expected a number${k.endsWith('Rate') ? ' between 0 and 1' : ' >= 0'}`);
    }
  }
  return spec;
}

/** Validates a (partial) fault configuration from JSON; errors name the offending key. */
export function parseFaults(input: unknown, base: FaultConfig = defaultFaults()): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('faults: expected a JSON object');
  const o = input as Record<string, unknown>;
  const known = ['api', 'kubelets', 'nodes', 'apiDownUntilMs', 'apiDownForSeconds', 'watchCutAfterMs', 'watchChunkBytes', 'throttleListPages', 'forbid'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new Error(`faults.${k}: unknown key (known: ${known.join(', ')})`);
  const out: FaultConfig = { ...base, nodes: { ...base.nodes } };
  if ('api' in o) out.api = checkSpec(o.api, 'faults.api');
  if ('kubelets' in o) out.kubelets = checkSpec(o.kubelets, 'faults.kubelets');
  if ('nodes' in o) {
    if (typeof o.nodes !== 'object' || o.nodes === null) throw new Error('faults.nodes: expected an object keyed by node name');
    for (const [name, spec] of Object.entries(o.nodes)) out.nodes[name] = checkSpec(spec, `faults.nodes.${name}`);
  }
  if ('apiDownUntilMs' in o) {
    if (typeof o.apiDownUntilMs !== 'number') throw new Error('faults.apiDownUntilMs: expected a number (ms since epoch)');
    out.apiDownUntilMs = o.apiDownUntilMs;
  }
  if ('apiDownForSeconds' in o) {
    if (typeof o.apiDownForSeconds !== 'number' || o.apiDownForSeconds < 0) throw new Error('faults.apiDownForSeconds: expected a number >= 0');
    out.apiDownUntilMs = o.apiDownForSeconds === 0 ? 0 : Date.now() + o.apiDownForSeconds * 1000;
  }
  if ('watchCutAfterMs' in o) {
    if (typeof o.watchCutAfterMs !== 'number' || o.watchCutAfterMs < 0) throw new Error('faults.watchCutAfterMs: expected a number >= 0');
    out.watchCutAfterMs = o.watchCutAfterMs;
  }
  if ('watchChunkBytes' in o) {
    if (typeof o.watchChunkBytes !== 'number' || !Number.isInteger(o.watchChunkBytes) || o.watchChunkBytes < 0) throw new Error('faults.watchChunkBytes: expected an integer >= 0');
    out.watchChunkBytes = o.watchChunkBytes;
  }
  if ('throttleListPages' in o) {
    const t = o.throttleListPages as { count?: unknown; retryAfterSeconds?: unknown } | null;
    const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    if (typeof t !== 'object' || t === null || !whole(t.count) || (t.retryAfterSeconds !== undefined && !whole(t.retryAfterSeconds))) {
      throw new Error('faults.throttleListPages: expected {count, retryAfterSeconds?} with integers >= 0');
    }
    out.throttleListPages = { count: t.count, retryAfterSeconds: t.retryAfterSeconds ?? 1 };
  }
  if ('forbid' in o) {
    if (!Array.isArray(o.forbid) || !o.forbid.every((d) => typeof d === 'object' && d !== null && typeof (d as { resource?: unknown }).resource === 'string')) throw new Error('faults.forbid: expected a list of {resource, verb?, namespace?}');
    out.forbid = o.forbid as RbacDenial[];
  }
  return out;
}

export interface FaultDecision {
  delayMs: number;
  errorCode?: number;
  reset: boolean;
  body: BodyFault;
}

export class FaultInjector {
  config: FaultConfig;
  private rng: Rng;
  constructor(seed: number, initial?: unknown) {
    this.rng = createRng(seed ^ 0x0fa017);
    this.config = initial ? parseFaults(initial) : defaultFaults();
  }

  decide(spec: FaultSpec): FaultDecision {
    const r = this.rng;
    const delayMs = (spec.latencyMs ?? 0) + (spec.latencyJitterMs ? r.next() * spec.latencyJitterMs : 0);
    const d: FaultDecision = { delayMs, reset: false, body: 'none' };
    if (spec.resetRate && r.chance(spec.resetRate)) d.reset = true;
    else if (spec.errorRate && r.chance(spec.errorRate)) d.errorCode = r.pick(spec.errorCodes?.length ? spec.errorCodes : [500, 503, 429]);
    else if (spec.truncateRate && r.chance(spec.truncateRate)) d.body = 'truncate';
    else if (spec.malformedRate && r.chance(spec.malformedRate)) d.body = 'malformed';
    return d;
  }

  /** Retry-After seconds when this page of a list is to be throttled (uses up one of the count), else null. */
  throttlePage(): number | null {
    const t = this.config.throttleListPages;
    if (t.count <= 0) return null;
    this.config.throttleListPages = { ...t, count: t.count - 1 };
    return t.retryAfterSeconds;
  }

  apiDown(nowMs: number): boolean {
    return this.config.apiDownUntilMs > nowMs;
  }

  kubeletSpec(node: string): FaultSpec & { frozenSummary?: boolean } {
    return { ...this.config.kubelets, ...(this.config.nodes[node] ?? {}) };
  }

  forbidden(resource: string, verb: string, namespace: string | undefined): boolean {
    return this.config.forbid.some((d) => d.resource === resource && (!d.verb || d.verb === verb) && (!d.namespace || d.namespace === namespace));
  }
}
