// Writes test/openapi.d.ts from the routers, starting nothing (no database, no server):
//   pnpm --filter @switchyard/client gen:openapi
// `pnpm build` runs it first, and it does nothing while the file is there and the document it came from is
// unchanged (`--force` writes it anyway); src/openapi.test.ts fails while the file is stale. The file is generated,
// not committed. It needs the npm registry once: the generator is fetched by `pnpm dlx` (see GENERATOR for why).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument } from '@switchyard/server';
import { appRouter } from '@switchyard/server/router';
import {
  documentFingerprint,
  fingerprintHeader,
  GENERATOR,
  OPENAPI_TYPES_FILE,
  readDocumentFingerprint,
} from './openapiTypes.ts';

const doc = buildOpenApiDocument(appRouter, 'http://localhost:8080');
const written = await readFile(OPENAPI_TYPES_FILE, 'utf8').catch(() => '');
if (!process.argv.includes('--force') && readDocumentFingerprint(written) === documentFingerprint(doc)) {
  console.log(`${OPENAPI_TYPES_FILE.pathname} is current`);
  process.exit(0);
}
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
console.log(`wrote ${OPENAPI_TYPES_FILE.pathname}`);
