import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Seals secrets for storage and opens them again. Sealed strings are versioned so the scheme can change later. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** A sealed value that cannot be opened: malformed, tampered with, or sealed under another key. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * AES-256-GCM with a random 12-byte IV per value. Output: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 * A random IV per seal keeps us far below GCM's nonce-reuse bound for any realistic number of secrets.
 */
export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== KEY_BYTES)
    throw new SecretBoxError(`Encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
  // One KeyObject for every seal and open (a raw Buffer key is wrapped anew on every call).
  const k = createSecretKey(Buffer.from(key));
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ct]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new SecretBoxError(`Not a sealed secret (expected "${VERSION}.<iv>.<tag>.<ciphertext>")`);
      }
      const [, ivPart, tagPart, ctPart] = parts as [string, string, string, string];
      const iv = Buffer.from(ivPart, 'base64url');
      const tag = Buffer.from(tagPart, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
        throw new SecretBoxError('Sealed secret is malformed');
      const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(Buffer.from(ctPart, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        // GCM only says "unable to authenticate": the two causes cannot be told apart, so name both.
        throw new SecretBoxError(
          'Sealed secret failed authentication: it was altered or sealed with another key',
        );
      }
    },
  };
}

/** Decodes ENCRYPTION_KEY: 64 hex characters or base64 (standard or url-safe) of exactly 32 bytes. */
export function parseEncryptionKey(text: string): Uint8Array {
  const s = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(s)
    ? Buffer.from(s, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(s)
      ? Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64')
      : null;
  if (!bytes || bytes.length !== KEY_BYTES) {
    throw new SecretBoxError(
      `ENCRYPTION_KEY must be ${KEY_BYTES} bytes as base64 or 64 hex characters` +
        (bytes ? ` (it decodes to ${bytes.length} bytes)` : ' (it is neither base64 nor hex)') +
        '. Generate one with: openssl rand -base64 32',
    );
  }
  return new Uint8Array(bytes);
}

/**
 * The key that seals secrets at rest. ENCRYPTION_KEY wins; without it production refuses to start (a generated
 * key lost with a container would make every stored secret unreadable), and other modes generate one key once
 * into `<dataDir>/encryption.key` (mode 0600) and reuse it on every later start.
 */
export function loadEncryptionKey(
  env: { ENCRYPTION_KEY?: string | undefined; NODE_ENV: string },
  dataDir: string,
): Uint8Array {
  if (env.ENCRYPTION_KEY) return parseEncryptionKey(env.ENCRYPTION_KEY);
  if (env.NODE_ENV === 'production') {
    throw new SecretBoxError(
      'ENCRYPTION_KEY is not set. In production it is required: it encrypts webhook secrets and credentials at rest, ' +
        'and must stay the same across restarts. Generate one with `openssl rand -base64 32` and set ENCRYPTION_KEY.',
    );
  }
  const file = path.resolve(dataDir, 'encryption.key');
  const existing = readKeyFile(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write to a private temp file, then link it into place: link fails if another process (a worker starting
  // beside the server, parallel test files) won the race, so nobody ever reads a half-written key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const key = readKeyFile(file);
  if (!key) throw new SecretBoxError(`Could not create ${file}`);
  return key;
}

function readKeyFile(file: string): Uint8Array | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return parseEncryptionKey(text);
  } catch (err) {
    throw new SecretBoxError(`${file} does not hold a valid key: ${(err as Error).message}`);
  }
}
