import { formatBrandTime } from '../../notifications/brand-time.format';
import { ChannelEntity } from '../../persistence/entities/channel.entity';
import { toDbInstant } from '../../persistence/instant-column.decorator';
import { placeholders } from '../../persistence/sql-placeholders';
import { Finding, GuardContext, GuardRule } from './guard-rule';

const DAY_MS = 86_400_000;
/** Never shorter than this: a weekend without posts on a weekday cadence is not a channel going quiet. */
const MIN_QUIET_MS = 3 * DAY_MS;

/** States of a variant that is still on its way out. */
const PLANNED = ['draft', 'in_review', 'approved', 'scheduled', 'held', 'publishing'];

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

  async findings({ config, dataSource, now, thresholdMs }: GuardContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    const p = placeholders(dataSource.manager);
    const channels = await dataSource.getRepository(ChannelEntity).findBy({ status: 'active' });
    for (const channel of channels) {
      const brand = config.brands[channel.brandId];
      const cadence = brand?.channels[channel.key]?.cadence;
      if (!brand || !cadence || cadence.postsPerWeek === 0) {
        continue;
      }
      const quietMs = thresholdMs ?? Math.max(MIN_QUIET_MS, (7 * DAY_MS) / cadence.postsPerWeek);
      const [last] = await dataSource.query<Array<{ at: string | null }>>(
        `SELECT MAX("published_at") AS "at" FROM "post_variants" WHERE "channel_id" = ${p(1)} AND "state" = 'published'`,
        [channel.id],
      );
      if (!last?.at || Date.parse(last.at) > now.getTime() - quietMs) {
        continue;
      }
      const until = new Date(now.getTime() + quietMs);
      // Placeholders in the order they appear: SQLite's are positional.
      const [planned] = await dataSource.query<Array<{ n: number | string }>>(
        `SELECT COUNT(*) AS "n" FROM "post_variants" v JOIN "posts" post ON post."id" = v."post_id" ` +
          `WHERE v."channel_id" = ${p(1)} ` +
          `AND COALESCE(v."scheduled_at", post."publish_at") >= ${p(2)} AND COALESCE(v."scheduled_at", post."publish_at") < ${p(3)} ` +
          `AND v."state" IN (${PLANNED.map((_, i) => p(i + 4)).join(', ')})`,
        [channel.id, toDbInstant(new Date(now.getTime() - quietMs)), toDbInstant(until), ...PLANNED],
      );
      if (Number(planned?.n ?? 0) > 0) {
        continue;
      }
      const days = Math.round(quietMs / DAY_MS);
      const lastLocal = formatBrandTime(last.at, brand.timezone);
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
