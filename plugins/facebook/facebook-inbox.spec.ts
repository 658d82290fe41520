import { toInboxItem } from './facebook-inbox';
import { dayRange } from './facebook-metrics';
import { linkOf } from './facebook-publish';
import { parseGraphTime } from './facebook-time';

describe('facebook mapping', () => {
  it('reads Graph’s times (colon-less offsets, whole seconds)', () => {
    expect(parseGraphTime('2026-12-07T16:50:25+0000')).toEqual(new Date('2026-12-07T16:50:25.000Z'));
    expect(parseGraphTime('2026-12-07T18:50:25+0200')).toEqual(new Date('2026-12-07T16:50:25.000Z'));
    expect(parseGraphTime('yesterday')).toBeUndefined();
    expect(parseGraphTime(17)).toBeUndefined();
  });

  it('maps comments: top-level ones are comments on the post, answers are replies, the Page’s own are byOwner', () => {
    const at = '2026-12-07T16:50:25+0000';
    expect(
      toInboxItem(
        { id: 'c1', message: 'Hi', created_time: at, from: { id: 'u', name: 'Jo' } },
        'page',
        'page_1',
      ),
    ).toEqual({
      remoteId: 'c1',
      kind: 'comment',
      author: 'Jo',
      text: 'Hi',
      receivedAt: new Date('2026-12-07T16:50:25.000Z'),
      inReplyToRemoteId: 'page_1',
      byOwner: false,
    });
    expect(
      toInboxItem(
        {
          id: 'c2',
          message: 'Thanks',
          created_time: at,
          from: { id: 'page', name: 'Acme' },
          parent: { id: 'c1' },
        },
        'page',
        'page_1',
      ),
    ).toMatchObject({
      kind: 'reply',
      inReplyToRemoteId: 'c1',
      byOwner: true,
    });
    // Without pages_read_user_content Graph leaves `from` out.
    expect(toInboxItem({ id: 'c3', created_time: at }, 'page', 'page_1')).toMatchObject({
      author: 'a Facebook user',
      text: '',
    });
    expect(toInboxItem({ id: 'c4' }, 'page', 'page_1')).toBeUndefined();
  });

  it('turns a day into Graph’s [since, until) and checks links', () => {
    expect(dayRange('2026-12-01')).toEqual({ since: 1796083200, until: 1796169600 });
    expect(linkOf({})).toBeUndefined();
    expect(linkOf({ link: 'https://acme.example/a' })).toBe('https://acme.example/a');
    expect(() => linkOf({ link: 'acme.example' })).toThrow('extra.link must be an http(s) address');
  });
});
