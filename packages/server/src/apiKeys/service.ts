import { uuidv7 } from 'uuidv7';
import { ApiKey } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import { type PageInput, paginate } from '../pagination.ts';
import { timestampFields } from '../time.ts';
import { generateApiKey } from './keys.ts';
import type { ApiKeyOutput } from './schema.ts';

/** Creates a key for the account; returns the entity and the key, which is never stored. */
export async function createApiKey(
  em: EntityManager,
  accountId: string,
  input: { name: string; scopes: readonly string[] },
): Promise<{ apiKey: ApiKey; key: string }> {
  const { key, prefix, hash } = generateApiKey();
  const apiKey = em.create(ApiKey, {
    id: uuidv7(),
    accountId,
    name: input.name,
    prefix,
    hash,
    scopes: [...input.scopes],
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
export function toApiKeyOutput(key: ApiKey, zone: string): ApiKeyOutput {
  return {
    object: 'api_key',
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    revoked: key.revokedAt != null,
    ...timestampFields('created', key.createdAt, zone),
    ...timestampFields('last_used', key.lastUsedAt, zone),
  } as ApiKeyOutput;
}
