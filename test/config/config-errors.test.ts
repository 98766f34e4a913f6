// Every problem of a config at once, each naming its key and what is allowed: schema errors together
// with duplicate cluster names and unknown kinds, a per-kind resync below its minimum named with the
// minimum, a port out of range; and `config check` adds what only the machine can tell (files, addresses,
// folders).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { configCheckCommand } from '../../src/cli/config-check.js';

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, 'k.toml', {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const sink = (f: (s: string) => void) => new Writable({ write: (c: Buffer, _e, cb) => (f(c.toString()), cb()) });

test('schema errors, duplicate cluster names and unknown kinds are reported together', () => {
  const p = problemsOf('[collection]\nscrape_concurrency = "many"\n[[clusters]]\nname = "a"\n[clusters.kinds]\nsecrets = false\n[[clusters]]\nname = "a"\n');
  assert.equal(p.length, 3, p.join('\n'));
  assert.match(p[0], /^k\.toml: collection\.scrape_concurrency: /);
  assert.match(p[1], /^k\.toml: clusters\[0\]\.kinds\.secrets: unknown kind \(known: namespace, /);
  assert.equal(p[2], 'k.toml: clusters[1].name: duplicate cluster name "a"');
});

test('a per-kind resync below its minimum names the minimum; a wrong type says what is allowed', () => {
  assert.deepEqual(problemsOf('[[clusters]]\nname = "a"\n[clusters.kinds]\npod = "5s"\n'), ['k.toml: clusters[0].kinds.pod: 5s is shorter than the minimum resync interval 10s']);
  assert.match(problemsOf('[[clusters]]\nname = "a"\n[clusters.kinds]\npod = 5\n')[0], /^k\.toml: clusters\[0\]\.kinds\.pod: expected true, false or a resync interval such as "5m" \(at least 10s\), got 5$/);
  assert.deepEqual(problemsOf('[[clusters]]\nname = "a"\n[clusters.kinds]\npod = "2m"\nevent = false\n'), []);
});

test('a listen port above 65535 is refused', () => {
  assert.deepEqual(problemsOf('[server]\nlisten = "127.0.0.1:99999"\n'), ['k.toml: server.listen: port must be from 0 to 65535 (0: any free port)']);
});

test('config check reports a missing kubeconfig, an address of no interface and an unusable data folder together', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-check-'));
  try {
    writeFileSync(join(dir, 'stray'), 'x');
    const file = join(dir, 'k.toml');
    writeFileSync(file, `[server]\nlisten = "192.0.2.1:7700"\ntoken = "a-long-token"\n[database]\ndata_dir = ${JSON.stringify(dir)}\n[[clusters]]\nname = "a"\nkubeconfig = ${JSON.stringify(join(dir, 'missing.kubeconfig'))}\n`);
    let out = '';
    let err = '';
    const code = await configCheckCommand(file, sink((s) => (out += s)), sink((s) => (err += s)));
    assert.equal(code, 2, err);
    assert.equal(out, '');
    assert.match(err, /clusters\[0\]\.kubeconfig: cannot load .*missing\.kubeconfig: ENOENT/);
    assert.match(err, /server\.listen: 192\.0\.2\.1:7700: no such local address/);
    assert.match(err, /database\.data_dir: .* (is not empty but holds no PostgreSQL cluster|which cannot enter)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
