import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../clock/fake.clock';
import type { MediaAttachment } from '../plugin-sdk/connector';
import { PermanentError } from '../plugin-sdk/errors';
import { MediaLinks } from './media-links.service';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('MediaLinks', () => {
  let root: string;
  let outside: string;
  let clock: FakeClock;
  let warnings: string[];
  let publicUrl: string | undefined;
  let secret: string | undefined;
  let links: MediaLinks;
  let video: MediaAttachment;

  beforeEach(() => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'metronome-media-links-')));
    root = join(dir, 'content');
    outside = join(dir, 'secret.txt');
    mkdirSync(join(root, 'media'), { recursive: true });
    writeFileSync(join(root, 'media', 'launch.MP4'), 'video bytes');
    writeFileSync(outside, 'not for platforms');
    clock = new FakeClock('2026-12-07T12:00:00Z');
    warnings = [];
    publicUrl = 'https://metronome.example.org/';
    secret = SECRET;
    links = new MediaLinks({
      secret: () => secret,
      publicUrl: () => publicUrl,
      clock,
      warn: (message) => warnings.push(message),
    });
    video = { path: join(root, 'media', 'launch.MP4'), root, mimeType: 'video/mp4' };
  });

  const url = (attachment: MediaAttachment, expiresInMs?: number) =>
    links.forPlugin('instagram').publicUrl(attachment, { expiresInMs });
  const tokenOf = (link: string) => new URL(link).pathname.split('/')[2].split('.')[0];

  it('gives an https URL under publicUrl, ending with the extension, that grants the file for an hour', () => {
    const link = url(video);
    expect(link).toMatch(/^https:\/\/metronome\.example\.org\/media\/[A-Za-z0-9_-]+\.mp4$/);
    expect(link).not.toContain('launch');
    expect(links.check(tokenOf(link))).toEqual({
      status: 'ok',
      grant: {
        root,
        path: join('media', 'launch.MP4'),
        mimeType: 'video/mp4',
        expiresAtMs: Date.parse('2026-12-07T13:00:00Z'),
      },
    });
    clock.advance(3_600_000);
    expect(links.check(tokenOf(link))).toEqual({ status: 'expired' });
  });

  it('keeps a path prefix of publicUrl', () => {
    publicUrl = 'https://example.org/metronome/';
    expect(url(video)).toMatch(/^https:\/\/example\.org\/metronome\/media\/[A-Za-z0-9_-]+\.mp4$/);
  });

  it('takes expiresInMs up to seven days and refuses anything outside (0, 7 days]', () => {
    expect(links.check(tokenOf(url(video, 7 * 86_400_000))).status).toBe('ok');
    for (const bad of [0, -1, 7 * 86_400_000 + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => url(video, bad)).toThrow(
        new PermanentError(
          `plugin instagram: media URL for "media/launch.MP4": expiresInMs ${bad} is out of range: give more than 0 and at most 604800000 (7 days)`,
        ),
      );
    }
  });

  it('refuses without publicUrl, naming the setting', () => {
    publicUrl = undefined;
    expect(() => url(video)).toThrow(
      'plugin instagram: media URL for "media/launch.MP4": organisation.publicUrl is not set in the configuration; set it to the https address platforms reach Metronome at',
    );
  });

  it('refuses a plain-http publicUrl that is not loopback: platforms fetch only https', () => {
    publicUrl = 'http://metronome.internal:3000';
    expect(() => url(video)).toThrow('organisation.publicUrl http://metronome.internal:3000 must be https');
  });

  it('allows a loopback publicUrl, http included, warning once per process', () => {
    for (const loopback of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      publicUrl = loopback;
      expect(url(video).startsWith(`${loopback}/media/`)).toBe(true);
    }
    expect(warnings).toEqual([
      'organisation.publicUrl http://localhost:3000 is a loopback address: media URLs work on this machine only, no platform can fetch them',
    ]);
  });

  it('refuses a file outside its folder, through a symlink or a relative path, without saying whether it exists', () => {
    symlinkSync(outside, join(root, 'media', 'link.jpg'));
    const refusals = [
      { path: join(root, 'media', 'link.jpg'), shown: 'media/link.jpg' },
      { path: join(root, '..', 'secret.txt'), shown: '../secret.txt' },
      { path: join(root, 'media', 'missing.jpg'), shown: 'media/missing.jpg' },
      { path: join(root, 'media'), shown: 'media' },
    ];
    for (const { path, shown } of refusals) {
      expect(() => url({ path, root, mimeType: 'image/jpeg' })).toThrow(
        `plugin instagram: media URL for "${shown}": media file "${shown}" is not a readable file inside the content folder`,
      );
    }
  });

  it('allows a symlink that stays inside the folder, granting the file it points to', () => {
    symlinkSync(join(root, 'media', 'launch.MP4'), join(root, 'alias.mp4'));
    const link = url({ ...video, path: join(root, 'alias.mp4') });
    expect(links.check(tokenOf(link))).toMatchObject({ grant: { path: join('media', 'launch.MP4') } });
  });

  it('refuses an attachment without a content folder (imported before SDK 1.2)', () => {
    expect(() => url({ path: video.path, mimeType: 'video/mp4' })).toThrow(
      'the attachment names no content folder (root); import the post again to serve its media by URL',
    );
  });

  it('refuses a mime type that could break the Content-Type header', () => {
    for (const mimeType of ['video/mp4\r\nX-Evil: 1', 'video/mp4; charset=x', 'video', '']) {
      expect(() => url({ ...video, mimeType })).toThrow(
        'is not a media type such as image/jpeg or video/mp4',
      );
    }
  });

  it('without a secret (Postgres, no METRONOME_SECRET_KEY) says how to turn media links on, and accepts no token', () => {
    const signed = tokenOf(url(video));
    secret = undefined;
    links = new MediaLinks({ secret: () => secret, publicUrl: () => publicUrl, clock });
    expect(() => url(video)).toThrow(
      'media links need METRONOME_SECRET_KEY on a shared database; set it to the same value on every replica',
    );
    expect(links.check(signed)).toEqual({ status: 'invalid' });
  });
});
