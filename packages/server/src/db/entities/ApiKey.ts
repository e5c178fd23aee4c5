import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { created, uuidId } from './columns.ts';

/** `secret` keys (`sk_…`, and the older `sy_…`) carry scopes; `publishable` keys (`pk_…`) only identify the account. */
export type ApiKeyKind = 'secret' | 'publishable';

/** An API key. Only its SHA-256 hash is stored; the key itself is shown once, at creation. */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    ...uuidId(),
    accountId: p.uuid().index(),
    name: p.string(),
    kind: p.string().$type<ApiKeyKind>().default('secret'),
    /** The first characters of the key, kept so a person can tell keys apart in a list. */
    prefix: p.string(),
    hash: p.string().unique(),
    scopes: p.json<string[]>(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    ...created(),
  },
});
export type ApiKey = InferEntity<typeof ApiKey>;
