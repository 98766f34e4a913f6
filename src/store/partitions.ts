// Time partitions of the metric (and rollup) tables: fixed-width ranges aligned to the Unix epoch (daily
// by default, so aligned to UTC midnight), created a few ahead of the clock and on demand for the sample
// times a batch carries (a spool replay or a lagging kubelet may write into the past). Retention drops
// whole partitions — no DELETE, no vacuum debt.
import type pg from 'pg';
import { log } from '../log.js';
import { SCHEMA, quoteIdent } from './schema.js';
import { rollupPartitionColumnSettings } from './rollup-schema.js';
import { partitionColumnSettings, partitionStorage } from './series-schema.js';

export const DAY_MS = 86_400_000;

export interface PartitionRange {
  fromMs: number;
  toMs: number;
}

/** The range of width widthMs containing tsMs. */
export function partitionRangeFor(tsMs: number, widthMs: number): PartitionRange {
  const fromMs = Math.floor(tsMs / widthMs) * widthMs;
  return { fromMs, toMs: fromMs + widthMs };
}

/** `node_metric_p20261125` (daily) or `node_metric_p20261125_1200` (sub-daily widths). */
export function partitionName(table: string, fromMs: number, widthMs: number): string {
  const iso = new Date(fromMs).toISOString(); // 2026-11-25T12:00:00.000Z
  const day = iso.slice(0, 10).replace(/-/g, '');
  const suffix = widthMs % DAY_MS === 0 ? day : `${day}_${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  return `${table}_p${suffix}`;
}

/** Parses pg_get_expr(relpartbound) of a range partition: FOR VALUES FROM ('…') TO ('…'). */
export function parsePartitionBound(expr: string): PartitionRange | null {
  const m = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(expr);
  if (!m) return null;
  const fromMs = parsePgTimestamptz(m[1]);
  const toMs = parsePgTimestamptz(m[2]);
  return Number.isFinite(fromMs) && Number.isFinite(toMs) ? { fromMs, toMs } : null;
}

/** '2026-11-25 00:00:00+00' (how a UTC session prints timestamptz) → epoch ms. */
function parsePgTimestamptz(text: string): number {
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  return Date.parse(iso);
}

export interface PartitionOptions {
  /** Partition width (default one day). Changing it later is fine: existing ranges are respected. */
  widthMs?: number;
  /** How many partitions beyond the current one ensureAhead() creates (default 2). */
  ahead?: number;
}

export interface PartitionInfo extends PartitionRange {
  name: string;
}

/**
 * Keeps track of the partitions of the partitioned tables it is asked about. The cache only ever holds
 * ranges known to exist (bounded by retention: dropped ranges leave it), so the hot path — a batch whose
 * sample times fall into known partitions — costs no query.
 */
export class PartitionManager {
  readonly widthMs: number;
  readonly ahead: number;
  private known = new Map<string, PartitionInfo[]>();

  constructor(private pool: pg.Pool, opts: PartitionOptions = {}) {
    this.widthMs = opts.widthMs ?? DAY_MS;
    this.ahead = opts.ahead ?? 2;
    if (!(this.widthMs >= 60_000) || DAY_MS % this.widthMs !== 0 && this.widthMs % DAY_MS !== 0) {
      throw new Error(`partition width must be ≥ 1 minute and divide or be a multiple of a day, got ${this.widthMs} ms`);
    }
  }

  /** The partitions of a table as PostgreSQL has them (refreshes the cache). */
  async list(table: string): Promise<PartitionInfo[]> {
    const r = await this.pool.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE n.nspname = $1 AND p.relname = $2`,
      [SCHEMA, table],
    );
    const out: PartitionInfo[] = [];
    for (const row of r.rows) {
      const range = parsePartitionBound(row.bound);
      if (range) out.push({ name: row.name, ...range });
    }
    out.sort((a, b) => a.fromMs - b.fromMs);
    this.known.set(table, out);
    return out;
  }

  private covered(table: string, tsMs: number): boolean {
    return (this.known.get(table) ?? []).some((p) => p.fromMs <= tsMs && tsMs < p.toMs);
  }

  /** Makes sure every sample time in tsMsList has a partition. */
  async ensureFor(table: string, tsMsList: Iterable<number>): Promise<void> {
    const needed = new Map<number, PartitionRange>();
    for (const ts of tsMsList) {
      if (this.covered(table, ts)) continue;
      const range = partitionRangeFor(ts, this.widthMs);
      needed.set(range.fromMs, range);
    }
    if (needed.size === 0) return;
    if (!this.known.has(table)) {
      await this.list(table);
      for (const [from, range] of needed) if (this.covered(table, range.fromMs)) needed.delete(from);
    }
    for (const range of needed.values()) await this.create(table, range);
  }

  /** Creates the current partition and `ahead` more, for each table. */
  async ensureAhead(tables: string[], nowMs = Date.now()): Promise<void> {
    const times: number[] = [];
    for (let i = 0; i <= this.ahead; i++) times.push(nowMs + i * this.widthMs);
    for (const t of tables) await this.ensureFor(t, times);
  }

  private async create(table: string, range: PartitionRange): Promise<void> {
    if (this.covered(table, range.fromMs)) return;
    const name = partitionName(table, range.fromMs, this.widthMs);
    const from = new Date(range.fromMs).toISOString();
    const to = new Date(range.toMs).toISOString();
    try {
      const settings = [partitionColumnSettings(table, name), rollupPartitionColumnSettings(table, name)].filter(Boolean).join('; ');
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${quoteIdent(name)} PARTITION OF ${SCHEMA}.${quoteIdent(table)} ` +
          `FOR VALUES FROM ('${from}') TO ('${to}')${partitionStorage(table)}${settings ? `; ${settings}` : ''}`,
      );
      log('store').debug({ table, partition: name, from, to }, 'created partition');
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 42P07/23505: another process created it at the same moment. 42P17: an existing partition of
      // another width overlaps; the ranges PostgreSQL has are then the truth.
      if (code !== '42P07' && code !== '23505' && code !== '42P17') throw err;
    }
    await this.list(table);
    if (!this.covered(table, range.fromMs) && !this.covered(table, range.toMs - 1)) {
      throw new Error(`partition for ${table} ${from}…${to} could not be created`);
    }
  }

  /**
   * Retention: drops the partitions whose whole range ends at or before cutoffMs. Returns their names.
   * A partition straddling the cutoff is kept (its newer rows are still within retention).
   */
  async dropOlderThan(table: string, cutoffMs: number): Promise<string[]> {
    const parts = await this.list(table);
    const dropped: string[] = [];
    for (const p of parts) {
      if (p.toMs > cutoffMs) continue;
      await this.pool.query(`DROP TABLE IF EXISTS ${SCHEMA}.${quoteIdent(p.name)}`);
      dropped.push(p.name);
    }
    if (dropped.length) {
      log('store').info({ table, dropped, cutoff: new Date(cutoffMs).toISOString() }, 'retention dropped partitions');
      await this.list(table);
    }
    return dropped;
  }

  /** Applies retention to several tables: { table: retentionMs }. */
  async applyRetention(retentionMsByTable: Record<string, number>, nowMs = Date.now()): Promise<string[]> {
    const dropped: string[] = [];
    for (const [table, retentionMs] of Object.entries(retentionMsByTable)) {
      if (!(retentionMs > 0)) throw new Error(`retention for ${table} must be a positive duration, got ${retentionMs}`);
      dropped.push(...(await this.dropOlderThan(table, nowMs - retentionMs)));
    }
    return dropped;
  }
}
