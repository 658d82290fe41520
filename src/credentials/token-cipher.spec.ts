import { randomBytes } from 'node:crypto';
import type { OAuthTokens } from '../plugin-sdk';
import { parseSecretKey, SecretKeyError } from './secret-key';
import { openTokens, sealTokens, TokenDecryptionError, type SealedTokens } from './token-cipher';

const key = parseSecretKey(randomBytes(32).toString('base64'), 'test key');
const otherKey = parseSecretKey(randomBytes(32).toString('hex'), 'other key');
const tokens: OAuthTokens = {
  accessToken: 'AQX-access-token-value-1234',
  refreshToken: 'AQY-refresh-token-value-5678',
  expiresAt: new Date('2027-02-05T10:00:00.000Z'),
  refreshExpiresAt: new Date('2027-12-07T10:00:00.000Z'),
  scopes: ['w_member_social', 'r_basicprofile'],
  account: { organization: 'urn:li:organization:42' },
};

/** Flips one bit of a base64 field. */
function flip(field: string, byte = 0): string {
  const raw = Buffer.from(field, 'base64');
  raw[byte] ^= 0x01;
  return raw.toString('base64');
}

describe('token cipher (AES-256-GCM, channel id as additional data)', () => {
  it('round-trips the tokens, Dates included, and the ciphertext holds none of them in clear', () => {
    const sealed = sealTokens(tokens, 'channel-1', key);
    expect(openTokens(sealed, 'channel-1', key)).toEqual(tokens);
    expect(sealed.keyId).toBe(key.id);
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    const stored = JSON.stringify(sealed) + Buffer.from(sealed.ciphertext, 'base64').toString('latin1');
    expect(stored).not.toContain('AQX-access');
    expect(stored).not.toContain('AQY-refresh');
  });

  it('round-trips the bare minimum (no refresh token, no expiry)', () => {
    const minimal = { accessToken: 't' };
    expect(openTokens(sealTokens(minimal, 'c', key), 'c', key)).toEqual(minimal);
  });

  it('uses a fresh IV each time: the same tokens never seal to the same bytes', () => {
    const a = sealTokens(tokens, 'channel-1', key);
    const b = sealTokens(tokens, 'channel-1', key);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it.each<[string, (sealed: SealedTokens) => SealedTokens]>([
    ['the ciphertext', (s) => ({ ...s, ciphertext: flip(s.ciphertext, 5) })],
    ['the tag', (s) => ({ ...s, tag: flip(s.tag) })],
    ['the IV', (s) => ({ ...s, iv: flip(s.iv) })],
  ])('refuses a row whose %s was altered', (_part, tamper) => {
    const sealed = tamper(sealTokens(tokens, 'channel-1', key));
    expect(() => openTokens(sealed, 'channel-1', key)).toThrow(TokenDecryptionError);
    expect(() => openTokens(sealed, 'channel-1', key)).toThrow('metronome channels connect');
  });

  it('refuses a row copied onto another channel', () => {
    const sealed = sealTokens(tokens, 'channel-1', key);
    expect(() => openTokens(sealed, 'channel-2', key)).toThrow(TokenDecryptionError);
  });

  it('refuses to open under another key, naming both key ids and rotate-key', () => {
    const sealed = sealTokens(tokens, 'channel-1', key);
    expect(() => openTokens(sealed, 'channel-1', otherKey)).toThrow(SecretKeyError);
    expect(() => openTokens(sealed, 'channel-1', otherKey)).toThrow(
      new RegExp(`under key ${key.id}.*is key ${otherKey.id}.*metronome secrets rotate-key`),
    );
  });

  it('a row claiming the right key id but sealed under another key does not authenticate', () => {
    const forged = { ...sealTokens(tokens, 'channel-1', otherKey), keyId: key.id };
    expect(() => openTokens(forged, 'channel-1', key)).toThrow(TokenDecryptionError);
  });

  it('names no token material in its errors', () => {
    const sealed = { ...sealTokens(tokens, 'channel-1', key), tag: flip(sealTokens(tokens, 'c', key).tag) };
    try {
      openTokens(sealed, 'channel-1', key);
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as Error).message).not.toContain('AQX');
      expect((error as Error).message).not.toContain(sealed.ciphertext);
    }
  });
});
