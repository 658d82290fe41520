import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatConfigIssue } from '../config/config-issue';
import type { MediaLimits } from '../plugin-sdk';
import { channelContent } from './channel-content';
import { validateChannelMedia } from './channel-media.validator';
import { readContentFile, type ContentFile } from './content-file.reader';

function contentFile(frontMatter: string): ContentFile {
  const root = mkdtempSync(join(tmpdir(), 'metronome-media-count-'));
  mkdirSync(join(root, 'media'));
  // Names only: the count rules read the extension, and a file that is not what it says is refused elsewhere.
  writeFileSync(join(root, 'media', 'cover.png'), '');
  writeFileSync(join(root, 'media', 'clip.mp4'), '');
  writeFileSync(join(root, 'post.md'), `---\n${frontMatter}\n---\nBody.\n`);
  const result = readContentFile(join(root, 'post.md'), 'post.md', 'post.md', root);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.issues));
  }
  return result.content;
}

const VIDEO_CHANNEL: MediaLimits = {
  maxCount: 2,
  minCount: 1,
  minVideos: 1,
  maxVideos: 1,
  types: ['video/mp4', 'image/png'],
};

const countLines = async (frontMatter: string) => {
  const content = contentFile(frontMatter);
  const issues = await validateChannelMedia(
    content,
    channelContent(content, 'yt'),
    VIDEO_CHANNEL,
    'channel "yt" (youtube)',
  );
  return issues.map(formatConfigIssue).filter((line) => line.includes('video'));
};

describe('validateChannelMedia: at least N videos (SDK 2.2 minVideos)', () => {
  it('refuses a post of images only on a channel that needs a video, at the media list', async () => {
    expect(await countLines('title: T\nmedia:\n  - { path: media/cover.png }')).toEqual([
      'post.md:4:3  media  channel "yt" (youtube): no video, a post here needs at least one video: add it under media: (or overrides.yt.media:)',
    ]);
  });

  it('accepts a video with its thumbnail image', async () => {
    expect(
      await countLines('title: T\nmedia:\n  - { path: media/clip.mp4 }\n  - { path: media/cover.png }'),
    ).toEqual([]);
  });
});
