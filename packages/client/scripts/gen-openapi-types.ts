// Regenerates test/openapi.d.ts from the routers, starting nothing (no database, no server):
//   pnpm --filter @switchyard/client gen:openapi
// Run it after a router is added or changed; src/openapi.test.ts fails while the file is stale.
import { writeFile } from 'node:fs/promises';
import { appRouter } from '@switchyard/server/router';
// buildOpenApiDocument is not exported by @switchyard/server's entry point; this dev script reaches into its source.
import { buildOpenApiDocument } from '../../server/src/openapi.ts';
import { OPENAPI_TYPES_FILE, renderOpenApiTypes } from './openapiTypes.ts';

const doc = buildOpenApiDocument(appRouter, 'http://localhost:8080');
await writeFile(OPENAPI_TYPES_FILE, await renderOpenApiTypes(doc));
console.log(`wrote ${OPENAPI_TYPES_FILE.pathname}`);
