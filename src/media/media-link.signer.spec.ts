import { MAX_MEDIA_URL_LIFETIME_MS } from '../plugin-sdk/media-url';
import { type MediaLinkGrant, MediaLinkSigner } from './media-link.signer';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = new Date('2026-12-07T12:00:00Z');
const GRANT: MediaLinkGrant = {
  root: '/srv/brands/acme/content',
  path: 'media/launch video.mp4',
  mimeType: 'video/mp4',
  expiresAtMs: NOW.getTime() + 3_600_000,
};

/** Flips one bit of the token's bytes at `index` (negative: from the end). */
function tampered(token: string, index: number): string {
  const bytes = Buffer.from(token, 'base64url');
  bytes[(index + bytes.length) % bytes.length] ^= 0x01;
  return bytes.toString('base64url');
}

describe('MediaLinkSigner', () => {
  const signer = new MediaLinkSigner(SECRET);

  it('opens what it sealed, before the expiry', () => {
    const token = signer.seal(GRANT);
    expect(signer.open(token, NOW)).toEqual({ status: 'ok', grant: GRANT });
    expect(signer.open(token, new Date(GRANT.expiresAtMs - 1))).toEqual({ status: 'ok', grant: GRANT });
  });

  it('makes a URL-safe token that shows neither the folder, the file nor the brand', () => {
    const token = signer.seal(GRANT);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(token, 'base64url').toString('latin1');
    for (const clear of ['acme', 'launch', 'video', 'content', 'mp4']) {
      expect(decoded).not.toContain(clear);
      expect(token).not.toContain(clear);
    }
  });

  it('says expired at and after the expiry', () => {
    const token = signer.seal(GRANT);
    expect(signer.open(token, new Date(GRANT.expiresAtMs))).toEqual({ status: 'expired' });
    expect(signer.open(token, new Date(GRANT.expiresAtMs + 86_400_000))).toEqual({ status: 'expired' });
  });

  it('refuses a token with any bit changed: version, IV, ciphertext or signature', () => {
    const token = signer.seal(GRANT);
    const length = Buffer.from(token, 'base64url').length;
    for (const index of [0, 1, 17, 20, length - 33, length - 1]) {
      expect(signer.open(tampered(token, index), NOW)).toEqual({ status: 'invalid' });
    }
  });

  it('refuses a token cut short, lengthened, empty, not base64url or absurdly long', () => {
    const token = signer.seal(GRANT);
    for (const bad of [token.slice(0, -4), `${token}AAAA`, '', `${token}.`, 'x'.repeat(5000)]) {
      expect(signer.open(bad, NOW)).toEqual({ status: 'invalid' });
    }
  });

  it('refuses a token signed with another key (METRONOME_SECRET_KEY rotated)', () => {
    const token = new MediaLinkSigner(`${SECRET}-rotated`).seal(GRANT);
    expect(signer.open(token, NOW)).toEqual({ status: 'invalid' });
  });

  it('refuses a validly signed token that claims more than the longest lifetime', () => {
    const token = signer.seal({
      ...GRANT,
      expiresAtMs: NOW.getTime() + MAX_MEDIA_URL_LIFETIME_MS + 3_600_000,
    });
    expect(signer.open(token, NOW)).toEqual({ status: 'invalid' });
  });

  it('without a secret makes no tokens and accepts none', () => {
    const off = new MediaLinkSigner(undefined);
    expect(off.enabled).toBe(false);
    expect(() => off.seal(GRANT)).toThrow('media links are off');
    expect(off.open(signer.seal(GRANT), NOW)).toEqual({ status: 'invalid' });
  });

  it('seals the same grant differently each time (random IV), and both open', () => {
    const [one, two] = [signer.seal(GRANT), signer.seal(GRANT)];
    expect(one).not.toBe(two);
    expect(signer.open(two, NOW)).toEqual({ status: 'ok', grant: GRANT });
  });
});
