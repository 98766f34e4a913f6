// The configuration schema: every key, its type, its default. kubepulse.example.toml documents the same
// keys with what each does (a test checks that the example names every key and parses); a test checks
// that every key is read by the code (test/config/config-keys-read.test.ts).
import { z } from 'zod';
import { ALL_KINDS } from '../inventory/kinds/index.js';

const KIND_NAMES = ALL_KINDS.map((k) => k.name);

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "15s", "1m", "500ms", "7d" → milliseconds. */
export function parseDurationMs(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`invalid duration ${JSON.stringify(text)} (expected a number with a unit: 500ms, 15s, 1m, 2h, 7d)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

/** A duration key: a string with a unit; "0s" means off where the key allows it. */
const duration = (min: string) =>
  z.string().transform((text, ctx) => {
    let ms: number;
    try {
      ms = parseDurationMs(text);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
    const minMs = parseDurationMs(min);
    if (ms !== 0 && ms < minMs) {
      ctx.addIssue({ code: 'custom', message: `${text} is shorter than the minimum ${min}` });
      return z.NEVER;
    }
    return ms;
  });

const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?$/;
const SIZE_UNIT: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };
const size = z.string().transform((text, ctx) => {
  const m = SIZE.exec(text.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `invalid size ${JSON.stringify(text)} (expected e.g. 512MiB, 2GiB)` });
    return z.NEVER;
  }
  return Math.round(Number(m[1]) * SIZE_UNIT[m[2] ?? 'B']);
});

/** Collection settings: set under [collection] for every cluster, overridable per [[clusters]] entry. */
const collectionShape = {
  summary_interval: duration('1s'),
  cadvisor_interval: duration('1s'),
  resource_interval: duration('1s'),
  health_interval: duration('1s'),
  inventory_resync: duration('10s'),
  inventory_relist: duration('1m'),
  scrape_timeout: duration('100ms'),
  scrape_concurrency: z.number().int().min(1).max(1024),
  kubelet_access: z.enum(['proxy', 'direct']),
  insecure_skip_tls_verify: z.boolean(),
  kubelet_ca: z.string(),
};

export const COLLECTION_DEFAULTS = {
  summary_interval: '15s',
  cadvisor_interval: '30s',
  resource_interval: '0s',
  health_interval: '5s',
  inventory_resync: '10m',
  inventory_relist: '24h',
  scrape_timeout: '10s',
  scrape_concurrency: 32,
  kubelet_access: 'proxy',
  insecure_skip_tls_verify: false,
  kubelet_ca: '',
} as const;

/** Each schema of a shape with its default filled in before parsing (zod's prefault), keyed as the shape. */
function withPrefaults<S extends Record<string, z.ZodType>>(shape: S, defaults: { [K in keyof S]: z.input<S[K]> }) {
  const entries = Object.entries(shape).map(([k, schema]) => [k, schema.prefault(defaults[k])]);
  return Object.fromEntries(entries) as { [K in keyof S]: z.ZodPrefault<S[K]> };
}

/** A kind's setting: true / false, or its own resync interval (at least KIND_RESYNC_MIN). */
const KIND_RESYNC_MIN = '10s';
const kindSetting = z.unknown().transform((v, ctx): boolean | number => {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') {
    ctx.addIssue({ code: 'custom', message: `expected true, false or a resync interval such as "5m" (at least ${KIND_RESYNC_MIN}), got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  let ms: number;
  try {
    ms = parseDurationMs(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
  if (ms < parseDurationMs(KIND_RESYNC_MIN)) {
    ctx.addIssue({ code: 'custom', message: `${v} is shorter than the minimum resync interval ${KIND_RESYNC_MIN}` });
    return z.NEVER;
  }
  return ms;
});

const clusterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, ".", "_" or "-"'),
    kubeconfig: z.string().default(''),
    context: z.string().default(''),
    in_cluster: z.boolean().default(false),
    enabled: z.boolean().default(true),
    /** Per inventory kind: false switches it off; a duration sets its own resync interval. */
    kinds: z.record(z.string(), kindSetting).default({}),
    ...Object.fromEntries(Object.entries(collectionShape).map(([k, v]) => [k, v.optional()])),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        listen: z
          .string()
          .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7700')
          .refine((l) => Number(/:(\d+)$/.exec(l)?.[1] ?? 0) <= 65535, { message: 'port must be from 0 to 65535 (0: any free port)' })
          .default('127.0.0.1:7700'),
        token: z.string().default(''),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        url: z.string().default(''),
        data_dir: z.string().default('.kubepulse/postgres'),
        port: z.number().int().min(1).max(65535).default(5439),
        // Two at least: the compactor reads a partition on one connection while it writes the blocks on another.
        pool_size: z.number().int().min(3, 'pool_size must be at least 3: the maintenance pass holds one connection for its lock while the compactor (and the minute packer) reads a partition on a second and writes on a third').max(100).default(8),
        // Metric rows wait this long to be written together: each write costs PostgreSQL ~1.4 ms beside its
        // rows, so at 1 s a 100-node cluster spent ~6 s of its ~22 s per 10 minutes on writes alone.
        flush_interval: duration('100ms').refine((ms) => ms > 0, 'flush_interval must be more than 0').prefault('5s'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: logLevel.default('info'),
        console: z.enum(['auto', 'pretty', 'json', 'off']).default('auto'),
        file: z.string().default('.kubepulse/logs/kubepulse.log'),
        file_max_size: size.prefault('20MiB'),
        file_max_files: z.number().int().min(1).max(100).default(5),
        modules: z.record(z.string(), logLevel).default({}),
      })
      .strict()
      .prefault({}),
    collection: z
      .object(withPrefaults(collectionShape, COLLECTION_DEFAULTS))
      .strict()
      .prefault({}),
    retention: z
      .object({
        raw: duration('1h').prefault('7d'),
        // Raw rows older than this are compacted into history blocks (docs/ARCHITECTURE.md), at most `raw`;
        // the 1-minute rollup of every entity but node and pod is computed then.
        compact_after: duration('1h').prefault('6h'),
        rollup_1m: duration('1h').prefault('30d'),
        rollup_1h: duration('1h').prefault('400d'),
        inventory_deleted: duration('1h').prefault('30d'),
        // Deleted Event objects (the API server deletes them after an hour; they churn the most).
        events: duration('1h').prefault('7d'),
        // change_log rows superseded before this are deleted, the state at the cutoff kept (store/change-log-retention.ts).
        change_log: duration('1h').prefault('30d'),
        // The collector's own health history (collector_status, one row per health interval).
        status_history: duration('1h').prefault('30d'),
      })
      .strict()
      .prefault({}),
    spool: z
      .object({
        dir: z.string().default('.kubepulse/spool'),
        max_size: size.prefault('1GiB'),
      })
      .strict()
      .prefault({}),
    watchdog: z
      .object({
        memory_limit: size.prefault('1GiB'),
        heartbeat_timeout: duration('2s').prefault('30s'),
      })
      .strict()
      .prefault({}),
    // Several processes on one database share the clusters (src/group/, docs/GROUP.md). Off: this process
    // collects every cluster of its config alone, as before.
    group: z
      .object({
        enabled: z.boolean().default(false),
        name: z.string().default(''),
        heartbeat_interval: duration('100ms').prefault('3s'),
        member_ttl: duration('300ms').prefault('15s'),
      })
      .strict()
      .prefault({}),
    clusters: z.array(clusterSchema).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.group.enabled && !cfg.database.url) {
      ctx.addIssue({ code: 'custom', path: ['group', 'enabled'], message: 'a group needs a shared database: set database.url (every member points at the same PostgreSQL)' });
    }
    // Three heartbeats fit in a TTL: one slow or lost heartbeat does not cost a member its share.
    if (cfg.group.member_ttl < 3 * cfg.group.heartbeat_interval) {
      ctx.addIssue({ code: 'custom', path: ['group', 'member_ttl'], message: `must be at least 3 × group.heartbeat_interval (${cfg.group.heartbeat_interval} ms)` });
    }
    // Duplicate cluster names and unknown kinds: clusterListProblems, reported with every other error.
    cfg.clusters.forEach((c, i) => {
      if (c.in_cluster && (c.kubeconfig || c.context)) {
        ctx.addIssue({ code: 'custom', path: ['clusters', i, 'in_cluster'], message: 'in_cluster = true excludes kubeconfig and context' });
      }
    });
    const host = cfg.server.listen.replace(/:\d+$/, '');
    if (!isLoopback(host) && !cfg.server.token) {
      ctx.addIssue({ code: 'custom', path: ['server', 'token'], message: `required when server.listen (${cfg.server.listen}) is not a loopback address` });
    }
  });

/**
 * Checks of the cluster list that need no valid document: run on the raw one, so they are reported
 * together with the schema's errors instead of only once those are fixed (a refinement of the schema
 * would run only then).
 */
export function clusterListProblems(doc: Record<string, unknown>): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  if (!Array.isArray(doc.clusters)) return out;
  const seen = new Set<string>();
  doc.clusters.forEach((c: unknown, i) => {
    if (!c || typeof c !== 'object') return;
    const { name, kinds } = c as { name?: unknown; kinds?: unknown };
    if (typeof name === 'string') {
      if (seen.has(name)) out.push({ path: ['clusters', i, 'name'], message: `duplicate cluster name "${name}"` });
      seen.add(name);
    }
    if (kinds && typeof kinds === 'object' && !Array.isArray(kinds)) {
      for (const k of Object.keys(kinds)) {
        if (!KIND_NAMES.includes(k)) out.push({ path: ['clusters', i, 'kinds', k], message: `unknown kind (known: ${KIND_NAMES.join(', ')})` });
      }
    }
  });
  return out;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export type Config = z.output<typeof configSchema>;
export type ClusterConfig = Config['clusters'][number];
export type CollectionSettings = Config['collection'];

/** A cluster's effective collection settings: its own keys over the [collection] defaults. */
export function effectiveCollection(cfg: Config, cluster: ClusterConfig): CollectionSettings {
  const out = { ...cfg.collection } as Record<string, unknown>;
  for (const k of Object.keys(cfg.collection)) {
    const v = (cluster as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as CollectionSettings;
}
