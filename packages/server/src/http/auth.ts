import type pg from 'pg';
import { hashApiKey } from '../apiKeys/keys.ts';
import type { AuthInfo } from '../context.ts';
import { Account, ApiKey } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { AppError } from '../errors.ts';

/** How often `last_used_at` is written at most: a write per request would put a row lock on the hot path. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface KeyColumns {
  sy_key_id: string;
  sy_key_scopes: string[] | string;
  sy_key_last_used_at: Date | string | null;
}

/** Finds the account and scopes of a raw API key, or throws `invalid_key`. */
export async function resolveApiKey(
  em: EntityManager,
  pool: pg.Pool,
  rawKey: string | undefined,
  now: Date,
): Promise<AuthInfo> {
  if (!rawKey)
    throw new AppError('invalid_key', 'Missing API key: send Authorization: Bearer <key> or x-api-key');
  // The key and its account in one round trip, as a named statement (planned once per connection): this runs
  // before every request.
  const {
    rows: [row],
  } = await pool.query<Record<string, unknown> & KeyColumns>({
    name: 'switchyard_resolve_api_key',
    text: `select k.id as sy_key_id, k.scopes as sy_key_scopes, k.last_used_at as sy_key_last_used_at, a.*
             from api_keys k join accounts a on a.id = k.account_id
            where k.hash = $1 and k.revoked_at is null`,
    values: [hashApiKey(rawKey)],
  });
  if (!row) throw new AppError('invalid_key', 'Invalid or revoked API key');
  const { sy_key_id: keyId, sy_key_scopes: scopes, sy_key_last_used_at: lastUsed, ...accountRow } = row;
  const account = em.map(Account, accountRow);
  const lastUsedAt = lastUsed === null ? null : new Date(lastUsed);
  if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKey, { id: keyId }, { lastUsedAt: now });
  }
  return { account, apiKeyId: keyId, scopes: typeof scopes === 'string' ? JSON.parse(scopes) : scopes };
}
