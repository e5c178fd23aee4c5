import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A remembered POST: the same key on the same operation replays `response`. Written in the same transaction as the
 * work it guards, so a concurrent duplicate waits on the unique index and then replays.
 */
export const IdempotencyRecord = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_records',
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    key: p.string(),
    /** The procedure the key was used on (REST method + path and tRPC path map to the same procedure). */
    operation: p.string(),
    requestHash: p.string(),
    response: p.json<unknown>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Null for `life-` keys, which never expire. */
    expiresAt: p.datetime().nullable().index(),
  },
  uniques: [{ properties: ['accountId', 'key', 'operation'] }],
});
export type IdempotencyRecord = InferEntity<typeof IdempotencyRecord>;
