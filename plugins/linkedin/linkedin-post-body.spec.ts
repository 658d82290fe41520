import type { PublishRequest } from '../../src/plugin-sdk';
import { postBodyOf } from './linkedin-post-body';

const request = (extra: Partial<PublishRequest> = {}): PublishRequest => ({
  idempotencyKey: 'k',
  text: 'Hello (world)',
  media: [],
  scheduledAt: new Date(),
  extra: {},
  ...extra,
});

describe('the Posts API body', () => {
  it('carries the escaped commentary, the feed distribution and the visibility (a post may override it)', () => {
    expect(postBodyOf(request(), 'urn:li:organization:1', [], 'PUBLIC')).toEqual({
      author: 'urn:li:organization:1',
      commentary: 'Hello \\(world\\)',
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
    expect(
      postBodyOf(request({ extra: { visibility: 'CONNECTIONS' } }), 'urn:li:person:a', [], 'PUBLIC')
        .visibility,
    ).toBe('CONNECTIONS');
  });

  it('one image is media, several are multiImage, each with its alt text when given', () => {
    const media = [
      { path: '/a', mimeType: 'image/png', altText: 'A' },
      { path: '/b', mimeType: 'image/png' },
    ];
    expect(
      postBodyOf(request({ media: media.slice(0, 1) }), 'urn:li:person:a', ['urn:li:image:1'], 'PUBLIC')
        .content,
    ).toEqual({
      media: { id: 'urn:li:image:1', altText: 'A' },
    });
    expect(
      postBodyOf(request({ media }), 'urn:li:person:a', ['urn:li:image:1', 'urn:li:image:2'], 'PUBLIC')
        .content,
    ).toEqual({
      multiImage: { images: [{ id: 'urn:li:image:1', altText: 'A' }, { id: 'urn:li:image:2' }] },
    });
  });
});
