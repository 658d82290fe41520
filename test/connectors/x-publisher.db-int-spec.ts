import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { XApiFake } from '../fakes/x-api.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';
import { X_SCOPES } from './x-fixtures';

const POSTS = 14;
const THREAD_TEXT = Array.from(
  { length: 3 },
  (_, part) =>
    `Thread part ${part + 1}: ${'slow roasting brings out the sweetness of the bean and keeps its acidity bright. '.repeat(3)}`,
).join('\n\n');

/**
 * The real publisher (inline driver, SQLite) publishing to X through the connector and its contract fake, while the
 * fake loses answers after creating posts, hangs after creating one, fails with 500 and 503, answers 429 with X's
 * rounded-down reset header. One post
 * is a thread whose second part's answer is lost: the chain resumes without reposting. Counted ON THE FAKE: every
 * post exactly once, none lost. A pasted token (`accessToken`). The expired, revoked and reconnected token through
 * this publisher: x-publisher-tokens.db-int-spec.ts.
 */
describe('x through the real publisher and a SQLite database, with faults', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-01T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: XApiFake;

  beforeAll(async () => {
    fake = await new XApiFake().start();
    const { accessToken } = fake.grant(X_SCOPES);
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
      xch:
        connector: x
        options:
          apiUrl: "${fake.baseUrl}"
          authorizeUrl: "${fake.authorizeUrl}"
          accessToken: "${accessToken}"
          userId: "${fake.userId}"
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
      ws.write(
        `x-${i}.md`,
        post(
          'title: Post\ncampaign: launch\npublish: 2026-12-01 09:04',
          `X post ${i} (exactly once) & more.`,
        ),
      );
    }
    ws.write(
      'x-thread.md',
      post(
        'title: Thread\ncampaign: launch\npublish: 2026-12-01 09:05\noverrides:\n  xch:\n    extra: { thread: true }',
        THREAD_TEXT,
      ),
    );
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await driver.stop();
    await fake.stop();
    await database.dispose();
  });

  it('publishes every post exactly once through lost answers, hangs, 500, 503 and 429', async () => {
    const reset = new Date(Date.parse('2026-12-01T09:08:00.700Z'));
    // The thread's second part: created, its answer lost (the first POST after part 1 exists is part 2, sent in the
    // same publish call).
    fake.inject(
      { kind: 'lose-answer' },
      (method, path) =>
        method === 'POST' &&
        path === '/2/tweets' &&
        fake.posts().some((t) => t.text.startsWith('Thread part 1')),
    );
    fake.inject({ kind: 'lose-answer' });
    fake.inject({ kind: 'hang-after-create' });
    fake.inject({ kind: 'status', status: 500 });
    fake.inject({ kind: 'lose-answer' });
    fake.inject({ kind: 'status', status: 503 });
    fake.inject({ kind: 'rate-limited', resetAt: reset });
    fake.inject({ kind: 'lose-answer' });
    const variants = () => dataSource.getRepository(PostVariantEntity).find();
    let rateLimitedUntil: Date | undefined;
    clock = new Date('2026-12-01T09:04:01Z');
    for (let round = 0; round < 60; round++) {
      await driver.runAt(clock);
      const rows = await variants();
      if (rows.every((row) => row.state === 'published')) {
        break;
      }
      const waiting = rows
        .filter((row) => row.state !== 'published' && row.scheduledAt)
        .map((row) => row.scheduledAt!.getTime());
      if (fake.counts.rateLimited > 0 && !rateLimitedUntil) {
        rateLimitedUntil = new Date(Math.max(...waiting));
      }
      clock = new Date(Math.max(clock.getTime() + 1_000, Math.min(...waiting)));
    }

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    // Duplicates and losses, counted on the fake: each text once, the thread's three parts once each, chained.
    const counts = Array.from({ length: POSTS }, (_, i) =>
      fake.postsWithText(`X post ${i} (exactly once) & more.`),
    );
    expect(counts).toEqual(Array(POSTS).fill(1));
    const parts = fake.posts().filter((tweet) => tweet.text.startsWith('Thread part'));
    expect(parts.map((tweet) => tweet.text.slice(0, 13))).toEqual([
      'Thread part 1',
      'Thread part 2',
      'Thread part 3',
    ]);
    expect(parts[1].replyTo).toBe(parts[0].id);
    expect(parts[2].replyTo).toBe(parts[1].id);
    expect(fake.posts()).toHaveLength(POSTS + 3);
    expect(new Set(rows.map((row) => row.remoteId)).size).toBe(POSTS + 1);
    expect(fake.counts.duplicateRefusals).toBe(0);
    expect(fake.pendingFaults()).toBe(0);
    expect(fake.contractViolations).toEqual([]);
    // The 429: nothing was sent again before X's reset (rounded down to the second, so the second after it).
    expect(rateLimitedUntil?.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-01T09:08:01.000Z'));
  });
});
