import { p } from '@mikro-orm/core';

// Columns most entities share, spread into their `properties`. Each call makes fresh builders.

const now = () => new Date();

/** `id` (a UUIDv7, made by the caller) and the owning `accountId`. */
export const accountOwned = () => ({ id: p.uuid().primary(), accountId: p.uuid() });

/** `createdAt`, set on insert. */
export const created = () => ({ createdAt: p.datetime().onCreate(now) });

/** `createdAt` and `updatedAt`, set on insert and (`updatedAt`) on every update. */
export const timestamps = () => ({ ...created(), updatedAt: p.datetime().onCreate(now).onUpdate(now) });
