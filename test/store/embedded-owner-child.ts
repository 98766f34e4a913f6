// A stand-in owner for the embedded-owner tests (not a test file itself): starts the embedded server on
// the data folder and port it is given, says "ready <url>" on stdout and runs until killed — with -9 it
// leaves its PostgreSQL running, as a crashed collector does.
import { configureLogging } from '../../src/log.js';
import { startEmbeddedPostgres } from '../../src/store/embedded.js';

configureLogging({ level: 'silent', console: 'off', file: '' });
const [dataDir, port] = process.argv.slice(2);
const server = await startEmbeddedPostgres({
  dataDir, port: Number(port), initdbFlags: ['--no-sync'], postgresFlags: ['-c', 'fsync=off', '-c', 'unix_socket_directories='],
});
process.stdout.write(`ready ${server.url}\n`);
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
