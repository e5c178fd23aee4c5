import { Account } from './Account.ts';
import { ApiKey } from './ApiKey.ts';
import { IdempotencyRecord } from './IdempotencyRecord.ts';
import { User } from './User.ts';

export { Account, ApiKey, IdempotencyRecord, User };
export type { UserConfig } from './User.ts';

/** Every entity, for the ORM configuration. */
export const entities = [Account, ApiKey, User, IdempotencyRecord];
