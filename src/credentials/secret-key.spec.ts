import { createHash, randomBytes } from 'node:crypto';
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

const bytes = randomBytes(32);
const base64 = bytes.toString('base64');
const hex = bytes.toString('hex');
const expectedId = createHash('sha256').update(bytes).digest('hex').slice(0, 12);

describe('secret key', () => {
  it('reads 32 bytes as base64 (openssl rand -base64 32) or 64 hex digits, to the same key and id', () => {
    const fromBase64 = parseSecretKey(`${base64}\n`, 'X');
    const fromHex = parseSecretKey(hex, 'X');
    expect(fromBase64.bytes.equals(bytes)).toBe(true);
    expect(fromHex.bytes.equals(bytes)).toBe(true);
    expect(fromBase64.id).toBe(expectedId);
    expect(fromHex.id).toBe(expectedId);
    expect(expectedId).toMatch(/^[0-9a-f]{12}$/);
  });

  it.each([
    ['a passphrase', 'correct horse battery staple'],
    ['16 bytes of base64', randomBytes(16).toString('base64')],
    ['31 bytes of hex', randomBytes(31).toString('hex')],
    ['48 bytes of base64', randomBytes(48).toString('base64')],
    ['a truncated paste', base64.slice(0, 40)],
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
    writeFileSync(file, `${base64}\n`);
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
    env.METRONOME_SECRET_KEY = base64;
    expect(source.current().id).toBe(expectedId);
  });
});
