import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretBox, loadEncryptionKey, parseEncryptionKey, SecretBoxError } from './secretBox.ts';

describe('createSecretBox', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips text, including empty and non-ASCII, under a fresh IV each time', () => {
    for (const plain of ['whsec_c2VjcmV0', '', 'päss wörd ✓ 🔑', 'x'.repeat(10_000)]) {
      const sealed = box.seal(plain);
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/);
      expect(sealed).not.toContain(plain || '\u0000');
      expect(box.open(sealed)).toBe(plain);
    }
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a tampered ciphertext, tag or IV with a clear error', () => {
    const sealed = box.seal('top secret');
    const [v, iv, tag, ct] = sealed.split('.') as [string, string, string, string];
    const flip = (s: string) => {
      const b = Buffer.from(s, 'base64url');
      b[0] = b[0]! ^ 1;
      return b.toString('base64url');
    };
    for (const bad of [
      [v, iv, tag, flip(ct)],
      [v, iv, flip(tag), ct],
      [v, flip(iv), tag, ct],
    ]) {
      expect(() => box.open(bad.join('.'))).toThrow(/altered or sealed with another key/);
    }
    expect(() => box.open(`v2.${sealed.slice(3)}`)).toThrow(SecretBoxError);
    expect(() => box.open('plaintext')).toThrow(/Not a sealed secret/);
  });

  it('cannot open what another key sealed', () => {
    const other = createSecretBox(randomBytes(32));
    expect(() => other.open(box.seal('top secret'))).toThrow(SecretBoxError);
  });

  it('rejects a key of the wrong size', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('parseEncryptionKey', () => {
  const raw = randomBytes(32);
  it('accepts base64, base64url and hex of 32 bytes', () => {
    expect(Buffer.from(parseEncryptionKey(raw.toString('base64')))).toEqual(raw);
    expect(Buffer.from(parseEncryptionKey(raw.toString('base64url')))).toEqual(raw);
    expect(Buffer.from(parseEncryptionKey(raw.toString('hex')))).toEqual(raw);
    expect(Buffer.from(parseEncryptionKey(` ${raw.toString('base64')}\n`))).toEqual(raw);
  });
  it('explains a key of the wrong length or encoding', () => {
    expect(() => parseEncryptionKey(randomBytes(16).toString('base64'))).toThrow(
      /decodes to 16 bytes.*openssl rand -base64 32/,
    );
    expect(() => parseEncryptionKey('not a key!')).toThrow(/neither base64 nor hex/);
  });
});

describe('loadEncryptionKey', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-key-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('uses ENCRYPTION_KEY when set and writes nothing', () => {
    const dir = tempDir();
    const raw = randomBytes(32);
    const key = loadEncryptionKey({ ENCRYPTION_KEY: raw.toString('hex'), NODE_ENV: 'production' }, dir);
    expect(Buffer.from(key)).toEqual(raw);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses to start in production without a key, saying how to make one', () => {
    const dir = tempDir();
    expect(() => loadEncryptionKey({ NODE_ENV: 'production' }, dir)).toThrow(
      /ENCRYPTION_KEY.*openssl rand -base64 32/s,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('generates a 0600 key file once under the data dir and reuses it', () => {
    const dir = path.join(tempDir(), 'nested', '.switchyard');
    const first = loadEncryptionKey({ NODE_ENV: 'development' }, dir);
    const file = path.join(dir, 'encryption.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['encryption.key']);
    const second = loadEncryptionKey({ NODE_ENV: 'development' }, dir);
    expect(Buffer.from(second)).toEqual(Buffer.from(first));
    // A value sealed before a restart still opens after it.
    const sealed = createSecretBox(first).seal('kept');
    expect(createSecretBox(second).open(sealed)).toBe('kept');
  });

  it('names the file when the stored key is corrupt', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'encryption.key'), 'short');
    expect(() => loadEncryptionKey({ NODE_ENV: 'test' }, dir)).toThrow(
      /encryption\.key does not hold a valid key/,
    );
  });
});
