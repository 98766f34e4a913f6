// In-process soak: the collector's state-holding components driven through a million pod lifecycles
// (add → a few kubelet samples → delete) without a network, heap measured after a full GC at intervals.
// The HTTP soak (soak.ts) cannot reach a million lifecycles in minutes on 2 cores; this one can, through
// the same classes the collector runs per cluster:
// - the pod `Informer` (its uid → resourceVersion map), reading a watch stream that an in-memory
//   connection serves (list + watch, ADDED/DELETED lines as the API server sends them);
// - `followPods` (the pod name index, and the rate state dropped when a pod goes);
// - `KubeletPipeline` (Summary decode, unmapped-field report, one RateTracker per cluster and source,
//   the bounded MetricWriter queue), fed a node's /stats/summary each round.
// What is not here: the database (the inventory sink counts changes, the metric writer's write function
// discards rows: neither keeps per-object state) and HTTP (undici, the simulator): soak.ts covers those.
// Environment: KUBEPULSE_LIFECYCLES (default 1,000,000), KUBEPULSE_LIFECYCLE_SAMPLES (kubelet samples per
// pod, default 3), KUBEPULSE_LIFECYCLE_HEAP_SAMPLES (default 40), KUBEPULSE_SOAK_TRACE=1 (a line per heap
// sample), KUBEPULSE_LIFECYCLE_KEEP_RATES=1 (check run without the per-pod rate drop: ~900 MiB per
// million lifecycles, i.e. the ~1 kB per lifecycle the first HTTP soak saw).
import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Figures } from './figure.js';
import { slope } from './soak.js';
import { Informer, type InventorySink } from '../src/inventory/informer.js';
import { podKind } from '../src/inventory/kinds/pod.js';
import type { ClusterConnection } from '../src/cluster/connection.js';
import type { Database } from '../src/store/database.js';
import { KubeletPipeline } from '../src/scrape/kubelet-pipeline.js';
import { PodIndex, followPods } from '../src/collector/pod-index.js';
import { configureLogging } from '../src/log.js';
import { fixture } from '../test/helpers/paths.js';
import type { SummaryDoc } from '../test/helpers/summary-doc.js';

const FIXTURE = fixture('summary-nri-1.35.json');

const LIFECYCLES = Number(process.env.KUBEPULSE_LIFECYCLES ?? 1_000_000);
/** Kubelet samples in each pod's life (a rate needs two). */
const SAMPLES_PER_LIFE = Number(process.env.KUBEPULSE_LIFECYCLE_SAMPLES ?? 3);
const NODES = 50;
const PODS_PER_NODE = 30;
const CLUSTER_ID = 1;
/** Kubelet time between two samples of a node. */
const STEP_MS = 10_000;
const HEAP_SAMPLES = Number(process.env.KUBEPULSE_LIFECYCLE_HEAP_SAMPLES ?? 40);
/** Heap samples before this fraction of the lifecycles are warm-up (JIT, maps and queues reaching size). */
const WARM_FRACTION = 0.1;

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * A pod entry of the 1.35 fixture (one container, volumes, eth0) turned into a template: its uid, name and
 * times become placeholders; the idle tunnel interfaces and PSI blocks are dropped to keep payloads small.
 */
function podTemplate(): { nodeParts: string[]; parts: string[] } {
  const d = JSON.parse(readFileSync(FIXTURE, 'utf8')) as SummaryDoc;
  const found = d.pods.find((p) => p.podRef.name.startsWith('e2e-deployment-'));
  if (!found) throw new Error(`bench/soak-lifecycles: ${FIXTURE} has no e2e-deployment pod to use as the template`);
  const pod = structuredClone(found);
  const strip = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(strip);
    else if (o && typeof o === 'object') {
      delete (o as Record<string, unknown>).psi;
      for (const v of Object.values(o)) strip(v);
    }
  };
  strip(pod);
  // What per-pod state depends on is the entities (pod, container, volume, interface) and their counters;
  // filesystem gauges only cost decode time, so they go, as do all volumes but one.
  for (const c of pod.containers) for (const k of ['rootfs', 'logs', 'swap', 'io']) delete c[k];
  for (const k of ['ephemeral-storage', 'process_stats', 'swap', 'io']) delete pod[k];
  pod.volume = pod.volume?.slice(0, 1);
  if (pod.network) pod.network.interfaces = pod.network.interfaces?.filter((i) => i.name === 'eth0');
  pod.podRef = { name: '@NAME@', namespace: 'soak', uid: '@UID@' };
  pod.startTime = '@START@';
  for (const c of pod.containers) c.startTime = '@START@';
  const timesOut = (o: object) => JSON.stringify(o).replace(/"time":"[^"]*"/g, '"time":"@TIME@"');
  const node = { ...d.node, nodeName: '@NAME@' };
  return { nodeParts: timesOut(node).split(/(@NAME@|@TIME@)/), parts: timesOut(pod).split(/(@NAME@|@UID@|@START@|@TIME@)/) };
}

interface SimPod { uid: string; name: string; startIso: string; samples: number }

/** Fills a template split on its placeholders (name, uid, start time, sample time). */
function fill(parts: string[], name: string, uid: string, startIso: string, timeIso: string): string {
  let out = '';
  for (const part of parts) {
    out += part === '@NAME@' ? name : part === '@UID@' ? uid : part === '@START@' ? startIso : part === '@TIME@' ? timeIso : part;
  }
  return out;
}

/** A watch event line as the API server writes it (a small but complete pod object). */
function watchLine(type: 'ADDED' | 'DELETED', p: SimPod, node: string, rv: number): string {
  const obj = {
    kind: 'Pod', apiVersion: 'v1',
    metadata: {
      name: p.name, namespace: 'soak', uid: p.uid, resourceVersion: String(rv), creationTimestamp: p.startIso,
      labels: { app: 'soak', 'pod-template-hash': '5f97dc94d8' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'soak-5f97dc94d8', uid: 'rs-uid', controller: true }],
    },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    status: { phase: type === 'DELETED' ? 'Succeeded' : 'Running', podIP: '10.0.0.1', startTime: p.startIso },
  };
  return `${JSON.stringify({ type, object: obj })}\n`;
}

/** The parts of a ClusterConnection an Informer uses, served from memory: an empty list, then one watch stream. */
class MemoryConnection {
  readonly name = 'soak-mem';
  watch: PassThrough | null = null;
  private rv = 1;
  setResourceVersion(rv: number): void {
    this.rv = rv;
  }
  async getJson<T>(_path: string): Promise<T> {
    return { metadata: { resourceVersion: String(this.rv) }, items: [] } as T;
  }
  async raw(_path: string, o: { signal?: AbortSignal } = {}) {
    const body = new PassThrough();
    this.watch = body;
    o.signal?.addEventListener('abort', () => body.destroy(new Error('aborted')), { once: true });
    return { status: 200, headers: {}, body: Object.assign(body, { text: async () => '', dump: async () => undefined, arrayBuffer: async () => new ArrayBuffer(0) }) };
  }
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 1));
}

export async function run(): Promise<Figures> {
  configureLogging({ level: 'warn', console: 'json', file: '' });
  const gc = gcFunction();
  const { nodeParts, parts } = podTemplate();

  const conn = new MemoryConnection();
  let changesApplied = 0;
  const sink: InventorySink = {
    apply: async (_kind, changes) => {
      changesApplied += changes.length;
    },
    now: async () => new Date(),
    reconcile: async () => 0,
  };
  const fakeDb = { pool: {}, partitions: null, state: 'connected', noteWrite: () => undefined } as unknown as Database;
  let rowsDiscarded = 0;
  // Kubelet time of the samples; also the rate state's clock, so the deleted pods' grace (two sample
  // intervals) lasts as many lifecycles as it would against real kubelets, not 20 wall seconds of a run
  // that goes through thousands of lifecycles per second.
  let tMs = Date.parse('2026-01-01T00:00:00Z');
  const pipeline = new KubeletPipeline(fakeDb, null, {
    write: async (_pool, _entity, rows) => {
      rowsDiscarded += rows.length;
      return { inserted: rows.length, duplicates: 0 };
    },
    now: () => tMs,
  });
  const pods = new PodIndex();
  // KUBEPULSE_LIFECYCLE_KEEP_RATES=1 leaves the rate state to the age prune, as before issue 7's fix: a check
  // that this soak sees per-pod state that is not dropped with its pod.
  const keepRates = process.env.KUBEPULSE_LIFECYCLE_KEEP_RATES === '1';
  const follower = followPods(pods, keepRates ? { forgetPods: () => undefined } : pipeline, CLUSTER_ID);
  const informer = new Informer(conn as unknown as ClusterConnection, podKind, sink, {
    resyncMs: 24 * 3_600_000, // no periodic relist during the run: every change arrives on the watch
    flushMs: 2,
    onChange: follower.onChange,
    onGone: follower.onGone,
  });
  informer.start();
  await until(() => conn.watch !== null);

  const nodes = Array.from({ length: NODES }, (_, i) => ({ name: `soak-node-${i}`, pods: [] as SimPod[] }));
  let seq = 0;
  let rv = 1;
  const newPod = (): SimPod => ({ uid: `pod-uid-${(seq++).toString(36).padStart(8, '0')}-soak`, name: `soak-${seq.toString(36)}`, startIso: new Date(tMs).toISOString(), samples: 0 });
  let written = 0;
  const emit = async (lines: string[]): Promise<void> => {
    if (!lines.length) return;
    written += lines.length;
    conn.watch!.write(lines.join(''));
    await until(() => changesApplied >= written); // the informer took them all: nothing queues up in the stream
  };
  // Ages staggered so each round replaces about 1/SAMPLES_PER_LIFE of the pods.
  const initial: string[] = [];
  for (const n of nodes) {
    for (let i = 0; i < PODS_PER_NODE; i++) {
      const p = newPod();
      p.samples = i % SAMPLES_PER_LIFE;
      n.pods.push(p);
      initial.push(watchLine('ADDED', p, n.name, ++rv));
    }
  }
  await emit(initial);

  let lifecycles = 0;
  let nextSampleAt = 0;
  const sampleEvery = Math.max(1, Math.floor(LIFECYCLES / HEAP_SAMPLES));
  const samples: Array<{ x: number; heapMiB: number; rateEntities: number; known: number; podIndex: number }> = [];
  const started = process.cpuUsage();
  const wallStart = Date.now();
  const measure = async (): Promise<void> => {
    await pipeline.writer.flush();
    gc();
    gc();
    const counters = pipeline.counters();
    samples.push({ x: lifecycles, heapMiB: process.memoryUsage().heapUsed / 2 ** 20, rateEntities: counters.rateEntities, known: informer.status.objects, podIndex: pods.size.uids });
    if (process.env.KUBEPULSE_SOAK_TRACE === '1') process.stderr.write(`lifecycles=${lifecycles} ${JSON.stringify(samples.at(-1))}\n`);
  };
  await measure();
  while (lifecycles < LIFECYCLES) {
    // Pods that had their samples are deleted and replaced, as a ReplicaSet would.
    const events: string[] = [];
    for (const n of nodes) {
      for (let i = 0; i < n.pods.length; i++) {
        if (n.pods[i].samples < SAMPLES_PER_LIFE) continue;
        events.push(watchLine('DELETED', n.pods[i], n.name, ++rv));
        lifecycles++;
        const p = newPod();
        n.pods[i] = p;
        events.push(watchLine('ADDED', p, n.name, ++rv));
      }
    }
    await emit(events);
    tMs += STEP_MS;
    const timeIso = new Date(tMs).toISOString();
    for (const n of nodes) {
      let body = `{"node":${fill(nodeParts, n.name, '', '', timeIso)},"pods":[`;
      n.pods.forEach((p, i) => {
        body += (i ? ',' : '') + fill(parts, p.name, p.uid, p.startIso, timeIso);
        p.samples++;
      });
      body += ']}';
      await pipeline.ingest({ clusterId: CLUSTER_ID, cluster: 'soak-mem', node: n.name, source: 'summary', body: Buffer.from(body), scrapedAt: new Date(tMs), intervalMs: STEP_MS });
    }
    if (lifecycles >= nextSampleAt) {
      await measure();
      nextSampleAt = lifecycles + sampleEvery;
    }
  }
  if (samples.at(-1)!.x !== lifecycles) await measure();
  const cpu = process.cpuUsage(started);
  const wallS = (Date.now() - wallStart) / 1000;
  await informer.stop();
  await pipeline.flush();

  const after = samples.filter((s) => s.x >= LIFECYCLES * WARM_FRACTION);
  const perMillion = slope(after.map((s) => ({ x: s.x / 1e6, y: s.heapMiB })));
  const first = after[0];
  const last = samples.at(-1)!;
  const state = (s: typeof last) => `${s.rateEntities} rate entities, ${s.known} informer objects, ${s.podIndex} indexed pods`;
  const method = `${keepRates ? 'WITHOUT dropping rate state on pod delete (check run); ' : ''}collector state-holding classes in one process, no network: pod Informer on an in-memory watch stream, followPods (pod index + rate state drop), `
    + `KubeletPipeline (Summary decode, RateTracker, MetricWriter queue; rows discarded at write); ${NODES} nodes x ${PODS_PER_NODE} live pods, each pod added, sampled ${SAMPLES_PER_LIFE} times `
    + `(Summary shaped like the 1.35 fixture's pods, counters only: CPU, memory, network, one volume; ${STEP_MS / 1000} s of kubelet time apart), deleted and replaced; heapUsed after writer flush + full GC every ${sampleEvery} lifecycles, `
    + `least-squares slope over ${after.length} samples past the first ${WARM_FRACTION * 100} %; ${(cpu.user / 1e6 + cpu.system / 1e6).toFixed(0)} CPU s, ${wallS.toFixed(0)} s wall; `
    + `state after warm-up ${state(first)}, at the end ${state(last)}; heap ${first.heapMiB.toFixed(1)} → ${last.heapMiB.toFixed(1)} MiB; ${rowsDiscarded} metric rows`;
  return {
    soak_heap_growth_mib_per_million_lifecycles: { value: Number(perMillion.toFixed(2)), unit: 'MiB/1M lifecycles', method },
    soak_inprocess_pod_lifecycles: { value: lifecycles, unit: 'pods', method: `pods added, sampled ${SAMPLES_PER_LIFE} times and deleted in the in-process soak (${method.slice(0, 120)}…)` },
  };
}

// Run directly: node dist/bench/soak-lifecycles.js (KUBEPULSE_LIFECYCLES=100000 for a short look)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
