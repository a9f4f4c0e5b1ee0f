// Secrets at rest (connector and sync target secrets): AES-256-GCM with a key from TERMBRIDGE_SECRET_KEY (32 bytes as
// 64 hex characters or base64). Without the key nothing is stored: a secret is never kept in
// the clear.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const SECRET_KEY_ENV = 'TERMBRIDGE_SECRET_KEY';

export class SecretKeyError extends Error {}

export function secretKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const raw = env[SECRET_KEY_ENV]?.trim();
  if (!raw)
    throw new SecretKeyError(
      `${SECRET_KEY_ENV} is not set: connection secrets are stored encrypted and need a 32-byte key (e.g. \`export ${SECRET_KEY_ENV}=$(openssl rand -hex 32)\`).`,
    );
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new SecretKeyError(`${SECRET_KEY_ENV} must be 32 bytes: 64 hex characters or 44 base64 characters.`);
  return key;
}

export function sealSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
}

export function openSecret(sealed: string, key: Buffer): string {
  const [version, iv, tag, body] = sealed.split(':');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new SecretKeyError('The stored secret is not in a format this version reads.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(`The stored secret cannot be decrypted with this ${SECRET_KEY_ENV} (key ${fingerprint(key)}); was the key changed?`);
  }
}

/** A short, non-secret name for a key, for error messages. */
export function fingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
