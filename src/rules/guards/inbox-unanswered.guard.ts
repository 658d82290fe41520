import { formatBrandTime } from '../../notifications/brand-time.format';
import { formatDurationMs } from '../../config/schema/primitives.schema';
import { addBusinessMinutes, businessHoursOf } from '../../scheduling/business-hours';
import { Finding, GuardContext, GuardRule } from './guard-rule';

/** Unanswered items older than this are history, not an SLA to chase. */
const LOOK_BACK_MS = 14 * 24 * 3600_000;
const DEFAULT_SLA_MS = 4 * 3_600_000;

/**
 * Comments, mentions and messages still unanswered after the brand's response SLA, counted in its
 * business hours: one incident per channel, naming how many and the oldest, resolved when they are all
 * answered or set aside. `guards.inbox-unanswered.after` overrides the SLA for every brand.
 */
export class InboxUnansweredGuard implements GuardRule {
  readonly name = 'inbox-unanswered';
  readonly onByDefault = true;

  async findings({ config, facts, now, thresholdMs }: GuardContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const [brandId, brand] of Object.entries(config.brands)) {
      if (Object.keys(brand.channels).length === 0) {
        continue;
      }
      const slaMs = thresholdMs ?? brand.inbox?.responseSla ?? DEFAULT_SLA_MS;
      const hours = businessHoursOf(brand.timezone, brand.inbox?.businessHours);
      // Business hours only ever push a deadline later, so received + SLA is a safe first cut.
      const rows = await facts.unansweredInboxItems(
        brandId,
        new Date(now.getTime() - slaMs),
        new Date(now.getTime() - LOOK_BACK_MS),
      );
      const overdue = new Map<string, typeof rows>();
      for (const row of rows) {
        const deadline = addBusinessMinutes(row.receivedAt, slaMs / 60_000, hours);
        if (deadline <= now) {
          overdue.set(row.channel, [...(overdue.get(row.channel) ?? []), row]);
        }
      }
      for (const [channel, items] of overdue) {
        const oldest = items[0];
        findings.push({
          brandId,
          subjectKey: `inbox-sla:${brandId}/${channel}`,
          title: `${items.length} ${items.length === 1 ? 'item' : 'items'} unanswered on ${brandId}/${channel} past the ${
            thresholdMs
              ? formatDuration(thresholdMs)
              : formatDurationMs(brand.inbox?.responseSla ?? DEFAULT_SLA_MS)
          } response time (oldest: ${oldest.kind} from ${oldest.author}, ${formatBrandTime(oldest.receivedAt, brand.timezone)})`,
          severity: 'warning',
          details: {
            channel,
            unanswered: items.length,
            oldestReceivedAt: formatBrandTime(oldest.receivedAt, brand.timezone),
            oldestItem: oldest.id,
            businessHours: hours ? 'yes' : 'around the clock',
          },
        });
      }
    }
    return findings;
  }
}

/** 240 min → "4h", 90 min → "1h 30m", 45 min → "45m". */
function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  return (
    [hours > 0 ? `${hours}h` : '', minutes % 60 > 0 ? `${minutes % 60}m` : ''].filter(Boolean).join(' ') ||
    '0m'
  );
}
