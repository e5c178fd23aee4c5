// Regenerates test/openapi.d.ts from the routers, starting nothing (no database, no server):
//   pnpm --filter @switchyard/client gen:openapi
// Run it after a router the REST example uses is changed; src/openapi.test.ts fails while the file is stale. It
// needs the npm registry once: the generator is fetched by `pnpm dlx` (see GENERATOR for why).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '@switchyard/server';
import { appRouter } from '@switchyard/server/router';
import { fingerprintHeader, GENERATOR, OPENAPI_TYPES_FILE } from './openapiTypes.ts';

const doc = buildOpenApiDocument(appRouter, 'http://localhost:8080');
const dir = await mkdtemp(join(tmpdir(), 'switchyard-openapi-'));
try {
  const input = join(dir, 'openapi.json');
  const output = join(dir, 'openapi.d.ts');
  await writeFile(input, JSON.stringify(doc));
  const packages = Object.entries(GENERATOR).map(([name, version]) => `--package=${name}@${version}`);
  execFileSync('pnpm', ['dlx', ...packages, 'openapi-typescript', input, '-o', output, '--alphabetize'], {
    stdio: 'inherit',
  });
  const types = await readFile(output, 'utf8');
  await writeFile(OPENAPI_TYPES_FILE, fingerprintHeader(doc) + types);
} finally {
  await rm(dir, { recursive: true, force: true });
}
// In the repository's own format, so `pnpm format` leaves it alone and a regeneration diffs only what changed.
const biome = fileURLToPath(new URL('../../../node_modules/@biomejs/biome/bin/biome', import.meta.url));
execFileSync(process.execPath, [biome, 'format', '--write', fileURLToPath(OPENAPI_TYPES_FILE)], {
  stdio: 'inherit',
});
console.log(`wrote ${OPENAPI_TYPES_FILE.pathname}`);
