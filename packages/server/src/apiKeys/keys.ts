import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sy_';

/** A new API key: `sy_` and 32 random bytes in base64url. Shown once; only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashApiKey(key) };
}

/**
 * SHA-256 of the key. Keys carry 256 random bits, so a fast hash is as safe as a slow one here and keeps
 * authentication to one indexed lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The key sent with a request: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function readApiKey(headers: Record<string, string | undefined>): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  return headers['x-api-key']?.trim() || undefined;
}
