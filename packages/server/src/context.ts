import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Account } from './db/entities/index.ts';
import type { EntityManager } from './db/orm.ts';
import type { ServerDeps } from './deps.ts';
import type { IdempotencyCharge } from './http/idempotency.ts';
import type { RateCharge } from './http/rateLimit.ts';

/**
 * What authenticated a request: a `secret` API key (server side, with scopes), a `publishable` one (safe in a
 * browser: it only identifies the account), or a portal `session` (one end user's own data, http/session.ts).
 */
export type CredentialKind = 'secret' | 'publishable' | 'session';

/**
 * The caller's account as authentication found it: read-only, and not managed by the request's EntityManager (an
 * API key's is shared by every request the key makes). A procedure that changes the account loads it first.
 */
export type AuthAccount = Readonly<
  Pick<
    Account,
    'id' | 'name' | 'environment' | 'organisationId' | 'timeZone' | 'settings' | 'createdAt' | 'updatedAt'
  >
>;

/** Who is calling: the account and the credential found from the request's token (an API key or a portal session). */
export interface AuthInfo {
  kind: CredentialKind;
  account: AuthAccount;
  /** The credential's id: the API key's, or the portal session's (rate limits count per credential). */
  apiKeyId: string;
  /** The permissions a secret key holds; none for a publishable key. */
  scopes: readonly string[];
  /** Set for a portal session (http/session.ts): the one end user whose data it may reach, and the session. */
  user?: { id: string; key: string };
  session?: { id: string; expiresAt: Date; features: readonly string[] };
}

/** What every procedure sees. */
export interface Context {
  deps: ServerDeps;
  /** A fresh EntityManager fork for this request (or the idempotency transaction's, inside one). */
  em: EntityManager;
  requestId: string;
  /** Request headers, lower-cased names. */
  headers: Record<string, string | undefined>;
  /** Present over HTTP: procedures and middlewares set response headers on it. */
  res: ServerResponse | undefined;
  auth: AuthInfo | null;
  /**
   * The request's rate-limit count, on a route that adds it in its own statement (`rateLimitInStatement`); the
   * other routes are counted before they run.
   */
  rateCharge?: RateCharge;
  /** The call's Idempotency-Key, on a route that claims it itself (`idempotencyInStatement`), when it sent one. */
  idempotency?: IdempotencyCharge;
  /** How the call came: REST (`/v1`, path parameters still percent-encoded), tRPC, or a direct caller (tests). */
  transport: 'rest' | 'trpc' | undefined;
  /** The URL clients reach this server at (links it hands out, e.g. portal session URLs), when known. */
  publicUrl?: string;
}

/** The context of a procedure past authentication (a scoped or authenticated one): `auth` is set. */
export type AuthedContext = Context & { auth: AuthInfo };

/** Options for {@link createContextInner}. */
export interface ContextOptions {
  deps: ServerDeps;
  headers?: Record<string, string | string[] | undefined>;
  requestId?: string;
  res?: ServerResponse;
  transport?: Context['transport'];
  publicUrl?: string;
}

/** Builds a context without HTTP: used by the HTTP adapters and by tests through `createCaller`. */
export function createContextInner(opts: ContextOptions): Context {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return {
    deps: opts.deps,
    em: opts.deps.orm.em.fork(),
    requestId: opts.requestId ?? randomUUID(),
    headers,
    res: opts.res,
    auth: null,
    transport: opts.transport,
    publicUrl: opts.publicUrl,
  };
}
