#!/usr/bin/env node
// Bundles the browser code of the viewer (src/viewer/ui) into dist/ui with esbuild. No CDN at run time.
import { existsSync, mkdirSync } from 'node:fs';
const entry = 'src/viewer/ui/main.ts';
if (!existsSync(entry)) process.exit(0); // the viewer is not built yet
const { build } = await import('esbuild');
mkdirSync('dist/ui', { recursive: true });
await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', target: 'es2022', outdir: 'dist/ui', sourcemap: true, loader: { '.css': 'css' } });
