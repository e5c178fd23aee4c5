import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** The services a connection reaches. */
export type ConnectionKind = 'smtp' | 'slack' | 'incoming_webhook' | 'host_endpoint';

/** An account's connection to a service its actions use; credentials sealed with the secret box. */
export const Connection = defineEntity({
  name: 'Connection',
  tableName: 'connections',
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    kind: p.string().$type<ConnectionKind>(),
    name: p.string(),
    settings: p.json<Record<string, unknown>>().default('{}'),
    credentialsSealed: p.text(),
    lastTestedAt: p.datetime().nullable(),
    lastTestError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Connection = InferEntity<typeof Connection>;
