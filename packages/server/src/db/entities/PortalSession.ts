import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, created } from './columns.ts';

/** What a portal session may show and do: the workflow builder and runs, the webhook portal, or read only. */
export type PortalFeature = 'workflows' | 'webhooks' | 'read_only';

/**
 * A portal session: one end user of one account, until `expiresAt` or revocation. Its tokens and the single-use code
 * of its link are stored as SHA-256 hashes only.
 */
export const PortalSession = defineEntity({
  name: 'PortalSession',
  tableName: 'portal_sessions',
  properties: {
    ...accountOwned(),
    userId: p.uuid(),
    /** The token returned to the host's backend. */
    tokenHash: p.string().unique(),
    /** The token the portal received for the link's code (null until the link is opened). */
    browserTokenHash: p.string().nullable(),
    codeHash: p.string().nullable(),
    codeUsedAt: p.datetime().nullable(),
    features: p.json<PortalFeature[]>(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    ...created(),
  },
});
export type PortalSession = InferEntity<typeof PortalSession>;
