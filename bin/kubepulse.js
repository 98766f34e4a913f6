#!/usr/bin/env node
// Checks the running Node against package.json's engines.node (">=MAJOR.MINOR") before loading the CLI:
// on an older Node, undici 8 fails to load with an error that names neither it nor the Node version.
import { readFileSync } from 'node:fs';

const floor = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const [wantMajor, wantMinor] = floor.replace(/^>=\s*/, '').split('.').map(Number);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < wantMajor || (major === wantMajor && minor < (wantMinor || 0))) {
  console.error(`kubepulse needs Node ${floor} (package.json engines); this is Node ${process.version} (${process.execPath})`);
  process.exit(1);
}
await import('../dist/src/cli/main.js');
