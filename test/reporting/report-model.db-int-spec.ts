import type { DataSource } from 'typeorm';
import { ReportDataRepository } from '../../src/reporting/report-data.repository';
import { ReportModelBuilder } from '../../src/reporting/report-model.builder';
import type { Recommendation, ReportModel } from '../../src/reporting/report-model';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { NORTHWIND_CHANNELS, reportConfig, seedBrand } from './report-fixtures';
import { seedRealisticMonth, type SeededMonth } from './realistic-month';

/** Every number in the model, with its path: "no data" must be null, never NaN or Infinity. */
function nonFiniteNumbers(value: unknown, path = 'model'): string[] {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? [] : [path];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => nonFiniteNumbers(item, `${path}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => nonFiniteNumbers(item, `${path}.${key}`));
  }
  return [];
}

const NOW = new Date('2026-11-02T07:00:00.000Z');

describe('report model', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let builder: ReportModelBuilder;
  let seeded: SeededMonth;
  let model: ReportModel;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    builder = new ReportModelBuilder(new ReportDataRepository(dataSource));
    seeded = await seedRealisticMonth(dataSource, { brandId: 'northwind', month: '2026-10' });
    model = await builder.build(reportConfig().config, 'northwind', '2026-10', { now: NOW });
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('counts followers at month end and their growth from the seeded snapshots', () => {
    const end = [...seeded.followersEnd.values()].reduce((a, b) => a + b, 0);
    const before = [...seeded.followersBefore.values()].reduce((a, b) => a + b, 0);
    expect(model.audience.total.value).toBe(end);
    expect(model.audience.growth.value).toBe(end - before);
    const mastodon = model.channels.find((c) => c.id === 'mastodon')!;
    expect(mastodon.followers.value).toBe(seeded.followersEnd.get('mastodon'));
    expect(mastodon.followerGrowth.value).toBeLessThan(0);
    expect(model.kpis.find((k) => k.id === 'followers')).toMatchObject({ value: end, configured: true });
  });

  it('counts what was published against the plan and the cadence', () => {
    for (const row of model.publishing.channels) {
      expect(row.published).toBe(seeded.published.get(row.id));
      expect(row.onTime + row.late).toBe(row.published);
    }
    const bluesky = model.publishing.channels.find((c) => c.id === 'bluesky')!;
    expect(bluesky.cadenceTarget).toBe(Math.round((4 * 31) / 7));
    expect(model.publishing.weeks.map((w) => w.firstDay)).toEqual([
      '2026-10-01',
      '2026-10-05',
      '2026-10-12',
      '2026-10-19',
      '2026-10-26',
    ]);
  });

  it('measures the month in the brand’s zone across the clock change', () => {
    expect(model.period).toMatchObject({
      firstDay: '2026-10-01',
      lastDay: '2026-10-31',
      days: 31,
      hours: 745,
      start: '2026-09-30T23:00:00.000Z',
      end: '2026-11-01T00:00:00.000Z',
    });
    expect(model.period.dstTransitions).toEqual([
      {
        at: '2026-10-25T01:00:00.000Z',
        day: '2026-10-25',
        offsetBefore: '+01:00',
        offsetAfter: '+00:00',
        shiftMinutes: -60,
      },
    ]);
    expect(model.audience.days).toHaveLength(31);
    expect(
      model.audience.followers.every((s) => s.points.length === 31 && s.points.every((p) => p !== null)),
    ).toBe(true);
    expect(model.definitions.timeZoneNote).toContain('31 days and 745 hours');
  });

  it('derives recommendations from the figures, each with the evidence it rests on', () => {
    const rules = (kind: keyof ReportModel['recommendations']) =>
      model.recommendations[kind].map((r) => r.rule);
    expect(rules('worked')).toEqual(
      expect.arrayContaining(['audience-growth', 'theme-outperformed', 'top-post']),
    );
    expect(rules('stalled')).toEqual(
      expect.arrayContaining(['falling-followers', 'approvals-stalling', 'missed-posts', 'open-incidents']),
    );
    expect(rules('change')).toEqual(expect.arrayContaining(['cadence-shortfall', 'theme-outperformed']));
    const all: Recommendation[] = [
      ...model.recommendations.worked,
      ...model.recommendations.stalled,
      ...model.recommendations.change,
    ];
    expect(all.every((r) => r.evidence.length > 0 && r.evidence.every((e) => e.value !== ''))).toBe(true);
    const cadence = model.recommendations.change.find((r) => r.rule === 'cadence-shortfall')!;
    const bluesky = model.publishing.channels.find((c) => c.id === 'bluesky')!;
    expect(cadence.evidence).toContainEqual({
      label: 'published on Bluesky',
      value: String(bluesky.published),
    });
    // A campaign and a theme holding the same posts are one recommendation, named after the campaign.
    expect(
      model.recommendations.change.filter((r) => r.rule === 'theme-outperformed').map((r) => r.title),
    ).toEqual(['Do more of “Autumn trail guides”']);
  });

  it('reports approvals, inbox and incidents from the system’s own records', () => {
    expect(model.approvals.signOffWindowHours).toBe(24);
    expect(model.approvals.leadTimeHours.count).toBeGreaterThan(10);
    expect(model.approvals.leadTimeHours.p90!).toBeLessThan(model.approvals.leadTimeHours.median!);
    expect(model.approvals.rejections).toBeGreaterThan(0);
    expect(model.inbox.slaMinutes).toBe(240);
    expect(model.inbox.received.value).toBeGreaterThan(0);
    expect(model.incidents).toMatchObject({ resolved: 1, openAtEnd: 1, opened: { value: 2, previous: 0 } });
    expect(nonFiniteNumbers(model)).toEqual([]);
  });

  it('builds a month without any data as "no data yet", with no NaN anywhere', async () => {
    await seedBrand(dataSource, 'quiet', NORTHWIND_CHANNELS);
    const empty = await builder.build(reportConfig({ brandId: 'quiet' }).config, 'quiet', '2027-02', {
      now: NOW,
    });

    expect(nonFiniteNumbers(empty)).toEqual([]);
    expect(empty.hasData).toBe(false);
    expect(empty.audience).toMatchObject({ hasData: false, total: { value: null, delta: null } });
    expect(empty.reach.totals.engagementRate.value).toBeNull();
    expect(empty.kpis.find((k) => k.measure === 'engagementRate')).toMatchObject({
      status: 'no-data',
      targetMet: null,
    });
    expect(empty.posts).toMatchObject({ top: [], bottom: [], ranked: 0, averageEngagementRate: null });
    expect(empty.recommendations.change.map((r) => r.rule)).toEqual(['no-data-yet']);
    expect(empty.period).toMatchObject({ days: 28, hours: 672, dstTransitions: [], partial: true });
  });

  it('handles a brand with one channel that has never been synced, and an unknown KPI measure', async () => {
    const loaded = reportConfig({ brandId: 'solo', channels: [NORTHWIND_CHANNELS[0]] });
    loaded.config.brands.solo.kpis.typo = { measure: 'folowers', direction: 'up' };
    const solo = await builder.build(loaded.config, 'solo', '2026-10', { now: NOW });

    expect(solo.channels).toHaveLength(1);
    expect(solo.channels[0]).toMatchObject({ id: 'bluesky', label: 'Bluesky', hasData: false });
    expect(solo.kpis.find((k) => k.id === 'typo')).toMatchObject({
      status: 'no-data',
      note: expect.stringContaining('unknown measure "folowers"'),
    });
  });

  it('puts spring-forward and New York months at their true length', async () => {
    const config = reportConfig().config;
    const march = await builder.build(config, 'northwind', '2026-03', { now: NOW });
    expect(march.period).toMatchObject({ days: 31, hours: 743 });
    expect(march.period.dstTransitions[0]).toMatchObject({ day: '2026-03-29', shiftMinutes: 60 });

    const newYork = reportConfig({ brandId: 'harbor', timeZone: 'America/New_York', locale: 'en-US' });
    await seedBrand(dataSource, 'harbor', NORTHWIND_CHANNELS, 'America/New_York');
    const november = await builder.build(newYork.config, 'harbor', '2026-11', { now: NOW });
    expect(november.period).toMatchObject({
      start: '2026-11-01T04:00:00.000Z',
      hours: 721,
      label: 'November 2026',
    });
  });

  it('names the brands there are when asked for one that is not configured', async () => {
    await expect(builder.build(reportConfig().config, 'nope', '2026-10', { now: NOW })).rejects.toThrow(
      'unknown brand "nope": the configuration has northwind',
    );
    await expect(builder.build(reportConfig().config, 'northwind', '2026-13', { now: NOW })).rejects.toThrow(
      'YYYY-MM',
    );
  });
});
