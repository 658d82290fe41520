import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINK_KEY_FILE } from '../escalations/incident-link-secret';
import { mediaLinkSecret } from './media-link-secret';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('mediaLinkSecret', () => {
  it('is METRONOME_SECRET_KEY when set, whatever the database', () => {
    expect(mediaLinkSecret(undefined, { METRONOME_SECRET_KEY: SECRET })).toBe(SECRET);
    expect(mediaLinkSecret('/nowhere/metronome.db', { METRONOME_SECRET_KEY: SECRET })).toBe(SECRET);
    expect(existsSync('/nowhere')).toBe(false);
  });

  it('refuses a METRONOME_SECRET_KEY shorter than 32 characters, saying how to make one', () => {
    expect(() => mediaLinkSecret(undefined, { METRONOME_SECRET_KEY: 'short' })).toThrow(
      'METRONOME_SECRET_KEY must be at least 32 characters: generate one with `openssl rand -base64 32`',
    );
  });

  it("on a SQLite file, shares the incident links' key file beside it (owner-only), so processes on the node agree", () => {
    const database = join(mkdtempSync(join(tmpdir(), 'metronome-media-key-')), 'metronome.db');
    const first = mediaLinkSecret(database, {});
    expect(first).toBe(readFileSync(join(database, '..', LINK_KEY_FILE), 'utf8').trim());
    expect(statSync(join(database, '..', LINK_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(mediaLinkSecret(database, {})).toBe(first);
  });

  it('is random for a database in memory, and none on Postgres without METRONOME_SECRET_KEY', () => {
    expect(mediaLinkSecret(':memory:', {})).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mediaLinkSecret(':memory:', {})).not.toBe(mediaLinkSecret(':memory:', {}));
    expect(mediaLinkSecret(undefined, {})).toBeUndefined();
  });
});
