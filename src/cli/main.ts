// kubepulse command line: one file per command in this folder; this one only wires them to commander.
import { Command, Option } from 'commander';
import { packageVersion } from '../util/package-version.js';
// Types only (erased): each command's module is still loaded on demand by its action below.
import type { runCommand } from './run.js';
import type { demoCommand } from './demo.js';
import type { simCommand } from './sim.js';
import type { viewCommand } from './view.js';
import type { migrateCommand } from './migrate.js';
import type { statusCommand } from './status.js';
import type { InspectSource } from './inspect.js';
import type { reloadCommand } from './reload.js';

/** Commander hands the parsed flags untyped; each action states the options its command takes. */
type OptionsOf<F extends (o: never, ...rest: never[]) => unknown> = Parameters<F>[0];


// A reader that goes away (`kubepulse inspect … | head -1`) is no error: stop writing and exit quietly,
// as a command killed by SIGPIPE would, instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const program = new Command();
program.name('kubepulse').description('Real-time Kubernetes performance collector: clusters into PostgreSQL, shown live').version(packageVersion, '-V, --version');

program
  .command('run')
  .description('collect the clusters of the config (or the current kubeconfig context) into PostgreSQL')
  .option('-c, --config <file>', 'kubepulse.toml (default: $KUBEPULSE_CONFIG, else built-in defaults)')
  .option('--no-watchdog', 'run the worker in this process (for systemd, Windows services, Kubernetes)')
  .action(async (o: OptionsOf<typeof runCommand>) => exitNow(await (await import('./run.js')).runCommand(o)));

program
  .command('demo')
  .description('start embedded PostgreSQL and two simulated clusters, and collect them')
  .option('-c, --config <file>', 'optional kubepulse.toml for database/server/log settings')
  .option('--nodes <n>', 'nodes per simulated cluster', '3')
  .option('--pods-per-node <n>', 'pods per node', '8')
  .option('--no-watchdog', 'run the worker in this process')
  .action(async (o: OptionsOf<typeof demoCommand>) => exitNow(await (await import('./demo.js')).demoCommand(o)));

program
  .command('sim')
  .description('serve simulated clusters (API server + kubelets) and write a kubeconfig for them')
  .option('--nodes <n>', 'nodes per cluster', '3')
  .option('--pods-per-node <n>', 'pods per node', '10')
  .option('--clusters <n>', 'number of simulated clusters', '1')
  .option('--kubeconfig <path>', 'kubeconfig to write', '.kubepulse/sim.kubeconfig')
  .option('--seed <n>', 'seed of the simulated world', '1')
  .option('--kubernetes-version <v>', 'simulated Kubernetes version (1.24 … 1.35)')
  .option('--port <n>', 'API server port of the first cluster (0 = any free port)', '0')
  .option('--name <prefix>', 'cluster name prefix (clusters are <prefix>-1 … <prefix>-K)', 'sim')
  .option('--host <address>', 'address the API servers listen on', '127.0.0.1')
  .option('--faults <file>', 'JSON file of initial faults (see packages/sim/README.md)')
  .option('--pod-churn-ms <ms>', 'replace one deployment pod every this many ms (0 = off)')
  .option('--node-events-ms <ms>', 'a node event (NotReady, join, leave) every this many ms (0 = off)')
  .action(async (o: OptionsOf<typeof simCommand>) => {
    const { configureLogging } = await import('../log.js');
    configureLogging({ level: 'info' });
    exit(await (await import('./sim.js')).simCommand(o));
  });

program
  .command('view')
  .description('serve the viewer against the database alone (no collection)')
  .option('-c, --config <file>', 'kubepulse.toml (database and server settings)')
  .action(async (o: OptionsOf<typeof viewCommand>) => exitNow(await (await import('./view.js')).viewCommand(o)));

program
  .command('migrate')
  .description('apply the database migrations and exit')
  .option('-c, --config <file>', 'kubepulse.toml')
  .action(async (o: OptionsOf<typeof migrateCommand>) => exit(await (await import('./migrate.js')).migrateCommand(o)));

program
  .command('status')
  .description('status of the running collector (or, if none runs, of the database)')
  .option('-c, --config <file>', 'kubepulse.toml')
  .option('--json', 'print JSON')
  .action(async (o: OptionsOf<typeof statusCommand>) => exit(await (await import('./status.js')).statusCommand(o)));

program
  .command('inspect')
  .description('print the rows kubepulse would store from one kubelet payload')
  .addOption(new Option('--json', 'print JSON'))
  .option('--node <name>', 'node name for cAdvisor and resource payloads (they do not carry it)')
  .argument('<source>', 'summary | cadvisor | resource')
  .argument('<file>', "payload file, or '-' for stdin")
  .action(async (source: InspectSource, file: string, o: { json?: boolean; node?: string }) => exit(await (await import('./inspect.js')).inspectCommand(source, file, { json: o.json, nodeName: o.node })));

program
  .command('reload')
  .description('make the running collector re-read its config (clusters added, removed or changed); works on Windows too')
  .option('-c, --config <file>', 'kubepulse.toml (for the server address and token)')
  .action(async (o: OptionsOf<typeof reloadCommand>) => exit(await (await import('./reload.js')).reloadCommand(o)));

const config = program.command('config').description('configuration tools');
config
  .command('check')
  .description('validate a kubepulse.toml (and the kubeconfig contexts it names)')
  .argument('<file>')
  .action(async (file: string) => exit(await (await import('./config-check.js')).configCheckCommand(file)));

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`kubepulse ${packageVersion} (node ${process.version}, ${process.platform}/${process.arch})\n`);
  });

/** Long-running commands end the process once stopped: a leftover socket or timer must not keep it. */
function exitNow(code: number): void {
  setTimeout(() => process.exit(code), 100).unref();
  process.exitCode = code;
}

function exit(code: number | void): void {
  if (typeof code === 'number') process.exitCode = code;
}

program.parseAsync(process.argv).catch(async (e: Error) => {
  // A permanent error (a setting, a permission, a data folder another process owns) says its fix, exit 2.
  const { classifyStartError, PERMANENT_EXIT_CODE } = await import('../supervisor/permanent-error.js');
  const c = classifyStartError(e);
  process.stderr.write(`kubepulse: ${c.message}\n`);
  process.exitCode = c.permanent ? PERMANENT_EXIT_CODE : 1;
});
