// Times as metav1.Time marshals them: RFC 3339 in UTC with whole seconds ("2026-06-26T06:00:10Z"), as a
// string (memoised: start times repeat every tick) and written straight into a buffer by the summary's
// template writer, which needs neither the string nor the memo.
import { QUADS } from './slot-bytes.js';

const cache = new Map<number, string>();
/** Keys are seconds since this epoch (2020-09-13): small integers that V8 keeps unboxed (Smis) and hashes
 *  fast, where seconds since 1970 (> 2^31) would be boxed numbers. */
const CACHE_EPOCH_S = 1_600_000_000;

export function rfc3339(ms: number): string {
  const key = Math.floor(ms / 1000) - CACHE_EPOCH_S;
  let s = cache.get(key);
  if (s === undefined) {
    s = new Date((key + CACHE_EPOCH_S) * 1000).toISOString().replace('.000Z', 'Z');
    if (cache.size >= 16_384) cache.clear();
    cache.set(key, s);
  }
  return s;
}

/** Two digits of v < 100 as one little-endian 16-bit store: the last two of QUADS[v]. */
function two(dv: DataView, pos: number, v: number): void {
  dv.setUint16(pos, QUADS[v] >>> 16, true);
}

/**
 * `"<rfc3339(ms)>"` written at pos (22 bytes, quotes included); returns the position after it, or -1 for a
 * year outside 0–9999 (which toISOString writes with a sign and six digits: the caller falls back to it).
 * The civil date comes from the day count by the usual era arithmetic (400-year eras of 146,097 days,
 * years starting on March 1 so that the leap day ends them).
 */
export function writeRfc3339(dv: DataView, buf: Uint8Array, pos: number, ms: number): number {
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86_400);
  const secOfDay = s - days * 86_400;
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153); // month from March = 0
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999)) return -1;
  const hour = Math.floor(secOfDay / 3600);
  const minute = Math.floor((secOfDay - hour * 3600) / 60);
  buf[pos] = 34; // "
  dv.setUint32(pos + 1, QUADS[year], true);
  buf[pos + 5] = 45; // -
  two(dv, pos + 6, month);
  buf[pos + 8] = 45;
  two(dv, pos + 9, day);
  buf[pos + 11] = 84; // T
  two(dv, pos + 12, hour);
  buf[pos + 14] = 58; // :
  two(dv, pos + 15, minute);
  buf[pos + 17] = 58;
  two(dv, pos + 18, secOfDay - hour * 3600 - minute * 60);
  buf[pos + 20] = 90; // Z
  buf[pos + 21] = 34;
  return pos + 22;
}
