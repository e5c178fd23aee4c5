import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { timestamps, uuidId } from './columns.ts';

/** Which environment of its organisation an account is (seed 004: `pk_test`/`sk_test`, `pk_live`/`sk_live`). */
export type Environment = 'live' | 'test';

/** One tenant: one environment of the host app's organisation. Everything else belongs to exactly one account. */
export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    ...uuidId(),
    name: p.string(),
    /** The organisation whose `live` or `test` environment this account is; environments share no data. */
    organisationId: p.uuid(),
    environment: p.string().$type<Environment>().default('live'),
    /** IANA zone used for `*_at` timestamps, daily trigger counts and delays. */
    timeZone: p.string().default('UTC'),
    /** Custom event types, stop events, notification e-mail and other per-account settings. */
    settings: p.json<Record<string, unknown>>().default('{}'),
    ...timestamps(),
  },
});
export type Account = InferEntity<typeof Account>;
