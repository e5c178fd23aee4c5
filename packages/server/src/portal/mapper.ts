import type { PortalSession, User } from '../db/entities/index.ts';
import { timestampFields } from '../time.ts';
import type { PortalSessionOutput } from './schema.ts';

/** The API shape of a session, field by field: never a token, a code or their hashes. */
export function toPortalSessionOutput(s: PortalSession, userKey: string, zone: string): PortalSessionOutput {
  return {
    object: 'portal_session',
    id: s.id,
    user_key: userKey,
    features: s.features,
    revoked: s.revokedAt != null,
    ...timestampFields('expires', s.expiresAt, zone),
    ...timestampFields('created', s.createdAt, zone),
  } as PortalSessionOutput;
}

/** The portal's view of its user: who it is and the branding to draw with. */
export function toPortalUser(user: User) {
  return {
    key: user.key,
    name: user.name ?? null,
    email: user.email ?? null,
    primary_color: user.config.primary_color ?? null,
    logo_url: user.config.logo_url ?? null,
  };
}

/** `expires_at` in the three forms, for responses that carry only a time. */
export function expiresFields(expiresAt: Date, zone: string) {
  return timestampFields('expires', expiresAt, zone) as {
    expires_at: string;
    expires_at_utc: string;
    expires_at_string: string;
  };
}
