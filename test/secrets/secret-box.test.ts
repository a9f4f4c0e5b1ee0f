import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, secretKey, SecretKeyError } from '../../src/secrets/secret-box.ts';

describe('connection secrets at rest', () => {
  const key = randomBytes(32);

  it('opens what it sealed, never shows the secret, and seals the same secret differently each time', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4 }), (secret) => {
        const a = sealSecret(secret, key);
        expect(openSecret(a, key)).toBe(secret);
        expect(a).not.toContain(secret);
        expect(sealSecret(secret, key)).not.toBe(a);
      }),
    );
  });

  it('refuses a wrong key and a tampered ciphertext', () => {
    const sealed = sealSecret('s3cret', key);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow(SecretKeyError);
    const [v, iv, tag, body] = sealed.split(':');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => openSecret([v, iv, tag, flipped.toString('base64url')].join(':'), key)).toThrow(/cannot be decrypted/);
  });

  it('reads the key as 64 hex characters or 32 bytes of base64, and refuses anything else', () => {
    expect(secretKey({ TERMBRIDGE_SECRET_KEY: key.toString('hex') })).toEqual(key);
    expect(secretKey({ TERMBRIDGE_SECRET_KEY: key.toString('base64') })).toEqual(key);
    expect(() => secretKey({})).toThrow(/not set/);
    expect(() => secretKey({ TERMBRIDGE_SECRET_KEY: 'short' })).toThrow(/must be 32 bytes/);
  });
});
