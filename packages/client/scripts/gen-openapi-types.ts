// Regenerates test/openapi.d.ts from the routers, starting nothing (no database, no server):
//   pnpm --filter @switchyard/client gen:openapi
// Run it after a router is added or changed; src/openapi.test.ts fails while the file is stale.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '@switchyard/server';
import { appRouter } from '@switchyard/server/router';
import { OPENAPI_TYPES_FILE, renderOpenApiTypes } from './openapiTypes.ts';

const doc = buildOpenApiDocument(appRouter, 'http://localhost:8080');
await writeFile(OPENAPI_TYPES_FILE, await renderOpenApiTypes(doc));
// In the repository's own format, so `pnpm format` leaves it alone and a regeneration diffs only what changed.
const biome = fileURLToPath(new URL('../../../node_modules/@biomejs/biome/bin/biome', import.meta.url));
execFileSync(process.execPath, [biome, 'format', '--write', fileURLToPath(OPENAPI_TYPES_FILE)], {
  stdio: 'inherit',
});
console.log(`wrote ${OPENAPI_TYPES_FILE.pathname}`);
