import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { created, uuidId } from './columns.ts';

/** The host app's company: it has a `live` and a `test` environment, each an account of its own. */
export const Organisation = defineEntity({
  name: 'Organisation',
  tableName: 'organisations',
  properties: {
    ...uuidId(),
    name: p.string(),
    ...created(),
  },
});
export type Organisation = InferEntity<typeof Organisation>;
