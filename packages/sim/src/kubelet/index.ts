// A simulated kubelet's content: routes a kubelet path to a rendered body. No sockets here; the simulated
// API server (node proxy) and each node's HTTPS listener call serve(). State per node is tiny (aggregate
// counters, restarts it caused); samples and rendered bodies live in process-wide bounded LRU caches and
// are recomputed on demand, deterministically, from the node view and the tick.
import type { SimKubeletCallbacks, SimNodeView, SimPodView } from './view.js';
import { ByteLru, CountLru } from './cache.js';
import { MIN_POOLED_BYTES, PooledBody, SlabPool, slabBytes } from './body-pool.js';
import { kubeletFeatures, type KubeletFeatures } from './version.js';
import { computeTick } from './tick.js';
import { hash32, SERIES_EPOCH_S } from './series.js';
import { oomTimeS, type ContainerModel } from './container-model.js';
import type { AggregateState, NodeSample } from './sample.js';
import { writeSummary } from './summary.js';
import { writeCadvisor } from './cadvisor.js';
import { TextWriter } from './text-writer.js';
import { renderResource } from './resource.js';
import { renderPods } from './pods.js';
import type { LabelCache } from './cadvisor-rows.js';
import { STDERR_LOGGER, type SimLogger } from '../logger.js';

export type { SimNodeView, SimPodView, SimContainerView, SimVolumeView, SimKubeletCallbacks } from './view.js';

export interface KubeletResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** The same response with the body as bytes: skips building a JS string of up to several MB (see text-writer.ts). */
export interface KubeletBytesResponse {
  status: number;
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
  /** Call once the body was written out (or abandoned): its memory may then be reused for a later page.
   *  Not calling it is safe (the memory is then never reused), but slower. */
  release: () => void;
}

export interface KubeletOptions {
  /** ms clock, injectable for tests. */
  now?: () => number;
  /** Housekeeping interval (cAdvisor's stats collection period); default 10000. */
  housekeepingMs?: number;
  /** Where a failing restart callback is reported (default: stderr). */
  logger?: SimLogger;
}

export interface KubeletFaults {
  /** Stats stop advancing: same sample time and values until cleared (a stuck cAdvisor housekeeping). */
  frozenSummary?: boolean;
}

export interface SimKubelet {
  /** path = kubelet path incl. query: '/stats/summary', '/stats/summary?only_cpu_and_memory=true',
   *  '/metrics/cadvisor', '/metrics/resource', '/healthz', '/pods'; unknown → 404 text like the kubelet. */
  serve(path: string): KubeletResponse;
  /** serve() with a Buffer body, for a server that writes it to a socket unchanged (faster for large pages). */
  serveBytes(path: string): KubeletBytesResponse;
  setFaults(f: KubeletFaults): void;
  dispose(): void;
}

const JSON_TYPE = 'application/json';
const PROM_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/** Process-wide caches (bounded): the last tick sample of recently asked kubelets, and rendered bodies.
 *  A sample is worth keeping for the other endpoints of its tick and for the next tick (which reuses its
 *  parameters), so a small world keeps all of its kubelets' samples. In a large one (5,000 nodes scraped
 *  in turn) no sample is asked again before it is evicted, and every entry kept only ages into V8's old
 *  generation (~100 KB per 30-pod node) to be collected there: 512 entries cost ~15–30% more CPU per
 *  summary than 64 at 1,500 kubelets, for no hits. */
const sampleCache = new CountLru<number, { k: number; sample: NodeSample }>(64);
const bodyPool = new SlabPool(48 * 1024 * 1024);
const bodyCache = new ByteLru<string | PooledBody>(96 * 1024 * 1024, (v) => {
  if (typeof v !== 'string') v.release();
});
const NO_RELEASE = (): void => {};
/** Renders byte bodies straight into a slab (see cachedBody); holds no buffer between renders. */
const slabWriter = new TextWriter(0);
const NO_BYTES = Buffer.alloc(0);
/** Room over the previous page of a kind: pages grow a little from tick to tick (counters gain digits). */
const SLAB_HEADROOM = 1.05;
/** cAdvisor label strings per kubelet (they only change when pods do), for recently scraped kubelets. */
const labelCaches = new CountLru<number, LabelCache>(256);
let nextKubeletId = 1;

/** The new incarnation starts this long after the kill. A real kubelet's first crash-loop back-off is 10 s,
 *  but the simulated world records startedAt = kill + 1 s, and summary and pod status must agree. */
const RESTART_DELAY_MS = 1000;
/** Bound on OOM cycles replayed one by one when a kubelet was not asked for a long time. */
const MAX_REPLAYED_RESTARTS = 50;

interface PendingRestart {
  podUid: string;
  container: string;
  at: Date;
}

export function createKubelet(getView: () => SimNodeView, callbacks: SimKubeletCallbacks, options: KubeletOptions = {}): SimKubelet {
  const now = options.now ?? Date.now;
  const housekeepingMs = options.housekeepingMs ?? 10_000;
  if (!(housekeepingMs >= 100)) throw new Error(`simulated kubelet: housekeepingMs must be ≥ 100, got ${housekeepingMs}`);
  const id = nextKubeletId++;
  let state: AggregateState | null = null;
  let lastK = -Infinity;
  let frozenK: number | null = null;
  let lastPruneK = -Infinity;
  /** Start (ms) of containers this kubelet restarted itself, by "podUid/name". */
  const restartedStartMs = new Map<string, number>();
  /** The cache key of the newest body per kind and form, and its length (see cachedBody). */
  const lastBodyKey = new Map<string, string>();
  const lastBodyBytes = new Map<string, number>();
  let featuresFor: { version: string; features: KubeletFeatures } | null = null;

  function features(view: SimNodeView): KubeletFeatures {
    const key = `${view.kubernetesVersion}/${view.os ?? 'linux'}`;
    if (!featuresFor || featuresFor.version !== key) {
      const f = kubeletFeatures(view.kubernetesVersion);
      // Windows (winstats): no PSI, swap or process stats either.
      featuresFor = { version: key, features: view.os === 'windows' ? { ...f, windows: true, psi: false, swap: false, processStats: false } : f };
    }
    return featuresFor.features;
  }

  /** Each node's housekeeping runs at its own offset inside the interval, as real nodes do. */
  function tickOf(view: SimNodeView, ms: number): { k: number; tickMs: number } {
    const phase = hash32(view.seed, 0x7ac) % housekeepingMs;
    let k = Math.floor((ms - phase) / housekeepingMs);
    if (frozenK !== null) k = frozenK;
    if (k < lastK) k = lastK; // the kubelet's time never goes backwards, even if the injected clock does
    return { k, tickMs: k * housekeepingMs + phase };
  }

  function sampleAt(view: SimNodeView): NodeSample {
    const { k, tickMs } = tickOf(view, now());
    const cached = sampleCache.get(id);
    // Like a real kubelet, a sample stands for its whole housekeeping tick, even if pods change meanwhile.
    if (cached && cached.k === k) return cached.sample;
    const pending: PendingRestart[] = [];
    const tickS = tickMs / 1000 - SERIES_EPOCH_S;
    const startMs = (pod: SimPodView, i: number, m: ContainerModel): number => {
      const c = pod.containers[i];
      if (m.leakBytesPerS === 0) return c.startTime.getTime(); // only leaking containers get OOM-killed here
      const key = `${pod.uid}/${c.name}`;
      let start = Math.max(c.startTime.getTime(), restartedStartMs.get(key) ?? -Infinity);
      let startS = start / 1000 - SERIES_EPOCH_S;
      let oomS = oomTimeS(m, startS);
      if (oomS > tickS) return start;
      // The leaky container reached its memory limit: the kernel OOM-kills it and the kubelet restarts it.
      const cycleS = oomS - startS + RESTART_DELAY_MS / 1000;
      let replayed = 0;
      if ((tickS - startS) / cycleS > MAX_REPLAYED_RESTARTS) {
        const skip = Math.floor((tickS - startS) / cycleS) - 1;
        startS += skip * cycleS;
        oomS = oomTimeS(m, startS);
      }
      while (oomS <= tickS && replayed < MAX_REPLAYED_RESTARTS + 2) {
        const atMs = Math.round((oomS + SERIES_EPOCH_S) * 1000);
        pending.push({ podUid: pod.uid, container: c.name, at: new Date(atMs) });
        start = atMs + RESTART_DELAY_MS;
        startS = start / 1000 - SERIES_EPOCH_S;
        oomS = oomTimeS(m, startS);
        replayed++;
      }
      restartedStartMs.set(key, start);
      return start;
    };
    const r = computeTick({ view, features: features(view), k, tickMs, housekeepingMs, containerStartMs: startMs, state, previous: cached?.sample ?? null });
    state = r.state;
    lastK = k;
    sampleCache.set(id, { k, sample: r.sample });
    // Forgetting the restarts of pods that left needs a pass over all containers: every few minutes is enough.
    if (k - lastPruneK >= 30) {
      lastPruneK = k;
      pruneRestarts(view);
    }
    for (const p of pending) {
      try {
        callbacks.containerRestarted(p.podUid, p.container, 'OOMKilled', p.at);
      } catch (err) {
        (options.logger ?? STDERR_LOGGER).warn({ err, node: view.name, pod: p.podUid, container: p.container }, 'containerRestarted callback failed');
      }
    }
    return r.sample;
  }

  function pruneRestarts(view: SimNodeView): void {
    if (restartedStartMs.size === 0) return;
    const live = new Set<string>();
    for (const p of view.pods) for (const c of p.containers) live.add(`${p.uid}/${c.name}`);
    for (const key of restartedStartMs.keys()) if (!live.has(key)) restartedStartMs.delete(key);
  }

  /** A rendered body for this tick, from the process-wide cache when the same tick was asked before.
   *  Byte bodies live in recycled memory (body-pool.ts): when the kubelet's previous page of the kind was
   *  large, the page is written straight into a slab sized from it (no copy afterwards); otherwise, or if
   *  the page outgrew the slab, it is written into the scratch writer and copied into a slab. */
  function cachedBody(kind: string, s: NodeSample, bytes: boolean, render: (w?: TextWriter) => TextWriter | string): string | PooledBody {
    const key = `${id}|${kind}|${s.k}|${bytes ? 'b' : 's'}`;
    let body = bodyCache.get(key);
    if (body === undefined) {
      // Ticks only move forward, so the previous tick's body of this kind is dead: drop it now, which hands
      // its slab back (once its readers released it) for this page instead of waiting for LRU eviction.
      const slot = `${kind}|${bytes ? 'b' : 's'}`;
      const previous = lastBodyKey.get(slot);
      if (previous !== undefined && previous !== key) bodyCache.delete(previous);
      lastBodyKey.set(slot, key);
      const hint = bytes ? lastBodyBytes.get(slot) : undefined;
      if (hint !== undefined && hint >= MIN_POOLED_BYTES) {
        const slab = bodyPool.take(slabBytes(Math.ceil(hint * SLAB_HEADROOM)));
        try {
          const out = render(slabWriter.useBuffer(slab));
          if (typeof out !== 'string' && out.raw() === slab) body = bodyPool.adopt(slab, out.pos);
          else {
            // The page outgrew the slab (the writer moved to a buffer of its own): copy it as below.
            body = bodyPool.copyOf(typeof out === 'string' ? Buffer.from(out, 'latin1') : out.view());
            bodyPool.put(slab);
          }
        } catch (err) {
          bodyPool.put(slab);
          throw err;
        } finally {
          slabWriter.useBuffer(NO_BYTES);
        }
      } else {
        const out = render();
        if (!bytes) body = typeof out === 'string' ? out : out.toString();
        else body = bodyPool.copyOf(typeof out === 'string' ? Buffer.from(out, 'latin1') : out.view());
      }
      if (bytes) lastBodyBytes.set(slot, body.length);
      // A body too large to cache keeps the reference the cache declined: its memory is simply never reused.
      bodyCache.set(key, body);
    }
    return body;
  }

  function respond(path: string, bytes: boolean): { status: number; contentType: string; body: string | Buffer | PooledBody; headers?: Record<string, string> } {
    const q = path.indexOf('?');
    const route = (q < 0 ? path : path.slice(0, q)).replace(/\/+$/, '') || '/';
    const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
    const text = (body: string) => (bytes ? Buffer.from(body, 'utf8') : body);
    const view = getView();
    switch (route) {
      case '/healthz':
        return { status: 200, contentType: TEXT_TYPE, body: text('ok') };
      case '/stats/summary': {
        const s = sampleAt(view);
        const only = query.get('only_cpu_and_memory') === 'true';
        return { status: 200, contentType: JSON_TYPE, body: cachedBody(only ? 'summary-cpumem' : 'summary', s, bytes, (w) => writeSummary(s, { onlyCpuAndMemory: only }, w)) };
      }
      case '/metrics/cadvisor': {
        // Windows kubelets have no cAdvisor: the route is not registered.
        if (view.os === 'windows') return { status: 404, contentType: TEXT_TYPE, body: text('404 page not found\n'), headers: { 'X-Content-Type-Options': 'nosniff' } };
        const s = sampleAt(view);
        return { status: 200, contentType: PROM_TYPE, body: cachedBody('cadvisor', s, bytes, (w) => {
          const r = writeCadvisor(s, labelCaches.get(id), w);
          labelCaches.set(id, r.labelCache);
          return r.w;
        }) };
      }
      case '/metrics/resource': {
        const s = sampleAt(view);
        return { status: 200, contentType: PROM_TYPE, body: cachedBody('resource', s, bytes, () => renderResource(s)) };
      }
      case '/pods':
        return { status: 200, contentType: JSON_TYPE, body: text(renderPods(view)) };
      default:
        // The kubelet's mux answers unknown paths with Go's http.NotFound.
        return { status: 404, contentType: TEXT_TYPE, body: text('404 page not found\n'), headers: { 'X-Content-Type-Options': 'nosniff' } };
    }
  }

  return {
    serve(path: string): KubeletResponse {
      return respond(path, false) as KubeletResponse;
    },
    serveBytes(path: string): KubeletBytesResponse {
      const r = respond(path, true);
      if (r.body instanceof PooledBody) return { ...r, body: r.body.buf, release: r.body.retain() };
      return { ...r, body: r.body as Buffer, release: NO_RELEASE };
    },
    setFaults(f: KubeletFaults): void {
      if (f.frozenSummary === undefined) return;
      if (f.frozenSummary) {
        if (frozenK === null) frozenK = tickOf(getView(), now()).k;
      } else {
        frozenK = null;
      }
    },
    dispose(): void {
      sampleCache.delete(id);
      labelCaches.delete(id);
      bodyCache.deletePrefix(`${id}|`);
      restartedStartMs.clear();
      state = null;
    },
  };
}
