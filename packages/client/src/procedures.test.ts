import { readFile } from 'node:fs/promises';
import type { AppRouter } from '@switchyard/server/router';
import { appRouter } from '@switchyard/server/router';
import type { AnyTRPCProcedure, TRPCRouterRecord } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { PROCEDURES_FILE, procedureKinds, renderProcedures } from '../scripts/procedures.ts';
import { PROCEDURES } from './procedures.ts';

// The map is rewritten by every `pnpm build`; these catch a checkout where the router changed and nothing ran the
// generator: at run time against the live router, and already at type-check time against the router's type.

type Paths<R extends TRPCRouterRecord, P extends string = ''> = {
  [K in keyof R & string]: R[K] extends AnyTRPCProcedure
    ? `${P}${K}`
    : R[K] extends TRPCRouterRecord
      ? Paths<R[K], `${P}${K}.`>
      : never;
}[keyof R & string];
type KindAt<R, Path extends string> = Path extends `${infer Head}.${infer Rest}`
  ? Head extends keyof R
    ? KindAt<R[Head], Rest>
    : never
  : Path extends keyof R
    ? R[Path] extends AnyTRPCProcedure
      ? R[Path]['_def']['type']
      : never
    : never;

type Record_ = AppRouter['_def']['record'];
/** What the map must say for each procedure of the router's type: every path present, queries never as mutations. */
type Expected = {
  [P in Paths<Record_>]: KindAt<Record_, P> extends 'mutation' ? 'mutation' : 'query' | 'paginated';
};
// A path missing from the map, or a wrong kind, fails here; a path the router no longer has fails `Extra`.
const _matches: Expected = PROCEDURES;
type Extra = Exclude<keyof typeof PROCEDURES, Paths<Record_>>;
const _noExtra: [Extra] extends [never] ? true : Extra = true;

describe('the procedure map (src/procedures.ts)', () => {
  it('is what the generator makes of the router today', async () => {
    const committed = await readFile(PROCEDURES_FILE, 'utf8');
    expect(committed).toBe(renderProcedures(procedureKinds(appRouter)));
    expect(_matches).toBe(PROCEDURES);
    expect(_noExtra).toBe(true);
  });

  it('has queries, paginated lists and mutations as the router defines them', () => {
    expect(PROCEDURES['users.get']).toBe('query');
    expect(PROCEDURES['users.list']).toBe('paginated');
    expect(PROCEDURES['eventTypes.list']).toBe('query');
    expect(PROCEDURES['users.upsert']).toBe('mutation');
    expect(Object.keys(PROCEDURES)).toHaveLength(Object.keys(appRouter._def.procedures).length);
  });
});
