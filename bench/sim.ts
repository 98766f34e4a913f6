// Simulator benchmarks: start time and memory of one 5,000-node / 150,000-pod cluster (in a child
// process, so the figures are the simulator's alone), and the time to render one 110-pod node's summary
// and cAdvisor page (first render of each kubelet, i.e. uncached, over several nodes; median).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Figures } from './figure.js';
import { World } from '../src/sim/model/world.js';
import { seedWorld } from '../src/sim/model/seed.js';
import { createKubelet } from '../src/sim/kubelet/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const simIndexUrl = pathToFileURL(join(here, '../src/sim/index.js')).href;

interface ChildFigures { startS: number; rssMiB: number; pods: number }

/** Starts the simulator in a fresh node process and reports its start time and resident memory. */
function startInChild(nodes: number, podsPerNode: number): Promise<ChildFigures> {
  const script = `
    import { startSim } from ${JSON.stringify(simIndexUrl)};
    const t0 = performance.now();
    const sim = await startSim({ name: 'bench', nodes: ${nodes}, podsPerNode: ${podsPerNode}, seed: 1, podChurnIntervalMs: 0 });
    const startS = (performance.now() - t0) / 1000;
    globalThis.gc?.();
    const rssMiB = process.memoryUsage().rss / 1048576;
    process.stdout.write(JSON.stringify({ startS, rssMiB, pods: sim.stats().pods }) + '\\n');
    await sim.stop();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"startS"'));
      if (code !== 0 || !line) return reject(new Error(`simulator child exited with ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(line) as ChildFigures);
    });
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Renders each of `nodes` 110-pod kubelets once per path (first render: nothing cached for that kubelet). */
function renderTimes(nodes: number, path: string): number[] {
  const world = new World({ name: 'bench-render', seed: 3, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 1000, eventCapacity: 100, now: Date.now });
  seedWorld(world, { nodes, podsPerNode: 110, nodeAddress: (i) => `127.0.9.${i + 1}`, kubeletPort: () => 10250 });
  const times: number[] = [];
  for (const name of world.nodes.keys()) {
    const k = createKubelet(() => world.nodeView(name)!, { containerRestarted: () => {} });
    const t0 = performance.now();
    const r = k.serve(path);
    times.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`render ${path} on ${name}: status ${r.status}`);
    k.dispose();
  }
  world.stop();
  return times;
}

export async function run(): Promise<Figures> {
  const big = await startInChild(5000, 30);
  const summary = median(renderTimes(9, '/stats/summary'));
  const cadvisor = median(renderTimes(9, '/metrics/cadvisor'));
  return {
    sim_start_s_5000_nodes: { value: Number(big.startS.toFixed(2)), unit: 's', method: `startSim() of 5,000 nodes x 30 pods (${big.pods} pods, direct kubelet listeners, PKI) in a fresh node process, once` },
    sim_rss_mib_5000_nodes: { value: Math.round(big.rssMiB), unit: 'MiB', method: 'resident memory of that child process right after start (after a forced GC)' },
    sim_summary_render_ms_110_pods: { value: Number(summary.toFixed(2)), unit: 'ms', method: 'median over 9 nodes of the first /stats/summary render of a 110-pod node (no cached sample)' },
    sim_cadvisor_render_ms_110_pods: { value: Number(cadvisor.toFixed(2)), unit: 'ms', method: 'median over 9 nodes of the first /metrics/cadvisor render of a 110-pod node (no cached labels)' },
  };
}

// Run directly: node dist/bench/sim.js
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
