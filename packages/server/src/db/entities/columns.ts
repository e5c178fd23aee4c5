import { p } from '@mikro-orm/core';

// Columns most entities share, spread into their `properties`. Each call makes fresh builders.

const now = () => new Date();

/** `id`, the primary key: a UUIDv7 made by the caller (time-ordered, so lists page by it). */
export const uuidId = () => ({ id: p.uuid().primary() });

/** `id` (see {@link uuidId}) and the owning `accountId`. */
export const accountOwned = () => ({ ...uuidId(), accountId: p.uuid() });

/** `createdAt`, set on insert. */
export const created = () => ({ createdAt: p.datetime().onCreate(now) });

/** `createdAt` and `updatedAt`, set on insert and (`updatedAt`) on every update. */
export const timestamps = () => ({ ...created(), updatedAt: p.datetime().onCreate(now).onUpdate(now) });
