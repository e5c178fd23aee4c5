import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../apiKeys/keys.ts';

/**
 * The prefix of a portal session token. API keys start `sy_` (or a kind such as `sk_live_`), so a token is told
 * apart from a key by its first characters alone, before any lookup.
 */
export const PORTAL_TOKEN_PREFIX = 'ps_';

/** A new session token (`ps_` and 32 random bytes in base64url) and its hash, the only thing stored. */
export function generatePortalToken(): { token: string; hash: string } {
  const token = `${PORTAL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashPortalSecret(token) };
}

/** A new single-use link code (32 random bytes) and its hash. */
export function generateLinkCode(): { code: string; hash: string } {
  const code = randomBytes(32).toString('base64url');
  return { code, hash: hashPortalSecret(code) };
}

/** SHA-256, as for API keys: 256 random bits need no slow hash, and lookups stay one indexed read. */
export function hashPortalSecret(secret: string): string {
  return hashApiKey(secret);
}

/** True for a credential that is a portal session token rather than an API key. */
export function isPortalToken(credential: string | undefined): credential is string {
  return credential?.startsWith(PORTAL_TOKEN_PREFIX) ?? false;
}
