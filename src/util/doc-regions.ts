// Generated regions inside hand-written Markdown: the text between
// `<!-- generated:NAME … -->` and `<!-- end generated:NAME -->` is replaced by a generator, the prose
// around it is left as written. Used for the declaration-derived tables of docs/SCHEMA.md and docs/API.md.

function regionStart(name: string, source: string): string {
  return `<!-- generated:${name} from ${source} (node scripts/gen-schema-doc.mjs); edits inside are overwritten -->`;
}

function regionEnd(name: string): string {
  return `<!-- end generated:${name} -->`;
}

/** The document with region `name` holding `content`; a missing or unclosed region is an error naming it. */
export function replaceRegion(doc: string, docName: string, name: string, source: string, content: string): string {
  const startRe = new RegExp(`<!-- generated:${name} [^\\n]*-->`);
  const start = startRe.exec(doc);
  const end = doc.indexOf(regionEnd(name));
  if (!start || end < start.index) {
    throw new Error(`${docName}: generated region ${name} is missing; add the lines\n${regionStart(name, source)}\n${regionEnd(name)}`);
  }
  return `${doc.slice(0, start.index)}${regionStart(name, source)}\n${content.replace(/\n+$/, '')}\n${doc.slice(end)}`;
}

/** The document with every generated region removed: what is left is hand-written. */
export function withoutRegions(doc: string): string {
  return doc.replace(/<!-- generated:([\w-]+) [^\n]*-->[\s\S]*?<!-- end generated:\1 -->/g, '');
}
