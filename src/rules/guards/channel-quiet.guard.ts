import { formatBrandTime } from '../../notifications/brand-time.format';
import { Finding, GuardContext, GuardRule } from './guard-rule';

const DAY_MS = 86_400_000;
/** Never shorter than this: a weekend without posts on a weekday cadence is not a channel going quiet. */
const MIN_QUIET_MS = 3 * DAY_MS;

/** States of a variant that is still on its way out. */
const PLANNED = ['draft', 'in_review', 'approved', 'scheduled', 'held', 'publishing', 'finishing'];

/**
 * The seed's "the channel goes quiet": a channel with a cadence on which nothing went out for `after` and
 * nothing is planned within the next `after`. Both sides count: a channel that just published is not quiet,
 * whatever comes next. `after` defaults to the cadence's spacing (7 days ÷ postsPerWeek), at least 3 days,
 * so a regular cadence never trips it. A channel that never published has not started: an empty plan is
 * plan-not-ready's finding, not this one's.
 */
export class ChannelQuietGuard implements GuardRule {
  readonly name = 'channel-quiet';
  readonly onByDefault = true;

  async findings({ config, facts, now, thresholdMs }: GuardContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    const channels = await facts.activeChannels();
    for (const channel of channels) {
      const brand = config.brands[channel.brandId];
      const cadence = brand?.channels[channel.key]?.cadence;
      if (!brand || !cadence || cadence.postsPerWeek === 0) {
        continue;
      }
      const quietMs = thresholdMs ?? Math.max(MIN_QUIET_MS, (7 * DAY_MS) / cadence.postsPerWeek);
      const lastPublishedAt = await facts.lastPublishedAt(channel.id);
      if (!lastPublishedAt || lastPublishedAt.getTime() > now.getTime() - quietMs) {
        continue;
      }
      const planned = await facts.plannedVariantCount(
        channel.id,
        new Date(now.getTime() - quietMs),
        new Date(now.getTime() + quietMs),
        PLANNED,
      );
      if (planned > 0) {
        continue;
      }
      const days = Math.round(quietMs / DAY_MS);
      const lastLocal = formatBrandTime(lastPublishedAt, brand.timezone);
      findings.push({
        brandId: channel.brandId,
        subjectKey: `channel:${channel.id}`,
        title: `Channel going quiet: nothing published on ${channel.brandId}/${channel.key} since ${lastLocal} and nothing planned in the next ${days} day${days === 1 ? '' : 's'}`,
        severity: 'warning',
        details: {
          channel: `${channel.brandId}/${channel.key}`,
          lastPublished: lastLocal,
          postsPerWeek: cadence.postsPerWeek,
          quietAfter: `${days} day${days === 1 ? '' : 's'}`,
        },
      });
    }
    return findings;
  }
}
