import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { formatConfigIssue } from '../../src/config/config-issue';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { splitThread } from '../../src/plugin-sdk';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createContentWorkspace, post, type ContentWorkspace } from './content-workspace';
import { mp4 } from './media-headers';

/** One brand on Bluesky, Mastodon and the sandbox: each post is checked against the limits its connectors declare. */
const YAML = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      bsky:
        connector: bluesky
        options: { identifier: acme.bsky.social, appPassword: abcd-efgh-ijkl-mnop }
      masto:
        connector: mastodon
        options: { instance: https://mastodon.example, accessToken: token }
      social:
        connector: sandbox
        options: { handle: acme }
`;

// 1×1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

describe('content limits at import', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  const now = new Date('2026-11-30T08:00:00Z');

  const sync = async () => {
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    return { report, lines: report.issues.map(formatConfigIssue) };
  };
  const postByFile = (file: string) => dataSource.getRepository(PostEntity).findOneBy({ sourcePath: file });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, YAML, (dir) => {
      mkdirSync(join(dir, 'outside'));
      writeFileSync(join(dir, 'outside', 'secret.png'), PNG);
      mkdirSync(join(dir, 'content', 'img'), { recursive: true });
      writeFileSync(join(dir, 'content', 'img', 'cup.png'), PNG);
      writeFileSync(join(dir, 'content', 'img', '8k.mp4'), mp4({ seconds: 20, width: 7680, height: 4320 }));
      writeFileSync(join(dir, 'content', 'img', '4k.mp4'), mp4({ seconds: 20, width: 3840, height: 2160 }));
      symlinkSync(join(dir, 'outside', 'secret.png'), join(dir, 'content', 'img', 'link.png'));
    });
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('publishes a long body as a Bluesky thread: checked part by part, with the split the connector uses', async () => {
    const sentence =
      'Our roasting diary, day by day, with every batch noted down carefully and tasted twice. ';
    const body = sentence.repeat(13).trim(); // 1,143 characters
    expect(body).toHaveLength(1143);
    ws.write(
      'thread.md',
      post(
        'title: Diary\npublish: 2026-12-04 09:15\nchannels: [bsky]\noverrides:\n  bsky:\n    extra: { thread: true }',
        body,
      ),
    );
    const { report, lines } = await sync();
    expect(lines).toEqual([]);
    expect(report.created).toEqual(['thread.md']);
    const stored = await postByFile('thread.md');
    const variant = await dataSource.getRepository(PostVariantEntity).findOneByOrFail({ postId: stored!.id });
    expect(variant.extra).toEqual({ thread: true });
    expect(splitThread(variant.text, { graphemes: 300, bytes: 3000 })).toHaveLength(5);
  });

  it('checks a Mastodon thread the same way: each part with room for its content warning', async () => {
    const body = 'Our roasting diary, day by day, with every batch noted down carefully and tasted twice. '
      .repeat(13)
      .trim();
    ws.write(
      'masto-thread.md',
      post(
        'title: Diary\npublish: 2026-12-04 09:15\nchannels: [masto]\noverrides:\n  masto:\n    extra: { thread: true, spoilerText: diary }',
        body,
      ),
    );
    const { report, lines } = await sync();
    expect(lines.filter((line) => line.includes('masto-thread.md'))).toEqual([]);
    expect(report.created).toContain('masto-thread.md');
  });

  it('without thread: true the same body is refused, saying how to publish it as a thread', async () => {
    const body = 'Our roasting diary, day by day, with every batch noted down carefully and tasted twice. '
      .repeat(13)
      .trim();
    ws.write('no-thread.md', post('title: Diary\npublish: 2026-12-04 09:15\nchannels: [bsky]', body));
    const { lines } = await sync();
    expect(lines).toContainEqual(
      expect.stringMatching(
        /no-thread\.md:6:1  body  channel "bsky" \(bluesky\): the text is 1,143 characters, over the limit of 300 characters by 843: shorten it, or add overrides\.bsky\.text, or set overrides\.bsky\.extra\.thread: true to publish it as a thread$/,
      ),
    );
    expect(await postByFile('no-thread.md')).toBeNull();
  });

  it('a thread setting that is not true/false, or on a connector without threads, is refused where it is written', async () => {
    ws.write(
      'bad-thread.md',
      post(
        'title: Bytes\npublish: 2026-12-04 09:15\nchannels: [bsky, social]\noverrides:\n  bsky:\n    extra: { thread: "yes" }\n  social:\n    extra: { thread: true }',
      ),
    );
    const { lines } = await sync();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /bad-thread\.md:7:22  overrides\.bsky\.extra\.thread  channel "bsky" \(bluesky\): extra\.thread is true or false$/,
        ),
        expect.stringMatching(
          /bad-thread\.md:9:22  overrides\.social\.extra\.thread  channel "social" \(sandbox\): this connector cannot publish threads; remove extra\.thread$/,
        ),
      ]),
    );
  });

  it('checks Bluesky’s byte limit: 141 graphemes in 3,261 bytes is refused at import with both measures', async () => {
    const body = '👩‍👩‍👧‍👦'.repeat(130) + 'x'.repeat(11);
    expect(Buffer.byteLength(body)).toBe(3261);
    ws.write('bytes.md', post('title: Family\npublish: 2026-12-04 09:15\nchannels: [bsky, social]', body));
    const { lines } = await sync();
    const bytes = lines.filter((line) => line.includes('bytes.md'));
    expect(bytes).toEqual([
      expect.stringMatching(
        /bytes\.md:6:1  body  channel "bsky" \(bluesky\): the text is 3,261 bytes \(UTF-8\), over the limit of 3,000 bytes by 261: shorten it/,
      ),
    ]);
  });

  it('counts a Mastodon link as 23 characters and the content warning with the text', async () => {
    const link = `https://acme.example/${'very-long-path/'.repeat(40)}`;
    ws.write(
      'masto.md',
      post(
        `title: Link\npublish: 2026-12-04 09:15\nchannels: [masto]\noverrides:\n  masto:\n    extra: { spoilerText: "${'cw '.repeat(10)}" }`,
        `${'a'.repeat(460)} ${link}`,
      ),
    );
    const { lines } = await sync();
    expect(lines.filter((line) => line.includes('masto.md'))).toEqual([
      expect.stringMatching(
        /masto\.md:9:1  body  channel "masto" \(mastodon\): the text is 514 characters \(each link counted as 23, spoilerText included\), over the limit of 500 characters by 14: /,
      ),
    ]);
  });

  it('refuses media outside the content folder, through ../ or a symlink, with one message that reveals nothing', async () => {
    ws.write(
      'escape.md',
      post(
        [
          'title: Escape',
          'publish: 2026-12-04 09:15',
          'channels: [masto]',
          'media:',
          '  - { path: ../outside/secret.png, alt: a secret }',
          '  - { path: img/link.png, alt: a link }',
          '  - { path: ../outside/missing.png, alt: nothing }',
          '  - { path: img/cup.png, alt: a cup }',
        ].join('\n'),
      ),
    );
    const { lines } = await sync();
    const refusal = (path: string) =>
      `media file "${path}" is not a readable file inside the content folder (paths are relative to the post file and stay in the brand's content folder)`;
    expect(lines.filter((line) => line.includes('escape.md'))).toEqual([
      expect.stringContaining(`escape.md:6:13  media[0].path  ${refusal('../outside/secret.png')}`),
      expect.stringContaining(`escape.md:7:13  media[1].path  ${refusal('img/link.png')}`),
      expect.stringContaining(`escape.md:8:13  media[2].path  ${refusal('../outside/missing.png')}`),
    ]);
    expect(await postByFile('escape.md')).toBeNull();
  });

  it('stores the content folder with each media file, so the connector checks it again when it reads', async () => {
    ws.write(
      'cup.md',
      post(
        'title: Cup\npublish: 2026-12-04 09:15\nchannels: [masto]\nmedia: [{ path: img/cup.png, alt: a cup }]',
      ),
    );
    const { lines } = await sync();
    expect(lines.filter((line) => line.includes('cup.md'))).toEqual([]);
    const stored = await postByFile('cup.md');
    const variant = await dataSource.getRepository(PostVariantEntity).findOneByOrFail({ postId: stored!.id });
    expect(variant.media).toEqual([
      {
        path: join(ws.dir, 'content', 'img', 'cup.png'),
        root: join(ws.dir, 'content'),
        mimeType: 'image/png',
        altText: 'a cup',
      },
    ]);
  });

  it('refuses a video over Mastodon’s pixel limit (video_matrix_limit) and a video on Bluesky, which takes images', async () => {
    ws.write(
      '8k.md',
      post(
        'title: 8K\npublish: 2026-12-04 09:15\nchannels: [masto, bsky]\nmedia: [{ path: img/8k.mp4, alt: Beans in 8K }]',
      ),
    );
    ws.write(
      '4k.md',
      post(
        'title: 4K\npublish: 2026-12-04 09:15\nchannels: [masto]\nmedia: [{ path: img/4k.mp4, alt: Beans in 4K }]',
      ),
    );
    const { lines } = await sync();
    expect(lines.filter((line) => line.includes('8k.md'))).toEqual([
      expect.stringContaining(
        '8k.md:5:17  media[0].path  channel "masto" (mastodon): "img/8k.mp4" is 7,680 × 4,320 pixels (33,177,600 pixels), over the limit of 8,294,400 pixels: scale it down',
      ),
      expect.stringContaining(
        '8k.md:5:17  media[0].path  channel "bsky" (bluesky): "img/8k.mp4" is video/mp4; accepted: image/jpeg, image/png, image/webp, image/gif',
      ),
    ]);
    expect(lines.filter((line) => line.includes('4k.md'))).toEqual([]);
  });

  it('refuses a post file over 256 KiB without reading it, and imports the rest; a large file is counted in bounded time', async () => {
    ws.write('huge.md', post('title: Huge', 'x'.repeat(300 * 1024)));
    ws.write(
      'big.md',
      post('title: Big\npublish: 2026-12-04 09:15\nchannels: [social]', 'Lorem ipsum. '.repeat(19_000)),
    );
    ws.write('fine.md', post('title: Fine\npublish: 2026-12-04 09:15\nchannels: [social]'));
    const started = Date.now();
    const { report, lines } = await sync();
    // Generous: linear counting takes well under a second here; the quadratic walk took minutes.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /huge\.md:1:1  \(root\)  the file is 307,\d{3} bytes; a post file holds at most 262,144 bytes \(256 KiB\)/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /big\.md:6:1  body  channel "social" \(sandbox\): the text is more than 5,000 characters, over the limit of 500 characters: /,
      ),
    );
    expect(report.created).toContain('fine.md');
  });
});
