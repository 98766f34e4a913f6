// Straight-line functions generated from declared column names, for the per-row loops of the hot path.
//
// A loop's `row[columns[i]]` sees every column name at one site, so V8 makes it a megamorphic keyed load
// (a hash probe per field); `row["cpu_usage"]` at a site of its own stays a monomorphic load, since every
// row of an entity has one shape (definitions.ts rowFactory). Side by side at 100 nodes (summary and
// cAdvisor every 15 s), generating the COPY encoder, the sample join, the rate tracker's counter access
// and the entity key so took the collector from 5.57 to 5.19 ms of CPU per scrape (docs/ARCHITECTURE.md).
//
// Only names from the declarations go into the code, each quoted by JSON.stringify (`prop`), never input.

/** `obj["name"]`, the name quoted as a JS string literal. */
export function prop(obj: string, name: string): string {
  return `${obj}[${JSON.stringify(name)}]`;
}

/**
 * Compiles `fn`, the source of one function expression, with `bindings` (name → value) in its scope:
 * `generated<(row) => string>('function key(row) { return row["a"]; }')`.
 */
export function generated<T>(fn: string, bindings: Record<string, unknown> = {}): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- deliberate: see the file's header
  const make = new Function(...Object.keys(bindings), `return (${fn});`) as (...values: unknown[]) => T;
  return make(...Object.values(bindings));
}
