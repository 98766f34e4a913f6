// The compactor: past the raw window, each raw partition becomes history blocks. Per raw partition whose
// whole range is older than the window and already rolled up by the rollups computed from raw rows (node
// and pod: their SQL pass; rollup-schema.ts minutesAtCompaction), per entity, in ONE transaction:
//   lock the partition against writers (SHARE: readers go on), read it — by a binary COPY on a second
//   connection, ordered by (series id, ts, source), the series index's order, so only each series' rows
//   are sorted (an incremental sort), never the whole partition; the tuples decoded straight into the
//   open blocks' columns (copy-block-builder.ts) —, encode one block per (series, source, hour), look up
//   the keys and attributes of each batch's series once, insert the blocks; compute the partition's
//   minutes from the same rows (minute-rollup.ts) and store them as minute blocks (minute-schema.ts) — for
//   the other entities also its hours, replacing any minute rows and hours, and move both rollups'
//   done_until past it (node's and pod's rollups come from the SQL pass, their minute rows kept for the
//   overview; readers take a series-hour's rows over its block); DROP the partition, commit.
// A crash before the commit leaves the raw rows and no block; after it, the blocks and no raw rows: nothing
// lost or doubled, and the next pass just finds the remaining partitions. A block that already exists for
// the same (series, source, hour) — rows replayed into an hour already compacted land in a re-created raw
// partition — is decoded, merged by ts (a ts it holds is a duplicate, dropped), re-encoded and replaced.
import type pg from 'pg';
import type { BinaryColumn } from '../copy-binary-read.js';
import { ENTITIES, ENTITY_TABLES, type Entity } from '../../metrics/definitions.js';
import { log } from '../../log.js';
import { PartitionManager, type PartitionInfo } from '../partitions.js';
import { RESOLUTIONS, minutesAtCompaction, rollupTable } from '../rollup-schema.js';
import { SCHEMA, qualified, quoteIdent } from '../schema.js';
import { sampleTable, seriesAttributeNames, seriesTable } from '../series-schema.js';
import { asBuffer, decodeBlockRows, encodeBlock, mergeBlockRows, type EncodedBlock, type SeriesRef } from './blocks.js';
import { copyFromChunks, readPartition, tupleCopy } from '../copy-stream.js';
import { inTransaction } from '../pool.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from '../copy-binary.js';
import { CopyBlockBuilder, type BuiltBlock } from './copy-block-builder.js';
import { MinuteRollup } from './minute-rollup.js';
import { markRolledUp } from '../rollups.js';
import { insertMinuteBlocks } from './minute-packer.js';
import { blockColumns, blockKeyColumns, blockTable, rawColumns, seriesKeyColumns } from './schema.js';

/** Each entity's block COPY (copy-stream.ts tupleCopy). */
const BLOCK_COPY = Object.fromEntries(ENTITIES.map((e) => [e, tupleCopy(qualified(blockTable(e)), blockColumns(e))])) as Record<Entity, ReturnType<typeof tupleCopy>>;

export interface CompactorOptions {
  /** Raw rows younger than this stay raw (config [retention] compact_after). */
  compactAfterMs: number;
  /** The raw tables' partitions (shared with the writer and maintenance). */
  rawPartitions: PartitionManager;
  /** The block tables' partitions (daily on start_ts; retention drops them). */
  blockPartitions: PartitionManager;
  /**
   * The partitions of the minute block tables (daily on start_ts) and of the 1-hour rollup tables. Given,
   * the compactor writes every entity's minute blocks from the rows it packs, and computes the 1-hour
   * rollup of the entities of minutesAtCompaction too (the maintenance loop's SQL pass leaves their
   * rollups out then), taking their partitions without waiting for any rollup.
   */
  rollupPartitions?: { minuteBlocks: PartitionManager; hours: PartitionManager };
  /** Blocks per COPY, their series looked up at once (default 200). */
  insertBlocks?: number;
  /** Test hook: called inside the transaction after each batch of blocks is stored. */
  afterInsert?: (entity: Entity, blocksSoFar: number) => void | Promise<void>;
}

export interface CompactionReport {
  partitions: string[];
  rows: number;
  blocks: number;
  /** Existing blocks merged with replayed rows; samples dropped as already in their block. */
  merged: number;
  duplicates: number;
  /** Minute blocks (one per series and hour) and 1-hour rows written, for entities whose rollups the compactor computes. */
  minuteBlocks: number;
  ms: number;
}

export class Compactor {
  constructor(private readonly pool: pg.Pool, private readonly opts: CompactorOptions) {
    if (!(opts.compactAfterMs > 0)) throw new Error(`compact_after must be a positive duration, got ${opts.compactAfterMs}`);
  }

  /** Compacts every eligible raw partition of every entity. */
  async run(nowMs = Date.now()): Promise<CompactionReport> {
    const started = performance.now();
    const report: CompactionReport = { partitions: [], rows: 0, blocks: 0, merged: 0, duplicates: 0, minuteBlocks: 0, ms: 0 };
    for (const entity of ENTITIES) {
      // Rollups computed from raw rows must be done before those rows go; minutes computed here need nothing.
      const rolledUntil = this.computesRollups(entity) ? Infinity : await this.rolledUpUntil(entity);
      const cutoff = Math.min(nowMs - this.opts.compactAfterMs, rolledUntil);
      const parts = await this.opts.rawPartitions.list(sampleTable(entity));
      for (const p of parts) {
        if (p.toMs > cutoff) continue;
        const r = await this.compactPartition(entity, p);
        report.partitions.push(p.name);
        report.rows += r.rows;
        report.blocks += r.blocks;
        report.merged += r.merged;
        report.duplicates += r.duplicates;
        report.minuteBlocks += r.minuteBlocks;
      }
    }
    report.ms = performance.now() - started;
    if (report.partitions.length) {
      log('store').info({ ...report, ms: Math.round(report.ms) }, 'compacted raw partitions into history blocks');
    }
    return report;
  }

  /** Whether this compactor computes the entity's rollups, minutes and hours (see CompactorOptions.rollupPartitions). */
  computesRollups(entity: Entity): boolean {
    return this.opts.rollupPartitions !== undefined && minutesAtCompaction(entity);
  }

  /** The time up to which both rollups of the entity are done (−∞ before their first run). */
  private async rolledUpUntil(entity: Entity): Promise<number> {
    const tables = RESOLUTIONS.map((r) => rollupTable(entity, r));
    const r = await this.pool.query<{ table: string; done_until: Date }>(
      `SELECT rollup_table AS table, done_until FROM ${SCHEMA}.rollup_state WHERE rollup_table = ANY($1)`, [tables],
    );
    if (r.rows.length < tables.length) return -Infinity;
    return Math.min(...r.rows.map((x) => x.done_until.getTime()));
  }

  /** Packs one raw partition into blocks and drops it, atomically. */
  async compactPartition(entity: Entity, part: PartitionInfo): Promise<Omit<CompactionReport, 'partitions' | 'ms'>> {
    const out = { rows: 0, blocks: 0, merged: 0, duplicates: 0, minuteBlocks: 0 };
    const bt = blockTable(entity);
    // Block partitions first, outside the transaction: creating one inside would wait on our own locks.
    const hours: number[] = [];
    for (let t = part.fromMs; t < part.toMs; t += 3_600_000) hours.push(t);
    await this.opts.blockPartitions.ensureFor(bt, hours);
    // The minutes of a partition re-created by rows replayed into hours already compacted are not its rows'
    // alone: the writer marked those hours in rollup_pending, whose pass recomputes them from raw rows and
    // blocks together (rollups.ts), before or after this merge alike.
    const stored = await this.storedBlockIds(entity, part);
    const minutes = this.opts.rollupPartitions !== undefined && stored.size === 0 ? new MinuteRollup(entity, this.computesRollups(entity)) : undefined;
    const rollups = minutes !== undefined && minutes.hours;
    if (minutes) await this.opts.rollupPartitions!.minuteBlocks.ensureFor(minutes.blockTable, hours);
    if (rollups) await this.opts.rollupPartitions!.hours.ensureFor(minutes.hourTable, hours);

    // The sample partition in the sample index's order: a series' rows come together, by ts and source, as
    // the builder needs. Read by a binary COPY on a second connection (the first holds the transaction:
    // the lock, the block inserts, the DROP), so numbers travel as bytes, not as text PostgreSQL formats
    // and this process parses (with a cursor, those were ~40 % of the compaction's CPU). Keys and
    // attributes come from the series table once per series of each batch of blocks, not joined to every row.
    const fromSeries = new Set([...seriesKeyColumns(entity).slice(1), ...seriesAttributeNames(entity)]);
    const columns: BinaryColumn[] = [{ column: 'series_id', sqlType: 'integer' }, ...rawColumns(entity).filter((c) => !fromSeries.has(c.column))];
    const lookup = seriesLookupSql(entity);
    const partition = `${SCHEMA}.${quoteIdent(part.name)}`;
    const builder = new CopyBlockBuilder(entity, columns, minutes);
    let orphans = 0;
    await inTransaction(this.pool, async (client) => {
      // Writers wait from here to the COMMIT; the reader's COPY (a plain read) is not blocked.
      await client.query(`LOCK TABLE ${partition} IN SHARE MODE`);
      // Minutes and hours computed before (by the SQL pass, an owed hour's recompute, an earlier version) are
      // replaced; node's and pod's minute rows stay, for the overview (minute-packer.ts drops them later).
      const range = [new Date(part.fromMs), new Date(part.toMs)];
      if (minutes) await client.query(`DELETE FROM ${qualified(minutes.blockTable)} WHERE start_ts >= $1 AND start_ts < $2`, range);
      if (rollups) {
        await client.query(`DELETE FROM ${qualified(rollupTable(entity, RESOLUTIONS[0]))} WHERE ts >= $1 AND ts < $2`, range);
        await client.query(`DELETE FROM ${qualified(minutes.hourTable)} WHERE ts >= $1 AND ts < $2`, range);
      }
      const batch = Math.max(1, this.opts.insertBlocks ?? 200);
      const storeClosed = async (all: boolean): Promise<void> => {
        while (builder.closed.length >= batch || (all && builder.closed.length > 0)) {
          const built = builder.closed.splice(0, batch);
          const series = await seriesOfBlocks(client, lookup, built);
          const blocks: EncodedBlock[] = [];
          for (const b of built) {
            const ref = series.get(`${b.clusterId}/${b.seriesId}`);
            // Rows whose series is gone no view shows (they join the series): left out, counted.
            if (!ref) {
              orphans += b.columns.samples + b.duplicates;
              continue;
            }
            out.duplicates += b.duplicates;
            blocks.push({ keys: ref.keys, attributes: ref.attributes, source: b.source, startMs: b.startMs, ...b.columns });
          }
          if (blocks.length) await this.store(client, entity, blocks, stored, out);
          if (minutes) out.minuteBlocks += await storeMinutes(client, minutes, series);
        }
      };
      await readPartition(this.pool, `COPY (SELECT ${columns.map((c) => `s.${quoteIdent(c.column)}`).join(', ')} FROM ${partition} s
        ORDER BY s.cluster_id, s.series_id, s.ts, s.source) TO STDOUT (FORMAT binary)`, columns.length, builder.push, async (tuples) => {
        out.rows += tuples;
        await storeClosed(false);
      });
      builder.finish();
      await storeClosed(true);
      if (minutes) {
        // Series whose blocks were all stored before their last minutes were ready: looked up now.
        const waiting = new Map(minutes.waiting().map((id) => [id, id.split('/').map(Number) as [number, number]]));
        if (waiting.size) out.minuteBlocks += await storeMinutes(client, minutes, await seriesOf(client, lookup, waiting));
        minutes.forgetWaiting(); // series gone, as their rows' blocks (counted in orphans)
      }
      if (rollups) await markRolledUp(client, [rollupTable(entity, RESOLUTIONS[0]), minutes.hourTable], part.toMs);
      await client.query(`DROP TABLE ${partition}`);
    });
    await this.opts.rawPartitions.list(sampleTable(entity));
    if (orphans) log('store').warn({ partition: part.name, rows: orphans }, 'raw rows of series no longer in the series table were left out of the blocks');
    log('store').debug({ partition: part.name, ...out }, 'compacted partition');
    return out;
  }

  /**
   * The ids (blockId) of the blocks stored for the partition's hours: none, unless rows were replayed into
   * hours compacted before. Read once, before the partition's transaction (only the compactor, one partition
   * at a time, writes blocks); should another writer race it anyway, its COPY fails on the primary key and
   * the transaction, raw partition included, is rolled back for the next pass.
   */
  private async storedBlockIds(entity: Entity, part: PartitionInfo): Promise<Set<string>> {
    const keyCols = blockKeyColumns(entity);
    const r = await this.pool.query<Record<string, unknown>>(
      `SELECT ${keyCols.map(quoteIdent).join(', ')} FROM ${qualified(blockTable(entity))} WHERE start_ts >= $1 AND start_ts < $2`,
      [new Date(part.fromMs), new Date(part.toMs)],
    );
    return new Set(r.rows.map((row) => blockId(keyCols.map((k) => row[k]))));
  }

  /**
   * Writes encoded blocks by a binary COPY; those whose (series, source, hour) is stored already (`stored`,
   * which learns the ones written here) are merged into the stored one instead.
   */
  private async store(client: pg.PoolClient, entity: Entity, encoded: EncodedBlock[], stored: Set<string>,
    out: { blocks: number; merged: number; duplicates: number }): Promise<void> {
    const fresh: unknown[][] = [];
    const merges: EncodedBlock[] = [];
    for (const b of encoded) {
      const id = blockId([...b.keys, b.source, new Date(b.startMs)]);
      if (stored.has(id)) {
        merges.push(b);
      } else {
        stored.add(id);
        fresh.push(blockParams(b));
      }
    }
    out.blocks += await BLOCK_COPY[entity](client, fresh);
    for (const b of merges) {
      out.duplicates += await this.mergeInto(client, entity, b);
      out.merged++;
    }
    await this.opts.afterInsert?.(entity, out.blocks + out.merged);
  }

  /** Replaces a stored block by its merge with the rows of `incoming`. Returns the duplicates dropped. */
  private async mergeInto(client: pg.PoolClient, entity: Entity, incoming: EncodedBlock): Promise<number> {
    const keyCols = blockKeyColumns(entity);
    const where = keyCols.map((k, i) => `${quoteIdent(k)} = $${i + 1}`).join(' AND ');
    const keyParams = [...incoming.keys, incoming.source, new Date(incoming.startMs)];
    const valueCols = blockColumns(entity).filter((c) => c.sqlType === 'bytea'); // ts, then the metric columns
    const stored = await client.query<Record<string, Buffer | null>>(
      `SELECT ${valueCols.map((c) => quoteIdent(c.column)).join(', ')} FROM ${qualified(blockTable(entity))} WHERE ${where} FOR UPDATE`,
      keyParams,
    );
    const s = stored.rows[0];
    if (!s) throw new Error(`history block of ${entity} ${keyParams.join('/')} vanished during its merge`);
    const storedRows = decodeBlockRows(entity, s.ts!, valueCols.slice(1).map((c) => s[c.column] ?? null));
    // The incoming block's rows decode to the very values it was encoded from (the codec is exact).
    const { rows, duplicates } = mergeBlockRows(storedRows, decodeBlockRows(entity, incoming.ts, incoming.values));
    if (duplicates === incoming.samples) return duplicates;
    const b = encodeBlock(entity, { ...incoming, rows });
    const all = blockColumns(entity);
    const setCols = all.slice(seriesKeyColumns(entity).length).filter((c) => c.column !== 'source' && c.column !== 'start_ts');
    const params = blockParams(b);
    const byName = new Map(all.map((c, i) => [c.column, params[i]]));
    await client.query(
      `UPDATE ${qualified(blockTable(entity))} SET ${setCols.map((c, i) => `${quoteIdent(c.column)} = $${keyParams.length + i + 1}`).join(', ')} WHERE ${where}`,
      [...keyParams, ...setCols.map((c) => byName.get(c.column))],
    );
    return duplicates;
  }
}

/** Per entity: the statement reading the keys and attributes of given (cluster_id, series_id) pairs. */
interface SeriesLookup { sql: string; keys: string[]; attributes: string[] }

function seriesLookupSql(entity: Entity): SeriesLookup {
  const keys = seriesKeyColumns(entity);
  const attributes = ENTITY_TABLES[entity].attributes.map((a) => a.column);
  const sql = `SELECT r.series_id, ${[...keys, ...attributes].map((c) => `r.${quoteIdent(c)}`).join(', ')}
    FROM unnest($1::int[], $2::int[]) AS u(cluster_id, series_id)
    JOIN ${qualified(seriesTable(entity))} r ON r.cluster_id = u.cluster_id AND r.series_id = u.series_id`;
  return { sql, keys, attributes };
}

/** The series of a batch of blocks, by "cluster_id/series_id", read in one statement. */
async function seriesOfBlocks(client: pg.PoolClient, lookup: SeriesLookup, blocks: BuiltBlock[]): Promise<Map<string, SeriesRef>> {
  const pairs = new Map<string, [number, number]>();
  for (const b of blocks) pairs.set(`${b.clusterId}/${b.seriesId}`, [b.clusterId, b.seriesId]);
  return seriesOf(client, lookup, pairs);
}

/** The series of (cluster_id, series_id) pairs keyed "cluster_id/series_id", read in one statement. */
async function seriesOf(client: pg.PoolClient, lookup: SeriesLookup, pairs: Map<string, [number, number]>): Promise<Map<string, SeriesRef>> {
  const out = new Map<string, SeriesRef>();
  if (pairs.size === 0) return out;
  const list = [...pairs.values()];
  const r = await client.query<Record<string, string | number | null>>(lookup.sql, [list.map((p) => p[0]), list.map((p) => p[1])]);
  for (const s of r.rows) {
    const id = `${String(s.cluster_id)}/${String(s.series_id)}`;
    out.set(id, { id, keys: lookup.keys.map((k) => s[k] as string | number), attributes: lookup.attributes.map((a) => (s[a] ?? null) as string | null) });
  }
  return out;
}

/** Stores the minute blocks (and the hours, where it computes them) of the series in `refs` that are ready; returns the minute blocks written. */
async function storeMinutes(client: pg.PoolClient, minutes: MinuteRollup, refs: ReadonlyMap<string, SeriesRef>): Promise<number> {
  const got = minutes.take(refs);
  if (!got) return 0;
  await insertMinuteBlocks(client, minutes.entity, got.blocks);
  if (minutes.hours) await copyFromChunks(client, minutes.hourCopySql, [COPY_BINARY_HEADER, got.hourTuples, COPY_BINARY_TRAILER]);
  return got.blocks.length;
}

/** The values of one block row in blockColumns order. */
function blockParams(b: EncodedBlock): unknown[] {
  return [...b.keys, ...b.attributes, b.source, new Date(b.startMs), b.samples, asBuffer(b.ts), ...b.values.map((v) => (v ? asBuffer(v) : null))];
}


function blockId(parts: unknown[]): string {
  return parts.map((p) => (p instanceof Date ? p.getTime() : String(p))).join('\u0000');
}
