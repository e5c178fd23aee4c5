import type { AnyTRPCRouter } from '@trpc/server';
import type { ProcedureKind } from '../src/types.ts';

/** Where the generated map lives: committed, so code run from source (tests, examples, the portal) has it. */
export const PROCEDURES_FILE = new URL('../src/procedures.ts', import.meta.url);

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: unknown[];
}

// A list takes cursors: one of its input parsers is a zod object with `starting_after`.
function takesCursors(inputs: readonly unknown[]): boolean {
  return inputs.some((i) => {
    const shape = (i as { shape?: Record<string, unknown> } | null)?.shape;
    return shape !== undefined && 'starting_after' in shape;
  });
}

/**
 * The kind of every procedure of a router, by dotted path, read from the router itself (tRPC keeps each
 * procedure's type and input parsers at run time): `query`, `paginated` (a query with cursors, which also gets a
 * `…All` iterator) or `mutation`. Subscriptions are refused: the client has no transport for them.
 */
export function procedureKinds(router: AnyTRPCRouter): Record<string, ProcedureKind> {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  const out: Record<string, ProcedureKind> = {};
  for (const path of Object.keys(procedures).sort()) {
    const def = (procedures[path] as { _def: ProcedureDef })._def;
    if (def.type === 'subscription')
      throw new Error(`${path} is a subscription, which the client cannot call`);
    out[path] = def.type === 'mutation' ? 'mutation' : takesCursors(def.inputs) ? 'paginated' : 'query';
  }
  return out;
}

/** The source of src/procedures.ts for a router's kinds. */
export function renderProcedures(kinds: Record<string, ProcedureKind>): string {
  const entries = Object.entries(kinds).map(([path, kind]) => `  '${path}': '${kind}',`);
  return `// Generated from the server's router by scripts/gen-procedures.ts, on every \`pnpm build\`: do not edit.
// src/procedures.test.ts fails while it differs from the router.
import type { ProcedureKind } from './types.ts';

/** Every procedure of the API by path: a \`query\` (sent as GET), a \`paginated\` query or a \`mutation\` (POST). */
export const PROCEDURES = {
${entries.join('\n')}
} as const satisfies Record<string, ProcedureKind>;
`;
}
