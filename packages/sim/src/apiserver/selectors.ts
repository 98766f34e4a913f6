// Label and field selectors, parsed once per request into predicates (pure). Grammar as the apiserver's:
// labels `a=b,c!=d,e in (x,y),f notin (z),g,!h`; fields `path=value`, `==`, `!=`, comma = AND.
import { badRequest } from './status.js';

export type LabelPredicate = (labels: Record<string, string> | undefined) => boolean;
export interface FieldRequirement { path: string; op: '=' | '!='; value: string }

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const KEY = /^([a-z0-9A-Z]([a-z0-9A-Z._/-]*[a-z0-9A-Z])?)$/;

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

export function parseLabelSelector(selector: string | null | undefined): LabelPredicate {
  if (!selector) return () => true;
  const tests: LabelPredicate[] = [];
  for (const term of splitTerms(selector)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const key = checkKey(m[1], selector);
      const values = new Set(m[3].split(',').map((v) => v.trim()).filter(Boolean));
      const negate = m[2] === 'notin';
      tests.push((l) => (negate ? !(l && key in l && values.has(l[key])) : !!l && key in l && values.has(l[key])));
    } else if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      const key = checkKey(m[1], selector);
      const value = m[3];
      if (!LABEL_VALUE.test(value)) throw badRequest(`unable to parse requirement: invalid label value: "${value}" in selector "${selector}"`);
      if (m[2] === '!=') tests.push((l) => !l || l[key] !== value);
      else tests.push((l) => !!l && l[key] === value);
    } else if ((m = /^!\s*(\S+)$/.exec(term))) {
      const key = checkKey(m[1], selector);
      tests.push((l) => !l || !(key in l));
    } else if (KEY.test(term)) {
      tests.push((l) => !!l && term in l);
    } else {
      throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return (labels) => tests.every((t) => t(labels));
}

/** Parses a field selector, rejecting fields the resource does not support (as the apiserver does: 400). */
export function parseFieldSelector(selector: string | null | undefined, supported: string[], kind: string): FieldRequirement[] {
  if (!selector) return [];
  return splitTerms(selector).map((term) => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const path = m[1].trim();
    if (!supported.includes(path)) throw badRequest(`field label not supported: ${path}`);
    void kind;
    return { path, op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() };
  });
}

export function fieldsMatch(reqs: FieldRequirement[], value: (path: string) => string): boolean {
  for (const r of reqs) {
    const v = value(r.path);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
