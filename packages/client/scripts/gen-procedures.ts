// Writes src/procedures.ts, the kind of every API procedure, from the server's router (nothing is started):
//   pnpm --filter @switchyard/client gen:procedures
// `pnpm build` runs it first, so a procedure added to the server reaches the client with no hand edit.
import { readFile, writeFile } from 'node:fs/promises';
import { appRouter } from '@switchyard/server/router';
import { PROCEDURES_FILE, procedureKinds, renderProcedures } from './procedures.ts';

const source = renderProcedures(procedureKinds(appRouter));
const current = await readFile(PROCEDURES_FILE, 'utf8').catch(() => '');
// Written only when it changed, so a build leaves the file (and tsc's incremental state) alone otherwise.
if (current !== source) {
  await writeFile(PROCEDURES_FILE, source);
  console.log(`wrote ${PROCEDURES_FILE.pathname}`);
}
