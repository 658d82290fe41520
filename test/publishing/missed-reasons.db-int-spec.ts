import type { DataSource } from 'typeorm';
import { PostEntity } from '../../src/content/post.entity';
import { post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createPublisherFixture, type PublisherFixture } from './publisher-fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
publishing: { missedGrace: 15m, reclaimAfter: 2m }
brands:
  acme:
    name: Acme
    timezone: Europe/Paris
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      healthy: { connector: sandbox, options: { handle: healthy } }
      locked: { connector: sandbox, options: { handle: locked, faults: { mode: auth, times: 1 } } }
      budgeted: { connector: sandbox, options: { handle: budgeted }, publishing: { concurrency: 1, perMinute: 1 } }
`;

/**
 * Issue 12 item 4: a missed variant's reason says what happened (no worker running, none reaching it in time,
 * a channel waiting for reconnect, a worker that stopped holding it, a rate-budget wait), in the brand's zone.
 */
describe('missed reasons (real database, sandbox connector, driven clock)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: PublisherFixture;

  const file = (name: string, channel: string, day: string) =>
    fixture.ws.write(
      name,
      post(`title: ${name}\ncampaign: launch\nchannels: [${channel}]\npublish: 2026-12-${day} 09:00`),
    );
  const reasonOf = async (name: string, channel: string) => {
    const variant = await fixture.variantOf(name, channel);
    expect(variant.state).toBe('missed');
    return variant.lastError;
  };
  /** One publish round at `at`: claim what is due, send it. */
  const round = async (publisher: ReturnType<PublisherFixture['newPublisher']>, at: string) => {
    const now = new Date(at);
    fixture.clock.now = now;
    for (const item of await publisher.due(now, 100)) {
      await publisher.publish(item, now);
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    fixture = await createPublisherFixture(dataSource, CONFIG);
    file('not-running.md', 'healthy', '01');
    file('not-claimed.md', 'healthy', '02');
    file('reconnect.md', 'locked', '03');
    file('stopped.md', 'healthy', '04');
    file('budget-a.md', 'budgeted', '05');
    file('budget-b.md', 'budgeted', '05');
    await fixture.services.planSync.syncBrand(fixture.ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('says Metronome was not publishing when the worker started after the post was due', async () => {
    const publisher = fixture.newPublisher();
    await round(publisher, '2026-12-01T10:00:00Z'); // 11:00 CET, two hours after 09:00 CET

    expect(await reasonOf('not-running.md', 'healthy')).toBe(
      'was due 2026-12-01 09:00 CET and no attempt was made within the 15m grace: Metronome was not publishing then ' +
        '(this worker started at 2026-12-01 11:00 CET): publish it again by editing its time',
    );
    const row = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'not-running.md' });
    expect(row.stateReason).toContain('Metronome was not publishing then');
  });

  it('says no worker claimed it in time when a worker was running at its time', async () => {
    const publisher = fixture.newPublisher();
    await round(publisher, '2026-12-02T07:00:00Z');
    await round(publisher, '2026-12-02T09:00:00Z'); // 10:00 CET

    expect(await reasonOf('not-claimed.md', 'healthy')).toBe(
      'was due 2026-12-02 09:00 CET and no attempt was made within the 15m grace: no worker claimed it in time ' +
        '(workers were stopped, or busy with earlier posts): publish it again by editing its time',
    );
  });

  it('says the channel was waiting to be reconnected, and since when', async () => {
    const publisher = fixture.newPublisher();
    await round(publisher, '2026-12-03T08:00:30Z'); // 09:00:30 CET: the credentials are refused
    expect(await fixture.variantOf('reconnect.md', 'locked')).toMatchObject({
      state: 'scheduled',
      attempts: 0,
    });
    await fixture.credentials.reconnect('acme', 'locked', 'maya', new Date('2026-12-03T11:00:00Z'));
    await round(publisher, '2026-12-03T11:00:05Z');

    expect(await reasonOf('reconnect.md', 'locked')).toBe(
      'was due 2026-12-03 09:00 CET and no attempt was made within the 15m grace: acme/locked was waiting to be ' +
        'reconnected since 2026-12-03 09:00 CET (its credentials were refused): publish it again by editing its time',
    );
  });

  it('says the worker holding it stopped before sending it', async () => {
    const dead = fixture.newPublisher();
    const claimedAt = new Date('2026-12-04T07:59:58Z');
    fixture.clock.now = claimedAt;
    const ahead = (await dead.due(new Date(claimedAt.getTime() + 5000), 100)).filter(
      (item) => item.variant.scheduledAt?.toISOString() === '2026-12-04T08:00:00.000Z',
    );
    expect(await dead.claimAhead(ahead, claimedAt)).toHaveLength(1);
    // That worker dies; another reconciles its claim, then nothing runs for an hour.
    const survivor = fixture.newPublisher();
    fixture.clock.now = new Date('2026-12-04T08:03:00Z');
    expect(await survivor.reconcileStale(fixture.clock.now)).toBe(1);
    await round(survivor, '2026-12-04T09:00:00Z');

    expect(await reasonOf('stopped.md', 'healthy')).toBe(
      'was due 2026-12-04 09:03 CET and no attempt was made within the 15m grace: the worker that had claimed it ' +
        'stopped before sending it (found abandoned at 2026-12-04 09:03 CET), and no worker took it up again in time: publish it again by editing its time',
    );
  });

  it('says a rate-budget wait moved its time', async () => {
    const publisher = fixture.newPublisher();
    await round(publisher, '2026-12-05T08:00:01Z');
    const waiting = [
      await fixture.variantOf('budget-a.md', 'budgeted'),
      await fixture.variantOf('budget-b.md', 'budgeted'),
    ].filter((variant) => variant.state === 'scheduled');
    expect(waiting).toHaveLength(1);
    await round(publisher, '2026-12-05T10:00:00Z');

    const name =
      waiting[0].postId === (await fixture.variantOf('budget-a.md', 'budgeted')).postId
        ? 'budget-a.md'
        : 'budget-b.md';
    expect(await reasonOf(name, 'budgeted')).toMatch(
      /^was due 2026-12-05 09:01 CET and no attempt was made within the 15m grace: no worker claimed it in time .*; its time had moved from 2026-12-05 09:00 CET while it waited for the channel's rate budget: publish it again by editing its time$/,
    );
  });
});
