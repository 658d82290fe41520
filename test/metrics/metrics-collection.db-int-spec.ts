import type { DataSource } from 'typeorm';
import { createContentServices } from '../content/content-services.fixture';
import { MetricCollectionRepository } from '../../src/metrics/metric-collection.repository';
import { MetricsCollector } from '../../src/metrics/metrics-collector.service';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { MetricSnapshotEntity } from '../../src/metrics/metric-snapshot.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { ReportDataRepository } from '../../src/reporting/report-data.repository';
import { ReportModelBuilder } from '../../src/reporting/report-model.builder';
import { compileCondition } from '../../src/rules/rule-condition.compiler';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import {
  channelServices,
  publishVariant,
  writeDownConnectorPlugin,
  type ChannelServices,
} from './metrics-test-kit';
import { ReadingClock } from '../fakes/reading.clock';
import { ruleFactsBuilder } from '../rules/rule-services.fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
plugins: [{ path: down }]
brands:
  acme:
    name: Acme
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      social: { connector: sandbox, options: { handle: acme-social } }
      video: { connector: sandbox, options: { handle: acme-video } }
      outage: { connector: down }
`;

describe('metrics collection (sandbox connector, real database)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let services: ChannelServices;
  let collector: MetricsCollector;
  let collections: MetricCollectionRepository;
  let clock = new Date('2026-12-01T09:00:00Z');
  const channelId = async (key: string) =>
    (await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key })).id;
  const snapshots = async (key: string, scope: 'channel' | 'post') => {
    const rows = await dataSource
      .getRepository(MetricSnapshotEntity)
      .findBy({ channelId: await channelId(key) });
    return rows
      .filter((row) => (scope === 'channel') === (row.postVariantId === null))
      .sort((a, b) => a.day.localeCompare(b.day));
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG, writeDownConnectorPlugin);
    services = channelServices(dataSource, ws, new ReadingClock(() => clock));
    collections = new MetricCollectionRepository(new TransactionContext(dataSource));
    collector = new MetricsCollector(services.config, services.connectors, collections, services.events);
    ws.write('launch.md', post('title: Launch\nchannels: [social, video]\npublish: 2026-12-01 09:00'));
    const { planSync } = await createContentServices(dataSource);
    await planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    const launch = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'launch.md' });
    for (const key of ['social', 'video']) {
      const variant = await dataSource
        .getRepository(PostVariantEntity)
        .findOneByOrFail({ postId: launch.id, channelId: await channelId(key) });
      await publishVariant(dataSource, services.connectors, 'acme', key, variant, clock);
    }
  });

  afterAll(async () => {
    await services.connectors.reset();
    await database.dispose();
  });

  it('stores a week of daily snapshots per channel and per published post; a failing channel stops nothing', async () => {
    clock = new Date('2026-12-04T06:00:00Z');
    const summary = await collector.collect(clock);

    // Yesterday in London is 3 December; the six days before it are caught up.
    const week = [
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
    ];
    for (const key of ['social', 'video']) {
      const channel = await snapshots(key, 'channel');
      expect(channel.map((s) => s.day)).toEqual(week);
      expect(channel.every((s) => s.metrics.followers > 0)).toBe(true);
      expect(Object.keys(channel[6].metrics).sort()).toEqual([
        'clicks',
        'engagements.likes',
        'engagements.replies',
        'engagements.reposts',
        'followers',
        'impressions',
      ]);
      // The post was published on 1 December: it has figures from that day on, and before it the channel had none.
      expect((await snapshots(key, 'post')).map((s) => s.day)).toEqual([
        '2026-12-01',
        '2026-12-02',
        '2026-12-03',
      ]);
      expect(channel[0].metrics.impressions).toBe(0);
      expect(channel[4].metrics.impressions).toBeGreaterThan(0);
    }
    expect(summary.collected).toHaveLength(14);
    expect(summary.failed).toEqual([
      { brand: 'acme', channel: 'outage', day: '2026-11-27', error: 'down: 503 Service Unavailable' },
    ]);
    const [status] = await collections.status([await channelId('outage')]);
    expect(status).toMatchObject({ lastCollectedDay: null, lastError: 'down: 503 Service Unavailable' });
    const [healthy] = await collections.status([await channelId('social')]);
    expect(healthy).toMatchObject({ lastCollectedDay: '2026-12-03', lastError: null });

    // One metrics.collected per stored day, with the channel's figures for the rule engine.
    const collected = services.published.filter((event) => event.type === 'metrics.collected');
    expect(collected).toHaveLength(14);
    const last = collected.at(-1)!;
    const facts = await ruleFactsBuilder(dataSource).forEvent(last, ws.loaded.config.brands.acme);
    expect(facts).toMatchObject({
      channel: { id: 'video', connector: 'sandbox' },
      metrics: { followers: expect.any(Number), 'engagements.likes': expect.any(Number) },
    });
    expect((facts!.metrics as Record<string, number>).impressions).toBe(
      (await snapshots('video', 'channel'))[6].metrics.impressions,
    );
    // A YAML rule's condition reads them as documented (README "Rule facts").
    const condition = compileCondition(
      'channel.id == "video" && metrics["followers"] > 0.0 && metrics["engagements.likes"] >= 0.0',
      'metrics.collected',
    );
    if (!condition.ok) {
      throw new Error(JSON.stringify(condition));
    }
    const common = await ruleFactsBuilder(dataSource).common('acme', ws.loaded.config.brands.acme, clock);
    expect(condition.evaluate({ ...common, ...facts })).toBe(true);
  });

  it('collects nothing twice: a second run the same day fetches and writes nothing', async () => {
    const before = await dataSource.getRepository(MetricSnapshotEntity).count();
    const events = services.published.length;
    const summary = await collector.collect(new Date('2026-12-04T06:30:00Z'));
    expect(summary).toEqual({
      collected: [],
      failed: [],
      waiting: [{ brand: 'acme', channel: 'outage' }],
      skipped: [],
      upToDate: [
        { brand: 'acme', channel: 'social' },
        { brand: 'acme', channel: 'video' },
      ],
    });
    expect(await dataSource.getRepository(MetricSnapshotEntity).count()).toBe(before);
    expect(services.published.length).toBe(events);
  });

  it('re-collecting a day on request replaces its figures instead of adding rows', async () => {
    const before = await dataSource.getRepository(MetricSnapshotEntity).count();
    const at = new Date('2026-12-04T07:00:00Z');
    const summary = await collector.collect(at, { brand: 'acme', day: '2026-12-02' });
    expect(summary.collected.map((c) => c.channel)).toEqual(['social', 'video']);
    expect(await dataSource.getRepository(MetricSnapshotEntity).count()).toBe(before);
    const day = (await snapshots('social', 'channel')).find((s) => s.day === '2026-12-02')!;
    expect(day.collectedAt.toISOString()).toBe(at.toISOString());
    await expect(collector.collect(at, { day: '2026-12-04' })).rejects.toThrow(
      '--day 2026-12-04: that day has not ended yet in Europe/London; collect 2026-12-03 or earlier',
    );
    await expect(collector.collect(at, { brand: 'nope' })).rejects.toThrow('unknown brand "nope"');
  });

  it('catches up on the days missed while it was down, and retries a failed channel an hour later', async () => {
    // Down from the 4th to the 7th: the 8th's run collects the 4th to the 7th.
    clock = new Date('2026-12-08T09:00:00Z');
    const summary = await collector.collect(clock);
    expect(summary.collected.filter((c) => c.channel === 'social').map((c) => c.day)).toEqual([
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
    ]);
    expect((await snapshots('social', 'channel')).map((s) => s.day).at(-1)).toBe('2026-12-07');
    // The outage is tried again (more than an hour has passed) and fails again; the rest is unaffected.
    expect(summary.failed.map((f) => f.channel)).toEqual(['outage']);
    expect(await collector.collect(new Date('2026-12-08T09:30:00Z'))).toEqual({
      collected: [],
      failed: [],
      waiting: [{ brand: 'acme', channel: 'outage' }],
      skipped: [],
      upToDate: [
        { brand: 'acme', channel: 'social' },
        { brand: 'acme', channel: 'video' },
      ],
    });
  });

  it('two schedulers ticking at once collect each channel-day once', async () => {
    const second = new MetricsCollector(
      services.config,
      services.connectors,
      new MetricCollectionRepository(new TransactionContext(dataSource)),
      services.events,
    );
    const events = services.published.length;
    clock = new Date('2026-12-09T06:00:00Z');
    const [a, b] = await Promise.all([collector.collect(clock), second.collect(clock)]);
    const both = [...a.collected, ...b.collected].map((c) => `${c.channel} ${c.day}`).sort();
    expect(both).toEqual(['social 2026-12-08', 'video 2026-12-08']);
    expect(services.published.length - events).toBe(2);
  });

  it('gives the monthly report real numbers instead of "no data yet"', async () => {
    const model = await new ReportModelBuilder(new ReportDataRepository(dataSource)).build(
      ws.loaded.config,
      'acme',
      '2026-12',
      { now: new Date('2027-01-02T07:00:00Z') },
    );
    expect(model.hasData).toBe(true);
    const social = model.channels.find((c) => c.id === 'social')!;
    const days = await snapshots('social', 'channel');
    const december = days.filter((s) => s.day.startsWith('2026-12'));
    expect(social.followers.value).toBe(december.at(-1)!.metrics.followers);
    expect(social.impressions.value).toBe(december.reduce((sum, s) => sum + s.metrics.impressions, 0));
    // The launch post on social: lifetime figures are the sum of its daily snapshots.
    const postDays = await snapshots('social', 'post');
    expect(model.posts.ranked).toBe(2);
    const launch = model.posts.top.find((p) => p.channel.id === 'social')!;
    expect(launch.title).toBe('Launch');
    expect(launch.impressions).toBe(postDays.reduce((sum, s) => sum + s.metrics.impressions, 0));
    expect(launch.impressions).toBeGreaterThan(0);
  });
});
