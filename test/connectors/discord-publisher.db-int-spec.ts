import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { DiscordApiFake } from '../fakes/discord-api.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';

const POSTS = 12;
const textOf = (i: number) => `Discord post ${i} (exactly once).`;

/**
 * The real publisher (inline driver, SQLite) publishing to a Discord channel through the connector in bot mode and
 * its contract fake (on the test's clock), while the fake loses answers after creating messages, hangs after a send,
 * fails with 500 and 503, and refuses with a 429 as Discord sends it (`retry_after`, `X-RateLimit-Reset-After`);
 * the fake's own bucket (5 creates per 5 s) limits the burst too. Counted ON THE FAKE: every post exactly once, none
 * lost, nothing sent before a 429's reset. Then the bot token is reset in the Developer Portal: a static token, so
 * the channel waits for a person (`needs_reconnect`) and nothing more is sent.
 */
describe('discord (bot) through the real publisher and a SQLite database, with faults', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-01T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: DiscordApiFake;

  const variants = () => dataSource.getRepository(PostVariantEntity).find();
  const creates = () =>
    fake.requests
      .map((request, index) => ({ ...request, index }))
      .filter(
        (request) => request.method === 'POST' && request.path === `/channels/${fake.channelId}/messages`,
      );

  /** Runs the publisher tick by tick, each at the next time the publisher set (a backoff, a 429's reset). */
  async function runUntilSettled(done: (rows: PostVariantEntity[]) => boolean): Promise<void> {
    for (let round = 0; round < 60; round++) {
      await driver.runAt(clock);
      const rows = await variants();
      if (done(rows)) {
        return;
      }
      const next = rows
        .filter((row) => row.state !== 'published' && (row.scheduledAt || row.nextCheckAt))
        .map((row) => (row.nextCheckAt ?? row.scheduledAt)!.getTime());
      clock = new Date(Math.max(clock.getTime() + 1_000, Math.min(...next)));
    }
  }

  beforeAll(async () => {
    fake = await new DiscordApiFake({ now: () => clock }).start();
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(
      dataSource,
      `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: UTC
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      dc:
        connector: discord
        options:
          botToken: "${fake.botToken}"
          channelId: "${fake.channelId}"
          apiUrl: "${fake.apiUrl}"
          timeoutMs: 400
`,
    );
    const services = await createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const connectors = connectorInstancesOn(dataSource, config, new ReadingClock(() => clock));
    const publisher = buildVariantPublisher({
      dataSource,
      config,
      connectors,
      content: services,
      budget: driver.budget,
    });
    driver.start({
      publisher,
      dataSource,
      lease: new ClusterLease(new ClusterLeaseRepository(dataSource), SYSTEM_CLOCK),
      clock: () => clock,
    });
    for (let i = 0; i < POSTS; i++) {
      ws.write(`dc-${i}.md`, post('title: Post\ncampaign: launch\npublish: 2026-12-01 09:04', textOf(i)));
    }
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await driver.stop();
    await fake.stop();
    await database.dispose();
  });

  it('publishes every post exactly once through lost answers, a hang, 500, 503 and a 429', async () => {
    fake.loseNextAnswer();
    fake.hangNext();
    fake.failNext({ status: 500, body: { message: '500: Internal Server Error', code: 0 } });
    fake.loseNextAnswer();
    fake.failNext({ status: 503, body: { message: 'upstream connect error', code: 0 } });
    fake.rateLimitNext(42.5);
    fake.loseNextAnswer();

    clock = new Date('2026-12-01T09:04:01Z');
    await runUntilSettled((rows) => rows.every((row) => row.state === 'published'));

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    // Duplicates and losses, counted on the fake.
    const copies = Array.from({ length: POSTS }, (_, i) => fake.postsWithContent(textOf(i)));
    const duplicates = copies.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const lost = copies.filter((n) => n === 0).length;
    expect({ duplicates, lost }).toEqual({ duplicates: 0, lost: 0 });
    expect(fake.posts()).toHaveLength(POSTS);
    expect(new Set(rows.map((row) => row.remoteId))).toEqual(new Set(fake.posts().map((m) => m.id)));
    expect(fake.pendingFaults()).toBe(0);
    // The injected 429 was met (with the 42.5 s reset), and after every 429 no create came before its reset.
    expect(fake.rateLimits.some((limit) => limit.resetAt.getTime() - limit.at.getTime() === 42_500)).toBe(
      true,
    );
    const early = fake.rateLimits.flatMap((limit) =>
      creates()
        .filter((request) => request.index > limit.request && request.at < limit.resetAt)
        .map((request) => `${request.at.toISOString()} < ${limit.resetAt.toISOString()}`),
    );
    expect(early).toEqual([]);
    expect(fake.problems).toEqual([]);
  });

  it('a reset bot token (401): the channel waits for a reconnect, no message is sent', async () => {
    const createdBefore = fake.counts.creates;
    const postsBefore = fake.posts().length;
    fake.revokeToken();
    for (let i = 0; i < 3; i++) {
      ws.write(
        `after-${i}.md`,
        post('title: After\ncampaign: launch\npublish: 2026-12-01 10:00', `Sent after the token reset? ${i}`),
      );
    }
    const services = await createContentServices(dataSource);
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    clock = new Date('2026-12-01T10:00:01Z');
    await runUntilSettled(() => false);

    const channel = await dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'acme', key: 'dc' });
    expect(channel.status).toBe('needs_reconnect');
    const waiting = (await variants()).filter((row) => row.state !== 'published');
    expect(waiting).toHaveLength(3);
    expect(waiting.map((row) => row.state)).toEqual(['scheduled', 'scheduled', 'scheduled']);
    expect(waiting.some((row) => /bot token is wrong or was reset/.test(row.lastError ?? ''))).toBe(true);
    // One refused request, then nothing: the channel no longer sends.
    expect(fake.counts.unauthorized).toBe(1);
    expect(fake.counts.creates).toBe(createdBefore);
    expect(fake.posts()).toHaveLength(postsBefore);
    expect(fake.problems).toEqual([]);
  });
});
