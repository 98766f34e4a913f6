// Incremental rollups: each run aggregates, per entity and resolution, the buckets between the table's
// progress mark (rollup_state.done_until, minus a look-back for late samples) and now minus a settle
// delay (a kubelet's sample reaches us up to an interval after its time). A bucket is always recomputed
// whole and written again, so re-running is idempotent. The 1-minute buckets are aggregates of the raw
// rows; the 1-hour buckets are aggregates of the hour's 1-minute rows (a sixth of the rows to read, already
// grouped by series): max of the minutes' maxima, the sum of their samples, and for each average the
// minutes' averages weighted by the count of raw values behind each (<col>_samples), which is the average
// of the hour's raw values up to float rounding. So the 1-hour pass never goes past the 1-minute one.
// Samples stored later than the look-back (a spool replay, a backlog) had their time hours marked in
// rollup_pending by the writer (metric-copy.ts; one row per entity and hour, so bounded); each run
// recomputes the buckets of those hours that it had already passed — the minutes first, from the history
// blocks too where an hour was compacted, then the hour from them — and deletes the marks, so a long-range
// chart has no hole for an outage. Marks past the raw retention have nothing left to aggregate: they are
// dropped and counted.
import type pg from 'pg';
import { ENTITIES, ENTITY_TABLES, type Entity } from '../metrics/definitions.js';
import { log } from '../log.js';
import { PartitionManager, partitionRangeFor } from './partitions.js';
import { RESOLUTIONS, ROLLUP_SETTLE_MS, minutesAtCompaction, rollupAggregates, rollupCountColumn, rollupHasCounts, rollupTable, type Resolution } from './rollup-schema.js';
import { SCHEMA, qualified, quoteIdent, quoteLiteral } from './schema.js';
import { sampleTable, seriesTable } from './series-schema.js';
import { blockTable, historyFunction } from './history/schema.js';
import { minuteBlockTable } from './history/minute-schema.js';

export interface RollupOptions {
  /** Buckets ending later than now − settleMs are left for the next run (default 2 min). */
  settleMs?: number;
  /**
   * Already rolled-up time this far back is recomputed each run, for samples later than the settle delay
   * (defaults 2 min for 1m, 0 for 1h: recomputing an hour of raw rows every run would cost too much).
   */
  lookbackMs?: Partial<Record<Resolution['name'], number>>;
  /**
   * A rollup runs only once this much more time is due (defaults 5 min for 1m, 0 for 1h). The viewer reads
   * raw rows and history blocks for every range they cover (src/viewer/series.ts), so minute buckets are
   * read only after raw retention; re-reading the look-back on every 60 s pass cost as much PostgreSQL
   * time as a third of the ingest's COPYs (pg_stat_statements, 100 nodes). Every 5 min, each raw row is
   * aggregated 1.4 times instead of 3.
   */
  minStepMs?: Partial<Record<Resolution['name'], number>>;
  /** Raw time range aggregated per statement, bounding each statement's work (defaults 1 h / 6 h). */
  windowMs?: Partial<Record<Resolution['name'], number>>;
  /** Partition manager of the raw tables (to find where raw data starts). */
  rawPartitions?: PartitionManager;
  /**
   * The compactor computes the 1-minute and 1-hour rollups of the entities of minutesAtCompaction (the
   * maintenance loop runs one): the catch-up passes leave them to it. Owed hours (rollup_pending) are still
   * recomputed here, as minute rows replacing the hour's minute blocks. Left out, every entity's rollups
   * come from these passes.
   */
  minutesByCompactor?: boolean;
  /** [retention] raw: owed hours older than this have no raw rows or blocks left and are dropped. Left out, kept. */
  rawRetentionMs?: number;
}

/**
 * How far before done_until a pass starts again. None: a row committed later than its bucket's pass is
 * recorded in rollup_pending by its writer (metric-copy.ts LATE_MS), which the pass recomputes. The 1 m
 * rollup used to re-read its last 2 minutes on every pass (each raw row aggregated 1.4 times by it, with
 * ~130 aggregates a container row: measured 13 µs of PostgreSQL CPU per raw row for one 1 m pass).
 */
const DEFAULT_LOOKBACK = { '1m': 0, '1h': 0 };
const DEFAULT_MIN_STEP = { '1m': 5 * 60_000, '1h': 0 };
const DEFAULT_WINDOW = { '1m': 3_600_000, '1h': 6 * 3_600_000 };
const EPOCH = `TIMESTAMPTZ '1970-01-01 00:00:00+00'`;
const HOUR_MS = 3_600_000;
/**
 * Memory for a rollup statement's aggregation (SET LOCAL, its transaction only). At the default 4 MB a
 * 5-minute pass over 3,000 containers sorted its rows on disk (an external merge of ~30 MB); with room the
 * planner aggregates by hash in memory instead (scratch runs on bench/rollup-cost.ts's rows: ~1 µs less
 * per raw row). Maintenance runs one statement at a time (an advisory lock): one such allocation at most.
 */
const ROLLUP_WORK_MEM = '64MB';
/**
 * Buckets aggregated per statement, at most (one series' minute is one bucket): a container bucket's
 * ~190 aggregate states take ~6 kB of hash table, so 15,000 stay within ROLLUP_WORK_MEM × the default
 * hash_mem_multiplier of 2. A wider statement spills its hash table to disk: at 20,000 containers a
 * 5-minute statement cost 9.6 µs per raw row, five 1-minute ones 7.5 (a scratch run on the rows of
 * bench/rollup-cost.ts, 20,000 containers × 10 min).
 */
const BUCKETS_PER_STATEMENT = 15_000;

export class Rollups {
  private readonly partitions = new Map<string, PartitionManager>();
  private readonly raw: PartitionManager;
  private readonly sqlCache = new Map<string, string>();
  /** Owed hours dropped unrecomputed since start, as past the raw retention (the maintenance report shows it). */
  droppedPendingHours = 0;

  constructor(private readonly pool: pg.Pool, private readonly opts: RollupOptions = {}) {
    this.raw = opts.rawPartitions ?? new PartitionManager(pool);
    for (const r of RESOLUTIONS) this.partitions.set(r.name, new PartitionManager(pool, { widthMs: r.partitionWidthMs }));
  }

  /** Partition manager of one resolution's tables (for ensureAhead and retention). */
  partitionsOf(res: Resolution): PartitionManager {
    return this.partitions.get(res.name)!;
  }

  /**
   * Recomputes the late ranges already passed, then catches every rollup table up to now − settle (late
   * ranges not passed yet are covered by that). Returns buckets written per rollup table.
   */
  async run(nowMs = Date.now()): Promise<Record<string, number>> {
    const written = await this.rollupPending(nowMs);
    for (const entity of ENTITIES) {
      for (const res of RESOLUTIONS) {
        if (this.opts.minutesByCompactor && minutesAtCompaction(entity)) continue;
        const n = await this.catchUp(entity, res, nowMs);
        const table = rollupTable(entity, res);
        if (n > 0) written[table] = (written[table] ?? 0) + n;
      }
    }
    return written;
  }

  /**
   * Recomputes the buckets of the hours owed (rollup_pending) that catchUp had passed (the rest it reaches
   * itself), then forgets the rows read — unless a batch marked one again meanwhile (its version changed):
   * that one waits for the next pass. Hours whose raw rows and blocks are past `rawRetentionMs` are dropped
   * first, unrecomputed (nothing is left to aggregate), and counted in `droppedPendingHours`.
   * Returns buckets written per rollup table.
   */
  async rollupPending(nowMs = Date.now()): Promise<Record<string, number>> {
    if (this.opts.rawRetentionMs !== undefined) {
      const gone = await this.pool.query(`DELETE FROM ${SCHEMA}.rollup_pending WHERE hour < $1`, [new Date(alignDown(nowMs - this.opts.rawRetentionMs, 3_600_000))]);
      if (gone.rowCount) {
        this.droppedPendingHours += gone.rowCount;
        log('store').warn({ hours: gone.rowCount, rawRetentionMs: this.opts.rawRetentionMs }, 'late rows owed a rollup are past the raw retention: dropped unrolled');
      }
    }
    const pending = await this.pool.query<{ entity: Entity; hour: Date; version: string }>(
      `SELECT entity, hour, version FROM ${SCHEMA}.rollup_pending ORDER BY hour, entity LIMIT ${PENDING_PER_RUN}`,
    );
    if (pending.rowCount === 0) return {};
    const done = await this.pool.query<{ rollup_table: string; done_until: Date }>(`SELECT rollup_table, done_until FROM ${SCHEMA}.rollup_state`);
    const doneUntil = new Map(done.rows.map((r) => [r.rollup_table, r.done_until.getTime()]));
    const written: Record<string, number> = {};
    for (const entity of ENTITIES) {
      const ranges = mergeRanges(pending.rows.filter((r) => r.entity === entity).map((r) => [r.hour.getTime(), r.hour.getTime() + 3_599_999]));
      for (const res of RESOLUTIONS) {
        const table = rollupTable(entity, res);
        const until = doneUntil.get(table);
        if (until === undefined) continue; // never rolled up: its first catchUp starts at the raw data
        for (const [from, to] of ranges) {
          if (from >= until) continue;
          const n = await this.rollupRange(entity, res, from, Math.min(to + 1, until));
          if (n > 0) written[table] = (written[table] ?? 0) + n;
        }
      }
    }
    await this.pool.query(
      `DELETE FROM ${SCHEMA}.rollup_pending p USING unnest($1::text[], $2::timestamptz[], $3::bigint[]) AS d(entity, hour, version)
        WHERE p.entity = d.entity AND p.hour = d.hour AND p.version = d.version`,
      [pending.rows.map((r) => r.entity), pending.rows.map((r) => r.hour), pending.rows.map((r) => r.version)],
    );
    return written;
  }

  private async catchUp(entity: Entity, res: Resolution, nowMs: number): Promise<number> {
    const table = rollupTable(entity, res);
    let end = alignDown(nowMs - (this.opts.settleMs ?? ROLLUP_SETTLE_MS), res.bucketMs);
    const finer = RESOLUTIONS.find((r) => rollupHasCounts(r) && r.bucketMs < res.bucketMs);
    if (finer) {
      // Built from the finer rollup: only as far as that one is done.
      const source = await this.pool.query<{ done_until: Date }>(
        `SELECT done_until FROM ${SCHEMA}.rollup_state WHERE rollup_table = $1`, [rollupTable(entity, finer)],
      );
      if (!source.rowCount) return 0;
      end = Math.min(end, alignDown(source.rows[0].done_until.getTime(), res.bucketMs));
    }
    const state = await this.pool.query<{ done_until: Date }>(
      `SELECT done_until FROM ${SCHEMA}.rollup_state WHERE rollup_table = $1`, [table],
    );
    let from: number;
    if (state.rowCount) {
      const minStep = this.opts.minStepMs?.[res.name] ?? DEFAULT_MIN_STEP[res.name];
      if (minStep > 0 && end - state.rows[0].done_until.getTime() < minStep) return 0;
      const lookback = this.opts.lookbackMs?.[res.name] ?? DEFAULT_LOOKBACK[res.name];
      from = alignDown(state.rows[0].done_until.getTime() - lookback, res.bucketMs);
    } else {
      // First run: start where the data it reads starts (the finer rollup's: raw rows may be compacted by then).
      const parts = finer ? await this.partitionsOf(finer).list(rollupTable(entity, finer)) : await this.raw.list(sampleTable(entity));
      if (parts.length === 0) return 0;
      from = alignDown(parts[0].fromMs, res.bucketMs);
      if (from >= end) {
        // No complete bucket yet (the data began in the current one, e.g. a collector started at 00:13 has no
        // whole hour): the mark is set anyway, at the pass's end, where the data begins or before. Without it
        // the compactor, which waits for both rollups' marks, took no partition of the entity until the first
        // bucket closed, not even an hour-old replayed one.
        await markRolledUp(this.pool, [table], end);
        return 0;
      }
    }
    const windowMs = alignDown(this.opts.windowMs?.[res.name] ?? DEFAULT_WINDOW[res.name], res.bucketMs) || res.bucketMs;
    let written = 0;
    for (let a = from; a < end; a += windowMs) {
      const b = Math.min(a + windowMs, end);
      // Raw rows (or the minutes) only: the compactor takes a partition only once both rollups have passed its end.
      written += await this.rollupRange(entity, res, a, b, 'raw');
      await markRolledUp(this.pool, [table], b);
    }
    return written;
  }

  /**
   * Recomputes the buckets of [fromMs, toMs) (widened to whole buckets) and writes them: 1-minute buckets
   * from the raw rows, or (`from` 'auto', for late ranges) from raw rows and history blocks where an hour
   * of the range was compacted meanwhile; 1-hour buckets from the 1-minute rows.
   * Returns the number of bucket rows written.
   */
  async rollupRange(entity: Entity, res: Resolution, fromMs: number, toMs: number, from: 'raw' | 'auto' = 'auto'): Promise<number> {
    const a = alignDown(fromMs, res.bucketMs);
    const b = alignDown(toMs + res.bucketMs - 1, res.bucketMs);
    if (b <= a) return 0;
    const table = rollupTable(entity, res);
    const pm = this.partitionsOf(res);
    const starts: number[] = [];
    for (let t = partitionRangeFor(a, pm.widthMs).fromMs; t < b; t += pm.widthMs) starts.push(Math.max(t, a));
    await pm.ensureFor(table, starts);
    let written: number;
    if (!rollupHasCounts(res)) {
      // By hash, never by sorting: the finer rows are ~1.3 kB wide, and where the planner misjudged their
      // number (a partition not analyzed yet) it sorted them in key order at twice the CPU of hashing.
      written = await this.write(this.fromFinerSql(entity, res), new Date(a), new Date(b), { settings: 'SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off' });
    } else {
      // Where an hour of the range was compacted, its raw rows are gone: read raw and blocks alike.
      const compacted = from === 'auto' && (await this.pool.query(
        `SELECT 1 FROM ${qualified(blockTable(entity))} WHERE start_ts >= $1 AND start_ts < $2 LIMIT 1`,
        [new Date(alignDown(a, HOUR_MS)), new Date(b)],
      )).rowCount;
      // The compactor stored those hours' minutes as minute blocks, each a whole hour: rows replace them,
      // recomputed over whole hours (minutes already right are computed again from the same data), so each
      // series-hour is held one way.
      const [start, end] = compacted ? [alignDown(a, HOUR_MS), alignDown(b + HOUR_MS - 1, HOUR_MS)] : [a, b];
      const sql = this.fromSamplesSql(entity, res, compacted ? 'history' : 'raw');
      const step = Math.max(1, Math.floor(BUCKETS_PER_STATEMENT / (await this.seriesCount(entity)))) * res.bucketMs;
      const clear = `DELETE FROM ${qualified(table)} WHERE ts >= $1 AND ts < $2` +
        (compacted ? `; DELETE FROM ${qualified(minuteBlockTable(entity))} WHERE start_ts > $1 - interval '1 hour' AND start_ts < $2` : '');
      written = 0;
      for (let c = start; c < end; c += step) {
        written += await this.write(sql, new Date(c), new Date(Math.min(c + step, end)), { clear });
      }
    }
    if (written) log('store').debug({ table, from: new Date(a).toISOString(), to: new Date(b).toISOString(), rows: written }, 'rolled up');
    return written;
  }

  /** The entity's series as the planner last counted them (or counted now, before any ANALYZE); at least 1. */
  private async seriesCount(entity: Entity): Promise<number> {
    const table = qualified(seriesTable(entity));
    const r = await this.pool.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass`, [table]);
    let n = Number(r.rows[0]?.n ?? -1);
    if (n < 0) n = Number((await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return Math.max(1, n);
  }

  /**
   * One rollup statement for [from, to) in a transaction of its own with the rollups' work_mem: after
   * `clear` when given, with the planner `settings` (SET LOCAL statements) when given. Sent as one
   * multi-statement query, the range inlined as literals ($1, $2): one round trip per window, not five (a
   * first pass over weeks of empty windows made thousands). Returns the rows the statement wrote.
   */
  private async write(sql: string, from: Date, to: Date, opts: { clear?: string; settings?: string } = {}): Promise<number> {
    const bound = (text: string) => text.replace(/\$([12])(?!\d)/g, (_, i: string) => `${quoteLiteral((i === '1' ? from : to).toISOString())}::timestamptz`);
    const statements = ['BEGIN', `SET LOCAL work_mem = ${quoteLiteral(ROLLUP_WORK_MEM)}`, ...(opts.settings ? [opts.settings] : []), ...(opts.clear ? [bound(opts.clear)] : []), bound(sql), 'COMMIT'];
    const client = await this.pool.connect();
    try {
      const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
      return results[results.length - 2].rowCount ?? 0; // the statement before COMMIT
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * INSERT of the buckets of [$1, $2) from the samples, to follow a DELETE of that range (a plain insert
   * costs less than ON CONFLICT DO UPDATE, and maintenance passes never run concurrently: an advisory lock).
   * Each average is sum/count in float8 (avg() of a bigint sums in numeric, then is cast: ~2× the CPU per
   * value), and the count is kept (NULL for none) for the coarser rollup.
   */
  private fromSamplesSql(entity: Entity, res: Resolution, from: 'raw' | 'history'): string {
    const key = `${entity}/${res.name}/${from}`;
    const cached = this.sqlCache.get(key);
    if (cached) return cached;
    const t = ENTITY_TABLES[entity];
    const groupKeys = t.keys.filter((k) => k.column !== 'ts').map((k) => quoteIdent(k.column));
    const attrs = t.attributes.map((x) => quoteIdent(x.column));
    const aggs = rollupAggregates(entity);
    const averaged = aggs.filter((x) => x.fn === 'avg');
    const target = [...groupKeys, '"ts"', ...attrs, '"samples"', ...aggs.map((x) => quoteIdent(x.column)), ...averaged.map((x) => quoteIdent(rollupCountColumn(x.source)))];
    const values = [
      'count(*)::integer',
      ...aggs.map((x) => (x.fn === 'avg' ? `sum(${quoteIdent(x.source)}::double precision) / count(${quoteIdent(x.source)})` : `max(${quoteIdent(x.source)})`)),
      ...averaged.map((x) => `nullif(count(${quoteIdent(x.source)}), 0)::smallint`),
    ];
    const bucket = `date_bin(${quoteLiteral(res.interval)}::interval, ts, ${EPOCH})`;
    // Raw rows are grouped by their integer series id in the sample table, and each group then takes its
    // keys and attributes from the series table once: the same buckets as grouping the view's rows by their
    // text keys (a series is one key set, and the view's attributes are the series'), at about half the
    // cost (no join and no text comparison per row).
    const fromRaw = `SELECT ${[...groupKeys.map((k) => `r.${k}`), 'a.ts', ...attrs.map((x) => `r.${x}`), ...values.map((_, i) => `a.v${i}`)].join(', ')}
      FROM (SELECT cluster_id, series_id, ${bucket} AS ts, ${values.map((v, i) => `${v} AS v${i}`).join(', ')}
              FROM ${qualified(sampleTable(entity))} WHERE ts >= $1 AND ts < $2 GROUP BY 1, 2, 3) a
      JOIN ${qualified(seriesTable(entity))} r ON r.cluster_id = a.cluster_id AND r.series_id = a.series_id`;
    // Attributes (pod name, node …) are constant per key; max() picks the one value.
    const fromHistory = `SELECT ${[...groupKeys, bucket, ...attrs.map((x) => `max(${x})`), ...values].join(', ')}
      FROM ${qualified(historyFunction(entity))}($1, $2) GROUP BY ${Array.from({ length: groupKeys.length + 1 }, (_, i) => i + 1).join(', ')}`;
    const sql = `INSERT INTO ${qualified(rollupTable(entity, res))} (${target.join(', ')})
      ${from === 'raw' ? fromRaw : fromHistory}`;
    this.sqlCache.set(key, sql);
    return sql;
  }

  /**
   * Upsert of the coarser buckets of [$1, $2) from the finer rollup's rows. Each average weights the finer
   * averages by their counts: Σ(avg × n) / Σn = Σx / n of the raw values.
   */
  private fromFinerSql(entity: Entity, res: Resolution): string {
    const key = `${entity}/${res.name}/finer`;
    const cached = this.sqlCache.get(key);
    if (cached) return cached;
    const finer = RESOLUTIONS.find((r) => rollupHasCounts(r) && r.bucketMs < res.bucketMs);
    if (!finer || res.bucketMs % finer.bucketMs !== 0) throw new Error(`rollup ${res.name} has no finer rollup with value counts to be computed from`);
    const t = ENTITY_TABLES[entity];
    const groupKeys = t.keys.filter((k) => k.column !== 'ts').map((k) => quoteIdent(k.column));
    const attrs = t.attributes.map((x) => quoteIdent(x.column));
    const aggs = rollupAggregates(entity);
    const target = [...groupKeys, '"ts"', ...attrs, '"samples"', ...aggs.map((x) => quoteIdent(x.column))];
    const aggregate = (x: (typeof aggs)[number]) => {
      const col = quoteIdent(x.column);
      if (x.fn === 'max') return `max(${col})`;
      const n = quoteIdent(rollupCountColumn(x.source));
      return `sum(${col} * ${n}) / sum(${n})`;
    };
    const select = [...groupKeys, `date_bin(${quoteLiteral(res.interval)}::interval, ts, ${EPOCH})`, ...attrs.map((x) => `max(${x})`), 'sum(samples)::integer', ...aggs.map(aggregate)];
    const updates = target.slice(groupKeys.length + 1).map((c) => `${c} = EXCLUDED.${c}`);
    const sql = `INSERT INTO ${qualified(rollupTable(entity, res))} (${target.join(', ')})
      SELECT ${select.join(', ')} FROM ${qualified(rollupTable(entity, finer))} WHERE ts >= $1 AND ts < $2
      GROUP BY ${Array.from({ length: groupKeys.length + 1 }, (_, i) => i + 1).join(', ')}
      ON CONFLICT (${[...groupKeys, '"ts"'].join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
    this.sqlCache.set(key, sql);
    return sql;
  }
}

/**
 * Owed (entity, hour) rows handled per run, oldest first; the next runs take the rest. The table holds at
 * most entities × hours of raw retention rows (1,176 at the default 7 days), so a handful of runs.
 */
const PENDING_PER_RUN = 500;

/** Pure: [from, to] ranges (inclusive) merged where they overlap or touch, sorted. */
export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function alignDown(ms: number, stepMs: number): number {
  return Math.floor(ms / stepMs) * stepMs;
}

/** Records that the rollup `tables` are done up to `untilMs` (a mark never moves back): the passes here and the compactor's minutes. */
export async function markRolledUp(db: pg.Pool | pg.ClientBase, tables: readonly string[], untilMs: number): Promise<void> {
  await db.query(
    `INSERT INTO ${SCHEMA}.rollup_state (rollup_table, done_until) SELECT t, $2 FROM unnest($1::text[]) AS t
     ON CONFLICT (rollup_table) DO UPDATE SET done_until = GREATEST(rollup_state.done_until, EXCLUDED.done_until), updated_at = now()`,
    [tables, new Date(untilMs)],
  );
}
