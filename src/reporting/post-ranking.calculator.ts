import type { MetricSnapshotEntity } from '../metrics/metric-snapshot.entity';
import type { PostVariantEntity } from '../publishing/post-variant.entity';
import type { PostEntity } from '../content/post.entity';
import type { ReportChannel } from './report-facts';
import type { PostPerformance, PostsSection } from './report-model';
import type { PeriodWindow } from './report-period';
import { ratio } from './report-statistics';
import { figuresOf } from './snapshot-metrics';

const TOP = 5;
const BOTTOM = 3;
const CAPTION_GRAPHEMES = 160;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts by graphemes, not UTF-16 units, so an emoji or a combined character is never split in half. */
export function shortenCaption(text: string, limit = CAPTION_GRAPHEMES): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const parts = [...graphemes.segment(clean)];
  return parts.length <= limit
    ? clean
    : `${parts
        .slice(0, limit - 1)
        .map((p) => p.segment)
        .join('')
        .trimEnd()}…`;
}

/** Every post published in the month that has metrics, with lifetime figures, best first. */
export function rankPosts(
  window: PeriodWindow,
  variants: readonly PostVariantEntity[],
  posts: ReadonlyMap<string, PostEntity>,
  snapshots: readonly MetricSnapshotEntity[],
  channels: readonly ReportChannel[],
  campaignNames: Readonly<Record<string, string>>,
): PostPerformance[] {
  const totals = new Map<string, { impressions: number; engagements: number }>();
  for (const snapshot of snapshots) {
    if (snapshot.postVariantId === null) {
      continue;
    }
    const figures = figuresOf(snapshot.metrics);
    const total = totals.get(snapshot.postVariantId) ?? { impressions: 0, engagements: 0 };
    total.impressions += figures.impressions ?? 0;
    total.engagements += figures.engagements ?? 0;
    totals.set(snapshot.postVariantId, total);
  }
  const byDbId = new Map(channels.map((c) => [c.dbId, c]));
  return variants
    .flatMap((variant): PostPerformance[] => {
      const total = totals.get(variant.id);
      const post = posts.get(variant.postId);
      const channel = byDbId.get(variant.channelId);
      const published = variant.publishedAt;
      if (!total || !post || !channel || !published || published < window.start || published >= window.end) {
        return [];
      }
      return [
        {
          postId: post.id,
          title: post.title,
          caption: shortenCaption(variant.text),
          channel: { id: channel.id, connector: channel.connector, label: channel.label },
          publishedAt: published.toISOString(),
          campaign: post.campaign === null ? null : (campaignNames[post.campaign] ?? post.campaign),
          theme: post.theme,
          impressions: total.impressions,
          engagements: total.engagements,
          engagementRate: ratio(total.engagements, total.impressions),
          url: variant.remoteUrl,
        },
      ];
    })
    .sort(
      (a, b) =>
        b.engagements - a.engagements ||
        b.impressions - a.impressions ||
        a.publishedAt.localeCompare(b.publishedAt),
    );
}

export function postsSection(ranked: readonly PostPerformance[]): PostsSection {
  const top = ranked.slice(0, TOP);
  const rest = ranked.slice(top.length);
  return {
    top,
    bottom: rest.slice(-BOTTOM).reverse(),
    ranked: ranked.length,
    averageEngagementRate: ratio(
      ranked.reduce((t, p) => t + p.engagements, 0),
      ranked.reduce((t, p) => t + p.impressions, 0),
    ),
  };
}
