// `npm run bench`: runs every benchmark module and writes bench/results/latest.json, an object keyed by
// figure name ({ value, unit, method }). `npm run bench -- decode ingest` runs only the named modules.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figure.js';
import { configureLogging } from '../src/log.js';

// Benchmarks print their figures; the modules' own logs (embedded PostgreSQL, simulators) stay quiet.
configureLogging({ level: 'error', console: 'json' });

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = resolve(root, 'bench/results/latest.json');

/** Benchmark modules in the order they run (cheap first). Each exports run(): Promise<Figures>. */
const MODULES = ['decode', 'history-codec', 'storage-layout', 'history', 'rollup-cost', 'history-sim', 'history-viewer', 'sim-kubelet', 'ingest', 'sim', 'informer-resilience', 'inventory', 'collector', 'db-growth', 'prometheus', 'viewer', 'viewer-live', 'soak-lifecycles', 'soak', 'group'];

const only = process.argv.slice(2);
const figures: Figures = {};
const failed: string[] = [];
for (const name of MODULES) {
  if (only.length && !only.includes(name)) continue;
  const file = resolve(here, `${name}.js`);
  if (!existsSync(file)) continue;
  process.stdout.write(`bench ${name} …\n`);
  const started = Date.now();
  const mod = (await import(file)) as { run: () => Promise<Figures> };
  let got: Figures;
  try {
    got = await mod.run();
  } catch (e) {
    // One failing benchmark must not lose the figures of the others.
    process.stdout.write(`  FAILED: ${(e as Error).message}\n`);
    failed.push(name);
    continue;
  }
  for (const [k, v] of Object.entries(got)) {
    figures[k] = v;
    process.stdout.write(`  ${k} = ${v.value} ${v.unit}\n`);
  }
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
mkdirSync(dirname(out), { recursive: true });
// Merge with what is there now (not at start): separate runs of single modules (`npm run bench -- soak`)
// may overlap, and each keeps the others' figures.
const previous: Figures = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Figures) : {};
writeFileSync(out, JSON.stringify({ ...previous, ...figures }, null, 2) + '\n');
process.stdout.write(`wrote ${out}${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`);
if (failed.length) process.exitCode = 1;
