import bluesky from '../../plugins/bluesky';
import mastodon from '../../plugins/mastodon';
import sandbox from '../../plugins/sandbox';
import { capabilityLimitProblems } from './capability-limits.validator';
import { validatePluginManifest } from './plugin-manifest.validator';

const instagramLike = {
  publish: true,
  text: { graphemes: 2200, maxHashtags: 30, maxMentions: 20, links: false },
  title: { graphemes: 100 },
  media: {
    maxCount: 10,
    minCount: 1,
    maxImages: 10,
    maxVideos: 1,
    mixedMedia: false,
    types: ['image/jpeg', 'video/mp4'],
    maxImageBytes: 8_000_000,
    minVideoSeconds: 3,
    maxVideoSeconds: 90,
    image: { minWidth: 320, maxWidth: 1440, aspectRatio: { min: '4:5', max: '1.91:1' } },
    video: { maxPixels: 8_294_400, aspectRatio: { min: 0.5625, max: '16:9' } },
    altTextLimit: 100,
    altTextRequired: true,
  },
  thread: { maxParts: 10 },
};

describe('capabilityLimitProblems', () => {
  it('accepts every limit field declared well, and the built-in connectors', () => {
    expect(capabilityLimitProblems(instagramLike)).toEqual([]);
    for (const plugin of [bluesky, mastodon, sandbox]) {
      expect(capabilityLimitProblems(plugin.capabilities as unknown as Record<string, unknown>)).toEqual([]);
    }
  });

  it('names the field, the value found and what it must be', () => {
    const problems = capabilityLimitProblems({
      publish: true,
      text: { graphemes: 0, maxHashtags: -1, links: 'no' },
      media: { maxCount: 4, maxImages: 2.5, types: ['png'], minVideoSeconds: 0 },
      thread: {},
    });
    expect(problems).toEqual([
      'capabilities.text.graphemes must be a whole number, 1 or more (found 0)',
      'capabilities.text.maxHashtags must be a whole number, 0 or more (found -1)',
      'capabilities.text.links must be true or false (found "no")',
      'capabilities.media.maxImages must be a whole number, 0 or more (found 2.5)',
      'capabilities.media.types must be a list of MIME types such as ["image/png", "video/mp4"] (found ["png"])',
      'capabilities.media.minVideoSeconds must be a number of seconds above 0 (found 0)',
      'capabilities.thread.maxParts is missing: declare the most parts a thread may have',
    ]);
  });

  it('refuses a minimum above its maximum, wherever it is', () => {
    expect(
      capabilityLimitProblems({
        publish: true,
        media: {
          maxCount: 1,
          minCount: 2,
          types: ['video/mp4'],
          minVideoSeconds: 60,
          maxVideoSeconds: 10,
          video: { minWidth: 2000, maxWidth: 1000, aspectRatio: { min: '16:9', max: '9:16' } },
        },
      }),
    ).toEqual([
      'capabilities.media.video.aspectRatio.min ("16:9") is wider than capabilities.media.video.aspectRatio.max ("9:16"): min is the narrowest frame allowed, max the widest',
      'capabilities.media.video.minWidth (2000) is more than capabilities.media.video.maxWidth (1000): nothing could pass; fix one of them',
      'capabilities.media.minCount (2) is more than capabilities.media.maxCount (1): nothing could pass; fix one of them',
      'capabilities.media.minVideoSeconds (60) is more than capabilities.media.maxVideoSeconds (10): nothing could pass; fix one of them',
    ]);
  });

  it('refuses a ratio that does not parse, and a bound that is neither min nor max', () => {
    expect(
      capabilityLimitProblems({
        publish: true,
        media: {
          maxCount: 1,
          types: ['image/png'],
          image: { aspectRatio: { min: '4-5', max: -2, widest: '2:1' } },
        },
      }),
    ).toEqual([
      'capabilities.media.image.aspectRatio.min is "4-5", not a ratio: write "width:height" such as "4:5" or "1.91:1", or a number above 0 such as 0.8',
      'capabilities.media.image.aspectRatio.max is -2, not a ratio: write "width:height" such as "4:5" or "1.91:1", or a number above 0 such as 0.8',
      'capabilities.media.image.aspectRatio.widest is not a bound: write min and/or max',
    ]);
  });

  it('refuses an unknown field: a typo would check nothing', () => {
    expect(
      capabilityLimitProblems({ publish: true, media: { maxCount: 4, types: ['image/png'], maxImage: 2 } }),
    ).toEqual([
      'capabilities.media.maxImage is not a limit the SDK knows: the fields are maxCount, minCount, maxImages, maxVideos, minVideos, mixedMedia, types, maxBytes, maxImageBytes, maxVideoBytes, maxVideoSeconds, minVideoSeconds, image, video, altTextLimit, altTextRequired, videoAlone',
    ]);
  });

  it('fails the plugin manifest, so the plugin does not load', () => {
    expect(
      validatePluginManifest({
        kind: 'connector',
        name: 'strict',
        version: '1.0.0',
        sdk: '^2.0.0',
        create: () => ({}),
        capabilities: {
          publish: true,
          media: { maxCount: 1, types: ['image/png'], image: { aspectRatio: { min: 'x' } } },
        },
      }),
    ).toEqual([expect.stringMatching(/^capabilities\.media\.image\.aspectRatio\.min is "x", not a ratio/)]);
  });

  it('checks the network’s names for its figures (SDK 2.2 metricNames): short, non-empty, known figures', () => {
    expect(
      capabilityLimitProblems({
        publish: true,
        metricNames: { followers: 'Subscribers', engagements: { saves: 'Saves' } },
      }),
    ).toEqual([]);
    expect(
      capabilityLimitProblems({
        publish: true,
        metricNames: { follower: 'Subscribers', impressions: '', engagements: { saves: 'x'.repeat(41) } },
      }),
    ).toEqual([
      'capabilities.metricNames.follower is not a figure: the fields are followers, impressions, clicks, engagements',
      'capabilities.metricNames.impressions must be a name of 1 to 40 characters, found ""',
      `capabilities.metricNames.engagements.saves must be a name of 1 to 40 characters, found "${'x'.repeat(41)}"`,
    ]);
  });
});
