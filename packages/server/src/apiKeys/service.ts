import { uuidv7 } from 'uuidv7';
import { Account, ApiKey, type ApiKeyKind } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import { type PageInput, paginate } from '../pagination.ts';
import { timestampFields } from '../time.ts';
import { generateApiKey } from './keys.ts';
import type { ApiKeyOutput } from './schema.ts';

/** What a new key is: a secret key with scopes (the default), or a publishable key, which holds none. */
export interface NewApiKey {
  name: string;
  kind?: ApiKeyKind;
  scopes?: readonly string[];
}

function checkScopes(kind: ApiKeyKind, scopes: readonly string[] | undefined): string[] {
  if (kind === 'publishable') {
    if (scopes && scopes.length > 0) {
      throw new AppError(
        'validation_error',
        'A publishable key holds no scopes: it only identifies the account',
        [{ path: 'scopes', message: 'leave scopes out for a publishable key' }],
      );
    }
    return [];
  }
  if (!scopes || scopes.length === 0) {
    throw new AppError('missing_required_field', 'Missing required field: scopes', [
      { path: 'scopes', message: 'a secret key needs at least one scope' },
    ]);
  }
  return [...new Set(scopes)];
}

/**
 * Creates a key for the account, prefixed by its kind and the account's environment (`sk_live_…`, `pk_test_…`);
 * returns the entity and the key, which is never stored.
 */
export async function createApiKey(
  em: EntityManager,
  accountId: string,
  input: NewApiKey,
): Promise<{ apiKey: ApiKey; key: string }> {
  const kind = input.kind ?? 'secret';
  const scopes = checkScopes(kind, input.scopes);
  const account = await em.findOneOrFail(Account, { id: accountId });
  const { key, prefix, hash } = generateApiKey(kind, account.environment);
  const apiKey = em.create(ApiKey, {
    id: uuidv7(),
    accountId,
    name: input.name,
    kind,
    prefix,
    hash,
    scopes,
    lastUsedAt: null,
    revokedAt: null,
  });
  await em.flush();
  return { apiKey, key };
}

/** A page of the account's keys. */
export async function listApiKeys(em: EntityManager, accountId: string, page: PageInput) {
  return paginate<ApiKey>(em, ApiKey, { accountId }, page);
}

/** Revokes a key: it stops working at once and stays listed as revoked. */
export async function revokeApiKey(
  em: EntityManager,
  accountId: string,
  id: string,
  now: Date,
): Promise<ApiKey> {
  const key = await em.findOne(ApiKey, { id, accountId });
  if (!key) throw notFound('API key');
  key.revokedAt ??= now;
  await em.flush();
  return key;
}

/** The API shape of a key. */
export function toApiKeyOutput(
  key: ApiKey,
  account: Pick<Account, 'timeZone' | 'environment'>,
): ApiKeyOutput {
  return {
    object: 'api_key',
    id: key.id,
    name: key.name,
    kind: key.kind,
    environment: account.environment,
    prefix: key.prefix,
    scopes: key.scopes,
    revoked: key.revokedAt != null,
    ...timestampFields('created', key.createdAt, account.timeZone),
    ...timestampFields('last_used', key.lastUsedAt, account.timeZone),
  } as ApiKeyOutput;
}
