import type pg from 'pg';
import { type ApiKeyShape, apiKeyShape, hashApiKey } from '../apiKeys/keys.ts';
import type { AuthAccount, AuthInfo } from '../context.ts';
import { Account, ApiKey } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { type AuthCache, authCacheOf, type CachedKey } from './authCache.ts';

/** How often `last_used_at` is written at most: a write per request would put a row lock on the hot path. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface KeyColumns {
  sy_key_id: string;
  sy_key_kind: string;
  sy_key_scopes: string[] | string;
  sy_key_last_used_at: Date | string | null;
}

/** What a bearer token is, told by its shape alone (no lookup): an API key, or nothing we issue. */
export type BearerToken = { type: 'api_key'; raw: string; shape: ApiKeyShape } | { type: 'unknown' };

/**
 * Classifies a bearer token by its prefix. Each kind of credential has its own prefix and its own resolver, so a
 * new kind (the portal's short-lived session tokens, say) is one more case here and in {@link authenticate}.
 */
export function classifyToken(raw: string): BearerToken {
  const shape = apiKeyShape(raw);
  if (shape) return { type: 'api_key', raw, shape };
  return { type: 'unknown' };
}

/**
 * Finds who a request's token authenticates, or throws 401 `invalid_key`: dispatches on the token's kind, so a
 * malformed token costs no query.
 */
export async function authenticate(
  em: EntityManager,
  pool: pg.Pool,
  rawToken: string | undefined,
  now: Date,
): Promise<AuthInfo> {
  if (!rawToken)
    throw new AppError('invalid_key', 'Missing API key: send Authorization: Bearer <key> or x-api-key');
  const token = classifyToken(rawToken);
  switch (token.type) {
    case 'api_key':
      return resolveApiKey(em, pool, token.raw, token.shape, now);
    case 'unknown':
      throw new AppError(
        'invalid_key',
        'Invalid API key: expected sk_live_…, sk_test_…, pk_live_… or pk_test_…',
      );
  }
}

/**
 * An account row as the ORM maps it, in a fork of its own, so that no request's EntityManager manages an
 * `AuthAccount`: an API key's outlives the request that looked it up (it is cached with its key, and mapping it
 * once per key, not per request, saves a tenth of a request's CPU on the hot path: the serve profile of
 * `pnpm bench worker`); a portal session's is mapped the same way for the same guarantee.
 */
export function mapAccount(em: EntityManager, row: Record<string, unknown>): AuthAccount {
  return em.fork().map(Account, { ...row });
}

/**
 * The key and its account in one round trip, as a named statement (planned once per connection), kept in the
 * process's key cache: most requests find their key there and cost no lookup.
 */
async function lookUpKey(
  em: EntityManager,
  pool: pg.Pool,
  cache: AuthCache,
  hash: string,
): Promise<CachedKey | null> {
  const token = cache.begin();
  const {
    rows: [row],
  } = await pool.query<Record<string, unknown> & KeyColumns>({
    name: 'switchyard_resolve_api_key',
    text: `select k.id as sy_key_id, k.kind as sy_key_kind, k.scopes as sy_key_scopes,
                  k.last_used_at as sy_key_last_used_at, a.*
             from api_keys k join accounts a on a.id = k.account_id
            where k.hash = $1 and k.revoked_at is null`,
    values: [hash],
  });
  if (!row) return null;
  const {
    sy_key_id: keyId,
    sy_key_kind: kind,
    sy_key_scopes: scopes,
    sy_key_last_used_at: lastUsed,
    ...accountRow
  } = row;
  const key: CachedKey = {
    keyId,
    kind,
    scopes: typeof scopes === 'string' ? JSON.parse(scopes) : scopes,
    account: mapAccount(em, accountRow),
    lastUsedAt: lastUsed === null ? null : new Date(lastUsed),
  };
  cache.put(hash, key, token);
  return key;
}

/**
 * The account, kind and scopes of an API key, or throws `invalid_key`. A key is valid only for the kind and
 * environment its prefix claims (a `sk_test_…` key never opens a live account).
 */
export async function resolveApiKey(
  em: EntityManager,
  pool: pg.Pool,
  rawKey: string,
  shape: ApiKeyShape,
  now: Date,
): Promise<AuthInfo> {
  const hash = hashApiKey(rawKey);
  const cache = authCacheOf(pool, em);
  const key = cache.get(hash) ?? (await lookUpKey(em, pool, cache, hash));
  if (!key) throw new AppError('invalid_key', 'Invalid or revoked API key');
  const { account } = key;
  if (key.kind !== shape.kind || (shape.environment !== null && shape.environment !== account.environment)) {
    throw new AppError('invalid_key', 'Invalid or revoked API key');
  }
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    key.lastUsedAt = now;
    await em.nativeUpdate(ApiKey, { id: key.keyId }, { lastUsedAt: now });
  }
  return {
    kind: shape.kind,
    account,
    apiKeyId: key.keyId,
    scopes: key.scopes,
  };
}
