// The [group] section: off by default (a single process collects everything, as before), and the
// settings a group cannot work with are refused with the key named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig } from '../../src/config/load.js';

test('[group] is off by default, with a 3 s heartbeat and a 15 s TTL when switched on', () => {
  const off = buildConfig({}, 'test', {});
  assert.equal(off.group.enabled, false);
  const on = buildConfig({ database: { url: 'postgres://db/kp' }, group: { enabled: true } }, 'test', {});
  assert.deepEqual({ ...on.group }, { enabled: true, name: '', heartbeat_interval: 3_000, member_ttl: 15_000 });
});

test('a group without a shared database, or with a TTL under three heartbeats, is refused naming the key', () => {
  assert.throws(() => buildConfig({ group: { enabled: true } }, 'test', {}), /group\.enabled.*database\.url/s);
  assert.throws(() => buildConfig({ database: { url: 'postgres://db/kp' }, group: { enabled: true, heartbeat_interval: '5s', member_ttl: '10s' } }, 'test', {}),
    /group\.member_ttl.*at least 3 × group\.heartbeat_interval/s);
  assert.throws(() => buildConfig({ group: { heartbeat_interval: 'soon' } }, 'test', {}), /group\.heartbeat_interval/);
});
