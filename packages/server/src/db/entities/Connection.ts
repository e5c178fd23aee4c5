import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, timestamps } from './columns.ts';

/** The services a connection reaches. */
export type ConnectionKind = 'smtp' | 'slack' | 'incoming_webhook' | 'host_endpoint';

/** An account's connection to a service its actions use; credentials sealed with the secret box. */
export const Connection = defineEntity({
  name: 'Connection',
  tableName: 'connections',
  properties: {
    ...accountOwned(),
    kind: p.string().$type<ConnectionKind>(),
    name: p.string(),
    settings: p.json<Record<string, unknown>>().default('{}'),
    credentialsSealed: p.text(),
    lastTestedAt: p.datetime().nullable(),
    lastTestError: p.text().nullable(),
    ...timestamps(),
  },
});
export type Connection = InferEntity<typeof Connection>;
