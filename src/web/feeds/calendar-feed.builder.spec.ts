import { BrandAccess } from '../../access/brand-access';
import type { ConfigService } from '../../config/config.service';
import type { PostQueryService } from '../../content/post-query.service';
import type { TransactionContext } from '../../persistence/transaction-context';
import { CalendarFeedEntity } from '../session/calendar-feed.entity';
import type { ApprovalWaiting, WaitingOnMeQuery } from '../today/waiting-on-me';
import { CalendarFeedBuilder, MAX_FEED_EVENTS } from './calendar-feed.builder';

describe('CalendarFeedBuilder', () => {
  const config = {
    organisation: { name: 'Test', timezone: 'UTC', publicUrl: 'https://metronome.example' },
    people: { theo: { name: 'Theo' } },
    brands: {
      acme: {
        name: 'Acme',
        timezone: 'Europe/London',
        owner: 'maya',
        roles: {},
        channels: {},
        approvals: { standard: { steps: [{ name: 'copy review', approvers: ['theo'] }] } },
      },
    },
  };
  const configService = { loaded: { config } } as unknown as ConfigService;
  const steps = (count: number): ApprovalWaiting[] =>
    Array.from({ length: count }, (_, index) => ({
      postId: `post-${index}`,
      brand: 'acme',
      brandName: 'Acme',
      timezone: 'Europe/London',
      title: `Post ${index}`,
      publishAt: null,
      step: 'copy review',
      mode: 'any',
      approvers: ['theo'],
      approvedBy: [],
      dueAt: new Date(Date.UTC(2027, 0, 1, 0, index)).toISOString(),
      overdue: false,
      dueInWords: 'due in a while',
    }));
  const builder = (waiting: ApprovalWaiting[]) =>
    new CalendarFeedBuilder(
      configService,
      new BrandAccess(configService),
      {} as PostQueryService,
      { approvals: () => Promise.resolve(waiting) } as unknown as WaitingOnMeQuery,
      {} as TransactionContext,
    );
  const feed = (changes: Partial<CalendarFeedEntity> = {}) =>
    Object.assign(new CalendarFeedEntity(), {
      tokenHash: 'h',
      person: 'theo',
      scope: 'person',
      brandId: null,
      createdAt: new Date(),
      revokedAt: null,
      ...changes,
    });
  const count = (text: string) => text.split('\r\n').filter((line) => line === 'BEGIN:VEVENT').length;

  it(`holds at most ${MAX_FEED_EVENTS} events`, async () => {
    const text = await builder(steps(MAX_FEED_EVENTS + 200)).build(feed(), new Date('2026-12-07T00:00:00Z'));
    expect(count(text!)).toBe(MAX_FEED_EVENTS);
    expect(text).toContain('URL;VALUE=URI:https://metronome.example/posts/post-0');
  });

  it('is not served once revoked, for a person not in the configuration, or a brand the person has no role on', async () => {
    const now = new Date('2026-12-07T00:00:00Z');
    expect(await builder(steps(1)).build(feed(), now)).toContain('BEGIN:VEVENT');
    expect(await builder(steps(1)).build(feed({ revokedAt: now }), now)).toBeUndefined();
    expect(await builder(steps(1)).build(feed({ person: 'gone' }), now)).toBeUndefined();
    expect(await builder(steps(1)).build(feed({ scope: 'brand', brandId: 'other' }), now)).toBeUndefined();
    expect(await builder(steps(1)).build(feed({ scope: 'brand', brandId: null }), now)).toBeUndefined();
  });
});
