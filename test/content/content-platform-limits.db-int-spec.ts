import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { formatConfigIssue } from '../../src/config/config-issue';
import { PostEntity } from '../../src/content/post.entity';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createContentWorkspace, post, type ContentWorkspace } from './content-workspace';
import { gif, jpeg, mp4, png } from './media-headers';

/**
 * A connector from the config folder that declares the limits an Instagram-like platform enforces: the core checks
 * each at import, through the real plan sync, and says where in the file, what was found and the fix.
 */
const STRICT_PLUGIN = `module.exports = (sdk) => sdk.defineConnector({
  kind: 'connector', name: 'strict', version: '1.0.0', sdk: '^2.0.0',
  capabilities: {
    publish: true,
    text: { graphemes: 2200, maxHashtags: 3, links: false },
    title: { graphemes: 20 },
    media: {
      maxCount: 4, minCount: 1, maxVideos: 1, mixedMedia: false,
      types: ['image/png', 'image/jpeg', 'image/gif', 'video/mp4'],
      minVideoSeconds: 3, maxVideoSeconds: 60,
      image: { aspectRatio: { min: '4:5', max: '1.91:1' } },
      video: { minWidth: 540, aspectRatio: { min: '9:16', max: '16:9' } },
      altTextRequired: true,
    },
  },
  create: () => ({ publish: async () => ({ remoteId: '1' }) }),
});`;

const YAML = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
plugins:
  - path: plugins/strict
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      insta:
        connector: strict
        options: {}
`;

describe('platform limits at import (pixels, aspect ratio, duration, alt text, hashtags, links, title)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  const now = new Date('2026-11-30T08:00:00Z');

  const linesOf = async (file: string) => {
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    // Lines as a person reads them: relative to the config folder, this file's only.
    return report.issues
      .map(formatConfigIssue)
      .map((line) => line.replace(`${ws.dir}/`, ''))
      .filter((line) => line.startsWith(`content/${file}:`));
  };
  const imported = (file: string) => dataSource.getRepository(PostEntity).findOneBy({ sourcePath: file });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, YAML, (dir) => {
      mkdirSync(join(dir, 'plugins', 'strict'), { recursive: true });
      writeFileSync(join(dir, 'plugins', 'strict', 'index.js'), STRICT_PLUGIN);
      const media = join(dir, 'content', 'media');
      mkdirSync(media, { recursive: true });
      writeFileSync(join(media, 'square.png'), png(1080, 1080));
      writeFileSync(join(media, 'wide.png'), png(1200, 600));
      // A phone photo stored landscape and turned upright by its EXIF orientation: 3:4 as people see it.
      writeFileSync(join(media, 'upright.jpg'), jpeg(4032, 3024, { orientation: 6 }));
      writeFileSync(join(media, 'really-a-gif.png'), gif(500, 500));
      writeFileSync(
        join(media, 'reel.mp4'),
        mp4({ seconds: 15, width: 1920, height: 1080, quarterTurn: true }),
      );
      writeFileSync(join(media, 'blink.mp4'), mp4({ seconds: 2, width: 1080, height: 1920 }));
      writeFileSync(join(media, 'tiny.mp4'), mp4({ seconds: 10, width: 320, height: 240 }));
      writeFileSync(join(media, 'broken.mp4'), Buffer.from('not a movie'));
    });
    expect(ws.loaded.plugins.find('connector', 'strict')).toBeDefined();
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('imports a post inside every limit: a square image and an upright phone video', async () => {
    ws.write(
      'fine.md',
      post(
        [
          'title: Winter blend',
          'publish: 2026-12-04 09:15',
          'media:',
          '  - { path: media/square.png, alt: A cup of the winter blend }',
        ].join('\n'),
        'Fresh beans #coffee #winter',
      ),
    );
    ws.write(
      'reel.md',
      post('title: Reel\npublish: 2026-12-04 09:15\nmedia: [{ path: media/reel.mp4, alt: Pouring a cup }]'),
    );
    expect(await linesOf('fine.md')).toEqual([]);
    expect(await linesOf('reel.md')).toEqual([]);
    expect(await imported('fine.md')).not.toBeNull();
    expect(await imported('reel.md')).not.toBeNull();
  });

  it('refuses a too-wide image and a portrait photo under 4:5, read upright, at the media path', async () => {
    ws.write(
      'wide.md',
      post(
        [
          'title: Wide',
          'publish: 2026-12-04 09:15',
          'media:',
          '  - { path: media/wide.png, alt: A long bench }',
          '  - { path: media/upright.jpg, alt: The roaster }',
        ].join('\n'),
      ),
    );
    expect(await linesOf('wide.md')).toEqual([
      'content/wide.md:5:13  media[0].path  channel "insta" (strict): "media/wide.png" is 1,200 × 600 pixels, aspect ratio 2:1 (2), wider than the widest allowed, 1.91:1: crop it to between 4:5 and 1.91:1',
      'content/wide.md:6:13  media[1].path  channel "insta" (strict): "media/upright.jpg" is 3,024 × 4,032 pixels, aspect ratio 3:4 (0.75), narrower than the narrowest allowed, 4:5: crop it to between 4:5 and 1.91:1',
    ]);
    expect(await imported('wide.md')).toBeNull();
  });

  it('refuses a too-short video, a video too small, and one whose header cannot be read', async () => {
    ws.write(
      'short.md',
      post(
        [
          'title: Short',
          'publish: 2026-12-04 09:15',
          'overrides:',
          '  insta:',
          '    media: [{ path: media/blink.mp4, alt: A blink }]',
        ].join('\n'),
      ),
    );
    ws.write(
      'tiny.md',
      post('title: Tiny\npublish: 2026-12-04 09:15\nmedia: [{ path: media/tiny.mp4, alt: x }]'),
    );
    ws.write(
      'broken.md',
      post('title: Broken\npublish: 2026-12-04 09:15\nmedia: [{ path: media/broken.mp4, alt: x }]'),
    );
    expect(await linesOf('short.md')).toEqual([
      expect.stringContaining(
        'content/short.md:6:21  overrides.insta.media[0].path  channel "insta" (strict): "media/blink.mp4" runs 2.0 s, under the minimum of 3 s: use a longer clip',
      ),
    ]);
    expect(await linesOf('tiny.md')).toEqual([
      expect.stringContaining(
        'content/tiny.md:4:17  media[0].path  channel "insta" (strict): "media/tiny.mp4" is 320 × 240 pixels, 320 wide, under the minimum of 540: use a larger original',
      ),
    ]);
    expect(await linesOf('broken.md')).toEqual([
      expect.stringContaining(
        '"media/broken.mp4" has no readable MP4/QuickTime movie header, so its duration cannot be checked against this channel\'s limits: export it again as MP4',
      ),
      expect.stringContaining('"media/broken.mp4" has no readable video track header'),
    ]);
  });

  it('refuses media without the alt text the channel requires, at the media item', async () => {
    ws.write(
      'alt.md',
      post(
        'title: Alt\npublish: 2026-12-04 09:15\nmedia:\n  - path: media/square.png\n  - { path: media/square.png, alt: "  " }',
      ),
    );
    expect(await linesOf('alt.md')).toEqual([
      expect.stringContaining(
        'content/alt.md:5:5  media[0]  channel "insta" (strict): "media/square.png" has no alt text, and this channel requires it: add alt: with what a person who cannot see it should know',
      ),
      expect.stringContaining(
        'content/alt.md:6:5  media[1]  channel "insta" (strict): "media/square.png" has no alt text',
      ),
    ]);
  });

  it('points at the first hashtag over the limit and at a link, on their own line and column of the body', async () => {
    ws.write(
      'tags.md',
      post(
        'title: Tags\npublish: 2026-12-04 09:15\nmedia: [{ path: media/square.png, alt: A cup }]',
        'Winter is here.\nTaste it: #coffee #winter #blend #roast #beans\nShop: https://acme.example/shop',
      ),
    );
    expect(await linesOf('tags.md')).toEqual([
      'content/tags.md:7:34  body  channel "insta" (strict): 5 hashtags, over the limit of 3 by 2 (the first one over is #roast): remove 2, or add overrides.insta.text',
      'content/tags.md:8:7  body  channel "insta" (strict): the text has a link (https://acme.example/shop), but this platform makes no links of a post\'s text: remove it, or add overrides.insta.text',
    ]);
  });

  it('checks the title the channel publishes: the post’s, or its own override', async () => {
    ws.write(
      'title.md',
      post(
        'title: Our winter blend is finally here\npublish: 2026-12-04 09:15\nmedia: [{ path: media/square.png, alt: A cup }]',
      ),
    );
    ws.write(
      'override-title.md',
      post(
        [
          'title: Winter',
          'publish: 2026-12-04 09:15',
          'media: [{ path: media/square.png, alt: A cup }]',
          'overrides:',
          '  insta: { title: "Winter blend: roasted, rested, ready" }',
        ].join('\n'),
      ),
    );
    expect(await linesOf('title.md')).toEqual([
      'content/title.md:2:8  title  channel "insta" (strict): the title is 32 characters, over the limit of 20 characters by 12: shorten it, or give this channel its own with overrides.insta.title',
    ]);
    expect(await linesOf('override-title.md')).toEqual([
      'content/override-title.md:6:19  overrides.insta.title  channel "insta" (strict): the title is 36 characters, over the limit of 20 characters by 16: shorten it',
    ]);
  });

  it('refuses a post without media, images mixed with a video, two videos, and a file whose bytes are another format', async () => {
    ws.write('none.md', post('title: None\npublish: 2026-12-04 09:15'));
    ws.write(
      'mixed.md',
      post(
        [
          'title: Mixed',
          'publish: 2026-12-04 09:15',
          'media:',
          '  - { path: media/square.png, alt: A cup }',
          '  - { path: media/reel.mp4, alt: Pouring }',
          '  - { path: media/reel.mp4, alt: Pouring again }',
          '  - { path: media/really-a-gif.png, alt: A gif }',
        ].join('\n'),
      ),
    );
    expect(await linesOf('none.md')).toEqual([
      expect.stringContaining(
        'channel "insta" (strict): no media files, at least 1 is needed here: add one under media: (or overrides.insta.media:)',
      ),
    ]);
    expect(await linesOf('mixed.md')).toEqual([
      'content/mixed.md:7:5  media[2]  channel "insta" (strict): 2 videos, at most 1 is allowed in one post',
      'content/mixed.md:6:5  media[1]  channel "insta" (strict): a post here carries images or a video, not both: give the video a post of its own',
      'content/mixed.md:8:13  media[3].path  channel "insta" (strict): "media/really-a-gif.png" holds a GIF image, but its name says image/png: rename it to match (.gif)',
    ]);
  });
});
