// The configuration's [database] and [retention] sections turned into an open store handle, for the
// collector and the commands that only read (status, view, migrate).
import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { Database } from '../store/database.js';

/**
 * Opens the configured database (urlOverride first: the demo passes the embedded server it started).
 * `maintenance` starts the upkeep loop with the configured retention; `tolerateUnreachable`: see Database.open.
 */
export function openDatabase(config: Config, urlOverride?: string, o: { maintenance?: boolean; tolerateUnreachable?: boolean } = {}): Promise<Database> {
  const { retention } = config;
  return Database.open({
    url: urlOverride || config.database.url,
    dataDir: resolve(config.database.data_dir),
    port: config.database.port,
    poolSize: config.database.pool_size,
    maintenance: o.maintenance ? { retentionMs: { raw: retention.raw, rollup_1m: retention.rollup_1m, rollup_1h: retention.rollup_1h, inventory_deleted: retention.inventory_deleted, compact_after: retention.compact_after } } : undefined,
    tolerateUnreachable: o.tolerateUnreachable,
  });
}
