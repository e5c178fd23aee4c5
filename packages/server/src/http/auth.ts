import { hashApiKey, readApiKey } from '../apiKeys/keys.ts';
import type { AuthInfo } from '../context.ts';
import { Account, ApiKey } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { AppError } from '../errors.ts';

/** How often `last_used_at` is written at most: a write per request would put a row lock on the hot path. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Finds the account and scopes of a raw API key, or throws `invalid_key`. */
export async function resolveApiKey(em: EntityManager, rawKey: string | undefined, now: Date): Promise<AuthInfo> {
  if (!rawKey) throw new AppError('invalid_key', 'Missing API key: send Authorization: Bearer <key> or x-api-key');
  const key = await em.findOne(ApiKey, { hash: hashApiKey(rawKey), revokedAt: null });
  if (!key) throw new AppError('invalid_key', 'Invalid or revoked API key');
  const account = await em.findOneOrFail(Account, { id: key.accountId });
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
  }
  return { account, apiKeyId: key.id, scopes: key.scopes };
}

