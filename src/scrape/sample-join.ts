// Joins a node's summary and cAdvisor rows of one cgroup sample into one row before they are written.
//
// Both endpoints read the same cAdvisor housekeeping sample and report it at the same whole second, and
// while the summary is collected the cAdvisor rows carry only the columns the summary lacks: the two rows
// of a sample are halves of one. Written apart they cost two rows' fixed bytes, two COPY tuples, two
// rollup and compaction inputs (docs/ARCHITECTURE.md, "Metric storage"); joined, one. The joined row keeps
// the summary's source code, so its key is the summary row's and a replay of it is still found by key.
//
// Only rows that fit together are joined: same entity keys and sample time, and no column that both fill
// with different values. A series' first sample in this process (FIRST_SAMPLE) is never joined: its row
// is written only where absent, and an absent-only summary row found stored would take the cAdvisor
// half down with it.
import { ENTITIES, FIRST_SAMPLE, cadvisorColumnsOf, emptyMetricRows, entityKeyOf, type Entity, type MetricRow, type MetricRows } from '../metrics/definitions.js';
import { generated, prop } from '../util/generated-code.js';

export interface JoinResult {
  /** Summary rows (with the cAdvisor halves joined in) and the cAdvisor rows left on their own. */
  rows: MetricRows;
  /** cAdvisor rows joined into a summary row. */
  joined: number;
  /** cAdvisor rows with a matching summary row that disagreed on a column both fill (written apart). */
  conflicts: number;
}

function sampleKey(entity: Entity, row: MetricRow): string {
  return `${(row.ts as Date).getTime()}\u001f${entityKeyOf(entity, row)}`;
}

/** The columns a cAdvisor half can fill (its row object has every column of the entity, most of them null). */
const HALF_COLUMNS = Object.fromEntries(ENTITIES.map((e) => [e, cadvisorColumnsOf(e).filter((c) => c !== 'source')])) as Record<Entity, string[]>;

/** Whether two filled values are the same (sample times compare by value). */
function sameValue(a: MetricRow[string], b: MetricRow[string]): boolean {
  return a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
}

/**
 * Joins `half` into `into` when every column both fill holds the same value (source aside), filling in
 * the columns only the half has; returns whether it did. Straight-line code per entity
 * (util/generated-code.ts). '' is how cAdvisor leaves an attribute it cannot know (a cgroup without pod
 * labels): no value.
 */
type Joiner = (into: MetricRow, half: MetricRow) => boolean;

function joinerFor(columns: string[]): Joiner {
  const check = columns.map((c, i) => `const h${i} = ${prop('half', c)}; if (h${i} !== null && h${i} !== undefined && h${i} !== '') { const v = ${prop('into', c)}; if (v !== null && v !== undefined && !same(h${i}, v)) return false; }`);
  const fill = columns.map((c, i) => `if (h${i} !== null && h${i} !== undefined && (${prop('into', c)} === null || ${prop('into', c)} === undefined)) ${prop('into', c)} = h${i};`);
  return generated<Joiner>(`function join(into, half) {\n${check.join('\n')}\n${fill.join('\n')}\nreturn true;\n}`, { same: sameValue });
}

const JOINERS = Object.fromEntries(ENTITIES.map((e) => [e, joinerFor(HALF_COLUMNS[e])])) as Record<Entity, Joiner>;

/**
 * Joins each cAdvisor row into the summary row of the same entity and sample time. The summary rows are
 * changed in place (the cAdvisor columns filled in); the cAdvisor rows that found no partner are returned
 * beside them. Rows of both payloads already carry their source and cluster id.
 */
export function joinSampleRows(summary: MetricRows, cadvisor: MetricRows): JoinResult {
  const rows = emptyMetricRows();
  let joined = 0;
  let conflicts = 0;
  for (const entity of ENTITIES) {
    const halves = cadvisor[entity];
    const out = rows[entity];
    for (const row of summary[entity]) out.push(row);
    if (!halves.length) continue;
    if (!summary[entity].length) {
      for (const row of halves) out.push(row);
      continue;
    }
    const join = JOINERS[entity];
    const bySample = new Map<string, MetricRow>();
    for (const row of summary[entity]) if (!row[FIRST_SAMPLE]) bySample.set(sampleKey(entity, row), row);
    for (const half of halves) {
      const key = half[FIRST_SAMPLE] ? '' : sampleKey(entity, half);
      const into = key ? bySample.get(key) : undefined;
      if (!into) {
        out.push(half);
        continue;
      }
      if (!join(into, half)) {
        conflicts++;
        out.push(half);
        continue;
      }
      // One cAdvisor row per summary row: a second half of the same key stays apart.
      bySample.delete(key);
      joined++;
    }
  }
  return { rows, joined, conflicts };
}
