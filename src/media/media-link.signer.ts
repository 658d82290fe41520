import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { MAX_MEDIA_URL_LIFETIME_MS } from '../plugin-sdk/media-url';

/** What one media link grants: one file inside its root, served with this type, until `expiresAtMs`. */
export interface MediaLinkGrant {
  /** The brand's content folder the file must stay in (checked again on every fetch). */
  root: string;
  /** The file's path relative to `root`. */
  path: string;
  mimeType: string;
  expiresAtMs: number;
}

export type MediaLinkCheck =
  { status: 'ok'; grant: MediaLinkGrant } | { status: 'expired' } | { status: 'invalid' };

const FORMAT_VERSION = 1;
const IV_BYTES = 16;
const MAC_BYTES = 32;
/** Longer tokens are refused before any work: a real one is a few hundred characters. */
const MAX_TOKEN_CHARS = 4096;
/** Clocks of the replica that signed and the one that serves may differ a little. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Media link tokens: the grant is encrypted (AES-256-CTR), so a URL shows a platform nothing of the server's folders
 * or the brand, then signed (HMAC-SHA256 over version, IV and ciphertext: encrypt-then-MAC), so nothing in it can be
 * changed. Both keys come from one secret through HKDF. Without a secret it makes no links and accepts none.
 * A token is one URL-safe base64 word: version | IV | ciphertext | MAC.
 */
export class MediaLinkSigner {
  private readonly keys?: { encryption: Buffer; signature: Buffer };

  constructor(secret: string | undefined) {
    if (secret) {
      this.keys = {
        encryption: Buffer.from(hkdfSync('sha256', secret, 'metronome', 'media links v1 encryption', 32)),
        signature: Buffer.from(hkdfSync('sha256', secret, 'metronome', 'media links v1 signature', 32)),
      };
    }
  }

  get enabled(): boolean {
    return this.keys !== undefined;
  }

  seal(grant: MediaLinkGrant): string {
    if (!this.keys) {
      throw new Error('media links are off: no key');
    }
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-ctr', this.keys.encryption, iv);
    const plain = Buffer.from(JSON.stringify([grant.root, grant.path, grant.mimeType, grant.expiresAtMs]));
    const body = Buffer.concat([Buffer.of(FORMAT_VERSION), iv, cipher.update(plain), cipher.final()]);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  open(token: string, now: Date): MediaLinkCheck {
    if (!this.keys || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) {
      return { status: 'invalid' };
    }
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length <= 1 + IV_BYTES + MAC_BYTES || bytes[0] !== FORMAT_VERSION) {
      return { status: 'invalid' };
    }
    const body = bytes.subarray(0, bytes.length - MAC_BYTES);
    if (!timingSafeEqual(this.mac(body), bytes.subarray(bytes.length - MAC_BYTES))) {
      return { status: 'invalid' };
    }
    const iv = body.subarray(1, 1 + IV_BYTES);
    const decipher = createDecipheriv('aes-256-ctr', this.keys.encryption, iv);
    const plain = Buffer.concat([decipher.update(body.subarray(1 + IV_BYTES)), decipher.final()]);
    const grant = grantFrom(plain.toString('utf8'));
    if (!grant || grant.expiresAtMs > now.getTime() + MAX_MEDIA_URL_LIFETIME_MS + CLOCK_SKEW_MS) {
      return { status: 'invalid' };
    }
    return grant.expiresAtMs <= now.getTime() ? { status: 'expired' } : { status: 'ok', grant };
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.keys?.signature ?? '')
      .update(body)
      .digest();
  }
}

/** The grant a valid signature covers; undefined for a shape this version never wrote. */
function grantFrom(text: string): MediaLinkGrant | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 4) {
    return undefined;
  }
  const [root, path, mimeType, expiresAtMs] = value as unknown[];
  return typeof root === 'string' &&
    typeof path === 'string' &&
    typeof mimeType === 'string' &&
    Number.isSafeInteger(expiresAtMs)
    ? { root, path, mimeType, expiresAtMs: expiresAtMs as number }
    : undefined;
}
