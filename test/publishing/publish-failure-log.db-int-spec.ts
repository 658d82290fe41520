import type { DataSource } from 'typeorm';
import { post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { captureLogs, createPublisherFixture, type PublisherFixture } from './publisher-fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: Europe/Paris
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      refusing: { connector: sandbox, options: { handle: refusing, faults: { mode: permanent, times: 0 } } }
      broken: { connector: sandbox, options: { handle: broken, faults: { mode: server-error, times: 0 } } }
`;

/** Issue 12 item 11: every failed publish attempt is one structured line in the server log. */
describe('publish failures in the server log (real database, sandbox faults, the app pino logger)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: PublisherFixture;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    fixture = await createPublisherFixture(dataSource, CONFIG);
    for (let i = 0; i < 10; i++) {
      fixture.ws.write(
        `refused-${i}.md`,
        post(`title: Refused ${i}\ncampaign: launch\nchannels: [refusing]\npublish: 2026-12-01 10:00`),
      );
    }
    fixture.ws.write(
      'flaky.md',
      post('title: Flaky\ncampaign: launch\nchannels: [broken]\npublish: 2026-12-02 10:00'),
    );
    await fixture.services.planSync.syncBrand(fixture.ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    logs = captureLogs();
  });

  afterAll(async () => {
    logs.restore();
    await database.dispose();
  });

  const failureLines = () => logs.lines().filter((line) => line.event === 'publish.failed');

  it('logs ten refusals as exactly ten lines, each with post, channel, code, message and "gave up"', async () => {
    const publisher = fixture.newPublisher();
    const at = new Date('2026-12-01T09:00:01Z'); // 10:00:01 CET
    for (const item of await publisher.due(at, 100)) {
      expect(await publisher.publish(item, at)).toBe('failed');
    }

    const lines = failureLines();
    expect(lines).toHaveLength(10);
    const posts = new Set<unknown>();
    for (const line of lines) {
      expect(line).toMatchObject({
        level: 40,
        context: 'Publisher',
        brand: 'acme',
        channel: 'refusing',
        connector: 'sandbox',
        attempt: 1,
        code: '422',
        message: 'sandbox: 422 text rejected',
        next: 'gave up',
      });
      expect(line.msg).toMatch(
        /^publish failed: post \S+ to acme\/refusing \(sandbox\), attempt 1, code 422/,
      );
      posts.add(line.postId);
    }
    expect(posts.size).toBe(10);
    // No second line per failure (the old "variant … failed:" warning).
    expect(logs.lines().filter((line) => String(line.msg).includes('refusing'))).toHaveLength(10);
  });

  it('logs each transient failure with its next attempt in the brand zone, then the one that gives up', async () => {
    const before = failureLines().length;
    const publisher = fixture.newPublisher();
    let at = new Date('2026-12-02T09:00:01Z');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const [item] = await publisher.due(at, 10);
      await publisher.publish(item, at);
      const variant = await fixture.variantOf('flaky.md', 'broken');
      const line = failureLines().at(-1)!;
      expect(line).toMatchObject({ channel: 'broken', attempt, code: '503' });
      if (attempt < 5) {
        expect(line.nextAt).toBe(variant.scheduledAt?.toISOString());
        expect(line.next).toMatch(/^2026-12-02 10:\d\d CET$/);
        at = new Date(variant.scheduledAt!.getTime() + 1000);
      } else {
        expect(line.next).toBe('gave up');
        expect(variant.state).toBe('failed');
      }
    }
    expect(failureLines().length - before).toBe(5);
  });
});
