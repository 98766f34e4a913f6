// `kubepulse inspect summary|cadvisor|resource FILE|-`: decodes one kubelet payload and prints the rows
// kubepulse would store from it (rates need two samples, so they are empty here). A tool for users
// checking what their kubelet gives, and for conformance tests over the fixtures.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ENTITIES, ENTITY_TABLES, type MetricRow, type MetricRows } from '../metrics/definitions.js';
import { decodeSummary } from '../metrics/sources/summary.js';
import { decodeCadvisor } from '../metrics/sources/cadvisor.js';
import { decodeResource } from '../metrics/sources/resource.js';
import { MetricDecodeError } from '../metrics/sources/decode-util.js';

export type InspectSource = 'summary' | 'cadvisor' | 'resource';

export interface InspectOptions {
  json?: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Node name for cadvisor/resource payloads, which do not carry one. Default: the file name. */
  nodeName?: string;
  /** Sample time for samples without a timestamp. Default: now. */
  scrapeTime?: Date;
  /** Input instead of the file (tests). */
  stdin?: NodeJS.ReadableStream;
}

const SOURCES: readonly InspectSource[] = ['summary', 'cadvisor', 'resource'];

/** Returns the process exit code: 0 ok, 1 bad payload, 2 bad arguments or unreadable file. */
export async function inspectCommand(source: InspectSource, file: string, opts: InspectOptions = {}): Promise<number> {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  if (!SOURCES.includes(source)) {
    err.write(`kubepulse inspect: unknown source ${JSON.stringify(source)} (expected summary, cadvisor or resource)\n`);
    return 2;
  }
  let body: Buffer;
  try {
    body = file === '-' ? await readAll(opts.stdin ?? process.stdin) : await readFile(file);
  } catch (e) {
    err.write(`kubepulse inspect: cannot read ${file === '-' ? 'stdin' : file}: ${(e as Error).message}\n`);
    return 2;
  }
  const nodeName = opts.nodeName ?? (file === '-' ? 'stdin' : basename(file));
  const scrapeTime = opts.scrapeTime ?? new Date();
  let result: { nodeName: string; rows: MetricRows; unmapped: string[]; extra: Record<string, unknown> };
  try {
    if (source === 'summary') {
      const d = decodeSummary(body, { scrapeTime });
      result = { nodeName: d.nodeName, rows: d.rows, unmapped: d.unmapped, extra: {} };
    } else if (source === 'cadvisor') {
      const d = await decodeCadvisor(body, { nodeName, scrapeTime });
      result = { nodeName, rows: d.rows, unmapped: d.unmapped, extra: { samples: d.samples, skippedSamples: d.skippedSamples } };
    } else {
      const d = decodeResource(body, { nodeName, scrapeTime });
      result = { nodeName, rows: d.rows, unmapped: d.unmapped, extra: { scrapeError: d.scrapeError } };
    }
  } catch (e) {
    if (e instanceof MetricDecodeError) {
      err.write(`kubepulse inspect: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  // Prometheus text skips the families it does not know, so garbage (or `null`) decodes to nothing:
  // a payload that yields no row at all is no kubelet payload of this kind.
  if (source !== 'summary' && ENTITIES.every((e) => result.rows[e].length === 0)) {
    const from = file === '-' ? 'stdin' : file;
    const endpoint = source === 'cadvisor' ? '/metrics/cadvisor' : '/metrics/resource';
    err.write(`kubepulse inspect: ${source}: ${from} holds no ${source} metrics (expected the Prometheus text a kubelet serves at ${endpoint})\n`);
    return 1;
  }
  if (opts.json) {
    out.write(`${JSON.stringify({ source, node: result.nodeName, tables: tablesOf(result.rows), unmapped: result.unmapped, ...result.extra }, null, 1)}\n`);
  } else {
    out.write(renderText(source, result.nodeName, result.rows, result.unmapped, result.extra));
  }
  return 0;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Rows by table name, only tables with rows; Dates as ISO strings (JSON.stringify does that). */
function tablesOf(rows: MetricRows): Record<string, MetricRow[]> {
  const tables: Record<string, MetricRow[]> = {};
  for (const e of ENTITIES) if (rows[e].length > 0) tables[ENTITY_TABLES[e].table] = rows[e];
  return tables;
}

const ROWS_PER_BLOCK = 4;
const CELL_MAX = 36;

/**
 * One block per entity, transposed (one line per column, one column per row) because the tables are
 * wide (up to ~100 columns) and have few rows per node; columns null in every row are left out.
 */
function renderText(source: string, nodeName: string, rows: MetricRows, unmapped: string[], extra: Record<string, unknown>): string {
  const lines: string[] = [`${source} payload of node ${nodeName}`];
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${String(v)}`);
  for (const e of ENTITIES) {
    const list = rows[e];
    if (list.length === 0) continue;
    lines.push('', `== ${ENTITY_TABLES[e].table} (${list.length} row${list.length === 1 ? '' : 's'})`);
    const columns = Object.keys(list[0]).filter((c) => list.some((r) => r[c] !== null));
    const nameWidth = Math.max(...columns.map((c) => c.length));
    for (let start = 0; start < list.length; start += ROWS_PER_BLOCK) {
      const block = list.slice(start, start + ROWS_PER_BLOCK);
      const cells = columns.map((c) => block.map((r) => cell(r[c] ?? null)));
      const widths = block.map((_, j) => Math.max(...cells.map((row) => row[j].length)));
      if (start > 0) lines.push('');
      cells.forEach((row, i) => {
        lines.push(`${columns[i].padEnd(nameWidth)}  ${row.map((v, j) => v.padStart(widths[j])).join('  ')}`.trimEnd());
      });
    }
  }
  lines.push('', unmapped.length ? `unmapped fields: ${unmapped.join(', ')}` : 'unmapped fields: none');
  return `${lines.join('\n')}\n`;
}

function cell(v: string | number | Date | null): string {
  const text = v === null ? '' : v instanceof Date ? v.toISOString() : String(v);
  return text.length > CELL_MAX ? `${text.slice(0, CELL_MAX - 1)}…` : text;
}
