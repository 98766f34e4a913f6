// There is no Docker engine to build deploy/Dockerfile here, so its recipe is checked against the
// repository: every path it copies from the build context exists, the build stage runs the package's whole
// build (the viewer bundle included: an image without dist/ui answers "The viewer is not built"), and the
// runtime stage holds everything the npm package ships (package.json "files") plus the simulator package
// the demo imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

interface Instruction { stage: number; op: string; args: string }

/** Pure: the instructions of a Dockerfile (continuation lines joined, comments dropped), numbered by stage. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of joined) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile line not understood: ${line}`);
    if (m[1] === 'FROM') stage++;
    out.push({ stage, op: m[1], args: m[2].replace(/\s+/g, ' ') });
  }
  return out;
}

const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[]; engines: { node: string } };
const copies = (stage: number, fromBuild: boolean) =>
  dockerfile.filter((i) => i.stage === stage && i.op === 'COPY' && i.args.startsWith('--from=') === fromBuild).map((i) => {
    const parts = i.args.replace(/^--from=\S+ /, '').split(' ');
    return { sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
  });

test('the Dockerfile parses into a build stage and a runtime stage', () => {
  assert.equal(dockerfile.filter((i) => i.op === 'FROM').length, 2);
  assert.throws(() => parseDockerfile('FROM x\nthis is not an instruction'), /not understood: this is not/);
});

test('every path the Dockerfile copies from the build context exists', () => {
  const sources = [0, 1].flatMap((s) => copies(s, false)).flatMap((c) => c.sources);
  assert.ok(sources.length >= 8, `context copies found (${sources.length})`);
  for (const s of sources) assert.ok(existsSync(join(REPO_ROOT, s)), `COPY ${s}: exists in the repository`);
});

test('the build stage runs the whole build, the viewer bundle included', () => {
  assert.match(pkg.scripts.build, /scripts\/build-ui\.mjs/, 'npm run build bundles the viewer');
  assert.match(pkg.scripts.build, /tsc -b/, 'npm run build compiles the simulator package first');
  const runs = dockerfile.filter((i) => i.stage === 0 && i.op === 'RUN').map((i) => i.args);
  assert.ok(runs.some((r) => /\bnpm run build\b/.test(r)), `a RUN of npm run build (runs: ${runs.join(' | ')})`);
  // What the build reads must be in the build stage: its config, the sources, the scripts it runs.
  const inBuild = new Set(copies(0, false).flatMap((c) => c.sources));
  for (const needed of ['tsconfig.json', 'src', 'scripts', 'packages/sim', 'package-lock.json']) assert.ok(inBuild.has(needed), `the build stage copies ${needed}`);
});

test('the runtime stage holds what the npm package ships and the simulator the demo imports', () => {
  const runtime = copies(1, true).flatMap((c) => c.sources.map((s) => s.replace(/^\/src\//, '').replace(/\/$/, '')));
  const context = copies(1, false).flatMap((c) => c.sources.map((s) => s.replace(/\/$/, '')));
  const has = (p: string) => runtime.includes(p) || context.includes(p);
  for (const f of pkg.files.map((x) => x.replace(/\/$/, '')).filter((x) => x !== 'docs')) assert.ok(has(f), `the image holds ${f} (package.json "files")`);
  for (const f of ['package.json', 'node_modules', 'packages/sim/package.json', 'packages/sim/dist/src']) assert.ok(has(f), `the image holds ${f}`);
  assert.match(dockerfile.find((i) => i.op === 'ENTRYPOINT')!.args, /bin\/kubepulse\.js/);
});

test('the image\'s Node major is one the package supports', () => {
  const majors = dockerfile.filter((i) => i.op === 'FROM').map((i) => Number(/node:(\d+)/.exec(i.args)?.[1]));
  const min = Number(/>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);
  for (const m of majors) assert.ok(m >= min && m % 2 === 0, `node:${m} is an LTS line the engines field (${pkg.engines.node}) admits`);
});
