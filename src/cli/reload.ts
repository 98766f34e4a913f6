// `kubepulse reload`: asks the running collector to re-read its configuration (POST /api/reload) — the
// portable twin of SIGHUP, which Windows does not have.
import { loadConfig } from '../config/load.js';

export async function reloadCommand(o: { config?: string }, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const cfg = loadConfig(o.config);
  const listen = cfg.server.listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  let res: Response;
  try {
    res = await fetch(`http://${listen}/api/reload`, {
      method: 'POST',
      headers: cfg.server.token ? { authorization: `Bearer ${cfg.server.token}` } : {},
      signal: AbortSignal.timeout(60_000),
    });
  } catch (e) {
    err.write(`kubepulse reload: no collector answers at http://${listen} (${(e as Error).message})\n`);
    return 1;
  }
  const body = await res.text();
  if (!res.ok) {
    err.write(`kubepulse reload: ${res.status}: ${body}\n`);
    return 1;
  }
  out.write(`${body}\n`);
  return 0;
}
