import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The API reference bundle of @scalar/api-reference, served from this server: no CDN. */
function bundlePath(): string {
  // The package exports no package.json; its stylesheet sits in dist/ beside the browser bundle.
  return path.join(path.dirname(require.resolve('@scalar/api-reference/style.css')), 'browser/standalone.js');
}

/** The `/docs` page: Scalar's reference UI over `/openapi.json`, fonts and scripts all local. */
export function docsHtml(): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Switchyard API reference</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/docs/standalone.js"></script>
    <script>
      Scalar.createApiReference('#app', {
        url: '/openapi.json',
        withDefaultFonts: false,
        hideClientButton: true,
        telemetry: false,
      });
    </script>
  </body>
</html>`;
}

/** Streams the reference bundle. */
export function sendDocsBundle(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
  });
  createReadStream(bundlePath()).pipe(res);
}
