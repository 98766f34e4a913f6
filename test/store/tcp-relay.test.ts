// The relay the group harness puts between each member and the database (test/helpers/tcp-relay.ts), against
// a real TCP echo server: bytes pass; 'refuse' closes open connections and new ones as they open; 'blackhole'
// passes nothing and answers nothing while holding connections open; heal() lets new connections through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { startTcpRelay } from '../helpers/tcp-relay.js';

async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** Connects, sends `text`, resolves with what came back within `ms`, or with how the connection ended. */
function roundTrip(port: number, text: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = (what: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve(what);
    };
    const timer = setTimeout(() => done(got || 'silence'), ms);
    s.on('connect', () => s.write(text));
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (got === text) done(got);
    });
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    s.on('close', () => done(got || 'closed'));
  });
}

test('the relay passes bytes, refuses or swallows them while partitioned, and passes them again once healed', async (t) => {
  const echo = await echoServer();
  t.after(() => echo.close());
  const relay = await startTcpRelay(echo.port);
  t.after(() => relay.close());

  assert.equal(await roundTrip(relay.port, 'hello', 5000), 'hello');

  // An open connection is closed by 'refuse'.
  const held = connect(relay.port, '127.0.0.1');
  await once(held, 'connect');
  const ended = new Promise<string>((r) => {
    held.on('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
    held.on('close', () => r('closed'));
  });
  relay.partition('refuse');
  assert.match(await ended, /ECONNRESET|closed/);
  assert.match(await roundTrip(relay.port, 'refused?', 5000), /ECONNRESET|closed/);

  relay.partition('blackhole');
  assert.equal(await roundTrip(relay.port, 'anyone?', 500), 'silence');

  relay.heal();
  assert.equal(await roundTrip(relay.port, 'back', 5000), 'back');
});

test('a blackhole holds an open connection silent instead of closing it', async (t) => {
  const echo = await echoServer();
  t.after(() => echo.close());
  const relay = await startTcpRelay(echo.port);
  t.after(() => relay.close());

  const s = connect(relay.port, '127.0.0.1');
  await once(s, 'connect');
  let got = '';
  let closed = false;
  s.on('data', (d: Buffer) => (got += d.toString()));
  s.on('close', () => (closed = true));
  s.on('error', () => undefined);
  s.write('one');
  for (let i = 0; i < 50 && got !== 'one'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(got, 'one');
  relay.partition('blackhole');
  s.write('two');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(got, 'one', 'nothing more arrives');
  assert.equal(closed, false, 'and the connection is not closed');
  s.destroy();
});

test('holdWhen holds the connection whose bytes contain the text, after passing them, and leaves the others alone', async (t) => {
  const echo = await echoServer();
  t.after(() => echo.close());
  const relay = await startTcpRelay(echo.port);
  t.after(() => relay.close());
  const hold = relay.holdWhen('COPY x FROM STDIN');
  // Other statements pass while the hold is armed; the matching one reaches the server, nothing comes back.
  assert.equal(await roundTrip(relay.port, 'SELECT 1', 2_000), 'SELECT 1');
  assert.equal(await roundTrip(relay.port, 'COPY x FROM STDIN', 500), 'silence');
  await hold.held;
  assert.equal(await roundTrip(relay.port, 'SELECT 2', 2_000), 'SELECT 2');
  hold.release();
  assert.equal(await roundTrip(relay.port, 'COPY x FROM STDIN', 2_000), 'COPY x FROM STDIN', 'released: nothing is held any more');
});
