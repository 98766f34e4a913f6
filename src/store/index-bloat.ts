// How much of a b-tree index its live rows need, by arithmetic on the catalog (no extension: pgstattuple
// would read every page): the table's live rows (reltuples, fresh from an ANALYZE) times the bytes of an
// entry (the tuple header, each column's average width from pg_stats aligned as the index stores it, the
// line pointer), packed as a fresh build packs them (leaf pages to the index's fillfactor, default 90 %,
// the levels above to 70 %), plus the metapage. An index well past that holds pages of dead or scattered
// entries that only a rebuild gives back. The estimate errs high (nulls and deduplicated keys take less
// than it counts; a partial index has fewer entries than the table has rows), so an index it calls
// bloated is, and a doubtful one is left alone.
import type pg from 'pg';
import { SCHEMA, qualified } from './schema.js';

/**
 * Rebuilt when its size is more than this many times what its live rows need … An index filled by inserts
 * in key order sits near 1; one filled in random key order near 1.3 (pages split half full and fill up to
 * ~70 %); the old-page survivors the retention leaves (index-rebuild.ts) push it far past 2.
 */
export const BLOAT_RATIO = 2;
/** … and the rebuild would give back at least this much (a small index is not worth a rebuild's work). */
export const MIN_EXCESS_BYTES = 1024 * 1024;

/** A column of the index: its average stored width (null when unknown) and its alignment (pg_attribute.attalign). */
export interface IndexColumn {
  width: number | null;
  align: string;
}

/** An unanalyzed variable-width column is counted as this wide (a short text or a uuid). */
const UNKNOWN_WIDTH = 16;
const ALIGNMENT: Record<string, number> = { c: 1, s: 2, i: 4, d: 8 };
/** IndexTupleData: the heap tuple id (6) and the size and flags (2). */
const INDEX_TUPLE_HEADER = 8;
const LINE_POINTER = 4;
const MAXALIGN = 8;
/** The page header (24) and the b-tree's special space (16). */
const PAGE_OVERHEAD = 40;
/** What a b-tree build fills its inner pages to (BTREE_NONLEAF_FILLFACTOR). */
const INNER_FILL = 0.7;
const DEFAULT_LEAF_FILLFACTOR = 90;

const alignUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Pure: the bytes an entry of these columns takes on a leaf page, its line pointer included. */
export function btreeEntryBytes(columns: IndexColumn[]): number {
  let offset = INDEX_TUPLE_HEADER;
  for (const c of columns) offset = alignUp(offset, ALIGNMENT[c.align] ?? MAXALIGN) + (c.width ?? UNKNOWN_WIDTH);
  return alignUp(offset, MAXALIGN) + LINE_POINTER;
}

/** Pure: the bytes a freshly built b-tree of `rows` entries of `entryBytes` takes. */
export function packedBtreeBytes(rows: number, entryBytes: number, blockSize: number, fillfactor = DEFAULT_LEAF_FILLFACTOR): number {
  if (!(rows >= 0) || !(entryBytes > 0) || !(blockSize > PAGE_OVERHEAD)) {
    throw new Error(`index estimate: rows ${rows}, entry bytes ${entryBytes} and block size ${blockSize} must be positive`);
  }
  const usable = blockSize - PAGE_OVERHEAD;
  const perLeaf = Math.max(2, Math.floor((usable * fillfactor) / 100 / entryBytes));
  const perInner = Math.max(2, Math.floor((usable * INNER_FILL) / entryBytes));
  let level = Math.max(1, Math.ceil(rows / perLeaf));
  let pages = level + 1; // the metapage
  while (level > 1) {
    level = Math.ceil(level / perInner);
    pages += level;
  }
  return pages * blockSize;
}

/** Pure: whether an index of `bytes` needing `neededBytes` is worth a rebuild (BLOAT_RATIO, MIN_EXCESS_BYTES). */
export function isBloated(bytes: number, neededBytes: number, opts: { ratio?: number; minExcessBytes?: number } = {}): boolean {
  return bytes > (opts.ratio ?? BLOAT_RATIO) * neededBytes && bytes - neededBytes >= (opts.minExcessBytes ?? MIN_EXCESS_BYTES);
}

export interface IndexSize {
  index: string;
  bytes: number;
  /** What its live rows need packed (null: not a b-tree, nothing estimated). */
  neededBytes: number | null;
}

/**
 * The valid indexes of a table with their size and what their live rows need. ANALYZEs the table first:
 * the estimate needs its row count and column widths as they are now (after the retention's deletes).
 */
export async function indexSizes(pool: pg.Pool, table: string): Promise<IndexSize[]> {
  await pool.query(`ANALYZE ${qualified(table)}`);
  // indkey is an int2vector (subscripts from 0): column k of the index is table column indkey[k-1], or an
  // expression (0), whose statistics ANALYZE keeps under the index's own name.
  const r = await pool.query<{ index: string; bytes: string; rows: number; method: string; fillfactor: number | null; block: number; columns: IndexColumn[] }>(
    `SELECT ic.relname AS index, pg_relation_size(ic.oid) AS bytes, greatest(t.reltuples, 0) AS rows, am.amname AS method,
            (SELECT substring(o FROM '^fillfactor=([0-9]+)$')::int FROM unnest(ic.reloptions) o WHERE o LIKE 'fillfactor=%') AS fillfactor,
            current_setting('block_size')::int AS block,
            (SELECT json_agg(json_build_object('width', coalesce(s.avg_width, CASE WHEN ia.attlen > 0 THEN ia.attlen END), 'align', ia.attalign) ORDER BY ia.attnum)
               FROM pg_attribute ia
               LEFT JOIN pg_attribute ta ON ta.attrelid = t.oid AND ta.attnum = i.indkey[ia.attnum - 1] AND i.indkey[ia.attnum - 1] <> 0
               LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND NOT s.inherited
                     AND (s.tablename, s.attname) = (CASE WHEN ta.attname IS NULL THEN ic.relname ELSE t.relname END, coalesce(ta.attname, ia.attname))
              WHERE ia.attrelid = ic.oid AND ia.attnum > 0) AS columns
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = ic.relam
      WHERE n.nspname = $1 AND t.relname = $2 AND i.indisvalid
      ORDER BY ic.relname`,
    [SCHEMA, table],
  );
  return r.rows.map((x) => ({
    index: x.index,
    bytes: Number(x.bytes),
    neededBytes: x.method === 'btree' ? packedBtreeBytes(x.rows, btreeEntryBytes(x.columns), x.block, x.fillfactor ?? undefined) : null,
  }));
}

