import { mediaLinksOf, type PluginMediaLinks } from './media-url';
import type { PluginContext } from './plugin-context';

const context = (media?: PluginMediaLinks) => ({ plugin: 'instagram', media }) as unknown as PluginContext;

describe('mediaLinksOf', () => {
  it("gives the context's media links", () => {
    const media: PluginMediaLinks = { publicUrl: () => 'https://example.org/media/t.jpg' };
    expect(mediaLinksOf(context(media))).toBe(media);
  });

  it('on a host without media links (older than SDK 2), names the plugin and the way out', () => {
    expect(() => mediaLinksOf(context())).toThrow(
      'plugin instagram: this Metronome serves no media by URL (SDK 2 needed): upload the file instead',
    );
  });
});
