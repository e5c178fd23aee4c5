import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, created } from './columns.ts';

/**
 * A remembered POST: the same key on the same operation replays its response. Claimed before the work (`claimedBy`,
 * leased until `lockedUntil`), then completed with the response sealed (`responseSealed`); see `http/idempotency.ts`.
 */
export const IdempotencyRecord = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_records',
  properties: {
    ...accountOwned(),
    key: p.string(),
    /** The procedure the key was used on (REST method + path and tRPC path map to the same procedure). */
    operation: p.string(),
    requestHash: p.string(),
    /** Plaintext responses of records written before responses were sealed; null since. */
    response: p.json<unknown>().nullable(),
    /** The response as sealed JSON; null while the work runs. */
    responseSealed: p.text().nullable(),
    /** The claim of the request doing the work. */
    claimedBy: p.uuid().nullable(),
    /** Until when that claim holds; a later request takes over a lapsed one (its process died). */
    lockedUntil: p.datetime().nullable(),
    ...created(),
    /** Null for `life-` keys, which never expire. */
    expiresAt: p.datetime().nullable().index(),
  },
  uniques: [{ properties: ['accountId', 'key', 'operation'] }],
});
export type IdempotencyRecord = InferEntity<typeof IdempotencyRecord>;
