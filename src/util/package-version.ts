// kubepulse's version, from package.json (read once): `--version`, the status report's collector.version.
// npm_package_version is set only under `npm run`, not when the collector is started directly.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/util/package-version.js → the package root's package.json */
const PACKAGE_JSON = join(dirname(fileURLToPath(import.meta.url)), '../../../package.json');

export const packageVersion: string = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
