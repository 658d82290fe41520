import { createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The variable holding the key that encrypts channel tokens at rest (channel_tokens). */
export const SECRET_KEY_VARIABLE = 'METRONOME_SECRET_KEY';
/** How to make a key, said in every error about one. */
export const MAKE_A_KEY = '`openssl rand -base64 32`';

/** The key is missing, unreadable or shorter than 32 characters; or rows were encrypted under another key. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/** A 32-byte AES-256 key (derived from METRONOME_SECRET_KEY) and its id (stored with each row, so a row names the key that opens it). */
export interface SecretKey {
  readonly bytes: Buffer;
  /** The first 12 hex digits of the key's SHA-256: names the key without revealing it. */
  readonly id: string;
}

export function secretKeyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/** The shortest METRONOME_SECRET_KEY accepted: the rule media and incident links already apply to it. */
export const MIN_SECRET_KEY_LENGTH = 32;

/**
 * The token key derived from METRONOME_SECRET_KEY's text. The variable also keys media and incident links (each by
 * HKDF with its own label), so one secret is set per deployment, and the AES key is HKDF-SHA256 of it under a label of
 * its own: never the same bytes as a signing key. Any text of 32 characters or more is accepted, as it is for the
 * links (`openssl rand -base64 32` makes a good one); a shorter one is refused with how to make one, and the value is
 * never echoed. `source` names where the text came from, for the message.
 */
export function parseSecretKey(text: string, source: string): SecretKey {
  const trimmed = text.trim();
  if (trimmed.length < MIN_SECRET_KEY_LENGTH) {
    throw new SecretKeyError(
      `${source} is not a usable key: it must be at least ${MIN_SECRET_KEY_LENGTH} characters of random text; make one with ${MAKE_A_KEY}`,
    );
  }
  const bytes = Buffer.from(
    hkdfSync('sha256', Buffer.from(trimmed, 'utf8'), 'metronome', 'channel-tokens/aes-256-gcm', 32),
  );
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
