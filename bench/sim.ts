// Simulator benchmarks: start time and memory of one 5,000-node / 150,000-pod cluster, in a child
// process so the figures are the simulator's alone. (Kubelet render times: bench/sim-kubelet.ts.)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figure.js';

const simIndexUrl = import.meta.resolve('@kubepulse/sim');

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

export async function run(): Promise<Figures> {
  const big = await startInChild(5000, 30);
  return {
    sim_start_s_5000_nodes: { value: Number(big.startS.toFixed(2)), unit: 's', method: `startSim() of 5,000 nodes x 30 pods (${big.pods} pods, direct kubelet listeners, PKI) in a fresh node process, once` },
    sim_rss_mib_5000_nodes: { value: Math.round(big.rssMiB), unit: 'MiB', method: 'resident memory of that child process right after start (after a forced GC)' },
  };
}

// Run directly: node dist/bench/sim.js
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then((f) => console.log(JSON.stringify(f, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
