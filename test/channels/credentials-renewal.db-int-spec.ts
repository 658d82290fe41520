import type { DataSource } from 'typeorm';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createPublisherFixture, type PublisherFixture } from '../publishing/publisher-fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      renewing: { connector: sandbox, options: { handle: renewing, faults: { mode: auth, times: 1, refresh: renews } } }
      expired: { connector: sandbox, options: { handle: expired, faults: { mode: auth, times: 0, refresh: renews } } }
      revoked: { connector: sandbox, options: { handle: revoked, faults: { mode: auth, times: 0, refresh: throws } } }
`;

/** SDK 2 `refreshCredentials`: a publish refused for its credentials renews them once before anyone must reconnect. */
describe('refused credentials are renewed once by the connector (publishing, real database, sandbox)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: PublisherFixture;

  const round = async (at: string) => {
    const publisher = fixture.newPublisher();
    const now = new Date(at);
    fixture.clock.now = now;
    for (const item of await publisher.due(now, 100)) {
      await publisher.publish(item, now);
    }
  };
  const refreshes = (key: string) =>
    new PluginStateRepository(dataSource).get('sandbox', `acme/${key}`, 'credentials:refreshes');
  const status = async (key: string) =>
    (await dataSource.getRepository(ChannelEntity).findOneByOrFail({ brandId: 'acme', key })).status;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    fixture = await createPublisherFixture(dataSource, CONFIG);
    fixture.ws.write(
      'launch.md',
      post(
        'title: Launch\ncampaign: launch\nchannels: [renewing, expired, revoked]\npublish: 2026-12-01 09:00',
      ),
    );
    await fixture.services.planSync.syncBrand(fixture.ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    await round('2026-12-01T09:00:00Z');
    await round('2026-12-01T09:00:01Z');
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('renewed: sent again at once with the renewed credentials, the refusal not counted as an attempt', async () => {
    expect(await fixture.variantOf('launch.md', 'renewing')).toMatchObject({
      state: 'published',
      attempts: 1,
    });
    expect(await refreshes('renewing')).toBe(1);
    expect(await status('renewing')).toBe('active');
  });

  it('renewed, then refused again: no second renewal, the channel waits for a reconnect saying so', async () => {
    const variant = await fixture.variantOf('launch.md', 'expired');
    expect(variant).toMatchObject({ state: 'scheduled', attempts: 0 });
    expect(variant.lastError).toContain(
      'sandbox refused its credentials (sandbox: 401 invalid token (the credentials the connector renewed moments ago were refused too))',
    );
    expect(await refreshes('expired')).toBe(1);
    expect(await status('expired')).toBe('needs_reconnect');
  });

  it('a renewal that fails: the channel waits for a reconnect with the reason', async () => {
    expect((await fixture.variantOf('launch.md', 'revoked')).lastError).toContain(
      '(sandbox: 401 invalid token (renewing them failed: sandbox: token endpoint unreachable))',
    );
    expect(await refreshes('revoked')).toBe(1);
    expect(await status('revoked')).toBe('needs_reconnect');
  });
});
