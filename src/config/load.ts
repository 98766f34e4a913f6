// Reads kubepulse.toml, applies KUBEPULSE_* environment overrides and validates the result. Every error
// names the key path (and the file or environment variable it came from) and the reason.
import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { clusterListProblems, configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Environment overrides: KUBEPULSE_<SECTION>__<KEY> (double underscore between levels, because keys
 * contain single underscores), e.g. KUBEPULSE_DATABASE__URL, KUBEPULSE_COLLECTION__SUMMARY_INTERVAL,
 * KUBEPULSE_LOG__MODULES__METRICS. Values are read as TOML values when they parse as one (numbers,
 * booleans, quoted strings), else as plain strings. KUBEPULSE_CONFIG names the file itself.
 */
function envOverrides(env: NodeJS.ProcessEnv): Array<{ variable: string; path: string[]; value: unknown }> {
  const out: Array<{ variable: string; path: string[]; value: unknown }> = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith('KUBEPULSE_') || raw === undefined || variable === 'KUBEPULSE_CONFIG') continue;
    const rest = variable.slice('KUBEPULSE_'.length);
    if (!rest.includes('__')) continue; // e.g. KUBEPULSE_WORKER (internal), not a config key
    out.push({ variable, path: rest.toLowerCase().split('__'), value: envValue(raw) });
  }
  return out;
}

function envValue(raw: string): unknown {
  if (/^(true|false)$/.test(raw)) return raw === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  try {
    return (parseToml(`v = ${raw}`) as { v: unknown }).v;
  } catch {
    return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown, variable: string): void {
  let cur = target;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    if (cur[k] === undefined) cur[k] = {};
    const next = cur[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new ConfigError(`${variable}: ${path.slice(0, i + 1).join('.')} is not a table; cannot set ${path.join('.')}`);
    }
    cur = next as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function formatIssues(issues: z.core.$ZodIssue[], source: string, overrides: Array<{ variable: string; path: string[] }> = []): string[] {
  return issues.map((i) => {
    // Name the environment variable when the bad value came from one, else the file.
    const keyPath = [...i.path.map(String), ...(i.code === 'unrecognized_keys' ? [(i as { keys: string[] }).keys[0]] : [])];
    const fromEnv = overrides.find((o) => o.path.length <= keyPath.length + 1 && o.path.every((p, n) => n >= keyPath.length || p === keyPath[n]) && keyPath.every((p, n) => n >= o.path.length || p === o.path[n]));
    const at = fromEnv ? `${fromEnv.variable} (over ${source})` : source;
    return formatIssue(i, at);
  });
}

function formatIssue(i: z.core.$ZodIssue, source: string): string {
  {
    if (i.code === 'unrecognized_keys') {
      const keys = (i as { keys: string[] }).keys.map((k) => formatPath([...i.path, k]));
      return `${source}: unknown key ${keys.join(', ')}`;
    }
    if (i.code === 'invalid_type' && i.message.endsWith('received undefined')) {
      return `${source}: ${formatPath(i.path)}: required key is missing`;
    }
    return `${source}: ${formatPath(i.path)}: ${i.message}`;
  }
}

/** Validates an already-parsed document (TOML or built in code) with the environment applied. */
export function buildConfig(doc: Record<string, unknown>, source: string, env: NodeJS.ProcessEnv = process.env): Config {
  const merged = structuredClone(doc);
  const overrides = envOverrides(env);
  for (const o of overrides) setPath(merged, o.path, o.value, o.variable);
  const r = configSchema.safeParse(merged);
  // Every problem at once: the schema's, and the cross-checks it would only make on a valid document.
  const problems = [
    ...(r.success ? [] : formatIssues(r.error.issues, source, overrides)),
    ...clusterListProblems(merged).map((p) => `${source}: ${formatPath(p.path)}: ${p.message}`),
  ];
  if (problems.length || !r.success) throw new ConfigError(problems.join('\n'), problems);
  return r.data;
}

export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv = process.env): Config {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) {
      throw new ConfigError(`${source}:${e.line}:${e.column}: invalid TOML: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
  return buildConfig(doc, source, env);
}

/** Loads the file (or only defaults + environment when path is empty). */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  const file = path || env.KUBEPULSE_CONFIG || '';
  if (!file) return buildConfig({}, 'defaults', env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfigText(text, file, env);
}
