import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseSecretKey,
  requireSecretKey,
  secretKeyFromEnv,
  SecretKeyError,
  SecretKeySource,
} from './secret-key';

const base64 = randomBytes(32).toString('base64');
const hex = randomBytes(32).toString('hex');
const derived = (text: string) =>
  Buffer.from(hkdfSync('sha256', Buffer.from(text), 'metronome', 'channel-tokens/aes-256-gcm', 32));
const expectedId = createHash('sha256').update(derived(hex)).digest('hex').slice(0, 12);

describe('secret key', () => {
  it('derives the AES key from the text by HKDF under its own label: same text, same key and id', () => {
    const key = parseSecretKey(`${base64}\n`, 'X');
    expect(key.bytes.equals(derived(base64))).toBe(true);
    expect(key.bytes).toHaveLength(32);
    // Not the text's own bytes: the same variable keys media and incident links, each under another label.
    expect(key.bytes.equals(Buffer.from(base64, 'base64'))).toBe(false);
    expect(parseSecretKey(hex, 'X').id).toBe(expectedId);
    expect(parseSecretKey(base64, 'X').id).not.toBe(expectedId);
    expect(expectedId).toMatch(/^[0-9a-f]{12}$/);
    // Any text of 32 characters or more, as media links accept it.
    expect(parseSecretKey('x'.repeat(32), 'X').bytes).toHaveLength(32);
  });

  it.each([
    ['a passphrase', 'correct horse battery staple'],
    ['16 bytes of base64', randomBytes(16).toString('base64')],
    ['31 characters', 'y'.repeat(31)],
    ['a truncated paste', base64.slice(0, 20)],
  ])('refuses %s, saying how to make a key, without echoing the value', (_name, value) => {
    let error: unknown;
    try {
      parseSecretKey(value, 'METRONOME_SECRET_KEY');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretKeyError);
    expect((error as Error).message).toContain('METRONOME_SECRET_KEY is not a usable key');
    expect((error as Error).message).toContain('openssl rand -base64 32');
    expect((error as Error).message).not.toContain(value);
  });

  it('takes the key from the variable, from ${file:…} in it, or from METRONOME_SECRET_KEY_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-key-'));
    const file = join(dir, 'key');
    writeFileSync(file, `${hex}\n`);
    expect(secretKeyFromEnv({ METRONOME_SECRET_KEY: hex })?.id).toBe(expectedId);
    expect(secretKeyFromEnv({ METRONOME_SECRET_KEY: `\${file:${file}}` })?.id).toBe(expectedId);
    expect(secretKeyFromEnv({ METRONOME_SECRET_KEY_FILE: file })?.id).toBe(expectedId);
    expect(secretKeyFromEnv({})).toBeUndefined();
    expect(() => secretKeyFromEnv({ METRONOME_SECRET_KEY: hex, METRONOME_SECRET_KEY_FILE: file })).toThrow(
      'both METRONOME_SECRET_KEY and METRONOME_SECRET_KEY_FILE are set',
    );
    expect(() => secretKeyFromEnv({ METRONOME_SECRET_KEY_FILE: join(dir, 'missing') })).toThrow(
      /METRONOME_SECRET_KEY_FILE \(.*missing\) cannot be read \(ENOENT\)/,
    );
  });

  it('a missing key names the variable and how to make one', () => {
    expect(() => requireSecretKey({})).toThrow(SecretKeyError);
    expect(() => requireSecretKey({})).toThrow(
      /METRONOME_SECRET_KEY is not set.*openssl rand -base64 32.*METRONOME_SECRET_KEY_FILE/,
    );
  });

  it('a key source reads the environment only when asked', () => {
    const env: NodeJS.ProcessEnv = {};
    const source = new SecretKeySource(env);
    expect(source.optional()).toBeUndefined();
    expect(() => source.current()).toThrow(SecretKeyError);
    env.METRONOME_SECRET_KEY = hex;
    expect(source.current().id).toBe(expectedId);
  });
});
