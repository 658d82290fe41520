import type { MetricNames } from '../plugin-sdk';
import { NetworkFiguresCalculator } from './network-figures';
import type { ReportChannel } from './report-facts';
import { periodWindow } from './report-period';

const NOW = new Date('2026-12-05T12:00:00Z');
const current = periodWindow('2026-11', 'UTC', 'en-GB', NOW);
const previous = periodWindow('2026-10', 'UTC', 'en-GB', NOW);

const channel = (id: string, connector: string, dbId: string | null): ReportChannel => ({
  id,
  connector,
  label: connector,
  dbId,
  postsPerWeek: null,
});

const snapshot = (channelId: string, day: string, metrics: Record<string, number>) => ({
  channelId,
  day,
  metrics,
});

describe('NetworkFiguresCalculator', () => {
  const snapshots = [
    snapshot('yt', '2026-10-31', { followers: 900, impressions: 100, 'engagements.likes': 4 }),
    snapshot('yt', '2026-11-01', {
      followers: 1_000,
      impressions: 300,
      'engagements.likes': 10,
      'engagements.comments': 2,
    }),
    snapshot('yt', '2026-11-02', { followers: 1_020, impressions: 200, 'engagements.likes': 5, clicks: 7 }),
    snapshot('yt', '2026-12-01', { followers: 5_000, impressions: 9_999 }),
    snapshot('pin', '2026-11-03', {
      'engagements.saves': 12,
      'engagements.pinClicks': 3,
      bogus: 1,
      engagements: 99,
    }),
  ];
  const calculator = new NetworkFiguresCalculator(snapshots, (connector): MetricNames | undefined =>
    connector === 'youtube'
      ? {
          followers: 'Subscribers',
          impressions: 'Views',
          engagements: { comments: 'Comments', likes: 'Likes' },
        }
      : connector === 'pinterest'
        ? { engagements: { saves: 'Saves', pinClicks: 'Pin clicks' } }
        : undefined,
  );

  it('names each figure as its network does, followers at the last day and the rest summed over the month', () => {
    const [youtube, pinterest] = calculator.section(
      [channel('yt', 'youtube', 'yt'), channel('pin', 'pinterest', 'pin'), channel('new', 'x', null)],
      current,
      previous,
    );
    expect(youtube.figures.map((f) => [f.name, f.value.value, f.value.previous])).toEqual([
      ['Subscribers', 1_020, 900],
      ['Views', 500, 100],
      ['Link clicks', 7, null],
      ['Comments', 2, null],
      ['Likes', 15, 4],
    ]);
    // Declared engagement names first, in the plugin's order; unknown keys and totals are not figures.
    expect(pinterest.figures.map((f) => [f.metric, f.name, f.value.value])).toEqual([
      ['engagements.saves', 'Saves', 12],
      ['engagements.pinClicks', 'Pin clicks', 3],
    ]);
  });

  it('leaves out channels without a figure in the month, and names figures commonly without metricNames', () => {
    const plain = new NetworkFiguresCalculator(snapshots);
    const rows = plain.section(
      [channel('yt', 'mastodon', 'yt'), channel('none', 'x', 'none')],
      current,
      previous,
    );
    expect(rows.map((r) => r.id)).toEqual(['yt']);
    expect(rows[0].figures.map((f) => f.name)).toEqual([
      'Followers',
      'Impressions',
      'Link clicks',
      'Comments',
      'Likes',
    ]);
  });
});
