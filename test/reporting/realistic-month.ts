import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { InboxItemEntity } from '../../src/inbox/inbox-item.entity';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import {
  NORTHWIND_CHANNELS,
  daysBetween,
  followersOn,
  random,
  seedBrand,
  seedChannelSnapshots,
  seedPost,
  type ChannelSpec,
} from './report-fixtures';

const THEMES = ['repairs', 'trail guides', 'community'] as const;
const TITLES: Record<(typeof THEMES)[number], string[]> = {
  repairs: [
    'Fix a torn rain shell',
    'Re-proof your jacket',
    'Zip repair in 5 steps',
    'Boot resoling explained',
  ],
  'trail guides': [
    'Three wet-weather loops',
    'A ridge walk for October',
    'Bothy night on the Cairngorms',
    'Dawn on the Downs',
  ],
  community: [
    'Meet the repair team',
    'Your muddiest photos',
    'Q&A with a mountain guide',
    'Volunteer trail day',
  ],
};

export interface SeededMonth {
  /** Published posts per channel key. */
  published: Map<string, number>;
  /** Followers per channel on the month's last day, and on the previous month's last day. */
  followersEnd: Map<string, number>;
  followersBefore: Map<string, number>;
}

/**
 * A month an agency would recognise: daily channel metrics for this month and the one before, posts on the
 * cadence's weekdays (a few late, one missed, one failed), two approval steps per post (some signed off
 * late, one rejection), comments with answers, and two incidents. Trail-guide posts out-perform.
 */
export async function seedRealisticMonth(
  dataSource: DataSource,
  options: { brandId: string; month: string; timeZone?: string; channels?: ChannelSpec[]; seed?: number },
): Promise<SeededMonth> {
  const timeZone = options.timeZone ?? 'Europe/London';
  const specs = options.channels ?? NORTHWIND_CHANNELS;
  const rnd = random(options.seed ?? 7);
  const monthStart = DateTime.fromFormat(options.month, 'yyyy-MM', { zone: timeZone });
  const prevStart = monthStart.minus({ months: 1 });
  const lastDay = monthStart.endOf('month').toISODate()!;
  const originDay = prevStart.minus({ days: 1 }).toISODate()!;
  const channels = await seedBrand(dataSource, options.brandId, specs, timeZone);
  const result: SeededMonth = { published: new Map(), followersEnd: new Map(), followersBefore: new Map() };
  let postIndex = 0;
  for (const [i, spec] of specs.entries()) {
    const channel = channels.get(spec.key)!;
    await seedChannelSnapshots(
      dataSource,
      channel,
      spec,
      daysBetween(originDay, lastDay),
      originDay,
      100 + i,
    );
    result.followersEnd.set(spec.key, followersOn(spec, lastDay, originDay));
    result.followersBefore.set(
      spec.key,
      followersOn(spec, monthStart.minus({ days: 1 }).toISODate()!, originDay),
    );
    let published = 0;
    for (const start of [prevStart, monthStart]) {
      for (let day = start; day < start.plus({ months: 1 }); day = day.plus({ days: 1 })) {
        if (!spec.weekdays.includes(day.weekday)) {
          continue;
        }
        postIndex++;
        const theme = THEMES[postIndex % THEMES.length];
        const scheduledAt = day.set({ hour: 9, minute: 0 }).toJSDate();
        // Roughly one post in eleven is missed or failed and one in seven goes out late.
        const outcome = postIndex % 11 === 5 ? 'missed' : postIndex % 13 === 7 ? 'failed' : 'published';
        const lateMinutes = postIndex % 7 === 3 ? 35 : 0;
        const publishedAt =
          outcome === 'published' ? new Date(scheduledAt.getTime() + lateMinutes * 60_000) : null;
        const strength = theme === 'trail guides' ? 1.8 : 1;
        const reach = Math.round(600 + rnd() * 1500);
        const daily = publishedAt
          ? [0, 1, 2, 3, 4, 5, 6].map((age) => {
              const impressions = Math.round(reach / (age + 1));
              return {
                day: day.plus({ days: age }).toISODate()!,
                impressions,
                likes: Math.round(impressions * (0.02 + rnd() * 0.02) * strength),
              };
            })
          : [];
        // Sign-off lands between 6 h and 60 h before publishing: about a third inside the 24 h window.
        const signOffLead = 6 + rnd() * 54;
        await seedPost(dataSource, {
          brandId: options.brandId,
          channel,
          title: TITLES[theme][postIndex % 4],
          text: `${TITLES[theme][postIndex % 4]}: ${theme === 'repairs' ? 'bring it in, we fix it for life.' : theme === 'trail guides' ? 'route card, kit list and where to get a hot drink after.' : 'thank you for sharing your weekends with us.'}`,
          scheduledAt,
          publishedAt,
          state: outcome,
          campaign: theme === 'trail guides' ? 'autumn-trails' : null,
          theme,
          daily,
          approvedAt: [
            new Date(scheduledAt.getTime() - (signOffLead + 20) * 3_600_000),
            new Date(scheduledAt.getTime() - signOffLead * 3_600_000),
          ],
          rejectedFirst: postIndex % 9 === 4,
        });
        if (start === monthStart && publishedAt) {
          published++;
        }
        if (publishedAt) {
          await seedComments(dataSource, channel.id, publishedAt, postIndex, rnd);
        }
      }
    }
    result.published.set(spec.key, published);
  }
  await seedIncidents(dataSource, options.brandId, monthStart);
  return result;
}

async function seedComments(
  dataSource: DataSource,
  channelId: string,
  publishedAt: Date,
  postIndex: number,
  rnd: () => number,
): Promise<void> {
  const count = Math.floor(rnd() * 4);
  for (let i = 0; i < count; i++) {
    const receivedAt = new Date(publishedAt.getTime() + (i + 1) * 47 * 60_000);
    const answerAfter = Math.round(15 + rnd() * 280);
    const unanswered = (postIndex + i) % 10 === 0;
    await dataSource.getRepository(InboxItemEntity).save({
      id: randomUUID(),
      channelId,
      remoteId: `c-${postIndex}-${i}`,
      kind: i === 0 ? 'comment' : i === 1 ? 'reply' : 'mention',
      author: `reader${(postIndex * 7 + i) % 23}`,
      text: 'Where can I buy the repair kit?',
      url: null,
      receivedAt,
      answeredAt: unanswered ? null : new Date(receivedAt.getTime() + answerAfter * 60_000),
      state: unanswered ? 'new' : 'answered',
    });
  }
}

async function seedIncidents(dataSource: DataSource, brandId: string, monthStart: DateTime): Promise<void> {
  const incidents = [
    {
      rule: 'publish-failed',
      title: 'Mastodon post failed: HTTP 502',
      severity: 'high',
      day: 9,
      resolved: true,
    },
    {
      rule: 'complaint-in-inbox',
      title: 'Complaint: "zip broke after a week"',
      severity: 'medium',
      day: 21,
      resolved: false,
    },
  ];
  for (const incident of incidents) {
    const openedAt = monthStart.plus({ days: incident.day - 1, hours: 10 }).toJSDate();
    await dataSource.getRepository(IncidentEntity).save({
      id: randomUUID(),
      brandId,
      rule: incident.rule,
      subjectKey: `${incident.rule}:${incident.day}`,
      dedupKey: `${brandId}:${incident.rule}:${incident.day}`,
      state: incident.resolved ? 'resolved' : 'open',
      severity: incident.severity,
      title: incident.title,
      details: {},
      policySnapshot: {},
      level: 1,
      nextEscalationAt: null,
      openedAt,
      acknowledgedAt: new Date(openedAt.getTime() + 25 * 60_000),
      acknowledgedBy: 'ines',
      resolvedAt: incident.resolved ? new Date(openedAt.getTime() + 5 * 3_600_000) : null,
      resolvedBy: incident.resolved ? 'ines' : null,
    });
  }
}
