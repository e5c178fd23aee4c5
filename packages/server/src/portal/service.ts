import { entityOfEventType } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { accountStopEvents } from '../accounts/settings.ts';
import type { AuthInfo } from '../context.ts';
import type { PortalFeature } from '../db/entities/index.ts';
import { Account, PortalSession, User } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run, runOne } from '../db/statement.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { classifyToken, resolveApiKey } from '../http/auth.ts';
import { EMPTY_USER_CONFIG } from '../users/service.ts';
import { INSERT_USER_IF_ABSENT } from '../users/sql.ts';
import type { CreatePortalSessionInput, ExchangeCodeInput } from './schema.ts';
import { CODE_OF_OTHER_ACCOUNT, EXCHANGE_CODE, USER_EVENT_SAMPLE } from './sql.ts';
import { generateLinkCode, generatePortalToken, hashPortalSecret } from './tokens.ts';

/** The user of `key`, created when the account has none (seed 004: users are discovered when the UI loads). */
async function ensureUser(em: EntityManager, accountId: string, key: string): Promise<User> {
  await run(em, INSERT_USER_IF_ABSENT, [uuidv7(), accountId, key, EMPTY_USER_CONFIG]);
  return em.findOneOrFail(User, { accountId, key });
}

/** Where the portal is served: `<base>/portal/`. */
export function portalBaseUrl(deps: ServerDeps, publicUrl: string | undefined): string {
  const base = publicUrl ?? deps.env.PUBLIC_URL ?? `http://${deps.env.HOST}:${deps.env.PORT}`;
  return `${base.replace(/\/+$/, '')}/portal/`;
}

/**
 * Mints a session for one user (created if new): a token for the host's backend and a single-use link whose code
 * the portal trades for a token of its own. The code rides in the URL fragment, which browsers never send to a
 * server or put in a Referer. Only hashes are stored.
 */
export async function createPortalSession(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: CreatePortalSessionInput,
  publicUrl: string | undefined,
): Promise<{ session: PortalSession; userKey: string; token: string; url: string }> {
  const user = await ensureUser(em, accountId, input.user_key);
  const { token, hash } = generatePortalToken();
  const link = generateLinkCode();
  const session = em.create(PortalSession, {
    id: uuidv7(),
    accountId,
    userId: user.id,
    tokenHash: hash,
    browserTokenHash: null,
    codeHash: link.hash,
    codeUsedAt: null,
    features: [...new Set(input.features)] as PortalFeature[],
    expiresAt: new Date(Date.now() + input.expires_in * 1000),
    revokedAt: null,
  });
  await em.flush();
  return { session, userKey: user.key, token, url: `${portalBaseUrl(deps, publicUrl)}#code=${link.code}` };
}

/** The account a publishable key (`pk_…`) identifies, or 401 when the text is not one of ours. */
async function publishableKeyAccount(
  em: EntityManager,
  deps: Pick<ServerDeps, 'pool'>,
  raw: string,
): Promise<string> {
  const token = classifyToken(raw);
  if (token.type !== 'api_key' || token.shape.kind !== 'publishable') {
    throw linkRefusal(
      'publishable_key_invalid',
      'publishable_key is not a publishable key (pk_live_… or pk_test_…)',
    );
  }
  try {
    return (await resolveApiKey(em, deps.pool, raw, token.shape, new Date())).account.id;
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_key')
      throw linkRefusal('publishable_key_invalid', 'publishable_key is unknown or revoked');
    throw err;
  }
}

function linkRefusal(reason: string, message: string): AppError {
  return new AppError('invalid_key', message, [{ path: 'publishable_key', message, reason }]);
}

/** Why a code cannot be traded, as a 401 naming the reason (the portal shows the matching screen). */
async function exchangeRefusal(em: EntityManager, codeHash: string): Promise<AppError> {
  const s = await em.findOne(PortalSession, { codeHash });
  let reason = 'link_unknown';
  let message = 'This portal link is not valid';
  if (s?.revokedAt) [reason, message] = ['session_revoked', 'The portal session was ended'];
  else if (s && s.expiresAt.getTime() <= Date.now())
    [reason, message] = ['session_expired', 'This portal link has expired: ask the app for a new one'];
  else if (s?.codeUsedAt) [reason, message] = ['link_used', 'This portal link was used already'];
  return new AppError('invalid_key', message, [{ message, reason }]);
}

/**
 * Trades a link's code for the browser's session token, once: the first call wins (one conditional update), any
 * later one is refused, so a link copied out of a page or a log opens nothing.
 */
export async function exchangeCode(
  em: EntityManager,
  deps: Pick<ServerDeps, 'pool'>,
  input: ExchangeCodeInput,
): Promise<{ sessionId: string; token: string; expiresAt: Date; timeZone: string }> {
  const codeHash = hashPortalSecret(input.code);
  const accountId = input.publishable_key
    ? await publishableKeyAccount(em, deps, input.publishable_key)
    : null;
  const { token, hash } = generatePortalToken();
  // With the embed script's publishable key, only a link of that key's account is traded: a link minted for
  // another account reads as unknown there, and stays usable where it belongs.
  const row = await runOne(em, EXCHANGE_CODE, [hash, codeHash, accountId]);
  if (!row) {
    if (accountId) {
      const other = await runOne(em, CODE_OF_OTHER_ACCOUNT, [codeHash, accountId]);
      if (other) throw linkRefusal('link_unknown', 'This portal link is not valid');
    }
    throw await exchangeRefusal(em, codeHash);
  }
  return { sessionId: row.id, token, expiresAt: new Date(row.expires_at), timeZone: row.time_zone };
}

/** Ends a session at once (both its tokens); revoking twice keeps the first time. 404 for another account's. */
export async function revokePortalSession(
  em: EntityManager,
  accountId: string,
  id: string,
): Promise<{ session: PortalSession; userKey: string }> {
  const session = await em.findOne(PortalSession, { id, accountId });
  if (!session) throw notFound(`Portal session ${id}`);
  session.revokedAt ??= new Date();
  await em.flush();
  const user = await em.findOneOrFail(User, { id: session.userId });
  return { session, userKey: user.key };
}

/** The calling session, or 403 for a caller that is not one (an API key has no portal session to read). */
export function requireSession(auth: AuthInfo): Required<Pick<AuthInfo, 'session' | 'user'>> {
  if (!auth.session || !auth.user) {
    throw new AppError('insufficient_permissions', 'This route needs a portal session token (ps_…)', [
      { message: 'call it with the portal session token', required: 'a portal session' },
    ]);
  }
  return { session: auth.session, user: auth.user };
}

/** What the portal draws itself from: the session, the user's branding, the account's zone and stop events. */
export async function portalContext(em: EntityManager, deps: ServerDeps, auth: AuthInfo) {
  const { session, user: who } = requireSession(auth);
  const user = await em.findOneOrFail(User, { id: who.id });
  const account = await em.findOneOrFail(Account, { id: auth.account.id });
  return {
    session,
    user,
    timeZone: account.timeZone,
    stopEvents: accountStopEvents(account),
    allowedOrigins: deps.env.PORTAL_ALLOWED_ORIGINS,
  };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function collectPaths(value: unknown, prefix: string, out: Map<string, string>, depth: number): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth > 4) return;
  for (const [k, v] of Object.entries(value)) {
    if (out.size >= 200) return;
    const path = prefix ? `${prefix}.${k}` : k;
    if (!out.has(path)) out.set(path, typeName(v));
    collectPaths(v, path, out, depth + 1);
  }
}

/** How many of an account's latest events of a type are looked at for one user's fields (bounds the read). */
const SAMPLE_WINDOW = 500;

/**
 * The field paths of the user's own latest events of `type` (never another user's): the names merge tokens such as
 * `{{deal.amount}}` can use in a workflow triggered by it.
 */
export async function eventFields(em: EntityManager, auth: AuthInfo, type: string) {
  const { user } = requireSession(auth);
  const rows = await run(em, USER_EVENT_SAMPLE, [auth.account.id, type, SAMPLE_WINDOW, user.key]);
  const fields = new Map<string, string>();
  for (const r of rows) collectPaths(r.data, '', fields, 0);
  return {
    type,
    entity: entityOfEventType(type),
    fields: [...fields].map(([path, t]) => ({ path, type: t })).sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** Ends the calling session (the portal's "log out"). */
export async function logout(em: EntityManager, auth: AuthInfo): Promise<void> {
  const { session } = requireSession(auth);
  await em.nativeUpdate(PortalSession, { id: session.id, revokedAt: null }, { revokedAt: new Date() });
}
