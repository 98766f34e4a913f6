// The on-disk spool: where collected rows go while the database is down or too slow, so an outage loses
// nothing that was already collected. Records are JSON lines appended to segment files in a folder;
// a segment is replayed whole, in order, and deleted once every record in it is stored.
//
// - Crash / kill -9 safety: every append is one synchronous write() of a whole line, so once append()
//   returns the record is in the OS and survives the process being killed. A torn last line (power loss)
//   is skipped on replay. The replay position is kept in cursor.json (written to a temp file, renamed),
//   so a restart resumes where it stopped; a record replayed twice is harmless (a metric record carries
//   its batch id, stored once per id by metric-copy.ts; inventory upserts compare fingerprints).
// - Order: metric batches and inventory changes live in separate segment series (their order relative to
//   each other does not matter: different tables); within a series segments are named by creation time
//   and a counter, so sorting the names gives the order they were written.
// - Bounded, for every kind of record: when the folder would pass maxBytes the oldest metric segments
//   are deleted first (a dropped metric batch is a gap in a graph; counted and logged). When only
//   inventory is left and a new inventory record still does not fit, that record is dropped too, and
//   its cluster and kind are marked for a relist: once the spool is replayed the collector lists the kind
//   again and writes every object (Informer.relistNow), whose reconcile marks the vanished ones deleted,
//   so nothing is lost for good — the store shows the kind as it was at the outage's start until then.
//   Dropped inventory records and changes are counted in the status; a restarted worker lists every
//   kind anyway (its cache is empty), so the marks need not survive a restart.
// - Compact metric records: a record's rows are written as one list of column names and one array of
//   values per row (`cols`, `vals`), not as objects naming every column in every row: the rows of the
//   test fixtures' summary and cAdvisor payloads took ~1,500 bytes each as objects (~80 keys of ~25
//   characters), ~450 as values, so the cap holds 3.3× the outage. Records written as objects (before
//   this) still replay.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Entity, MetricRow } from '../metrics/definitions.js';
import type { InventoryChange } from '../inventory/informer.js';
import { log } from '../log.js';
import { mkdirPrivate } from '../util/private-dir.js';

export type SpoolStream = 'metric' | 'inventory';

export type SpoolRecord =
  /** `id`: the batch's id (metric-copy.ts stores a batch once per id); absent in files from before 010. */
  | { t: 'metric'; at: number; n: number; entity: Entity; id?: string; rows: MetricRow[] }
  | { t: 'inventory'; at: number; n: number; clusterId: number; kind: string; changes: InventoryChange[] }
  | { t: 'reconcile'; at: number; n: number; clusterId: number; kind: string; present: string[]; listStartedAt: string }
  | { t: 'status'; at: number; n: number; row: Record<string, unknown> };

/** A metric record as written since the compact format: its rows as packRows gives them. */
interface PackedMetricRecord { t: 'metric'; at: number; n: number; entity: Entity; id?: string; cols: unknown; vals: unknown }

export type NewSpoolRecord =
  /** `id`: the id the writer gave the batch, if it tried to write it; a new one otherwise. */
  | { t: 'metric'; entity: Entity; id?: string; rows: MetricRow[] }
  | { t: 'inventory'; clusterId: number; kind: string; changes: InventoryChange[] }
  | { t: 'reconcile'; clusterId: number; kind: string; present: string[]; listStartedAt: string }
  /** A collector_status row recorded while the database was away (droppable, like metric batches). */
  | { t: 'status'; row: Record<string, unknown> };

export interface SpoolOptions {
  /** Folder of the segment files (created). */
  dir: string;
  /** Cap on the folder's size in bytes; past it the oldest metric segments are dropped. */
  maxBytes: number;
  /** A segment is closed and a new one started past this size (default maxBytes/16, 1–64 MiB). */
  segmentBytes?: number;
}

export interface SpoolStats {
  segments: number;
  bytes: number;
  maxBytes: number;
  /** Records (metric batches, inventory batches) waiting to be replayed, approximately for old segments. */
  records: number;
  /** Age of the oldest waiting segment (ms), null when empty. */
  oldestAgeMs: number | null;
  inventoryPending: boolean;
  droppedMetricBatches: number;
  droppedMetricRows: number;
  /** Inventory and reconcile records dropped at the cap (their kinds are listed again after replay). */
  droppedInventoryRecords: number;
  /** Object changes inside those records. */
  droppedInventoryChanges: number;
  /** "clusterId/kind" of the kinds waiting for that relist. */
  relistsPending: string[];
  appended: number;
}

/** A kind whose spooled changes were dropped at the cap: listed again once the spool is replayed. */
export interface KindToRelist {
  clusterId: number;
  kind: string;
}

interface Segment {
  name: string;
  stream: SpoolStream;
  createdMs: number;
  bytes: number;
  records: number;
}

const SEGMENT_RE = /^(\d{15})-(\d{6})-(metric|inventory)\.jsonl$/;
const CLUSTER_IDS = 'cluster-ids.json';
const cursorFile = (stream: SpoolStream) => `cursor-${stream}.json`;

/** Pure: the file name of a segment (sorts in creation order). */
export function segmentName(createdMs: number, counter: number, stream: SpoolStream): string {
  return `${String(createdMs).padStart(15, '0')}-${String(counter % 1_000_000).padStart(6, '0')}-${stream}.jsonl`;
}

/** Pure: parses a segment file name, null for other files. */
export function parseSegmentName(name: string): { createdMs: number; counter: number; stream: SpoolStream } | null {
  const m = SEGMENT_RE.exec(name);
  return m ? { createdMs: Number(m[1]), counter: Number(m[2]), stream: m[3] as SpoolStream } : null;
}

/** Pure: rows as one column list and one value array per row (columns in order of first appearance). */
export function packRows(rows: readonly MetricRow[]): { cols: string[]; vals: unknown[][] } {
  const at = new Map<string, number>();
  const cols: string[] = [];
  for (const row of rows) for (const k in row) if (!at.has(k)) at.set(k, cols.push(k) - 1);
  const vals = rows.map((row) => {
    const v: unknown[] = new Array<unknown>(cols.length).fill(null);
    for (const k in row) v[at.get(k)!] = row[k] ?? null;
    return v;
  });
  return { cols, vals };
}

/** Pure: packRows' rows back as objects (a column a row had no value for is null). */
export function unpackRows(cols: readonly string[], vals: readonly unknown[][]): MetricRow[] {
  return vals.map((v) => {
    const row: MetricRow = {};
    for (let i = 0; i < cols.length; i++) row[cols[i]] = (v[i] ?? null) as MetricRow[string];
    return row;
  });
}

/** Pure: the records of a segment's text; a torn or corrupt line is reported, not thrown. */
export function parseSegment(text: string): { records: SpoolRecord[]; badLines: number } {
  const records: SpoolRecord[] = [];
  let badLines = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const r = JSON.parse(line) as SpoolRecord | PackedMetricRecord;
      if (!r || !(r.t === 'metric' || r.t === 'inventory' || r.t === 'reconcile' || r.t === 'status')) badLines++;
      else if (r.t === 'metric' && 'cols' in r) {
        if (!Array.isArray(r.cols) || !Array.isArray(r.vals)) badLines++;
        else records.push({ t: r.t, at: r.at, n: r.n, entity: r.entity, id: r.id, rows: unpackRows(r.cols, r.vals) });
      } else records.push(r);
    } catch {
      badLines++;
    }
  }
  return { records, badLines };
}

/** Pure: metric rows held in a segment's text, counted from each line's `n` without parsing the rows. */
export function countMetricRows(text: string): { batches: number; rows: number } {
  let batches = 0;
  let rows = 0;
  for (const m of text.matchAll(/^\{"t":"metric","at":\d+,"n":(\d+)/gm)) {
    batches++;
    rows += Number(m[1]);
  }
  return { batches, rows };
}

export class Spool {
  private readonly segments: Segment[] = [];
  private readonly active = new Map<SpoolStream, { seg: Segment; fd: number }>();
  private readonly segmentBytes: number;
  private counter = 0;
  private readonly counts = { droppedMetricBatches: 0, droppedMetricRows: 0, droppedInventoryRecords: 0, droppedInventoryChanges: 0, appended: 0 };
  private readonly relists = new Map<string, KindToRelist>();
  /** The segment being replayed: never dropped or appended to. */
  private readonly replaying = new Set<string>();

  constructor(private readonly o: SpoolOptions) {
    if (!(o.maxBytes > 0)) throw new Error(`spool: maxBytes must be positive, got ${o.maxBytes}`);
    this.segmentBytes = o.segmentBytes ?? Math.min(64 * 2 ** 20, Math.max(2 ** 20, Math.floor(o.maxBytes / 16)));
    mkdirPrivate(o.dir); // spooled rows and status reports are private
    for (const name of readdirSync(o.dir).sort()) {
      const p = parseSegmentName(name);
      if (!p) continue;
      const bytes = statSync(join(o.dir, name)).size;
      if (bytes === 0) {
        rmSync(join(o.dir, name), { force: true });
        continue;
      }
      // The record count of an old segment is estimated from its size; it is exact once replayed.
      this.segments.push({ name, stream: p.stream, createdMs: p.createdMs, bytes, records: -1 });
      this.counter = Math.max(this.counter, p.counter + 1);
    }
    if (this.segments.length) log('store').warn({ dir: o.dir, segments: this.segments.length, bytes: this.bytes }, 'spool holds rows from a previous run; replaying them when the database is reachable');
  }

  get dir(): string {
    return this.o.dir;
  }

  get bytes(): number {
    return this.segments.reduce((s, g) => s + g.bytes, 0);
  }

  get isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /** True while inventory changes wait: new ones must queue behind them to keep their order. */
  get inventoryPending(): boolean {
    return this.segments.some((s) => s.stream === 'inventory');
  }

  stats(): SpoolStats {
    const oldest = this.segments.length ? Math.min(...this.segments.map((s) => s.createdMs)) : null;
    return {
      segments: this.segments.length,
      bytes: this.bytes,
      maxBytes: this.o.maxBytes,
      records: this.segments.reduce((s, g) => s + (g.records >= 0 ? g.records : 1), 0),
      oldestAgeMs: oldest === null ? null : Math.max(0, Date.now() - oldest),
      inventoryPending: this.inventoryPending,
      ...this.counts,
      relistsPending: [...this.relists.keys()],
    };
  }

  /**
   * Appends a record durably (against a process crash). Returns false when it was dropped because it
   * does not fit under the cap even after the oldest metric segments went (a dropped inventory or
   * reconcile record marks its kind for a relist: takeRelists).
   */
  append(rec: NewSpoolRecord): boolean {
    const stream: SpoolStream = rec.t === 'metric' || rec.t === 'status' ? 'metric' : 'inventory';
    const n = rec.t === 'metric' ? rec.rows.length : rec.t === 'inventory' ? rec.changes.length : rec.t === 'reconcile' ? rec.present.length : 1;
    // Keys in a fixed order: countMetricRows reads `n` from the line's start without parsing it.
    const { t, ...rest } = rec.t === 'metric' ? { t: rec.t, entity: rec.entity, id: rec.id ?? randomUUID(), ...packRows(rec.rows) } : rec;
    const line = Buffer.from(JSON.stringify({ t, at: Date.now(), n, ...rest }) + '\n');
    if (!this.makeRoom(line.length)) {
      if (rec.t === 'metric') {
        this.counts.droppedMetricBatches++;
        this.counts.droppedMetricRows += n;
      } else if (rec.t === 'inventory' || rec.t === 'reconcile') {
        this.dropInventory(rec.clusterId, rec.kind, rec.t === 'inventory' ? n : 0);
      }
      return false;
    }
    const a = this.activeFor(stream);
    let off = 0;
    while (off < line.length) off += writeSync(a.fd, line, off, line.length - off);
    a.seg.bytes += line.length;
    a.seg.records++;
    this.counts.appended++;
    if (a.seg.bytes >= this.segmentBytes) this.seal(stream);
    return true;
  }

  /** Drops oldest metric segments until `bytes` more fit under the cap; false when even that fails. */
  private makeRoom(bytes: number): boolean {
    while (this.bytes + bytes > this.o.maxBytes) {
      const victim = this.segments.find((s) => s.stream === 'metric' && !this.replaying.has(s.name));
      if (!victim) break;
      if (this.active.get('metric')?.seg === victim) this.seal('metric');
      const path = join(this.o.dir, victim.name);
      const c = countMetricRows(readFileSync(path, 'utf8'));
      rmSync(path, { force: true });
      this.segments.splice(this.segments.indexOf(victim), 1);
      this.counts.droppedMetricBatches += c.batches;
      this.counts.droppedMetricRows += c.rows;
      log('store').warn({ segment: victim.name, batches: c.batches, rows: c.rows, maxBytes: this.o.maxBytes, droppedRowsTotal: this.counts.droppedMetricRows }, 'spool full: dropped the oldest metric batches');
    }
    return this.bytes + bytes <= this.o.maxBytes;
  }

  private dropInventory(clusterId: number, kind: string, changes: number): void {
    this.counts.droppedInventoryRecords++;
    this.counts.droppedInventoryChanges += changes;
    const key = `${clusterId}/${kind}`;
    if (this.relists.has(key)) return;
    this.relists.set(key, { clusterId, kind });
    log('store').error({ clusterId, kind, maxBytes: this.o.maxBytes, droppedInventoryChanges: this.counts.droppedInventoryChanges },
      'spool full with inventory changes only: dropping new ones of this kind; it is listed again once the spool is replayed');
  }

  /**
   * The kinds to list again because their changes were dropped, once no spooled inventory waits (their
   * relist must come after what was kept); cleared by taking them. Empty while inventory waits.
   */
  takeRelists(): KindToRelist[] {
    if (this.inventoryPending) return [];
    const out = [...this.relists.values()];
    this.relists.clear();
    return out;
  }

  private activeFor(stream: SpoolStream): { seg: Segment; fd: number } {
    let a = this.active.get(stream);
    if (!a) {
      const name = segmentName(Date.now(), this.counter++, stream);
      const seg: Segment = { name, stream, createdMs: Date.now(), bytes: 0, records: 0 };
      a = { seg, fd: openSync(join(this.o.dir, name), 'a', 0o600) };
      this.segments.push(seg);
      this.segments.sort((x, y) => (x.name < y.name ? -1 : 1));
      this.active.set(stream, a);
    }
    return a;
  }

  /** Closes the stream's open segment (fsynced: a sealed segment also survives a power cut). */
  private seal(stream: SpoolStream): void {
    const a = this.active.get(stream);
    if (!a) return;
    this.active.delete(stream);
    try {
      fsyncSync(a.fd);
    } finally {
      closeSync(a.fd);
    }
  }

  /**
   * The oldest segment of a stream (sealed first if it is the one being written) with its records from
   * the saved cursor on, or null when that stream is empty. Call done() after storing them.
   */
  next(stream: SpoolStream): { name: string; records: SpoolRecord[]; startIndex: number } | null {
    const seg = this.segments.find((s) => s.stream === stream);
    if (!seg) return null;
    if (this.active.get(stream)?.seg === seg) this.seal(stream);
    this.replaying.add(seg.name);
    const { records, badLines } = parseSegment(readFileSync(join(this.o.dir, seg.name), 'utf8'));
    if (badLines) log('store').warn({ segment: seg.name, badLines }, 'spool segment has unreadable lines (torn write?); skipping them');
    seg.records = records.length;
    const cur = this.readCursor(stream);
    const startIndex = cur && cur.segment === seg.name ? Math.min(cur.index, records.length) : 0;
    return { name: seg.name, records, startIndex };
  }

  /** Records that record `index` of segment `name` is stored (survives a restart). */
  progress(name: string, index: number): void {
    const stream = parseSegmentName(name)?.stream ?? 'metric';
    const tmp = join(this.o.dir, `${cursorFile(stream)}.tmp`);
    writeFileSync(tmp, JSON.stringify({ segment: name, index }), { mode: 0o600 });
    renameSync(tmp, join(this.o.dir, cursorFile(stream)));
  }

  /** The whole segment is stored: delete it. */
  done(name: string): void {
    const i = this.segments.findIndex((s) => s.name === name);
    if (i >= 0) this.segments.splice(i, 1);
    rmSync(join(this.o.dir, name), { force: true });
    rmSync(join(this.o.dir, cursorFile(parseSegmentName(name)?.stream ?? 'metric')), { force: true });
    this.replaying.delete(name);
  }

  private readCursor(stream: SpoolStream): { segment: string; index: number } | null {
    const p = join(this.o.dir, cursorFile(stream));
    if (!existsSync(p)) return null;
    try {
      const c = JSON.parse(readFileSync(p, 'utf8')) as { segment?: unknown; index?: unknown } | null;
      return c && typeof c.segment === 'string' && typeof c.index === 'number' && Number.isInteger(c.index) ? { segment: c.segment, index: c.index } : null;
    } catch {
      return null;
    }
  }

  /**
   * Cluster ids by name, kept beside the segments: spooled rows carry cluster ids, and a worker
   * restarted while the database is away needs them to collect on (the database assigns them).
   */
  knownClusterId(name: string): number | undefined {
    return this.readClusterIds()[name];
  }

  rememberClusterId(name: string, id: number): void {
    const ids = this.readClusterIds();
    if (ids[name] === id) return;
    ids[name] = id;
    const tmp = join(this.o.dir, `${CLUSTER_IDS}.tmp`);
    writeFileSync(tmp, JSON.stringify(ids), { mode: 0o600 });
    renameSync(tmp, join(this.o.dir, CLUSTER_IDS));
  }

  private readClusterIds(): Record<string, number> {
    try {
      const v = JSON.parse(readFileSync(join(this.o.dir, CLUSTER_IDS), 'utf8')) as unknown;
      return v && typeof v === 'object' ? (v as Record<string, number>) : {};
    } catch {
      return {};
    }
  }

  /** Closes open segments (fsynced). Appends after close reopen a segment. */
  close(): void {
    for (const s of [...this.active.keys()]) this.seal(s);
  }
}
