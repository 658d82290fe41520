import { postSettlement } from './post-settlement';

const v = (state: string, lastError: string | null = null) => ({ state, lastError });

describe('postSettlement', () => {
  it('waits while another channel of the post is still on its way', () => {
    expect(postSettlement('publishing', [v('published'), v('scheduled')])).toEqual([]);
    expect(postSettlement('publishing', [v('published'), v('publishing')])).toEqual([]);
  });

  it('publishes the post once every channel published', () => {
    expect(postSettlement('publishing', [v('published'), v('published')])).toEqual([{ to: 'published' }]);
    expect(postSettlement('scheduled', [v('published')])).toEqual([
      { to: 'publishing' },
      { to: 'published' },
    ]);
  });

  it('fails the post with each unpublished channel and why when any did not publish', () => {
    expect(
      postSettlement('publishing', [v('published'), v('failed', '422 too long'), v('missed', 'was due')]),
    ).toEqual([{ to: 'failed', reason: 'failed: 422 too long; missed: was due' }]);
  });

  it('marks a post missed when every channel was missed before it started', () => {
    expect(postSettlement('scheduled', [v('missed'), v('missed')], 'was due at 07:00')).toEqual([
      { to: 'missed', reason: 'was due at 07:00' },
    ]);
  });

  it('leaves a post that is no longer scheduled or publishing alone', () => {
    expect(postSettlement('cancelled', [v('published')])).toEqual([]);
    expect(postSettlement('published', [v('published')])).toEqual([]);
  });
});
