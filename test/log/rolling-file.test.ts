// The log file rolled by pino-roll: through pino and the secret scrubber, past file_max_size the
// transport opens the next numbered file, keeps at most file_max_files, loses no line across rolls, the
// configured path follows the file being written, and every file is 0600 in a 0700 folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { RollingLogFile, rollNames } from '../../src/log/rolling-file.js';
import { buildConfig } from '../../src/config/load.js';
import { waitFor } from '../helpers/wait.js';

function end(stream: RollingLogFile): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
    stream.end();
  });
}

const numbered = (dir: string) => readdirSync(dir).filter((f) => /^kubepulse\.\d+\.log$/.test(f)).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));

test('rollNames splits the configured path into the base and extension the transport numbers between', () => {
  assert.deepEqual(rollNames('/var/log/kubepulse/kubepulse.log'), { base: '/var/log/kubepulse/kubepulse', extension: '.log' });
  assert.deepEqual(rollNames('logs/collector'), { base: 'logs/collector', extension: '.log' });
});

test('lines written through pino roll into numbered files past the size; nothing is lost while rolling', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'kp-roll-')), 'logs');
  const path = join(dir, 'kubepulse.log');
  // The config keys that size the files are what the transport is given.
  const cfg = buildConfig({ log: { file: path, file_max_size: '4KiB', file_max_files: 100 } }, 'test', {});
  const file = new RollingLogFile(cfg.log.file, cfg.log.file_max_size, cfg.log.file_max_files);
  const logger = pino({ base: null }, file);
  const lines = 400;
  for (let i = 0; i < lines; i++) {
    // One burst, as a busy collector can log: the files still roll at their size.
    logger.info({ i, pad: 'x'.repeat(60) }, 'line');
  }
  await end(file);

  const files = numbered(dir);
  // About 40 KiB of lines in 4 KiB files: it rolled, many times.
  assert.ok(files.length >= 8, `rolled into ${files.length} files: ${files.join(', ')}`);
  const seen: number[] = [];
  for (const f of files) {
    const st = statSync(join(dir, f));
    assert.equal(st.mode & 0o777, 0o600, `${f} is 0600`);
    const fileLines = readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l);
    // A file passes its size by at most the line that crossed it and the one already handed over, however
    // busy the machine (the stream hands the transport one line at a time).
    const longest = Math.max(...fileLines.map((l) => Buffer.byteLength(l) + 1));
    assert.ok(st.size < 4096 + 2 * longest, `${f} holds ${st.size} bytes (lines up to ${longest})`);
    for (const l of fileLines) seen.push((JSON.parse(l) as { i: number }).i);
  }
  assert.deepEqual(seen, Array.from({ length: lines }, (_, i) => i), 'every line once, in order, across the files');
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the folder is 0700');
  assert.ok(lstatSync(path).isSymbolicLink(), 'the configured path is a link');
  assert.equal(readlinkSync(path), files[files.length - 1], 'to the file written last');
});

test('at most file_max_files files stay, those of earlier runs included; an old plain file is kept as number 0', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'kp-roll-')), 'logs');
  const path = join(dir, 'kubepulse.log');
  const first = new RollingLogFile(path, 1024, 3);
  const firstLogger = pino({ base: null }, first);
  for (let i = 0; i < 200; i++) firstLogger.info({ run: 1, i, pad: 'y'.repeat(40) }, 'line');
  await end(first);
  await waitFor(() => numbered(dir).length <= 3, 'old files removed', 5000);

  // The previous rotator's file at the configured path: renamed to number 0, then rolled away like any other.
  const plainDir = join(mkdtempSync(join(tmpdir(), 'kp-roll-')), 'logs');
  mkdirSync(plainDir, { mode: 0o700 });
  const plainPath = join(plainDir, 'kubepulse.log');
  writeFileSync(plainPath, '{"old":true}\n', { mode: 0o600 });
  const second = new RollingLogFile(plainPath, 1024 * 1024, 3);
  pino({ base: null }, second).info('new run');
  await end(second);
  assert.equal(readFileSync(join(plainDir, 'kubepulse.0.log'), 'utf8'), '{"old":true}\n');
  assert.match(readFileSync(plainPath, 'utf8'), /"msg":"new run"/);

  // A second run continues the numbering and the limit counts its predecessor's files.
  const again = new RollingLogFile(path, 1024, 3);
  const againLogger = pino({ base: null }, again);
  for (let i = 0; i < 200; i++) againLogger.info({ run: 2, i, pad: 'z'.repeat(40) }, 'line');
  await end(again);
  await waitFor(() => numbered(dir).length <= 3, 'old files removed across runs', 5000);
  const left = numbered(dir);
  assert.ok(left.length >= 2, `the newest files stay: ${left.join(', ')}`);
  // The newest file may be the empty one opened when the last line crossed the size.
  const kept = left.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l))
    .map((l) => JSON.parse(l) as { run: number; i: number });
  assert.ok(kept.length > 0, `lines kept in ${left.join(', ')}`);
  assert.equal(kept[kept.length - 1].run, 2);
  assert.equal(kept[kept.length - 1].i, 199, 'the last line of the second run is in the newest files');
});
