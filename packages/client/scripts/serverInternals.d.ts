// What the published SDK's types say about two server-only types its AppRouter mentions (see workspaceDeclarations).
// Both only parameterise the router on the server side; no client type reads them.

/** The server's per-request context (database handle, config, logger): never sent to a client. */
export type Context = object;
/** A procedure's server metadata (its REST route): never sent to a client. */
export type Meta = object;
