import { businessHoursOf } from '../scheduling/business-hours';
import type { InboxItemEntity } from '../inbox/inbox-item.entity';
import { InboxCalculator } from './inbox.calculator';
import type { ReportChannel } from './report-facts';
import type { PeriodWindow } from './report-period';

const channel = { dbId: 'ch1' } as ReportChannel;
const october = {
  start: new Date('2026-10-01T00:00:00+01:00'),
  end: new Date('2026-11-01T00:00:00Z'),
} as PeriodWindow;

function item(receivedAt: string, answeredAt: string | null): InboxItemEntity {
  return {
    channelId: 'ch1',
    receivedAt: new Date(receivedAt),
    answeredAt: answeredAt ? new Date(answeredAt) : null,
    state: answeredAt ? 'answered' : 'new',
    kind: 'comment',
  } as InboxItemEntity;
}

describe('InboxCalculator', () => {
  // Friday 17:00 BST, answered Monday 10:00 BST; Tuesday 10:00, answered 10:30; Friday 17:15, never answered.
  const items = [
    item('2026-10-09T16:00:00Z', '2026-10-12T09:00:00Z'),
    item('2026-10-13T09:00:00Z', '2026-10-13T09:30:00Z'),
    item('2026-10-16T16:15:00Z', null),
  ];
  const mondayNoon = new Date('2026-10-19T11:00:00Z');

  it('measures first responses in business hours when the brand has them', () => {
    const hours = businessHoursOf('Europe/London', 'weekdays 09:00-17:30');
    const facts = new InboxCalculator(items, 240, mondayNoon, hours).facts(channel, october);
    // 30 min on Friday + 60 min on Monday; 30 min on Tuesday.
    expect(facts.firstResponseMinutes).toEqual([90, 30]);
    expect(facts.answeredWithinSla).toBe(2);
    // The unanswered Friday item: 15 min Friday + 3 h 45 Monday = due 12:45 BST, not yet past at 12:00 BST.
    expect(facts.slaEligible).toBe(2);
  });

  it('measures around the clock without business hours', () => {
    const facts = new InboxCalculator(items, 240, mondayNoon).facts(channel, october);
    expect(facts.firstResponseMinutes).toEqual([3 * 24 * 60 - 7 * 60, 30]);
    expect(facts.answeredWithinSla).toBe(1);
    expect(facts.slaEligible).toBe(3);
  });
});
