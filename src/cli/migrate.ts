// `kubepulse migrate`: apply the migrations to the configured database (starting the embedded one if
// that is what the config uses) and exit. The embedded server of a running collector is its owner's to
// migrate (it does at start): refused, naming that process (exit 2).
import { openDatabase } from '../collector/open-database.js';
import { loadConfigOrReport, setUpLogging } from './lifecycle.js';

export async function migrateCommand(o: { config?: string }): Promise<number> {
  const cfg = loadConfigOrReport(o.config);
  if (!cfg) return 2;
  setUpLogging(cfg);
  const db = await openDatabase(cfg, undefined, { access: 'own', what: 'kubepulse migrate' }); // opening migrates, under the advisory lock
  process.stdout.write(`database migrated: ${db.displayUrl}\n`);
  await db.close();
  return 0;
}
