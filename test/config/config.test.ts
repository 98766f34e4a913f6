import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config/load.js';
import { configSchema, effectiveCollection, parseDurationMs } from '../../src/config/schema.js';
import { configCheckCommand } from '../../src/cli/config-check.js';
import { REPO_ROOT } from '../helpers/paths.js';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigText(text, 'k.toml', env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${(e as Error).message}`);
    return e.problems;
  }
  assert.fail('config was accepted');
}

test('a valid file gives typed values with defaults filled in', () => {
  const cfg = parseConfigText(
    `[server]\nlisten = "127.0.0.1:7711"\n[collection]\nsummary_interval = "20s"\n[[clusters]]\nname = "prod"\ncontext = "prod-admin"\ncadvisor_interval = "1m"\n[clusters.kinds]\nevent = false\npod = "5m"\n`,
    'k.toml',
    {},
  );
  assert.equal(cfg.server.listen, '127.0.0.1:7711');
  assert.equal(cfg.collection.summary_interval, 20_000);
  assert.equal(cfg.collection.scrape_concurrency, 32);
  assert.equal(cfg.clusters[0].name, 'prod');
  assert.equal(cfg.clusters[0].kinds.event, false);
  assert.equal(cfg.clusters[0].kinds.pod, 300_000, 'a kind may carry its own resync interval');
  const eff = effectiveCollection(cfg, cfg.clusters[0]);
  assert.equal(eff.summary_interval, 20_000, 'inherits [collection]');
  assert.equal(eff.cadvisor_interval, 60_000, 'cluster override wins');
  assert.equal(cfg.retention.raw, 7 * 86_400_000);
  assert.equal(cfg.log.file_max_size, 20 * 2 ** 20);
});

test('bad TOML names the line and column', () => {
  const p = problemsOf('[server]\nlisten = "127.0.0.1:7700\n');
  assert.equal(p.length, 1);
  assert.match(p[0], /^k\.toml:2:\d+: invalid TOML/);
});

test('an unknown key is rejected with its full path', () => {
  assert.deepEqual(problemsOf('[collection]\nsumary_interval = "15s"\n'), ['k.toml: unknown key collection.sumary_interval']);
  assert.deepEqual(problemsOf('[[clusters]]\nname = "a"\ncontxt = "x"\n'), ['k.toml: unknown key clusters[0].contxt']);
});

test('a wrong type names the key and what was expected', () => {
  const p = problemsOf('[collection]\nscrape_concurrency = "many"\n');
  assert.equal(p.length, 1);
  assert.match(p[0], /^k\.toml: collection\.scrape_concurrency: .*expected number, received string/);
  assert.match(problemsOf('[collection]\nsummary_interval = "fast"\n')[0], /collection\.summary_interval: invalid duration "fast"/);
  assert.match(problemsOf('[collection]\nkubelet_access = "ssh"\n')[0], /collection\.kubelet_access: .*"proxy"|"direct"/);
});

test('an unknown inventory kind is named', () => {
  assert.match(problemsOf('[[clusters]]\nname = "a"\n[clusters.kinds]\nsecrets = false\n')[0], /^k\.toml: clusters\[0\]\.kinds\.secrets: unknown kind \(known: namespace, node, pod/);
});

test('a cluster entry without its name, or a duplicate, is rejected', () => {
  assert.deepEqual(problemsOf('[[clusters]]\ncontext = "prod"\n'), ['k.toml: clusters[0].name: required key is missing']);
  assert.deepEqual(problemsOf('[[clusters]]\nname = "a"\n[[clusters]]\nname = "a"\n'), ['k.toml: clusters[1].name: duplicate cluster name "a"']);
});

test('binding off loopback without a token is refused', () => {
  assert.deepEqual(problemsOf('[server]\nlisten = "0.0.0.0:7700"\n'), ['k.toml: server.token: required when server.listen (0.0.0.0:7700) is not a loopback address']);
  const ok = parseConfigText('[server]\nlisten = "0.0.0.0:7700"\ntoken = "s3cret-token"\n', 'k.toml', {});
  assert.equal(ok.server.token, 's3cret-token');
});

test('environment variables override the file and are named in errors', () => {
  const cfg = parseConfigText('[collection]\nsummary_interval = "15s"\n', 'k.toml', {
    KUBEPULSE_COLLECTION__SUMMARY_INTERVAL: '30s',
    KUBEPULSE_DATABASE__URL: 'postgres://u:p@db:5432/kp',
    KUBEPULSE_DATABASE__POOL_SIZE: '4',
    KUBEPULSE_LOG__MODULES__METRICS: 'debug',
  });
  assert.equal(cfg.collection.summary_interval, 30_000);
  assert.equal(cfg.database.url, 'postgres://u:p@db:5432/kp');
  assert.equal(cfg.database.pool_size, 4);
  assert.equal(cfg.log.modules.metrics, 'debug');
  const p = problemsOf('', { KUBEPULSE_COLLECTION__SCRAPE_TIMEOUT: 'soon' });
  assert.match(p[0], /^KUBEPULSE_COLLECTION__SCRAPE_TIMEOUT \(over k\.toml\): collection\.scrape_timeout: invalid duration/);
  assert.match(problemsOf('', { KUBEPULSE_NOPE__X: '1' })[0], /^KUBEPULSE_NOPE__X \(over k\.toml\): unknown key nope/);
});

test('durations parse with units and reject the rest', () => {
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('1.5m'), 90_000);
  assert.equal(parseDurationMs('7d'), 604_800_000);
  assert.throws(() => parseDurationMs('15'), /invalid duration "15"/);
});

test('kubepulse.example.toml parses and names every key of the schema', () => {
  const text = readFileSync(join(REPO_ROOT, 'kubepulse.example.toml'), 'utf8');
  const cfg = parseConfigText(text, 'kubepulse.example.toml', {});
  // Every key the schema produces (with defaults filled) must appear in the example, set or commented.
  const full = configSchema.parse({ clusters: [{ name: 'x' }] });
  const keys = new Set<string>();
  const walk = (o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) {
      keys.add(k);
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>);
      if (Array.isArray(v)) v.forEach((x) => typeof x === 'object' && walk(x as Record<string, unknown>));
    }
  };
  walk(full);
  const missing = [...keys].filter((k) => !new RegExp(`^#?\\s*${k}\\s*=|^\\[{1,2}[\\w.]*\\b${k}\\]{1,2}`, 'm').test(text));
  assert.deepEqual(missing, [], `keys not documented in the example: ${missing.join(', ')}`);
  assert.equal(cfg.clusters.length, 1);
});

test('config check reports a context missing from the kubeconfig', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-cfg-'));
  const kubeconfig = join(dir, 'kc.yaml');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:6443"}\nusers:\n- name: u\n  user: {token: abc}\ncontexts:\n- name: real\n  context: {cluster: c, user: u}\ncurrent-context: real\n',
  );
  const file = join(dir, 'k.toml');
  writeFileSync(file, `[[clusters]]\nname = "a"\nkubeconfig = ${JSON.stringify(kubeconfig)}\ncontext = "ghost"\n`);
  let err = '';
  let out = '';
  const sink = (f: (s: string) => void) => ({ write: (s: string) => (f(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await configCheckCommand(file, sink((s) => (out += s)), sink((s) => (err += s)));
  assert.equal(code, 2);
  assert.match(err, /clusters\[0\]\.context: context "ghost" not found .*known: real/);
  writeFileSync(file, `[[clusters]]\nname = "a"\nkubeconfig = ${JSON.stringify(kubeconfig)}\ncontext = "real"\n`);
  assert.equal(await configCheckCommand(file, sink((s) => (out += s)), sink((s) => (err += s))), 0);
  assert.match(out, /OK \(1 cluster, embedded database\)/);
  assert.throws(() => loadConfig(join(dir, 'missing.toml'), {}), /missing\.toml: cannot read: ENOENT/);
});

test('metric rows are flushed every 5 s by default; flush_interval takes a duration of 100 ms or more, never 0', () => {
  assert.equal(parseConfigText('', 'k.toml', {}).database.flush_interval, 5_000);
  assert.equal(parseConfigText('[database]\nflush_interval = "500ms"\n', 'k.toml', {}).database.flush_interval, 500);
  assert.match(problemsOf('[database]\nflush_interval = "0s"\n')[0], /database\.flush_interval: flush_interval must be more than 0/);
  assert.match(problemsOf('[database]\nflush_interval = "10ms"\n')[0], /database\.flush_interval: 10ms is shorter than the minimum 100ms/);
  assert.match(problemsOf('[database]\nflush_interval = 5\n')[0], /database\.flush_interval/);
});

test('a database pool of two connections is refused, naming why (maintenance needs three at once)', () => {
  const problems = problemsOf('[database]\npool_size = 2\n');
  assert.equal(problems.length, 1, problems.join('; '));
  assert.match(problems[0], /pool_size/);
  assert.match(problems[0], /at least 3: the maintenance pass holds one connection for its lock/);
  assert.equal(parseConfigText('[database]\npool_size = 3\n', 'k.toml', {}).database.pool_size, 3);
});
