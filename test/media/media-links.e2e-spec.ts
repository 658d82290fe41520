import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app/app.module';
import { runtimeOptions } from '../../src/app/runtime-options';
import { Clock } from '../../src/clock/clock';
import { FakeClock } from '../../src/clock/fake.clock';
import { loadConfiguration } from '../../src/config/config.loader';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { mediaLinksOf, type MediaAttachment, type PluginMediaLinks } from '../../src/plugin-sdk';

const PUBLIC_URL = 'https://metronome.example.org';

/**
 * Media by URL end to end: a connector's context signs a URL, the api role serves it over real HTTP (fetch on
 * loopback, the URL's path under the configured publicUrl), with the time of a FakeClock.
 */
describe('media URLs (api role, real SQLite file, demo config with a publicUrl)', () => {
  let app: INestApplication;
  let clock: FakeClock;
  let media: PluginMediaLinks;
  let origin: string;
  let root: string;
  let secretFile: string;
  const video = randomBytes(200 * 1024);

  beforeAll(async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'metronome-media-')));
    root = join(dir, 'content');
    mkdirSync(join(root, 'media'), { recursive: true });
    writeFileSync(join(root, 'media', 'launch.mp4'), video);
    secretFile = join(dir, 'private.txt');
    writeFileSync(secretFile, 'not for platforms');
    const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!loaded.ok) {
      throw new Error('demo config must be valid');
    }
    const { config } = loaded.loaded;
    const withPublicUrl = {
      ...loaded.loaded,
      config: { ...config, organisation: { ...config.organisation, publicUrl: PUBLIC_URL } },
    };
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`, LOG_LEVEL: 'silent' },
      { port: '0', role: 'api' },
    );
    clock = new FakeClock('2026-12-07T12:00:00Z');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(runtime, withPublicUrl)] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    media = mediaLinksOf(app.get(PluginContextFactory).create('instagram', 'demo/instagram'));
  });

  afterAll(async () => {
    await app.close();
  });

  const attachment = (name: string, mimeType = 'video/mp4'): MediaAttachment => ({
    path: join(root, 'media', name),
    root,
    mimeType,
  });
  /** The signed URL as a platform would fetch it, reached here on loopback. */
  const local = (url: string) => `${origin}${new URL(url).pathname}`;

  it('serves exactly the signed file with its type, length, validators and a private cache lifetime', async () => {
    const url = media.publicUrl(attachment('launch.mp4'));
    expect(url).toMatch(/^https:\/\/metronome\.example\.org\/media\/[A-Za-z0-9_-]+\.mp4$/);
    const response = await fetch(local(url));
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(video)).toBe(true);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe(String(video.length));
    expect(response.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);
  });

  it('answers HEAD with the headers and no body, and If-None-Match with 304', async () => {
    const url = local(media.publicUrl(attachment('launch.mp4')));
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(video.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const again = await fetch(url, { headers: { 'If-None-Match': head.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves byte ranges (206) across read chunks, a suffix range, and 416 past the end', async () => {
    const url = local(media.publicUrl(attachment('launch.mp4')));
    const middle = await fetch(url, { headers: { Range: 'bytes=65530-131080' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 65530-131080/${video.length}`);
    expect(middle.headers.get('content-length')).toBe('65551');
    expect(Buffer.from(await middle.arrayBuffer()).equals(video.subarray(65530, 131081))).toBe(true);

    const tail = await fetch(url, { headers: { Range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(video.subarray(video.length - 10))).toBe(true);

    const past = await fetch(url, { headers: { Range: `bytes=${video.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${video.length}`);
  });

  it('answers 410 Gone once the link expired, with a short body and no cache', async () => {
    const url = local(media.publicUrl(attachment('launch.mp4'), { expiresInMs: 60_000 }));
    expect((await fetch(url, { method: 'HEAD' })).headers.get('cache-control')).toBe('private, max-age=60');
    clock.advance(60_000);
    const response = await fetch(url);
    expect(response.status).toBe(410);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('media link expired\n');
  });

  it('answers 403 to a tampered, a foreign or a garbage token, saying only that it is invalid', async () => {
    const path = new URL(media.publicUrl(attachment('launch.mp4'))).pathname;
    const token = path.slice('/media/'.length, -'.mp4'.length);
    const flipped = `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`;
    for (const bad of [
      `/media/${flipped}.mp4`,
      `/media/${token}x`,
      '/media/not-a-token',
      '/media/..%2F..%2Fetc',
    ]) {
      const response = await fetch(`${origin}${bad}`);
      expect(response.status).toBe(403);
      expect(await response.text()).toBe('media link invalid\n');
    }
  });

  it('refuses (404) a file swapped after signing for a symlink that leads out of the content folder', async () => {
    writeFileSync(join(root, 'media', 'swap.jpg'), 'a photo');
    const url = local(media.publicUrl(attachment('swap.jpg', 'image/jpeg')));
    expect((await fetch(url)).status).toBe(200);
    rmSync(join(root, 'media', 'swap.jpg'));
    symlinkSync(secretFile, join(root, 'media', 'swap.jpg'));
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('media not found\n');
  });

  it('refuses to sign a file outside the content folder, and keeps serving other links', async () => {
    symlinkSync(secretFile, join(root, 'media', 'escape.jpg'));
    expect(() => media.publicUrl(attachment('escape.jpg', 'image/jpeg'))).toThrow(
      'plugin instagram: media URL for "media/escape.jpg": media file "media/escape.jpg" is not a readable file inside the content folder',
    );
    const response = await fetch(local(media.publicUrl(attachment('launch.mp4'))), {
      headers: { Range: 'bytes=0-3' },
    });
    expect(Buffer.from(await response.arrayBuffer()).equals(video.subarray(0, 4))).toBe(true);
  });
});
