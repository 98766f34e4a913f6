// The viewer's page: one HTML document with the esbuild bundle (dist/ui/main.js, main.css: uPlot and
// our code) inlined, so a single authenticated request loads everything — script and style tags cannot
// carry the bearer token, and the bundle never comes from a CDN.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/viewer/static.js → dist/ui */
const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../ui');

/** The viewer's icon (the brand's diamond): inline in the page, which no tag can load with the token. */
export const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0d1117"/><path d="M8 2l6 6-6 6-6-6z" fill="#4ea1ff"/></svg>';
const FAVICON_DATA_URI = `data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}`;

export function loadIndexHtml(uiDir: string = UI_DIR): string {
  const js = resolve(uiDir, 'main.js');
  if (!existsSync(js)) {
    return '<!doctype html><meta charset="utf-8"><title>kubepulse</title><body style="font:14px sans-serif;padding:2em">' +
      'The viewer is not built: run <code>npm run build</code> (it bundles src/viewer/ui into dist/ui). The API under /api/ works.</body>';
  }
  const css = existsSync(resolve(uiDir, 'main.css')) ? readFileSync(resolve(uiDir, 'main.css'), 'utf8') : '';
  // A closing script tag inside the bundle would end the inline script early.
  const code = readFileSync(js, 'utf8').replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kubepulse</title><link rel="icon" href="${FAVICON_DATA_URI}"><style>${css}</style></head>
<body><div id="app"></div><script type="module">${code}</script></body></html>`;
}
