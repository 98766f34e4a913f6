// The viewer's HTTP API as a client meets it: its GET endpoints answer 405 (with Allow) to POST, PUT and
// DELETE instead of serving them; POST /api/reload keeps working and its GET is 405; the bearer scheme
// is matched case-insensitively (RFC 7235), a wrong token is still 401. And the status's health fields
// heal: "reachable again" only on a success after the last failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HttpServer } from '../../src/server/http-server.js';
import { DatabaseReachability } from '../../src/store/database-reachability.js';
import { configureLogging } from '../../src/log.js';

let server: HttpServer;
let base: string;
const TOKEN = 'a-test-token-1234';

before(async () => {
  configureLogging({ level: 'silent', console: 'off' });
  server = new HttpServer({ listen: '127.0.0.1:0', token: TOKEN });
  server.route('/api/overview', () => ({ json: { ok: true } }));
  server.prefix('/api/nodes/', () => ({ json: { node: true } }));
  server.route('/api/reload', () => ({ json: { reloaded: true } }), { methods: ['POST'] });
  base = `http://${await server.start()}`;
});

after(async () => {
  await server.stop();
});

const auth = { authorization: `Bearer ${TOKEN}` };

test('GET endpoints answer 405 with Allow to other methods', async () => {
  for (const path of ['/api/overview', '/api/nodes/x']) {
    assert.equal((await fetch(base + path, { headers: auth })).status, 200);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await fetch(base + path, { method, headers: auth });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.get('allow'), 'GET, HEAD');
      assert.match(((await r.json()) as { error: string }).error, new RegExp(`^method ${method} not allowed on ${path}`));
    }
  }
  assert.equal((await fetch(`${base}/api/reload`, { method: 'POST', headers: auth })).status, 200);
  const get = await fetch(`${base}/api/reload`, { headers: auth });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
});

test('the bearer scheme is case-insensitive; a wrong or missing token is 401', async () => {
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    assert.equal((await fetch(`${base}/api/overview`, { headers: { authorization: `${scheme} ${TOKEN}` } })).status, 200, scheme);
  }
  assert.equal((await fetch(`${base}/api/overview`, { headers: { authorization: 'bearer wrong-token-12345' } })).status, 401);
  assert.equal((await fetch(`${base}/api/overview`, { headers: { authorization: `Basic ${TOKEN}` } })).status, 401);
  assert.equal((await fetch(`${base}/api/overview`)).status, 401);
});

test('a success from before the last failure does not make the database reachable again', () => {
  const r = new DatabaseReachability();
  const beforeOutage = Date.now() - 1000;
  r.noteWrite(true, 3, undefined, beforeOutage);
  assert.equal(r.state, 'connected');
  r.noteWrite(false, 0, 'connect ECONNREFUSED');
  assert.equal(r.state, 'unreachable');
  // The writer's last good write, read after the outage began: ignored.
  r.noteWrite(true, 3, undefined, beforeOutage);
  assert.equal(r.state, 'unreachable');
  assert.equal(r.lastError, 'connect ECONNREFUSED');
  // A write that succeeds now: back, and the error is cleared.
  r.noteWrite(true, 4, undefined, Date.now() + 1);
  assert.equal(r.state, 'connected');
  assert.equal(r.lastError, null);
});
