import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { post } from './content-workspace';

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
});
