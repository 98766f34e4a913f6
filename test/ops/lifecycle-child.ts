// A stand-in process for the platform tests (not a test file itself): installs the real stop and reload
// handlers of src/cli/lifecycle.ts, which pick their signals from src/platform, and says on stdout what
// they did. LIFECYCLE_STOP_MS makes the stop slow, to send a second signal during it.
import { configureLogging } from '../../src/log.js';
import { onReloadSignal, onStopSignal } from '../../src/cli/lifecycle.js';

configureLogging({ level: 'silent', console: 'off', file: '' });
const stopMs = Number(process.env.LIFECYCLE_STOP_MS ?? 0);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
let reloads = 0;
onReloadSignal(async () => say(`reload ${++reloads}`));
const alive = setInterval(() => undefined, 60_000);
// 'ready' only once the stop handlers are installed (onStopSignal installs them before its first await): a
// pipe write is synchronous, so the test could otherwise signal a child preempted between the two.
const stopped = onStopSignal(async () => {
  say('stopping');
  await new Promise((r) => setTimeout(r, stopMs));
  say('stopped');
});
say('ready');
const code = await stopped;
clearInterval(alive);
process.exitCode = code;
