import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatConfigIssue } from '../config/config-issue';
import { channelContent } from './channel-content';
import { validateChannelTitle } from './channel-title.validator';
import { readContentFile, type ContentFile } from './content-file.reader';

function contentFile(frontMatter: string): ContentFile {
  const root = mkdtempSync(join(tmpdir(), 'metronome-title-'));
  writeFileSync(join(root, 'post.md'), `---\n${frontMatter}\n---\nBody.\n`);
  const result = readContentFile(join(root, 'post.md'), 'post.md', 'post.md', root);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.issues));
  }
  return result.content;
}

const check = (content: ContentFile, channel: string, limits?: { graphemes?: number; bytes?: number }) =>
  validateChannelTitle(content, channelContent(content, channel), limits, `channel "${channel}" (x)`).map(
    formatConfigIssue,
  );

describe('validateChannelTitle', () => {
  it('uses the channel’s own title over the post’s, counted in graphemes and bytes', () => {
    const content = contentFile(
      'title: A long internal name for the post\noverrides:\n  yt: { title: "Café ☕ tour" }',
    );
    expect(check(content, 'yt', { graphemes: 11, bytes: 20 })).toEqual([]);
    expect(check(content, 'yt', { bytes: 12 })).toEqual([
      'post.md:4:16  overrides.yt.title  channel "yt" (x): the title is 14 bytes (UTF-8), over the limit of 12 bytes by 2: shorten it',
    ]);
    expect(check(content, 'pin', { graphemes: 10 })).toEqual([
      'post.md:2:8  title  channel "pin" (x): the title is 33 characters, over the limit of 10 characters by 23: shorten it, or give this channel its own with overrides.pin.title',
    ]);
  });

  it('refuses a title override on a channel whose connector publishes no title, and accepts the post’s title there', () => {
    const content = contentFile('title: Winter\noverrides:\n  masto: { title: "Winter blend" }');
    expect(check(content, 'masto')).toEqual([
      'post.md:4:19  overrides.masto.title  channel "masto" (x): this connector publishes no title; remove overrides.masto.title',
    ]);
    expect(check(content, 'other')).toEqual([]);
  });
});
