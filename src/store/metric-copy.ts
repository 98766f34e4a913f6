// Metric ingest: rows (already carrying cluster_id) into an entity's partitioned table by COPY.
//
// Design, measured by bench/ingest.ts: a replayed or duplicate sample must be stored once, which a plain
// COPY cannot do (one duplicate key fails the whole COPY). The safe path — COPY into a temporary staging
// table, then INSERT … SELECT … ON CONFLICT — writes every row twice. Duplicates are rare (the
// scraper skips stale samples; they come from spool replays and restarts), so the writer first COPYs
// straight into the table (one statement, atomic) and only when that fails on a duplicate key does it
// take the staging path for that batch and for the next few batches of the entity (replays come in runs).
//
// Rows are appended, never updated: the source (summary, cAdvisor, resource) is part of the key, so the
// two sources' rows of one housekeeping sample stand side by side instead of merging into one row (the
// merge — staging, then an update per row — cost about two direct COPYs for every cAdvisor batch and was
// the larger part of PostgreSQL's CPU per value). A key that is already stored can only be the same sample
// again (a replay), so the staging path inserts what is absent and drops the rest (ON CONFLICT DO NOTHING).
//
// Since migration 009 the rows go into `<entity>_sample`, keyed by an integer series id (series-ids.ts
// resolves it, from a cache or one statement per batch), so the COPY carries no text key and the unique
// index is (cluster_id, series_id, ts, source): the duplicate handling above is unchanged.
import { copyFromChunks } from './copy-stream.js';
import type pg from 'pg';
import type { Entity, MetricRow } from '../metrics/definitions.js';
import { ENTITY_TABLES, SOURCE_CODE } from '../metrics/definitions.js';
import { BadRowError } from './copy-text.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, binaryCopyEncoder } from './copy-binary.js';
import { PartitionManager } from './partitions.js';
import { SCHEMA, metricKeyColumns, quoteIdent } from './schema.js';
import { SAMPLE_KEY_COLUMNS, sampleColumns, sampleTable } from './series-schema.js';
import { SeriesIds } from './series-ids.js';

export interface WriteResult {
  inserted: number;
  /** Rows not stored because a row with the same key (entity, time) already was. */
  duplicates: number;
}

export interface WriteOptions {
  /** Shared partition manager; by default one per pool. */
  partitions?: PartitionManager;
  /** 'auto' (direct COPY, staging after a duplicate), or force one path (the benchmark compares them). */
  path?: 'auto' | 'direct' | 'staging';
  /** Series id cache of this database; by default one per pool. */
  seriesIds?: SeriesIds;
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
  /** Insert the staged rows whose key is not stored yet; the rest are replays. */
  insertFromStageSql: string;
}

const plans = new Map<Entity, EntityPlan>();

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
  plan = {
    table: def.table,
    sampleTable: sampleTable(entity),
    encode: binaryCopyEncoder(cols, 'series_id'),
    copyDirectSql: `COPY ${target} (${list}) FROM STDIN WITH (FORMAT binary)`,
    stageTable,
    // Per session, emptied at each commit; LIKE follows the declared columns of the real table.
    createStageSql: `CREATE TEMP TABLE IF NOT EXISTS ${stageTable} (LIKE ${target}) ON COMMIT DELETE ROWS`,
    copyStageSql: `COPY ${stageTable} (${list}) FROM STDIN WITH (FORMAT binary)`,
    // DISTINCT ON: a batch may itself hold a row twice (a replayed spool file beside the live rows).
    insertFromStageSql: `INSERT INTO ${target} (${list}) SELECT DISTINCT ON (${keyList}) ${list} FROM ${stageTable} ON CONFLICT DO NOTHING`,
  };
  plans.set(entity, plan);
  return plan;
}

const defaultPartitions = new WeakMap<pg.Pool, PartitionManager>();
const defaultSeriesIds = new WeakMap<pg.Pool, SeriesIds>();
/** Connections that already hold a given staging table (temp tables live per session). */
const stagedOn = new WeakMap<pg.PoolClient, Set<string>>();
/** Per entity: how many more batches take the staging path after a duplicate was seen. */
const stagingBatchesLeft = new Map<Entity, number>();
const STAGING_RUN_AFTER_DUPLICATE = 20;

const UNIQUE_VIOLATION = '23505';

export async function writeMetricRows(
  pool: pg.Pool,
  entity: Entity,
  rows: MetricRow[],
  opts: WriteOptions = {},
): Promise<WriteResult> {
  if (rows.length === 0) return { inserted: 0, duplicates: 0 };
  const plan = planFor(entity);
  // Bad rows (a key missing) fail here, before any database work; the encoding itself is streamed.
  for (let i = 0; i < rows.length; i++) {
    // A row without a source is a summary row, as migration 006 made every row stored before it (spool
    // files from before it replay through here).
    rows[i].source ??= SOURCE_CODE.summary;
    const why = invalidMetricRowReason(entity, rows[i]);
    if (why) throw new BadRowError(`${plan.table}: row ${i} ${why} (${JSON.stringify(rows[i]).slice(0, 200)})`, i);
  }
  let partitions = opts.partitions ?? defaultPartitions.get(pool);
  if (!partitions) {
    partitions = new PartitionManager(pool);
    defaultPartitions.set(pool, partitions);
  }
  await partitions.ensureFor(plan.sampleTable, partitionSampleTimes(rows, partitions.widthMs));
  let seriesIds = opts.seriesIds ?? defaultSeriesIds.get(pool);
  if (!seriesIds) {
    seriesIds = new SeriesIds();
    defaultSeriesIds.set(pool, seriesIds);
  }

  const path = opts.path ?? 'auto';
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const ids = await seriesIds.resolve(client, entity, rows);
    const left = stagingBatchesLeft.get(entity) ?? 0;
    if (path === 'direct' || (path === 'auto' && left === 0)) {
      try {
        await copyRowsInto(client, plan.copyDirectSql, plan.encode, rows, ids);
        return { inserted: rows.length, duplicates: 0 };
      } catch (err) {
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION || path === 'direct') throw err;
        stagingBatchesLeft.set(entity, STAGING_RUN_AFTER_DUPLICATE);
      }
    } else if (path === 'auto') {
      stagingBatchesLeft.set(entity, left - 1);
    }
    const inserted = await viaStaging(client, plan, rows, ids);
    return { inserted, duplicates: rows.length - inserted };
  } catch (err) {
    // A failure that is no SQL error (socket, stream) may leave the connection mid-protocol: discard it.
    if (!(err as { code?: string }).code) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

async function viaStaging(client: pg.PoolClient, plan: EntityPlan, rows: MetricRow[], ids: Int32Array): Promise<number> {
  let staged = stagedOn.get(client);
  if (!staged) stagedOn.set(client, (staged = new Set()));
  if (!staged.has(plan.stageTable)) {
    await client.query(plan.createStageSql);
    staged.add(plan.stageTable);
  }
  await client.query('BEGIN');
  try {
    await copyRowsInto(client, plan.copyStageSql, plan.encode, rows, ids);
    const r = await client.query(plan.insertFromStageSql);
    await client.query('COMMIT');
    return r.rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
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
  const ts = row.ts;
  const ms = ts instanceof Date ? ts.getTime() : typeof ts === 'number' ? ts : Date.parse(String(ts));
  return Number.isFinite(ms) ? null : 'has no valid ts';
}

/** One sample time per partition-width bucket the rows fall into (what partitions need to exist). */
function partitionSampleTimes(rows: MetricRow[], widthMs: number): number[] {
  const buckets = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const ts = row.ts;
    const ms = ts instanceof Date ? ts.getTime() : typeof ts === 'number' ? ts : Date.parse(String(ts));
    if (!Number.isFinite(ms)) throw new BadRowError(`metric row ${i} without a valid ts: ${JSON.stringify(row).slice(0, 200)}`, i);
    const bucket = Math.floor(ms / widthMs);
    if (!buckets.has(bucket)) buckets.set(bucket, ms);
  }
  return [...buckets.values()];
}
