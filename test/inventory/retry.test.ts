// The informer's wait between failed attempts: exponential to a cap, jittered within [step/2, step],
// raised (never lowered) by Retry-After, and small again after a quiet spell or a success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryDelay } from '../../src/inventory/retry.js';

function delays(d: RetryDelay, n: number, retryAfterS: number | null = null): number[] {
  return Array.from({ length: n }, () => d.next(retryAfterS));
}

test('the steps double to the cap; jitter keeps each wait between half the step and the step', () => {
  let t = 0;
  const high = new RetryDelay({ baseMs: 1000, capMs: 30_000, random: () => 0.999999, now: () => t });
  const low = new RetryDelay({ baseMs: 1000, capMs: 30_000, random: () => 0, now: () => t });
  assert.deepEqual(delays(high, 8), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  assert.deepEqual(delays(low, 8), [500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  // At the cap an informer tries at most twice per cap: the rate a down API server sees stays bounded.
  t = 1;
  const any = new RetryDelay({ random: Math.random, now: () => t });
  const waits = delays(any, 50);
  assert.ok(waits.slice(5).every((w) => w >= 15_000 && w <= 30_000), JSON.stringify(waits));
});

test('Retry-After raises a short wait and never lowers a long one', () => {
  const d = new RetryDelay({ baseMs: 100, capMs: 10_000, random: () => 0.999999, now: () => 0 });
  assert.deepEqual(delays(d, 3, 1), [1000, 1000, 1000], 'Retry-After: 1 over 100, 200, 400 ms steps');
  assert.deepEqual(delays(d, 5, 1), [1000, 1600, 3200, 6400, 10_000], 'the backoff grows past it');
  assert.equal(d.next(20), 20_000, 'a longer Retry-After wins');
  assert.equal(d.next(86_400), 300_000, 'a day is cut to five minutes');
  assert.equal(d.next(0), 10_000, 'Retry-After: 0 is no reason to hurry');
});

test('after a success or a quiet spell of four caps the steps start small again', () => {
  let t = 0;
  const d = new RetryDelay({ baseMs: 1000, capMs: 8000, random: () => 0.999999, now: () => t });
  assert.deepEqual(delays(d, 4), [1000, 2000, 4000, 8000]);
  d.reset();
  assert.deepEqual(delays(d, 2), [1000, 2000]);
  t += 4 * 8000; // exactly four caps: still the same failure spell
  assert.equal(d.next(), 4000);
  t += 4 * 8000 + 1;
  assert.equal(d.next(), 1000);
});
