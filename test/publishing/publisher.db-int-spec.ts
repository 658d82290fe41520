import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices, type ContentServices } from '../../src/content/content-services';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { ChannelEntity } from '../../src/persistence/entities/channel.entity';
import { PostVariantEntity } from '../../src/persistence/entities/post-variant.entity';
import { PostEntity } from '../../src/persistence/entities/post.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { ConnectorInstances } from '../../src/publishing/connector-instances';
import { VariantPublisher } from '../../src/publishing/variant-publisher.service';
import { VariantStateService } from '../../src/publishing/variant-state.service';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

const CONFIG = `
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
      healthy: { connector: sandbox, options: { handle: healthy } }
      limited: { connector: sandbox, options: { handle: limited, faults: { mode: rate-limit, times: 1, retryAfterSeconds: 60 } } }
      broken: { connector: sandbox, options: { handle: broken, faults: { mode: server-error, times: 0 } } }
      locked: { connector: sandbox, options: { handle: locked, faults: { mode: auth, times: 0 } } }
      lossy: { connector: sandbox, options: { handle: lossy, faults: { mode: timeout-after-send, times: 1 } } }
`;

describe('publishing (sandbox connector with injected faults, real database)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let services: ContentServices;
  let publisher: VariantPublisher;
  let clock = new Date('2026-12-01T08:00:00Z');
  const T = new Date('2026-12-01T09:00:00Z');

  const variantOn = async (channel: string, postId: string) => {
    const row = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key: channel });
    return dataSource.getRepository(PostVariantEntity).findOneByOrFail({ channelId: row.id, postId });
  };
  const postsOnNetwork = async (handle: string) =>
    (await new PluginStateRepository(dataSource).list('sandbox', `acme/${handle}`, 'post:')).length;
  const runAt = async (at: Date) => {
    clock = at;
    for (const due of await publisher.due(at, 100)) {
      await publisher.publish(due, at);
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG);
    services = createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const connectors = new ConnectorInstances(
      config,
      new PluginContextFactory(new PluginStateRepository(dataSource)),
    );
    connectors.useClock({ now: () => clock });
    publisher = new VariantPublisher(
      dataSource,
      config,
      connectors,
      new VariantStateService(new AuditRepository(dataSource)),
      services.states,
      services.events,
    );
    ws.write('launch.md', post('title: Launch\ncampaign: launch\npublish: 2026-12-01 09:00'));
    ws.write(
      'late.md',
      post(
        'title: Was due during an outage\ncampaign: launch\nchannels: [healthy]\npublish: 2026-12-01 07:00',
      ),
    );
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('publishes nothing before it is due', async () => {
    expect((await publisher.due(new Date('2026-12-01T06:59:00Z'), 100)).length).toBe(0);
  });

  it('publishes each channel independently and handles each platform fault as it should', async () => {
    const launch = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'launch.md' });
    expect(launch.state).toBe('scheduled'); // no approval chain: approved and scheduled at import
    await runAt(new Date(T.getTime() + 2_000));

    const healthy = await variantOn('healthy', launch.id);
    expect(healthy).toMatchObject({ state: 'published', attempts: 1, lastError: null });
    expect(healthy.remoteUrl).toMatch(/^https:\/\/sandbox\.invalid\/healthy\//);

    // Timed out after sending: reconciled by lookup, not sent twice.
    expect(await variantOn('lossy', launch.id)).toMatchObject({ state: 'published', attempts: 1 });
    expect(await postsOnNetwork('lossy')).toBe(1);

    // 401: the channel needs a person, the variant is failed with words to act on.
    expect(await variantOn('locked', launch.id)).toMatchObject({ state: 'failed' });
    expect((await variantOn('locked', launch.id)).lastError).toMatch(
      /refused the credentials of acme\/locked .* reconnect the channel/,
    );
    expect(await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key: 'locked' })).toMatchObject({
      status: 'needs_reconnect',
    });

    // 429: back to scheduled at the platform's retry time.
    const limited = await variantOn('limited', launch.id);
    expect(limited).toMatchObject({ state: 'scheduled', attempts: 1 });
    expect(limited.scheduledAt?.toISOString()).toBe('2026-12-01T09:01:02.000Z');
    expect(await postsOnNetwork('limited')).toBe(0);

    await runAt(new Date('2026-12-01T09:01:03Z'));
    expect(await variantOn('limited', launch.id)).toMatchObject({ state: 'published', attempts: 2 });

    // 503 every time: retried with backoff, then failed after the last attempt.
    for (let i = 0; i < 6; i++) {
      await runAt(new Date(clock.getTime() + 60 * 60_000));
    }
    const broken = await variantOn('broken', launch.id);
    expect(broken).toMatchObject({ state: 'failed', attempts: 5 });
    expect(broken.lastError).toBe('gave up after 5 attempts: sandbox: 503 Service Unavailable');

    const settled = await dataSource.getRepository(PostEntity).findOneByOrFail({ id: launch.id });
    expect(settled.state).toBe('failed');
    expect(settled.stateReason).toContain('failed: gave up after 5 attempts');
    expect(await postsOnNetwork('healthy')).toBe(1);
  });

  it('marks a post due during downtime, beyond the grace window, as missed', async () => {
    const late = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'late.md' });
    expect(late.state).toBe('missed');
    expect(late.stateReason).toMatch(/was due 2026-12-01T07:00:00.000Z, more than 15m ago/);
  });

  it('lets exactly one of two racing workers publish a variant', async () => {
    ws.write(
      'race.md',
      post('title: Race\ncampaign: launch\nchannels: [healthy]\npublish: 2026-12-02 09:00'),
    );
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    const at = new Date('2026-12-02T09:00:01Z');
    clock = at;
    const [first] = await publisher.due(at, 10);
    const [second] = await publisher.due(at, 10);
    const outcomes = await Promise.all([publisher.publish(first, at), publisher.publish(second, at)]);
    expect(outcomes.sort()).toEqual(['lost-race', 'published']);
    expect(await postsOnNetwork('healthy')).toBe(2);
  });
});
