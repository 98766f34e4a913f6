// Metric ingest: rows (already carrying cluster_id) into an entity's partitioned sample table by COPY.
//
// Rows are appended, never updated: the source (summary, cAdvisor, resource) is part of what makes a sample
// (SAMPLE_KEY_COLUMNS), so the two sources' rows of one housekeeping sample stand side by side instead of
// merging into one row (the merge — staging, then an update per row — cost about two direct COPYs for every
// cAdvisor batch). Since migration 009 the rows carry an integer series id (series-ids.ts resolves it)
// instead of text keys.
//
// Exactly once, without a unique index (migration 010 dropped it: ~36 bytes and a uniqueness check per row).
// A sample can arrive twice in three ways, each closed where it arises:
//   - a batch retried, or replayed from the spool, after a commit whose answer was lost: every batch the
//     writer makes has an id, committed in metric_batch in the same transaction as its rows; a batch whose
//     id is already there was stored, and is dropped whole. Several batches can share one transaction
//     (writeMetricBatches: the spool replays its many small records so, issue 15); each is recorded and
//     dropped by its own id, the others' rows go in;
//   - a kubelet's sample delivered again to a restarted process (the kubelet serves the same sample until
//     its next refresh; the process that stored or spooled it is gone): the rate tracker marks the first
//     sample of each series a process sees (FIRST_SAMPLE), one row per series and process — unless the
//     write itself created the series (a new pod, or a first start): no stored row can name it yet;
//   - rows of unknown provenance (a spool file from before 010, a caller with no batch id).
// Those two are COPied into a temporary staging table and only the ones absent from the table are inserted
// (an anti-join within the rows' time range). That writes them twice and reads what is stored around them,
// so it is only for them (bench/ingest.ts compares the paths).
import { copyFromChunks } from './copy-stream.js';
import type pg from 'pg';
import type { Entity, MetricRow } from '../metrics/definitions.js';
import { ENTITY_TABLES, FIRST_SAMPLE, METRIC_DEFS, SOURCE_CODE } from '../metrics/definitions.js';
import { BadRowError } from './copy-text.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, binaryCopyEncoder } from './copy-binary.js';
import { PartitionManager } from './partitions.js';
import { SCHEMA, metricKeyColumns, quoteIdent } from './schema.js';
import { SAMPLE_KEY_COLUMNS, sampleColumns, sampleTable } from './series-schema.js';
import { SERIES_PURGE_LOCK } from './series-retention.js';
import { SeriesIds } from './series-ids.js';
import { log } from '../log.js';
import { ROLLUP_SETTLE_MS } from './rollup-schema.js';

export interface WriteResult {
  inserted: number;
  /** Rows not stored because a row with the same key (entity, time) already was. */
  duplicates: number;
}

export interface WriteOptions {
  /** Shared partition manager; by default one per pool. */
  partitions?: PartitionManager;
  /**
   * 'auto': a batch with an id goes through the ledger and the restart guard (absent-only insert for the
   * rows the guard cannot vouch for); without an id every row is inserted only where absent. 'direct' and
   * 'staging' force plain COPY or absent-only for every row (the benchmark compares them).
   */
  path?: 'auto' | 'direct' | 'staging';
  /** The batch's id (the writer makes one per batch; the spool keeps it with the rows). writeMetricRows only. */
  batchId?: string;
  /** Series id cache of this database; by default one per pool. */
  seriesIds?: SeriesIds;
}

/** One batch of a several-batch write: its rows and the id its writer gave it (none: provenance unknown). */
export interface MetricBatch {
  rows: MetricRow[];
  id?: string;
}

interface EntityPlan {
  /** The view's name, for messages (what users know the rows by). */
  table: string;
  /** The partitioned table the rows go to. */
  sampleTable: string;
  encode: (rows: MetricRow[], ids?: ArrayLike<number>) => Buffer;
  copyDirectSql: string;
  stageTable: string;
  createStageSql: string;
  copyStageSql: string;
  /** Insert the staged rows that are not stored yet; the rest are replays. */
  insertAbsentSql: string;
}

const plans = new Map<Entity, EntityPlan>();

/**
 * The stored row that makes a staged row a repeat: the same source's — or, for a cAdvisor row, a summary
 * row its half was joined into (scrape/sample-join.ts), seen by a column only cAdvisor fills. A process
 * that restarts reads its kubelets' last samples again, unjoined: without this, the cAdvisor half of a
 * sample the previous process stored joined would be stored a second time.
 */
function sameSource(entity: Entity): string {
  const only = METRIC_DEFS.filter((d) => d.entity === entity && d.cadvisor && !d.summary).map((d) => `t.${quoteIdent(d.column)} IS NOT NULL`);
  const joined = only.length ? ` OR (s.source = '${SOURCE_CODE.cadvisor}' AND t.source = '${SOURCE_CODE.summary}' AND (${only.join(' OR ')}))` : '';
  return `(t.source = s.source${joined})`;
}

function planFor(entity: Entity): EntityPlan {
  let plan = plans.get(entity);
  if (plan) return plan;
  const def = ENTITY_TABLES[entity];
  if (!def) throw new Error(`writeMetricRows: unknown entity ${JSON.stringify(entity)}`);
  const cols = sampleColumns(entity);
  const list = cols.map((c) => quoteIdent(c.column)).join(', ');
  const keyList = SAMPLE_KEY_COLUMNS.map(quoteIdent).join(', ');
  const target = `${SCHEMA}.${quoteIdent(sampleTable(entity))}`;
  const stageTable = quoteIdent(`kp_stage_${sampleTable(entity)}`);
  const same = SAMPLE_KEY_COLUMNS.map((k) => (k === 'source' ? sameSource(entity) : `t.${quoteIdent(k)} = s.${quoteIdent(k)}`)).join(' AND ');
  plan = {
    table: def.table,
    sampleTable: sampleTable(entity),
    encode: binaryCopyEncoder(cols, 'series_id'),
    copyDirectSql: `COPY ${target} (${list}) FROM STDIN WITH (FORMAT binary)`,
    stageTable,
    // Per session, emptied at each commit; LIKE follows the declared columns of the real table.
    createStageSql: `CREATE TEMP TABLE IF NOT EXISTS ${stageTable} (LIKE ${target}) ON COMMIT DELETE ROWS`,
    copyStageSql: `COPY ${stageTable} (${list}) FROM STDIN WITH (FORMAT binary)`,
    // DISTINCT ON: a batch may itself hold a row twice (a replayed spool file beside the live rows). The
    // staged rows' time range ($1, $2) prunes the partitions at plan time, their clusters ($3) keep the
    // read to them (a distributed schema's shards, docs/DISTRIBUTED.md); within it PostgreSQL probes the
    // series index per row (a few rows) or hashes the stored rows of the range (many: a restart's first
    // scrapes), as the staged table's statistics suggest.
    insertAbsentSql: `INSERT INTO ${target} (${list}) SELECT DISTINCT ON (${keyList}) ${list} FROM ${stageTable} s
      WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE t.ts BETWEEN $1 AND $2 AND t.cluster_id = ANY($3::int[]) AND ${same})`,
  };
  plans.set(entity, plan);
  return plan;
}

/** Per pool (database): what the writes share unless the caller passes its own. */
interface PoolShared { partitions: PartitionManager; seriesIds: SeriesIds }
const shared = new WeakMap<pg.Pool, PoolShared>();
/** Connections that already hold a given staging table (temp tables live per session). */
const stagedOn = new WeakMap<pg.PoolClient, Set<string>>();

/** One round trip: the transaction and the shared side of the series purge lock (series-retention.ts). */
const BEGIN_SQL = `BEGIN; SELECT pg_advisory_xact_lock_shared(${SERIES_PURGE_LOCK})`;
/**
 * The batch ids recorded now (an id missing from them already was: a retry or replay of a stored batch),
 * and the purge epoch. The ids come distinct and sorted: two writers recording the same ids lock them in
 * one order.
 */
const HEAD_SQL = `WITH b AS (INSERT INTO ${SCHEMA}.metric_batch (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id)
  SELECT ARRAY(SELECT id::text FROM b) AS recorded, (SELECT epoch::text FROM ${SCHEMA}.series_purge) AS epoch`;

/**
 * Rows older than this when stored may have missed their rollup bucket: the rollups leave buckets for 2 min
 * (settle) and never look back, so a row committed up to 2 min after its sample time is always rolled up;
 * past 90 s the batch's range is recorded for the next rollup pass (rollups.ts), in the transaction of its
 * rows. The age is taken after the rows are sent, just before COMMIT, so only the COMMIT itself has to fit
 * in the 30 s between the two; a COMMIT that took longer records the range again once it returns.
 */
const LATE_MS = 90_000;
// One row per (entity, hour) however many batches mark it: the table stays bounded (migration 015). The
// new version tells a rollup pass that read the row before this mark to leave it for the next pass.
const RECORD_LATE_SQL = `INSERT INTO ${SCHEMA}.rollup_pending (entity, hour) SELECT $1, unnest($2::timestamptz[])
  ON CONFLICT (entity, hour) DO UPDATE SET version = EXCLUDED.version, noted_at = EXCLUDED.noted_at`;

/**
 * How long a batch id is remembered. A retry comes within seconds; a spool replay after an unanswered
 * commit, within the outage that caused it. A replay later than this can store a batch twice in the raw
 * window; compaction keeps one of each (series, source, ts) in the blocks it makes.
 */
export const BATCH_ID_KEEP_MS = 86_400_000;

/** Forgets batch ids older than BATCH_ID_KEEP_MS (store maintenance); returns how many. */
export async function pruneBatchIds(pool: pg.Pool, nowMs = Date.now(), keepMs = BATCH_ID_KEEP_MS): Promise<number> {
  const r = await pool.query(`DELETE FROM ${SCHEMA}.metric_batch WHERE written_at < $1`, [new Date(nowMs - keepMs)]);
  return r.rowCount ?? 0;
}

/** One batch (the live writer's): `opts.batchId` its id. */
export async function writeMetricRows(
  pool: pg.Pool,
  entity: Entity,
  rows: MetricRow[],
  opts: WriteOptions = {},
): Promise<WriteResult> {
  return writeMetricBatches(pool, entity, [{ rows, id: opts.batchId }], opts);
}

/**
 * Batches of one entity in one transaction, each recorded under its id: a batch whose id was recorded
 * before is skipped whole, the others are stored (one COMMIT and one ledger statement for all of them).
 * Any failure stores none of them and records none of their ids.
 */
export async function writeMetricBatches(
  pool: pg.Pool,
  entity: Entity,
  batches: readonly MetricBatch[],
  opts: Omit<WriteOptions, 'batchId'> = {},
): Promise<WriteResult> {
  if (batches.every((b) => b.rows.length === 0)) return { inserted: 0, duplicates: 0 };
  const plan = planFor(entity);
  const rows = flatRows(entity, plan.table, batches);
  let own = shared.get(pool);
  if (!own) shared.set(pool, (own = { partitions: new PartitionManager(pool), seriesIds: new SeriesIds() }));
  const partitions = opts.partitions ?? own.partitions;
  await partitions.ensureFor(plan.sampleTable, partitionSampleTimes(rows, partitions.widthMs));

  const path = opts.path ?? 'auto';
  const client = await pool.connect();
  let broken: Error | undefined;
  const seriesIds = opts.seriesIds ?? own.seriesIds;
  // Kept over the attempts: a series this write created in an attempt that was then rolled back (a purge
  // ran) is still one no stored row names, whatever the next attempt's statement finds.
  const created = path === 'auto' ? new Uint8Array(rows.length) : undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      const ids = await seriesIds.resolve(client, entity, rows, created);
      if (path === 'direct') {
        await copyRowsInto(client, plan.copyDirectSql, plan.encode, rows, ids);
        return { inserted: rows.length, duplicates: 0 };
      }
      const r = await writeInTransaction(client, plan, entity, batches, rows, ids, created, path, seriesIds);
      if (r) return r;
      if (attempt >= 3) throw new Error(`${plan.table}: series were purged under this write three times in a row`);
    }
  } catch (err) {
    // A failure that is no SQL error (socket, stream) may leave the connection mid-protocol: discard it.
    if (!(err as { code?: string }).code) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * The batches' rows in one array, checked: bad rows (a key missing) fail here, before any database work
 * (the encoding itself is streamed). The error's row index counts across the batches.
 */
function flatRows(entity: Entity, table: string, batches: readonly MetricBatch[]): MetricRow[] {
  const rows = batches.length === 1 ? batches[0].rows : batches.flatMap((b) => b.rows);
  let b = 0;
  let batchEnd = batches[0]?.rows.length ?? 0;
  for (let i = 0; i < rows.length; i++) {
    while (i >= batchEnd) batchEnd += batches[++b].rows.length;
    // A row without a source is a summary row, as migration 006 made every row stored before it (spool
    // files from before it replay through here).
    rows[i].source ??= SOURCE_CODE.summary;
    const why = invalidMetricRowReason(entity, rows[i]);
    if (!why) continue;
    const where = batches.length === 1 ? `row ${i}` : `row ${i} (batch ${b}, id ${batches[b].id ?? 'none'})`;
    throw new BadRowError(`${table}: ${where} ${why} (${JSON.stringify(rows[i]).slice(0, 200)})`, i);
  }
  return rows;
}

/**
 * The batches in one transaction: the purge lock and epoch, the batch ids, the late range, the rows of
 * the batches whose id was not recorded before. Returns null when a series purge ran since `ids` were
 * resolved (the cache was reset: resolve and try again).
 */
async function writeInTransaction(client: pg.PoolClient, plan: EntityPlan, entity: Entity, batches: readonly MetricBatch[],
  rows: MetricRow[], ids: Int32Array, created: Uint8Array | undefined, path: 'auto' | 'staging', seriesIds: SeriesIds): Promise<WriteResult | null> {
  const verdict = splitFirstSamples(batches, path, created);
  const batchIds = [...new Set(batches.flatMap((b) => (b.id === undefined ? [] : [String(b.id).toLowerCase()])))].sort();
  // Outside the transaction: a rollback would take the table with it while stagedOn still listed it.
  if (verdict.unknown.length) await ensureStage(client, plan);
  await client.query(BEGIN_SQL);
  try {
    // Under the lock: a purge either committed before (its epoch is read here) or waits for this commit.
    const head = await client.query<{ recorded: string[]; epoch: string }>(HEAD_SQL, [batchIds]);
    const { recorded, epoch } = head.rows[0];
    if (epoch !== seriesIds.epoch) {
      await client.query('ROLLBACK');
      const first = seriesIds.epoch === null;
      seriesIds.reset(epoch);
      // The first read only learns the epoch; ids resolved before it may predate a purge all the same.
      if (!first) log('store').info({ entity, epoch }, 'series were purged: cached series ids resolved again');
      return null;
    }
    const stored = storedBefore(batches, new Set(recorded));
    if (stored.every(Boolean)) {
      await client.query('ROLLBACK');
      return { inserted: 0, duplicates: rows.length };
    }
    const keep = (at: number[]) => (stored.some(Boolean) ? at.filter((i) => !stored[verdict.batchOf[i]]) : at);
    const fresh = keep(verdict.fresh);
    const unknown = keep(verdict.unknown);
    const kept = fresh.length + unknown.length === rows.length ? rows : [...fresh, ...unknown].map((i) => rows[i]);
    let inserted = 0;
    if (fresh.length) {
      const [r, i] = pick(rows, ids, fresh);
      await copyRowsInto(client, plan.copyDirectSql, plan.encode, r, i);
      inserted += r.length;
    }
    if (unknown.length) {
      const [r, i] = pick(rows, ids, unknown);
      inserted += await insertAbsent(client, plan, r, i);
    }
    const judgedAt = Date.now();
    const owed = lateHours(kept, judgedAt - LATE_MS);
    if (owed.length) await client.query(RECORD_LATE_SQL, [entity, owed]);
    await client.query('COMMIT');
    // A rollup pass that started after the judgment may have passed these rows' buckets before they were
    // visible: mark every hour the rows touch (a no-op for the rollups when nothing was missed).
    const commitMs = Date.now() - judgedAt;
    if (commitMs > ROLLUP_SETTLE_MS - LATE_MS) {
      const hours = lateHours(kept, Infinity);
      log('store').warn({ entity, commitMs, hours: hours.length }, 'a slow COMMIT may have missed a rollup pass: its hours are recomputed');
      await client.query(RECORD_LATE_SQL, [entity, hours]);
    }
    return { inserted, duplicates: rows.length - inserted };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Per batch: whether it was stored before (its id is not among those recorded now). A second batch with
 * the id of an earlier one in the same write counts as stored: the first one carries the id.
 */
function storedBefore(batches: readonly MetricBatch[], recordedNow: Set<string>): boolean[] {
  const claimed = new Set<string>();
  return batches.map((b) => {
    if (b.id === undefined) return false;
    const id = String(b.id).toLowerCase();
    if (!recordedNow.has(id) || claimed.has(id)) return true;
    claimed.add(id);
    return false;
  });
}

/**
 * Indexes into the batches' flat rows: the rows to COPY, the rows to insert only where absent (the first
 * samples of series that were stored before this write, every row of a batch without id, every row on
 * the 'staging' path), and the batch each row belongs to. `created`: rows whose series this write created.
 */
function splitFirstSamples(batches: readonly MetricBatch[], path: 'auto' | 'staging', created: Uint8Array | undefined): { fresh: number[]; unknown: number[]; batchOf: Int32Array } {
  const out = { fresh: [] as number[], unknown: [] as number[], batchOf: new Int32Array(batches.reduce((n, b) => n + b.rows.length, 0)) };
  let i = 0;
  batches.forEach((batch, b) => {
    const vouched = path === 'auto' && batch.id !== undefined;
    for (const row of batch.rows) {
      out.batchOf[i] = b;
      (vouched && (!row[FIRST_SAMPLE] || created?.[i] === 1) ? out.fresh : out.unknown).push(i++);
    }
  });
  return out;
}

/** The rows (and their ids) at `at`, or all of them when `at` covers every row. */
function pick(rows: MetricRow[], ids: Int32Array, at: number[]): [MetricRow[], Int32Array] {
  if (at.length === rows.length) return [rows, ids];
  return [at.map((i) => rows[i]), Int32Array.from(at, (i) => ids[i])];
}

async function ensureStage(client: pg.PoolClient, plan: EntityPlan): Promise<void> {
  let staged = stagedOn.get(client);
  if (!staged) stagedOn.set(client, (staged = new Set()));
  if (staged.has(plan.stageTable)) return;
  await client.query(plan.createStageSql);
  staged.add(plan.stageTable);
}

/** Stages the rows and inserts those not stored yet, inside the caller's transaction. */
async function insertAbsent(client: pg.PoolClient, plan: EntityPlan, rows: MetricRow[], ids: Int32Array): Promise<number> {
  await copyRowsInto(client, plan.copyStageSql, plan.encode, rows, ids);
  // Without statistics a temporary table looks like ~2,000 rows whatever it holds.
  if (rows.length > ANALYZE_STAGE_ROWS) await client.query(`ANALYZE ${plan.stageTable}`);
  const { min, max } = timeSpan(rows);
  const clusters = [...new Set(rows.map((row) => Number(row.cluster_id)))];
  const r = await client.query(plan.insertAbsentSql, [new Date(min), new Date(max), clusters]);
  return r.rowCount ?? 0;
}

const ANALYZE_STAGE_ROWS = 200;

/**
 * The hours (their starts, ascending: concurrent writers lock the rows in one order) of the rows sampled
 * before `lateBeforeMs`: the hours a rollup pass may already have passed.
 */
export function lateHours(rows: MetricRow[], lateBeforeMs: number): Date[] {
  const hours = new Set<number>();
  for (const row of rows) {
    const ms = timeOf(row.ts);
    if (ms < lateBeforeMs) hours.add(Math.floor(ms / 3_600_000) * 3_600_000);
  }
  return [...hours].sort((a, b) => a - b).map((h) => new Date(h));
}

function timeSpan(rows: MetricRow[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    const ms = timeOf(row.ts);
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  return { min, max };
}

function timeOf(ts: unknown): number {
  return ts instanceof Date ? ts.getTime() : typeof ts === 'number' ? ts : Date.parse(String(ts));
}

/**
 * Streams rows in COPY binary format, encoding ENCODE_ROWS at a time as the stream pulls, so a batch is
 * never held twice in memory and this process encodes the next slice while PostgreSQL reads the last.
 */
async function copyRowsInto(
  client: pg.PoolClient,
  sql: string,
  encode: (rows: MetricRow[], ids: Int32Array) => Buffer,
  rows: MetricRow[],
  ids: Int32Array,
): Promise<void> {
  const ENCODE_ROWS = 500;
  const slices = (function* () {
    yield COPY_BINARY_HEADER;
    for (let i = 0; i < rows.length; i += ENCODE_ROWS) yield encode(rows.slice(i, i + ENCODE_ROWS), ids.subarray(i, i + ENCODE_ROWS));
    yield COPY_BINARY_TRAILER;
  })();
  await copyFromChunks(client, sql, slices);
}

/** Key column names per entity, looked up once (this check runs for every row written). */
const KEY_COLUMNS = new Map<Entity, string[]>(
  (Object.keys(ENTITY_TABLES) as Entity[]).map((e) => [e, metricKeyColumns(e)]),
);

/** Why a row cannot be stored (a key column missing or ts invalid), or null when it can. */
export function invalidMetricRowReason(entity: Entity, row: MetricRow): string | null {
  const keys = KEY_COLUMNS.get(entity);
  if (!keys) throw new Error(`writeMetricRows: unknown entity ${JSON.stringify(entity)}`);
  for (let i = 0; i < keys.length; i++) {
    const v = row[keys[i]];
    if (v === null || v === undefined) return `lacks key column ${keys[i]}`;
  }
  return Number.isFinite(timeOf(row.ts)) ? null : 'has no valid ts';
}

/** One sample time per partition-width bucket the rows fall into (what partitions need to exist). */
function partitionSampleTimes(rows: MetricRow[], widthMs: number): number[] {
  const buckets = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) {
    const ms = timeOf(rows[i].ts);
    if (!Number.isFinite(ms)) throw new BadRowError(`metric row ${i} without a valid ts: ${JSON.stringify(rows[i]).slice(0, 200)}`, i);
    const bucket = Math.floor(ms / widthMs);
    if (!buckets.has(bucket)) buckets.set(bucket, ms);
  }
  return [...buckets.values()];
}
