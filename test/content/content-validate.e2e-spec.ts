import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { post } from './content-workspace';
import { mp4, png } from './media-headers';

/** The built CLI, as CI on a content repository runs it (npm test builds first). */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

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
`;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-validate-'));
  writeFileSync(join(dir, 'metronome.yaml'), YAML);
  mkdirSync(join(dir, 'content'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, 'content', name), text);
  }
  return dir;
}

function validate(dir: string) {
  const result = spawnSync(process.execPath, [CLI, 'validate', join(dir, 'metronome.yaml')], {
    encoding: 'utf8',
    cwd: dir,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('metronome validate checks the content folders', () => {
  it('reports content problems as file:line:col  path  message, exit 2, without a database', () => {
    const dir = workspace({
      'date.md': post('title: Date\npublish: 2026-12-32 09:00'),
      'long.md': post('title: Long\npublish: 2030-01-09 09:15', 'word '.repeat(70).trim()),
      'media.md': post('title: Media\npublish: 2030-01-09 09:15\nmedia: [{ path: ../metronome.yaml }]'),
      'bomb.md': post(
        'title: Bomb\na: &a [x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      ),
      'fine.md': post('title: Fine\npublish: 2030-01-09 09:15'),
    });
    const result = validate(dir);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      'content/bomb.md:4:5  (root)  front matter: its YAML aliases (*name) expand more than 50 times, which a post never needs: write the values out',
      'content/date.md:3:10  publish  "2026-12-32 09:00" is not a real date and time (December 2026 has days 1 to 31): write "YYYY-MM-DD HH:MM" in the brand’s time zone',
      'content/long.md:5:1  body  channel "bsky" (bluesky): the text is 349 characters, over the limit of 300 characters by 49: shorten it, or add overrides.bsky.text, or set overrides.bsky.extra.thread: true to publish it as a thread',
      expect.stringMatching(
        /^content\/media\.md:4:17  media\[0\]\.path  channel "bsky" \(bluesky\): "\.\.\/metronome\.yaml" is of an unknown type/,
      ),
      'content/media.md:4:17  media[0].path  media file "../metronome.yaml" is not a readable file inside the content folder (paths are relative to the post file and stay in the brand\'s content folder)',
      `5 problems in the content of ${join(dir, 'metronome.yaml')}`,
    ]);
  });

  it('passes a clean content folder: exit 0 with the summary', () => {
    const result = validate(workspace({ 'fine.md': post('title: Fine\npublish: 2030-01-09 09:15') }));
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^ok  /);
  });

  describe('with a connector that declares platform limits', () => {
    const yaml = (plugin: string) => `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
plugins:
  - path: plugins/${plugin}
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      insta:
        connector: ${plugin}
        options: {}
`;
    const connector = (name: string, media: string) => `module.exports = (sdk) => sdk.defineConnector({
  kind: 'connector', name: '${name}', version: '1.0.0', sdk: '^2.0.0',
  capabilities: { publish: true, text: { maxHashtags: 2 }, title: { graphemes: 10 }, media: ${media} },
  create: () => ({ publish: async () => ({ remoteId: '1' }) }),
});`;

    function pluginWorkspace(name: string, media: string, files: Record<string, string | Buffer>): string {
      const dir = mkdtempSync(join(tmpdir(), 'metronome-validate-limits-'));
      writeFileSync(join(dir, 'metronome.yaml'), yaml(name));
      mkdirSync(join(dir, 'plugins', name), { recursive: true });
      writeFileSync(join(dir, 'plugins', name, 'index.js'), connector(name, media));
      mkdirSync(join(dir, 'content'));
      for (const [file, bytes] of Object.entries(files)) {
        writeFileSync(join(dir, 'content', file), bytes);
      }
      return dir;
    }

    it('reports each limit as file:line:col with the value found and the fix, before any database exists', () => {
      const dir = pluginWorkspace(
        'strict',
        "{ maxCount: 2, types: ['image/png', 'video/mp4'], minVideoSeconds: 3, image: { aspectRatio: { max: '1.91:1' } }, altTextRequired: true }",
        {
          'wide.png': png(2000, 1000),
          'blink.mp4': mp4({ seconds: 1.5, width: 1080, height: 1920 }),
          'post.md': post(
            'title: Our winter blend\npublish: 2030-01-09 09:15\nmedia:\n  - path: wide.png\n  - { path: blink.mp4, alt: A blink }',
            'New: #coffee #winter #blend',
          ),
        },
      );
      const result = validate(dir);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        'content/post.md:2:8  title  channel "insta" (strict): the title is 16 characters, over the limit of 10 characters by 6: shorten it, or give this channel its own with overrides.insta.title',
        'content/post.md:5:5  media[0]  channel "insta" (strict): "wide.png" has no alt text, and this channel requires it: add alt: with what a person who cannot see it should know',
        'content/post.md:5:11  media[0].path  channel "insta" (strict): "wide.png" is 2,000 × 1,000 pixels, aspect ratio 2:1 (2), wider than the widest allowed, 1.91:1: crop it to 1.91:1 or narrower',
        'content/post.md:6:13  media[1].path  channel "insta" (strict): "blink.mp4" runs 1.5 s, under the minimum of 3 s: use a longer clip',
        'content/post.md:8:22  body  channel "insta" (strict): 3 hashtags, over the limit of 2 by 1 (the first one over is #blend): remove 1, or add overrides.insta.text',
        `5 problems in the content of ${join(dir, 'metronome.yaml')}`,
      ]);
    });

    it('refuses to load a plugin whose declared limit is invalid, naming the plugin and the field', () => {
      const dir = pluginWorkspace(
        'broken',
        "{ maxCount: 1, types: ['image/png'], image: { aspectRatio: { min: '4-5' } } }",
        {},
      );
      const result = validate(dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'metronome.yaml:6:5  plugins[0]  plugin "broken": capabilities.media.image.aspectRatio.min is "4-5", not a ratio: write "width:height" such as "4:5" or "1.91:1", or a number above 0 such as 0.8',
      );
    });
  });
});
