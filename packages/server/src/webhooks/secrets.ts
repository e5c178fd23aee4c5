import { randomBytes } from 'node:crypto';
import { secretFromBytes } from '@switchyard/core';
import type { Webhook } from '../db/entities/index.ts';
import type { SecretBoxLike as SecretBox } from '../deliveries/ports.ts';

/** A new signing secret: `whsec_` and 32 random bytes. */
export function generateSecret(): string {
  return secretFromBytes(randomBytes(32));
}

/** The secrets that sign a delivery now: the current one, and the one before a rotation for its 24 h of grace. */
export function signingSecrets(
  hook: Pick<Webhook, 'secretSealed' | 'previousSecretSealed' | 'previousSecretExpiresAt'>,
  box: SecretBox,
  now: Date,
): string[] {
  const secrets = [box.open(hook.secretSealed)];
  if (hook.previousSecretSealed && hook.previousSecretExpiresAt && hook.previousSecretExpiresAt > now) {
    secrets.push(box.open(hook.previousSecretSealed));
  }
  return secrets;
}

/** The custom headers of a webhook, unsealed. */
export function openHeaders(hook: Pick<Webhook, 'headersSealed'>, box: SecretBox): Record<string, string> {
  return hook.headersSealed ? (JSON.parse(box.open(hook.headersSealed)) as Record<string, string>) : {};
}

/** Seals custom headers for storage (null when there are none). */
export function sealHeaders(headers: Record<string, string>, box: SecretBox): string | null {
  return Object.keys(headers).length > 0 ? box.seal(JSON.stringify(headers)) : null;
}
