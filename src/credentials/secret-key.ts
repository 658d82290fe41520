import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The variable holding the key that encrypts channel tokens at rest (channel_tokens). */
export const SECRET_KEY_VARIABLE = 'METRONOME_SECRET_KEY';
/** How to make a key, said in every error about one. */
export const MAKE_A_KEY = '`openssl rand -base64 32`';

/** The key is missing, unreadable or not 32 bytes; or rows were encrypted under another key. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/** A 32-byte AES-256 key and its id (stored with each row, so a row names the key that opens it). */
export interface SecretKey {
  readonly bytes: Buffer;
  /** The first 12 hex digits of the key's SHA-256: names the key without revealing it. */
  readonly id: string;
}

export function secretKeyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$|^[A-Za-z0-9_-]{43}=?$/;

/**
 * A key written as 64 hex digits or as the base64 of 32 bytes (what `openssl rand -base64 32` prints). Anything
 * else is refused rather than stretched: a passphrase would need a KDF and its own parameters, and a truncated
 * paste must not silently become a weaker key. `source` names where the text came from, for the message.
 */
export function parseSecretKey(text: string, source: string): SecretKey {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (HEX_KEY.test(trimmed)) {
    bytes = Buffer.from(trimmed, 'hex');
  } else if (BASE64_KEY.test(trimmed)) {
    bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (!bytes || bytes.length !== 32) {
    throw new SecretKeyError(
      `${source} is not a usable key: it must be 32 random bytes written as base64 (44 characters) or as 64 hex digits; make one with ${MAKE_A_KEY}`,
    );
  }
  return { bytes, id: secretKeyId(bytes) };
}

const FILE_REFERENCE = /^\$\{file:(.+)\}$/;

/**
 * The key named by `variable` in `env`: the variable's value, a `${file:path}` reference in it (the config's
 * style), or the file named by `<variable>_FILE` (Docker and systemd secrets). Undefined when none is set;
 * a SecretKeyError when one is set but unreadable or malformed.
 */
export function secretKeyFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  variable: string = SECRET_KEY_VARIABLE,
): SecretKey | undefined {
  const value = env[variable]?.trim();
  const fileVariable = `${variable}_FILE`;
  const filePath = env[fileVariable]?.trim();
  if (value && filePath) {
    throw new SecretKeyError(
      `both ${variable} and ${fileVariable} are set: keep one of them, so it is clear which key encrypts the tokens`,
    );
  }
  if (value) {
    const reference = FILE_REFERENCE.exec(value);
    return reference
      ? readKeyFile(reference[1], `${variable} (\${file:${reference[1]}})`)
      : parseSecretKey(value, variable);
  }
  if (filePath) {
    return readKeyFile(filePath, `${fileVariable} (${filePath})`);
  }
  return undefined;
}

/** Like secretKeyFromEnv, but a missing key is an error that says how to set one. */
export function requireSecretKey(
  env: NodeJS.ProcessEnv = process.env,
  variable: string = SECRET_KEY_VARIABLE,
): SecretKey {
  const key = secretKeyFromEnv(env, variable);
  if (!key) {
    throw new SecretKeyError(
      `${variable} is not set: channel tokens are encrypted with it. Make a key with ${MAKE_A_KEY}, keep it safe, and set ${variable} (or ${variable}_FILE to a file holding it) in Metronome's environment`,
    );
  }
  return key;
}

/** The key in a file (`--new-key-file`); `source` names it in errors. */
export function readKeyFile(path: string, source: string = path): SecretKey {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    throw new SecretKeyError(
      `${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): point it at a file holding the key (make one with ${MAKE_A_KEY})`,
    );
  }
  return parseSecretKey(text, source);
}

/**
 * The key in force, read when first needed (not at construction): a Metronome without OAuth channels runs
 * without a key, and fails with a SecretKeyError only when a token must be encrypted or decrypted.
 */
export class SecretKeySource {
  private key: SecretKey | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The key, or a SecretKeyError naming METRONOME_SECRET_KEY and how to make one. */
  current(): SecretKey {
    this.key ??= requireSecretKey(this.env);
    return this.key;
  }

  /** The key when one is set (a malformed one still throws), for checks that must not demand one. */
  optional(): SecretKey | undefined {
    this.key ??= secretKeyFromEnv(this.env);
    return this.key;
  }
}
