// A stand-in worker for the watchdog tests (not a test file itself): speaks the real worker protocol
// (startWorkerLink), writes what the supervisor told it (restart count and reasons) to a file, then
// misbehaves as WATCHDOG_TEST_MODE asks on its first start only — the restarted worker behaves.
import { renameSync, writeFileSync } from 'node:fs';
import { startWorkerLink, workerRestartInfo } from '../../src/supervisor/worker.js';

const mode = process.env.WATCHDOG_TEST_MODE ?? 'ok';
if (!process.env.WATCHDOG_TEST_OUT) throw new Error('watchdog-worker: WATCHDOG_TEST_OUT (the file to report to) is not set');
const info = workerRestartInfo();
const hold: Buffer[] = [];
const stop = startWorkerLink(() => {
  stop();
  process.exit(0);
}, 200);
// Written aside, then renamed: the test waits for the file to exist and must never read half of it.
const report = `${process.env.WATCHDOG_TEST_OUT}.${info.restarts}`;
writeFileSync(`${report}.tmp`, JSON.stringify({ pid: process.pid, mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null, ...info }));
renameSync(`${report}.tmp`, report);
if (info.restarts === 0) {
  if (mode === 'block') {
    setTimeout(() => {
      // A hung event loop: no heartbeat can be sent from here on.
      for (;;) {
        /* spin */
      }
    }, 500);
  } else if (mode === 'memory') {
    // Touched memory (alloc fills it) counts in RSS: grow by 16 MiB per tick up to 160 MiB more, far
    // over the test's cap, without blocking the loop (heartbeats keep coming: this is not a hang).
    const grow = setInterval(() => {
      hold.push(Buffer.alloc(16 * 2 ** 20, 1));
      if (hold.length >= 10) clearInterval(grow);
    }, 100);
  } else if (mode === 'crash') {
    setTimeout(() => process.exit(3), 300);
  }
}
// Stay alive until told to stop.
setInterval(() => undefined, 60_000);
