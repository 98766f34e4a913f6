import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyPool } from '../../src/metrics/body-pool.js';

test('body pool: a given-back slab serves the next body that fits, at its exact length', () => {
  const pool = new BodyPool();
  const a = pool.take(150_000);
  assert.equal(a.length, 150_000);
  a.fill(7);
  pool.giveBack(a);
  const b = pool.take(140_000);
  assert.equal(b.length, 140_000);
  assert.equal(b.buffer, a.buffer, 'same memory reused');
  assert.equal(pool.reused, 1);
  assert.equal(pool.allocated, 1);
  const c = pool.take(10_000); // the only slab is lent: a new one
  assert.notEqual(c.buffer, b.buffer);
  assert.equal(pool.allocated, 2);
});

test('body pool: the smallest fitting slab is chosen, and one too small is not', () => {
  const pool = new BodyPool();
  const small = pool.take(60_000);
  const large = pool.take(600_000);
  pool.giveBack(large);
  pool.giveBack(small);
  assert.equal(pool.take(50_000).buffer, small.buffer);
  const again = pool.take(200_000);
  assert.equal(again.buffer, large.buffer);
  assert.equal(pool.take(700_000).length, 700_000);
  assert.equal(pool.allocated, 3);
});

test('body pool: bounded by slab count and bytes; foreign and repeated give-backs are ignored', () => {
  const pool = new BodyPool({ maxFreeSlabs: 2, maxFreeBytes: 1_000_000 });
  const views = [100_000, 200_000, 300_000].map((n) => pool.take(n));
  for (const v of views) pool.giveBack(v);
  assert.equal(pool.freeSlabs, 2, 'at most two kept');
  // The largest two survive (the small one was dropped for the larger).
  assert.equal(pool.take(300_000).buffer, views[2].buffer);
  assert.equal(pool.take(250_000).buffer, views[1].buffer);
  pool.giveBack(Buffer.alloc(10)); // not from the pool
  pool.giveBack(views[0]); // already given back once
  assert.equal(pool.freeSlabs, 0);
  const huge = pool.take(2_000_000);
  pool.giveBack(huge);
  assert.equal(pool.freeSlabs, 0, 'a slab above maxFreeBytes is not kept');
  assert.throws(() => new BodyPool({ maxFreeSlabs: -1 }), /maxFreeSlabs/);
});
