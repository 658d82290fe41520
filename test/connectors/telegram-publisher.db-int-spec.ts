import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post } from '../content/content-workspace';
import { TelegramBotApiFake } from '../fakes/telegram-bot-api.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';

const POSTS = 12;
const textOf = (i: number) => `Telegram post ${i} (exactly once).`;

interface Scenario {
  fake: TelegramBotApiFake;
  /** Runs the publisher until every post is settled (published, failed, or waiting for a person). */
  run(): Promise<PostVariantEntity[]>;
  dispose(): Promise<void>;
}

/**
 * The real publisher (inline driver, SQLite) publishing POSTS channel posts to the Bot API fake through the
 * connector, from one config: `discussionGroup` says whether the channel has a linked group the bot reads (the only
 * lookup a bot has), `unknownOutcome` what to do without it.
 */
async function scenario(discussionGroup: boolean, unknownOutcome: 'ask' | 'resend'): Promise<Scenario> {
  let clock = new Date('2026-12-01T08:59:00Z');
  const driver = inlineDriver();
  const fake = await new TelegramBotApiFake({ discussionGroup, clock: () => clock }).start();
  const database: TestDatabase = await createTestDatabase();
  const dataSource: DataSource = await database.openMigrated();
  const ws = await createContentWorkspace(
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
      tg:
        connector: telegram
        options:
          apiUrl: "${fake.baseUrl}"
          botToken: "${fake.token}"
          chat: "@${fake.channel.username}"
          unknownOutcome: ${unknownOutcome}
          lookupGraceMs: 0
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
    ws.write(`tg-${i}.md`, post('title: Post\ncampaign: launch\npublish: 2026-12-01 09:04', textOf(i)));
  }
  await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  const variants = () => dataSource.getRepository(PostVariantEntity).find();
  return {
    fake,
    async run() {
      clock = new Date('2026-12-01T09:04:01Z');
      for (let round = 0; round < 120; round++) {
        await driver.runAt(clock);
        const open = (await variants()).filter((row) => row.state !== 'published' && row.state !== 'failed');
        const due = open.filter((row) => row.scheduledAt).map((row) => row.scheduledAt!.getTime());
        if (open.length === 0 || due.length === 0) {
          break;
        }
        // To the next time the publisher set (a backoff, the pacing, a 429's retry_after), as a worker's tick would.
        clock = new Date(Math.max(clock.getTime() + 1_000, Math.min(...due)));
      }
      return variants();
    },
    async dispose() {
      await driver.stop();
      await fake.stop();
      await database.dispose();
    },
  };
}

/** Lost answers, a hang after sending, 500, 503 and a 429 with retry_after, in that order. */
function injectFaults(fake: TelegramBotApiFake): void {
  fake.loseNextAnswer();
  fake.hangNext();
  fake.failNext(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
  fake.loseNextAnswer();
  fake.failNext(503, { ok: false, error_code: 503, description: 'Service Unavailable' });
  fake.failNext(429, {
    ok: false,
    error_code: 429,
    description: 'Too Many Requests: retry after 7',
    parameters: { retry_after: 7 },
  });
}

const counted = (fake: TelegramBotApiFake) => {
  const copies = Array.from({ length: POSTS }, (_, i) => fake.postsWithText(textOf(i)));
  return {
    duplicates: copies.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    lost: copies.filter((n) => n === 0).length,
  };
};

describe('telegram through the real publisher and a SQLite database, with faults', () => {
  it('with a discussion group the bot reads: every post exactly once through lost answers, a hang, 500, 503 and 429', async () => {
    const s = await scenario(true, 'ask');
    try {
      injectFaults(s.fake);
      const rows = await s.run();
      expect(
        rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError]),
      ).toEqual([]);
      expect(counted(s.fake)).toEqual({ duplicates: 0, lost: 0 });
      expect(s.fake.posts()).toHaveLength(POSTS);
      expect(new Set(rows.map((row) => row.remoteId)).size).toBe(POSTS);
      expect(s.fake.pendingFaults()).toBe(0);
      // The connector's own pacing kept every send a second apart and under 20 a minute.
      expect(s.fake.counts.paceViolations).toBe(0);
      expect(s.fake.violations).toEqual([]);
    } finally {
      await s.dispose();
    }
  });

  it('without a discussion group, unknownOutcome ask: no duplicate; the 4 unknown outcomes (2 lost answers, a hang, a 500) fail for a person', async () => {
    const s = await scenario(false, 'ask');
    try {
      injectFaults(s.fake);
      const rows = await s.run();
      const failed = rows.filter((row) => row.state === 'failed');
      // The lost answers and the hang made their message; the 500 made none (the fake fails before posting).
      expect(failed).toHaveLength(4);
      expect(failed.every((row) => /got no answer.*check the chat/.test(row.lastError ?? ''))).toBe(true);
      expect(rows.filter((row) => row.state === 'published')).toHaveLength(POSTS - 4);
      expect(counted(s.fake)).toEqual({ duplicates: 0, lost: 1 });
      expect(s.fake.counts.paceViolations).toBe(0);
    } finally {
      await s.dispose();
    }
  });

  it('without a discussion group, unknownOutcome resend: nothing lost; each answer lost after posting duplicates', async () => {
    const s = await scenario(false, 'resend');
    try {
      injectFaults(s.fake);
      const rows = await s.run();
      expect(rows.filter((row) => row.state !== 'published')).toEqual([]);
      expect(counted(s.fake)).toEqual({ duplicates: 3, lost: 0 });
    } finally {
      await s.dispose();
    }
  });

  it('a revoked token: the channel waits for a person, nothing is sent or duplicated', async () => {
    const s = await scenario(true, 'ask');
    try {
      s.fake.tokenRevoked = true;
      const rows = await s.run();
      expect(rows.filter((row) => row.state === 'published')).toEqual([]);
      expect(rows.some((row) => /bot token was refused/.test(row.lastError ?? ''))).toBe(true);
      expect(s.fake.counts.sends).toBe(0);
      // Not lost: every post waits for the reconnect, none reached the channel.
      expect(counted(s.fake)).toEqual({ duplicates: 0, lost: POSTS });
    } finally {
      await s.dispose();
    }
  });
});
