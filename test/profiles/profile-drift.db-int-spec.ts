import type { DataSource } from 'typeorm';
import { incidentService } from '../escalations/incident-service.fixture';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { ProfileCheckEntity } from '../../src/profiles/profile-check.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { ProfileCheckRepository } from '../../src/profiles/profile-check.repository';
import { ProfileChecker } from '../../src/profiles/profile-checker.service';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { GuardRuleRunner } from '../../src/rules/guard-rule.runner';
import { compileCondition } from '../../src/rules/rule-condition.compiler';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { channelServices, writeDownConnectorPlugin, type ChannelServices } from '../metrics/metrics-test-kit';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { guardRuleRunner, ruleFactsBuilder } from '../rules/rule-services.fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
plugins: [{ path: down }]
brands:
  acme:
    name: Acme
    timezone: Europe/London
    owner: maya
    channels:
      social:
        connector: sandbox
        options: { handle: acme }
        profile:
          displayName: Acme Coffee
          bio: Roasted in Leeds since 2009.
          links: [https://acme.example/shop, https://acme.example]
      quiet: { connector: sandbox, options: { handle: quiet } }
      outage:
        connector: down
        profile: { bio: Anything }
`;

describe('profile drift (sandbox connector, real database)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let services: ChannelServices;
  let checker: ProfileChecker;
  let guards: GuardRuleRunner;
  const t0 = new Date('2026-12-01T09:00:00Z');
  const hours = (n: number) => new Date(t0.getTime() + n * 3_600_000);
  const incidents = () =>
    dataSource
      .getRepository(IncidentEntity)
      .find({ where: { rule: 'guard:profile-drift' }, order: { openedAt: 'ASC' } });
  const setLiveProfile = async (profile: Record<string, unknown>) =>
    new PluginStateRepository(dataSource).set('sandbox', 'acme/social', 'profile', profile as never);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG, writeDownConnectorPlugin);
    services = channelServices(dataSource, ws);
    checker = new ProfileChecker(
      new ProfileCheckRepository(new TransactionContext(dataSource)),
      services.config,
      services.connectors,
      services.events,
    );
    guards = guardRuleRunner(dataSource, services.config, incidentService(dataSource));
  });

  afterAll(async () => {
    await services.connectors.reset();
    await database.dispose();
  });

  it('finds what differs, emits profile.drifted with the fields, and the guard opens one incident', async () => {
    await setLiveProfile({
      displayName: 'Acme Coffee',
      bio: 'Roasted in Leeds since 2009. Now shipping to the EU!',
      links: ['https://ACME.example/', 'https://old-shop.example'],
    });
    const results = await checker.check(t0);

    // Channels without a declared profile are not checked; a failing platform is reported, not thrown.
    expect(results.map((r) => r.channel)).toEqual(['social', 'outage']);
    expect(results[0].differences).toEqual([
      {
        field: 'bio',
        expected: 'Roasted in Leeds since 2009.',
        actual: 'Roasted in Leeds since 2009. Now shipping to the EU!',
      },
      {
        field: 'links',
        expected: ['https://acme.example/shop', 'https://acme.example'],
        actual: ['https://ACME.example/', 'https://old-shop.example'],
      },
    ]);
    expect(results[1]).toMatchObject({ differences: [], error: 'down: 503 Service Unavailable' });

    const drifted = services.published.filter((e) => e.type === 'profile.drifted');
    expect(drifted).toHaveLength(1);
    const facts = await ruleFactsBuilder(dataSource).forEvent(drifted[0], ws.loaded.config.brands.acme);
    expect(facts).toMatchObject({
      channel: { id: 'social', connector: 'sandbox' },
      drift: { fields: ['bio', 'links'] },
    });
    const condition = compileCondition('"bio" in drift.fields && channel.id == "social"', 'profile.drifted');
    if (!condition.ok) {
      throw new Error(JSON.stringify(condition));
    }
    const common = await ruleFactsBuilder(dataSource).common('acme', ws.loaded.config.brands.acme, t0);
    expect(condition.evaluate({ ...common, ...facts })).toBe(true);

    expect(await guards.run(t0)).toEqual({ opened: 1, resolved: 0 });
    const [incident] = await incidents();
    expect(incident).toMatchObject({
      state: 'open',
      brandId: 'acme',
      title: 'Profile drift on acme/social: the bio and links differ from the config',
    });
    expect(incident.details).toMatchObject({
      channel: 'social',
      differences: [
        { field: 'bio', expected: '"Roasted in Leeds since 2009."' },
        { field: 'links', actual: '["https://ACME.example/","https://old-shop.example"]' },
      ],
    });
    // The next guard ticks keep the one incident.
    expect(await guards.run(hours(0.5))).toEqual({ opened: 0, resolved: 0 });
  });

  it('checks each channel once per 6 hours, however many schedulers ask', async () => {
    const second = new ProfileChecker(
      new ProfileCheckRepository(new TransactionContext(dataSource)),
      services.config,
      services.connectors,
      services.events,
    );
    expect(await checker.check(hours(1))).toEqual([]);
    const [a, b] = await Promise.all([checker.check(hours(6)), second.check(hours(6))]);
    expect([...a, ...b].map((r) => r.channel).sort()).toEqual(['outage', 'social']);
  });

  it('resolves the incident once the live profile matches again, and says so to rules', async () => {
    await setLiveProfile({
      displayName: 'Acme Coffee',
      bio: 'Roasted in Leeds since 2009.\n',
      links: ['https://acme.example', 'https://acme.example/shop/'],
    });
    const events = services.published.length;
    const [social] = await checker.check(hours(12));
    expect(social).toEqual({ brand: 'acme', channel: 'social', differences: [] });
    const channel = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key: 'social' });
    expect(
      await dataSource.getRepository(ProfileCheckEntity).findOneByOrFail({ channelId: channel.id }),
    ).toMatchObject({
      differences: [],
      error: null,
    });
    // One last profile.drifted without fields, so `when:` conditions on drift clear too.
    const cleared = services.published.slice(events).filter((e) => e.type === 'profile.drifted');
    expect(cleared.map((e) => e.data)).toEqual([{ fields: '' }]);

    expect(await guards.run(hours(12))).toEqual({ opened: 0, resolved: 1 });
    expect((await incidents()).map((i) => i.state)).toEqual(['resolved']);
  });

  it('can be turned off like the other guards', async () => {
    await setLiveProfile({ displayName: 'Someone else', links: [] });
    await checker.check(hours(18));
    ws.loaded.config.guards['profile-drift'] = false;
    try {
      expect(await guards.run(hours(18))).toEqual({ opened: 0, resolved: 0 });
    } finally {
      delete ws.loaded.config.guards['profile-drift'];
    }
    expect(await guards.run(hours(18))).toEqual({ opened: 1, resolved: 0 });
  });
});
