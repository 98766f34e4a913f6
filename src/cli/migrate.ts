// `kubepulse migrate`: apply the migrations to the configured database (starting the embedded one if
// that is what the config uses) and exit.
import { loadConfig } from '../config/load.js';
import { openDatabase } from '../collector/open-database.js';
import { setUpLogging } from './lifecycle.js';

export async function migrateCommand(o: { config?: string }): Promise<number> {
  const cfg = loadConfig(o.config);
  setUpLogging(cfg);
  const db = await openDatabase(cfg); // opening migrates, under the advisory lock
  process.stdout.write(`database migrated: ${db.displayUrl}\n`);
  await db.close();
  return 0;
}
