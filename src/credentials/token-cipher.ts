import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { OAuthTokens } from '../plugin-sdk';
import { SecretKeyError, type SecretKey } from './secret-key';

/**
 * AES-256-GCM through node:crypto (Node's OpenSSL, the maintained implementation): a random 12-byte IV per
 * encryption (never reused under one key: 2^32 encryptions stay far below the collision bound), a 16-byte tag,
 * and the channel id as additional authenticated data, so a row copied onto another channel does not open.
 */
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Versioned, so a later format can bind different data without old rows opening under the new rules. */
const AAD_PREFIX = 'metronome/channel_tokens/v1/';

/** What is stored: the key's id and the three GCM parts, base64. */
export interface SealedTokens {
  keyId: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** A row that does not open under the right key: altered, truncated, or moved from another channel. */
export class TokenDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptionError';
  }
}

export function sealTokens(tokens: OAuthTokens, channelId: string, key: SecretKey): SealedTokens {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(channelId));
  const ciphertext = Buffer.concat([cipher.update(serialize(tokens), 'utf8'), cipher.final()]);
  return {
    keyId: key.id,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/**
 * The tokens of a sealed row. A SecretKeyError when the row names another key (rotate, or set the key it was
 * written under); a TokenDecryptionError when it names this key but does not authenticate.
 */
export function openTokens(sealed: SealedTokens, channelId: string, key: SecretKey): OAuthTokens {
  if (sealed.keyId !== key.id) {
    throw new SecretKeyError(
      `the tokens of channel ${channelId} were encrypted under key ${sealed.keyId}, but METRONOME_SECRET_KEY is key ${key.id}: set METRONOME_SECRET_KEY back to the key they were written with, or re-encrypt them with \`metronome secrets rotate-key\``,
    );
  }
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new TokenDecryptionError(
      `the stored tokens of channel ${channelId} are damaged (IV or tag of the wrong length): reconnect the channel with \`metronome channels connect\``,
    );
  }
  const decipher = createDecipheriv(ALGORITHM, key.bytes, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(channelId));
  decipher.setAuthTag(tag);
  let plain: string;
  try {
    plain = Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    // The cause (OpenSSL's "unable to authenticate data") says nothing more, and nothing of the row is echoed.
    throw new TokenDecryptionError(
      `the stored tokens of channel ${channelId} do not authenticate under key ${key.id}: the row was altered or copied from another channel; reconnect the channel with \`metronome channels connect\``,
    );
  }
  return deserialize(plain);
}

interface SerializedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: string;
  refreshExpiresAt?: string;
  scopes?: string[];
  account?: Record<string, string>;
}

/** JSON with the Dates as ISO strings; only the fields of OAuthTokens (nothing a caller added rides along). */
function serialize(tokens: OAuthTokens): string {
  const plain: SerializedTokens = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt?.toISOString(),
    refreshExpiresAt: tokens.refreshExpiresAt?.toISOString(),
    scopes: tokens.scopes,
    account: tokens.account,
  };
  return JSON.stringify(plain);
}

function deserialize(text: string): OAuthTokens {
  const plain = JSON.parse(text) as SerializedTokens;
  const tokens: OAuthTokens = { accessToken: plain.accessToken };
  if (plain.refreshToken !== undefined) {
    tokens.refreshToken = plain.refreshToken;
  }
  if (plain.expiresAt !== undefined) {
    tokens.expiresAt = new Date(plain.expiresAt);
  }
  if (plain.refreshExpiresAt !== undefined) {
    tokens.refreshExpiresAt = new Date(plain.refreshExpiresAt);
  }
  if (plain.scopes !== undefined) {
    tokens.scopes = plain.scopes;
  }
  if (plain.account !== undefined) {
    tokens.account = plain.account;
  }
  return tokens;
}

function aad(channelId: string): Buffer {
  return Buffer.from(AAD_PREFIX + channelId, 'utf8');
}
