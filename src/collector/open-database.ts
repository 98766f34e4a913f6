// The configuration's [database] and [retention] sections turned into an open store handle, for the
// collector and the commands that only read (status, view, migrate) — and who may do what to the embedded
// server: only the process that owns its data folder (see store/embedded-owner.ts) starts, migrates and
// stops it; the others connect to it as it runs, or refuse naming its owner.
import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { Database } from '../store/database.js';
import { maintenanceRetention } from '../store/maintenance.js';
import { runningEmbeddedServer } from '../store/embedded.js';
import { currentCommand, DataDirInUseError, readLiveOwner, type DataDirOwner } from '../store/embedded-owner.js';

/**
 * - 'own': this process starts (and migrates, and at close stops) the embedded server; refused with
 *   DataDirInUseError when another live process owns the data folder. An external database is migrated.
 * - 'attach': the running server of the folder's owner, without migrating it; with no owner, as 'own'
 *   (`view` of a stopped collector's data). An external database is not migrated.
 */
export type DatabaseAccess = 'own' | 'attach';

/**
 * Opens the configured database (urlOverride first: the demo passes the embedded server it started).
 * `maintenance` starts the upkeep loop with the configured retention; `tolerateUnreachable`: see Database.open.
 */
export async function openDatabase(config: Config, urlOverride?: string, o: { maintenance?: boolean; tolerateUnreachable?: boolean; access?: DatabaseAccess; what?: string } = {}): Promise<Database> {
  const { retention } = config;
  const url = urlOverride || config.database.url;
  const dataDir = resolve(config.database.data_dir);
  const access = o.access ?? 'own';
  if (!url) {
    const running = await runningEmbeddedServer(dataDir);
    if (running && access === 'own') throw new DataDirInUseError(dataDir, running.owner, o.what ?? currentCommand());
    if (running) return Database.open({ url: running.url, dataDir, port: running.owner.port, poolSize: Math.min(2, config.database.pool_size), migrate: false });
  }
  return Database.open({
    url,
    dataDir,
    port: config.database.port,
    poolSize: config.database.pool_size,
    maintenance: o.maintenance ? { retentionMs: maintenanceRetention(retention) } : undefined,
    tolerateUnreachable: o.tolerateUnreachable,
    migrate: access === 'own' || !url ? undefined : false,
  });
}

/**
 * For `status`: the running database to read from without migrating it, or null when the config uses the
 * embedded server and no process owns it (nothing runs: nothing is started either).
 */
export async function attachToRunningDatabase(config: Config): Promise<Database | null> {
  if (!config.database.url) {
    const running = await runningEmbeddedServer(resolve(config.database.data_dir));
    if (!running) return null;
    return Database.open({ url: running.url, dataDir: resolve(config.database.data_dir), port: running.owner.port, poolSize: 1, migrate: false });
  }
  return Database.open({ url: config.database.url, dataDir: resolve(config.database.data_dir), port: config.database.port, poolSize: 1, migrate: false });
}

/** The live owner of the configured embedded data folder (null with an external database or no owner). */
export function embeddedOwner(config: Config): Promise<DataDirOwner | null> {
  return config.database.url ? Promise.resolve(null) : readLiveOwner(resolve(config.database.data_dir));
}
