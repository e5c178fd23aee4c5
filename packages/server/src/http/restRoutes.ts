import type { AnyRouter } from '@trpc/server';
import type { Meta } from '../trpc.ts';

/** A REST route of a procedure: what the body parser needs to know before trpc-to-openapi takes over. */
export interface RestRoute {
  method: string;
  pattern: RegExp;
  /** The procedure's input schema (the first `.input()`), to type form-encoded values. */
  input: unknown;
}

/**
 * The REST routes of a router, matched the way trpc-to-openapi matches them (its `{param}` → `[^/]+` pattern,
 * case-insensitive, first match in declaration order), so a body is typed for the procedure that will run.
 */
export function restRoutes(router: AnyRouter): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const proc of Object.values(router._def.procedures)) {
    const def = (proc as { _def: { meta?: Meta; inputs?: unknown[] } })._def;
    const openapi = def.meta?.openapi;
    if (!openapi) continue;
    const path = `/${openapi.path.replace(/^\/|\/$/g, '')}`;
    const pattern = new RegExp(`^${path.replace(/\{(.+?)\}/g, '[^/]+')}$`, 'i');
    routes.push({ method: openapi.method, pattern, input: def.inputs?.[0] });
  }
  return routes;
}

/** The route a request will reach, if any. */
export function findRestRoute(
  routes: readonly RestRoute[],
  method: string,
  pathname: string,
): RestRoute | undefined {
  const path = `/${pathname.replace(/^\/|\/$/g, '')}`;
  return routes.find((r) => r.method === method && r.pattern.test(path));
}
