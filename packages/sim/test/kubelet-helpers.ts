// Shared by the simulated-kubelet tests: fixture paths, a tiny Prometheus text parser, a JSON shape walker
// and a clock the tests move by hand.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES } from './paths.js';

export { REPO_ROOT, FIXTURES } from './paths.js';

export function readFixture(name: string): string {
  return readFileSync(resolve(FIXTURES, name), 'utf8');
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | null;
}

export interface PromFamily {
  type: string | null;
  help: string | null;
  samples: PromSample[];
}

const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text format 0.0.4 (enough for kubelet output: no histograms/summaries). */
export function parseProm(text: string): Map<string, PromFamily> {
  const fams = new Map<string, PromFamily>();
  const fam = (name: string): PromFamily => {
    let f = fams.get(name);
    if (!f) {
      f = { type: null, help: null, samples: [] };
      fams.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const sp = rest.indexOf(' ');
      fam(rest.slice(0, sp)).help = rest.slice(sp + 1);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      fam(name).type = type;
      continue;
    }
    if (line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const firstSpace = line.indexOf(' ');
    let name: string;
    let rest: string;
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < firstSpace) {
      name = line.slice(0, brace);
      const close = line.lastIndexOf('}');
      for (const m of line.slice(brace + 1, close).matchAll(LABEL_RE)) labels[m[1]] = m[2];
      rest = line.slice(close + 1).trim();
    } else {
      name = line.slice(0, firstSpace);
      rest = line.slice(firstSpace + 1).trim();
    }
    const [v, ts] = rest.split(' ');
    const value = v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
    if (Number.isNaN(value) && v !== 'NaN') throw new Error(`bad sample value in line: ${line}`);
    fam(name).samples.push({ name, labels, value, timestampMs: ts === undefined ? null : Number(ts) });
  }
  return fams;
}

/** Every path in a JSON tree ('.a.b[].c') with the set of value types seen there. */
export function jsonShape(value: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (path: string, type: string) => {
    let s = out.get(path);
    if (!s) out.set(path, (s = new Set()));
    s.add(type);
  };
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      add(path, 'array');
      for (const x of v) walk(x, `${path}[]`);
    } else if (v !== null && typeof v === 'object') {
      add(path, 'object');
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    } else {
      add(path, v === null ? 'null' : typeof v);
    }
  };
  walk(value, '');
  return out;
}

/** A hand-moved ms clock. */
export class ManualClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}
