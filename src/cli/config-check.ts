// `kubepulse config check FILE`: schema validation (every problem at once), then the deeper checks a
// schema cannot do (preflight.ts: kubeconfig files and contexts, the HTTP address, folders, the database
// URL). Exit 0 when the file is good (warnings printed), 2 with every error listed.
import { ConfigError, loadConfig } from '../config/load.js';
import { preflight } from './preflight.js';

export async function configCheckCommand(file: string, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let problems: string[];
  try {
    const cfg = loadConfig(file);
    const found = await preflight(cfg, file);
    for (const w of found.warnings) err.write(`warning: ${w}\n`);
    problems = found.errors;
    if (!problems.length) {
      out.write(`${file}: OK (${cfg.clusters.length} cluster${cfg.clusters.length === 1 ? '' : 's'}${cfg.database.url ? ', external database' : ', embedded database'})\n`);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems;
  }
  for (const p of problems) err.write(`${p}\n`);
  return 2;
}
