// Series ids for the writer: each raw row's (cluster_id, entity keys) → its `<entity>_series.series_id`,
// resolved before the row is COPied into `<entity>_sample` (migration 009), so no text key travels or is
// indexed per sample. Known ids come from an in-memory cache; a batch's misses are resolved in ONE statement
// that inserts the new series and returns the ids of new and existing ones alike.
//
// The cache is bounded: two generations of at most `maxPerEntity` entries each. Lookups hit the young one,
// or move an entry up from the old one; when the young generation is full, or 30 minutes old, the old one
// is dropped and the young one becomes old. So a series scraped at least once per generation stays cached, a deleted pod's
// series leave within two generations, and memory never exceeds 2 × maxPerEntity entries per entity
// (bench/ingest.ts measures the bytes per cached series). A series evicted while still live costs one
// lookup in the next batch's statement, not a wrong id: ids never change once assigned.
//
// A series stored with an attribute empty (its first row was a cAdvisor row without the pod's names, or a
// volume that is no PVC) is cached with a mask of those attributes: a later row that has one of them goes
// through the statement again, which fills it in.
import type pg from 'pg';
import { ENTITY_TABLES, entityKeyOf, type Entity, type MetricRow } from '../metrics/definitions.js';
import { qualified, quoteIdent } from './schema.js';
import { seriesAttributeNames, seriesKeyNames, seriesTable } from './series-schema.js';

/** Live series per entity kept cached by default (a 5,000-node cluster has ~300,000 containers). */
const DEFAULT_MAX_PER_ENTITY = 500_000;
/**
 * A generation also retires after this long (checked when an entry is added), so a deleted pod's series
 * leave the cache within two of it under churn instead of when 500,000 new ones have pushed them out: the
 * soak's heap grew by the new series of every pod lifecycle until the size bound (~66 B each).
 */
const GENERATION_MS = 30 * 60_000;

class GenerationalCache {
  private young = new Map<string, number>();
  private old = new Map<string, number>();
  private youngSince: number;
  constructor(private readonly max: number, private readonly maxAgeMs: number, private readonly now: () => number) {
    this.youngSince = now();
  }

  get(key: string): number | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.set(key, aged);
    }
    return aged;
  }

  set(key: string, id: number): void {
    if (this.young.size >= this.max || this.now() - this.youngSince >= this.maxAgeMs) {
      this.old = this.young;
      this.young = new Map();
      this.youngSince = this.now();
    }
    this.young.set(key, id);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}

/** Cached value: the id, plus the mask of its empty attributes above bit 31 (exact in a double). */
const ID_SPAN = 2 ** 31;

interface Miss {
  cluster_id: number;
  keys: string[];
  attrs: Array<string | null>;
  rows: number[];
}

interface EntitySql {
  keyNames: string[];
  attrNames: string[];
  upsert: string;
  lookup: string;
}

const sqlByEntity = new Map<Entity, EntitySql>();

function sqlFor(entity: Entity): EntitySql {
  const cached = sqlByEntity.get(entity);
  if (cached) return cached;
  const keyNames = seriesKeyNames(entity);
  const attrNames = seriesAttributeNames(entity);
  const t = ENTITY_TABLES[entity];
  const typeOf = new Map([...t.keys, ...t.attributes].map((k) => [k.column, k.sqlType]));
  const keys = ['cluster_id', ...keyNames].map(quoteIdent);
  const attrs = attrNames.map(quoteIdent);
  const all = [...keys, ...attrs];
  const unnest = `unnest(${all.map((c, i) => `$${i + 1}::${i === 0 ? 'integer' : typeOf.get(c.slice(1, -1))}[]`).join(', ')}) AS i(${all.join(', ')})`;
  const series = qualified(seriesTable(entity));
  const returning = `r."series_id", ${[...keys, ...attrs].map((k) => `r.${k}`).join(', ')}`;
  // An attribute is only ever filled in (a row that had it empty, e.g. a cAdvisor row first): the WHERE
  // keeps a series that is already complete from getting a new row version for nothing.
  const onConflict = attrs.length
    ? `DO UPDATE SET ${attrs.map((a) => `${a} = COALESCE(NULLIF(r.${a}, ''), EXCLUDED.${a})`).join(', ')}
       WHERE ${attrs.map((a) => `(NULLIF(r.${a}, '') IS NULL AND NULLIF(EXCLUDED.${a}, '') IS NOT NULL)`).join(' OR ')}`
    : 'DO NOTHING';
  const join = keys.map((k) => `r.${k} = i.${k}`).join(' AND ');
  const sql: EntitySql = {
    keyNames,
    attrNames,
    // New and updated series come back from the INSERT; existing ones the statement's snapshot sees from
    // the join (one created by another writer since then is found by `lookup`).
    // xmax = 0: the row version was inserted by this statement, not updated (a series created now).
    upsert: `WITH i AS (SELECT * FROM ${unnest}),
      w AS (INSERT INTO ${series} AS r (${all.join(', ')}) SELECT ${all.join(', ')} FROM i
            ON CONFLICT (${keys.join(', ')}) ${onConflict} RETURNING ${returning}, r.xmax = 0 AS created)
      SELECT * FROM w UNION ALL SELECT ${returning}, false FROM i JOIN ${series} r ON ${join}`,
    lookup: `SELECT ${returning}, false AS created FROM unnest(${keys.map((c, i) => `$${i + 1}::${i === 0 ? 'integer' : typeOf.get(c.slice(1, -1))}[]`).join(', ')}) AS i(${keys.join(', ')})
      JOIN ${series} r ON ${join}`,
  };
  sqlByEntity.set(entity, sql);
  return sql;
}

/** Whether the row has a value for one of the attributes the stored series lacks (bits of `emptyMask`). */
function fillsIn(row: MetricRow, attrNames: string[], emptyMask: number): boolean {
  for (let a = 0; a < attrNames.length; a++) {
    if ((emptyMask & (1 << a)) === 0) continue;
    const v = row[attrNames[a]];
    if (v !== null && v !== undefined && v !== '') return true;
  }
  return false;
}

/** The series ids of one database, cached per entity. */
export class SeriesIds {
  private readonly caches = new Map<Entity, GenerationalCache>();
  /**
   * The series purge epoch (kubepulse.series_purge) the cached ids are valid for; null until a writer
   * first read it. A purge deletes series rows and bumps the epoch; ids cached before may be gone.
   */
  epoch: string | null = null;

  /** Forgets every cached id; they are valid for `epoch` from now on (metric-copy.ts). */
  reset(epoch: string): void {
    this.caches.clear();
    this.epoch = epoch;
  }

  constructor(private readonly maxPerEntity = DEFAULT_MAX_PER_ENTITY, private readonly now: () => number = Date.now) {
    if (!(maxPerEntity >= 1)) throw new Error(`series id cache size must be at least 1, got ${maxPerEntity}`);
  }

  /** Series ids cached now (all entities). */
  get cached(): number {
    let n = 0;
    for (const c of this.caches.values()) n += c.size;
    return n;
  }

  /**
   * One id per row, in row order; rows of series not stored yet create them (one statement per batch).
   * `created`, when given (one slot per row), gets 1 for each row whose series this call created: no
   * stored row can name a series id that did not exist (metric-copy.ts writes such a series' first
   * samples by plain COPY).
   */
  async resolve(client: pg.ClientBase, entity: Entity, rows: MetricRow[], created?: Uint8Array): Promise<Int32Array> {
    let cache = this.caches.get(entity);
    if (!cache) this.caches.set(entity, (cache = new GenerationalCache(this.maxPerEntity, GENERATION_MS, this.now)));
    const ids = new Int32Array(rows.length);
    const { keyNames, attrNames } = sqlFor(entity);
    let misses: Map<string, Miss> | undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const key = `${String(row.cluster_id)}\u001f${entityKeyOf(entity, row)}`;
      const cached = cache.get(key);
      if (cached !== undefined && (cached < ID_SPAN || !fillsIn(row, attrNames, Math.floor(cached / ID_SPAN)))) {
        ids[i] = cached % ID_SPAN;
        continue;
      }
      misses ??= new Map();
      let miss = misses.get(key);
      if (!miss) {
        miss = { cluster_id: Number(row.cluster_id), keys: keyNames.map((k) => String(row[k] ?? '')), attrs: attrNames.map(() => null), rows: [] };
        misses.set(key, miss);
      }
      miss.rows.push(i);
      // The first non-empty value of each attribute among the batch's rows of the series.
      for (let a = 0; a < attrNames.length; a++) {
        const v = row[attrNames[a]];
        if (!miss.attrs[a] && v !== null && v !== undefined && v !== '') miss.attrs[a] = String(v);
      }
    }
    if (misses) await this.fetchMissing(client, entity, misses, cache, ids, created);
    return ids;
  }

  private async fetchMissing(
    client: pg.ClientBase, entity: Entity, misses: Map<string, Miss>, cache: GenerationalCache, ids: Int32Array, created?: Uint8Array,
  ): Promise<void> {
    const sql = sqlFor(entity);
    // Sorted by key: two writers inserting overlapping new series then lock them in the same order.
    const list = [...misses.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, m]) => m);
    const params: unknown[][] = [list.map((m) => m.cluster_id), ...sql.keyNames.map((_, k) => list.map((m) => m.keys[k]))];
    const found = await client.query<Record<string, string | number>>(sql.upsert, [...params, ...sql.attrNames.map((_, a) => list.map((m) => m.attrs[a]))]);
    let missing = this.assign(entity, found.rows, misses, cache, ids, created);
    if (missing > 0) {
      // Created by another writer after this statement's snapshot: visible to a new statement.
      const again = await client.query<Record<string, string | number>>(sql.lookup, params);
      missing = this.assign(entity, again.rows, misses, cache, ids);
      if (missing > 0) throw new Error(`${seriesTable(entity)}: ${missing} series neither inserted nor found`);
    }
  }

  /** Stores the ids of returned series rows; returns how many misses are still unresolved. */
  private assign(entity: Entity, rows: Array<Record<string, string | number>>, misses: Map<string, Miss>, cache: GenerationalCache,
    ids: Int32Array, created?: Uint8Array): number {
    const { attrNames } = sqlFor(entity);
    for (const r of rows) {
      const key = `${String(r.cluster_id)}\u001f${entityKeyOf(entity, r)}`;
      const miss = misses.get(key);
      if (!miss) continue;
      const id = Number(r.series_id);
      let empty = 0;
      for (let a = 0; a < attrNames.length; a++) {
        const v = r[attrNames[a]];
        if (v === null || v === undefined || v === '') empty |= 1 << a;
      }
      cache.set(key, id + empty * ID_SPAN);
      for (const i of miss.rows) ids[i] = id;
      if (created && (r as { created?: unknown }).created === true) for (const i of miss.rows) created[i] = 1;
      misses.delete(key);
    }
    return misses.size;
  }
}
