import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyKind, Environment } from '../db/entities/index.ts';

/** The prefix of each kind of key (seed 004: `sk_live`, `sk_test`, `pk_live`, `pk_test`). */
const KIND_PREFIX: Record<ApiKeyKind, string> = { secret: 'sk', publishable: 'pk' };
/** Keys made before environments existed: secret keys of the account they belong to. */
const LEGACY_PREFIX = 'sy_';
const API_KEY = /^(sk|pk)_(live|test)_[A-Za-z0-9_-]{20,}$/;

/**
 * A new API key: `sk_<environment>_` (secret) or `pk_<environment>_` (publishable) and 32 random bytes in base64url.
 * Shown once; only its hash is stored.
 */
export function generateApiKey(
  kind: ApiKeyKind,
  environment: Environment,
): { key: string; prefix: string; hash: string } {
  const key = `${KIND_PREFIX[kind]}_${environment}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

/** What an API key's prefix says it is: its kind and environment (null for a legacy `sy_` key, which has none). */
export interface ApiKeyShape {
  kind: ApiKeyKind;
  environment: Environment | null;
}

/** The kind and environment a raw key claims by its prefix, or null when it is not shaped like an API key at all. */
export function apiKeyShape(raw: string): ApiKeyShape | null {
  if (raw.startsWith(LEGACY_PREFIX))
    return raw.length > LEGACY_PREFIX.length ? { kind: 'secret', environment: null } : null;
  const m = API_KEY.exec(raw);
  if (!m) return null;
  return { kind: m[1] === 'pk' ? 'publishable' : 'secret', environment: m[2] as Environment };
}

/**
 * SHA-256 of the key. Keys carry 256 random bits, so a fast hash is as safe as a slow one here and keeps
 * authentication to one indexed lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The token sent with a request: `Authorization: Bearer <token>` or `x-api-key: <token>`. */
export function readApiKey(headers: Record<string, string | undefined>): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  return headers['x-api-key']?.trim() || undefined;
}
