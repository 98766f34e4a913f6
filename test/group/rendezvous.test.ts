// Rendezvous hashing and the node share on top of it: same owner everywhere, balance, minimal movement,
// and the grace a node taken from a live member waits (pure: no database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assign, leaseTargets, ownerOf } from '../../src/group/rendezvous.js';
import { NodeShare } from '../../src/group/node-share.js';

const NODES = Array.from({ length: 3000 }, (_, i) => `node-${String(i).padStart(5, '0')}`);
const MEMBERS = ['0b7f1c2e-aaaa-4000-8000-000000000001', '5d1e2f3a-bbbb-4000-8000-000000000002', 'c9a8b7d6-cccc-4000-8000-000000000003'];

test('the owner does not depend on the order members are listed in', () => {
  const reversed = [...MEMBERS].reverse();
  for (const n of NODES.slice(0, 500)) assert.equal(ownerOf(n, MEMBERS), ownerOf(n, reversed));
  assert.equal(ownerOf('node-1', []), undefined);
});

test('three members get a third of the nodes each, within 5 %', () => {
  const shares = assign(NODES, MEMBERS);
  assert.equal([...shares.values()].reduce((a, s) => a + s.length, 0), NODES.length);
  for (const [m, s] of shares) assert.ok(Math.abs(s.length - NODES.length / 3) < NODES.length * 0.05, `${m}: ${s.length} of ${NODES.length}`);
});

test('a member joining takes only nodes for itself; one leaving gives away only its own', () => {
  const before = new Map(NODES.map((n) => [n, ownerOf(n, MEMBERS)]));
  const joined = [...MEMBERS, 'f00dfeed-dddd-4000-8000-000000000004'];
  let moved = 0;
  for (const n of NODES) {
    const now = ownerOf(n, joined);
    if (now !== before.get(n)) {
      moved++;
      assert.equal(now, joined[3], `${n} moved between two old members`);
    }
  }
  // About a quarter of the nodes move to the new member, none elsewhere.
  assert.ok(moved > NODES.length * 0.2 && moved < NODES.length * 0.3, `moved ${moved}`);
  const left = MEMBERS.slice(1);
  for (const n of NODES) {
    if (before.get(n) !== MEMBERS[0]) assert.equal(ownerOf(n, left), before.get(n), `${n} moved although its owner stayed`);
  }
});

test('a node taken from a live member waits the grace; one from a member that left is taken at once', () => {
  const [a, b, c] = MEMBERS;
  const share = new NodeShare(c, 5_000);
  // c joins a group of a and b: everything c wins was a's or b's, who are alive: wait.
  share.update([a, b, c], 0);
  const mine = NODES.filter((n) => ownerOf(n, [a, b, c]) === c);
  assert.ok(mine.length > 0);
  for (const n of mine) assert.equal(share.owns(n, 1_000), false, `${n} taken during the grace`);
  assert.equal(share.settling(1_000), true);
  for (const n of mine) assert.equal(share.owns(n, 5_000), true);
  assert.equal(share.settling(5_000), false);
  // a dies: its nodes that c wins are taken at once (a is not alive to be still scraping them).
  share.update([b, c], 10_000);
  const fromA = NODES.filter((n) => ownerOf(n, [a, b, c]) === a && ownerOf(n, [b, c]) === c);
  assert.ok(fromA.length > 0);
  for (const n of fromA) assert.equal(share.owns(n, 10_001), true);
  // nobody scrapes a node twice: b's nodes are not c's.
  for (const n of NODES) if (ownerOf(n, [b, c]) === b) assert.equal(share.owns(n, 20_000), false);
});

test('a lone first member owns every node at once', () => {
  const share = new NodeShare(MEMBERS[0], 5_000);
  share.update([MEMBERS[0]], 0);
  for (const n of NODES.slice(0, 100)) assert.equal(share.owns(n, 1), true);
});

test('inventory leases spread over the members: none holds more than its part while another eligible one has fewer', () => {
  const clusters = ['alpha', 'beta', 'gamma', 'delta'];
  const everyone = (ms: string[]) => new Map(clusters.map((c) => [c, ms]));
  // One member: every lease. A second one joins: two each, whatever the hashes.
  assert.deepEqual(new Set(leaseTargets(everyone(MEMBERS.slice(0, 1))).values()), new Set([MEMBERS[0]]));
  const two = leaseTargets(everyone(MEMBERS.slice(0, 2)));
  for (const m of MEMBERS.slice(0, 2)) assert.equal([...two.values()].filter((x) => x === m).length, 2, `${m} holds 2 of 4`);
  // Three members, four clusters: at most ⌈4/3⌉ = 2 each, every member at least one.
  const three = leaseTargets(everyone(MEMBERS));
  for (const m of MEMBERS) {
    const n = [...three.values()].filter((x) => x === m).length;
    assert.ok(n >= 1 && n <= 2, `${m} holds ${n} of 4`);
  }
  // The order members are listed in does not matter.
  assert.deepEqual(leaseTargets(everyone([...MEMBERS].reverse())), three);
  // A cluster goes only to a member having it in its config, even past the others' part.
  const restricted = new Map([['alpha', [MEMBERS[0]]], ['beta', [MEMBERS[0]]], ['gamma', MEMBERS]]);
  const t = leaseTargets(restricted);
  assert.equal(t.get('alpha'), MEMBERS[0]);
  assert.equal(t.get('beta'), MEMBERS[0]);
  assert.notEqual(t.get('gamma'), undefined);
  assert.deepEqual(leaseTargets(new Map([['alpha', []]])), new Map());
});
