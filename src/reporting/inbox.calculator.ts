import { addBusinessMinutes, BusinessHours, businessMinutesBetween } from '../scheduling/business-hours';
import type { InboxItemEntity } from '../inbox/inbox-item.entity';
import type { ChannelFacts, ReportChannel } from './report-facts';
import type { InboxSection } from './report-model';
import type { PeriodWindow } from './report-period';
import { compare, durationStats, ratio } from './report-statistics';

type InboxFacts = Pick<
  ChannelFacts,
  'inboxReceived' | 'firstResponseMinutes' | 'answeredWithinSla' | 'slaEligible'
>;

/**
 * Community activity: how much came in and how fast someone answered, against the brand's SLA. Response
 * times count only the brand's business hours when it has them (a Friday-evening comment answered on
 * Monday morning took the hours in between that the team was open, not the weekend).
 */
export class InboxCalculator {
  constructor(
    private readonly items: readonly InboxItemEntity[],
    private readonly slaMinutes: number,
    /** Unanswered items count against the SLA only once it has run out by this time. */
    private readonly now: Date,
    private readonly hours?: BusinessHours,
  ) {}

  facts(channel: ReportChannel, window: PeriodWindow): InboxFacts {
    const mine = this.received(window).filter((i) => i.channelId === channel.dbId);
    const answered = mine.filter((i) => i.answeredAt !== null);
    const minutes = answered.map((i) => businessMinutesBetween(i.receivedAt, i.answeredAt!, this.hours));
    return {
      inboxReceived: mine.length,
      firstResponseMinutes: minutes,
      answeredWithinSla: minutes.filter((m) => m <= this.slaMinutes).length,
      slaEligible: answered.length + this.pastSlaUnanswered(mine).length,
    };
  }

  section(
    window: PeriodWindow,
    current: ReadonlyMap<string, ChannelFacts>,
    previous: ReadonlyMap<string, ChannelFacts>,
  ): InboxSection {
    const items = this.received(window);
    const kinds = new Map<string, number>();
    for (const item of items) {
      kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
    }
    const all = (facts: ReadonlyMap<string, ChannelFacts>) => [...facts.values()];
    const compliance = (facts: ReadonlyMap<string, ChannelFacts>) =>
      ratio(
        all(facts).reduce((t, f) => t + f.answeredWithinSla, 0),
        all(facts).reduce((t, f) => t + f.slaEligible, 0),
      );
    const received = (facts: ReadonlyMap<string, ChannelFacts>) =>
      all(facts).reduce((t, f) => t + f.inboxReceived, 0);
    return {
      received: compare(received(current), received(previous)),
      answered: items.filter((i) => i.answeredAt !== null).length,
      unansweredPastSla: this.pastSlaUnanswered(items).length,
      escalated: items.filter((i) => i.state === 'escalated').length,
      byKind: [...kinds]
        .map(([kind, count]) => ({ kind, count }))
        .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
      firstResponseMinutes: durationStats(all(current).flatMap((f) => f.firstResponseMinutes)),
      previousFirstResponseMinutes: durationStats(all(previous).flatMap((f) => f.firstResponseMinutes)),
      slaMinutes: this.slaMinutes,
      slaCompliance: compare(compliance(current), compliance(previous)),
      hasData: items.length > 0,
    };
  }

  private received(window: PeriodWindow): InboxItemEntity[] {
    return this.items.filter((i) => i.receivedAt >= window.start && i.receivedAt < window.end);
  }

  private pastSlaUnanswered(items: readonly InboxItemEntity[]): InboxItemEntity[] {
    return items.filter(
      (i) =>
        i.answeredAt === null &&
        i.state !== 'ignored' &&
        addBusinessMinutes(i.receivedAt, this.slaMinutes, this.hours) < this.now,
    );
  }
}
