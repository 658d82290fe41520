import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { loadConfiguration } from '../../src/config/config.loader';
import { formatConfigIssue } from '../../src/config/config-issue';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { ProfileCheckEntity } from '../../src/profiles/profile-check.entity';
import { ProfileCheckRepository } from '../../src/profiles/profile-check.repository';
import { ProfileChecker } from '../../src/profiles/profile-checker.service';
import { ENFORCE_FIRST_WAIT_MS, ProfileEnforcer } from '../../src/profiles/profile-enforcer';
import type { GuardRuleRunner } from '../../src/rules/guard-rule.runner';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { incidentService } from '../escalations/incident-service.fixture';
import { channelServices, writeDownConnectorPlugin, type ChannelServices } from '../metrics/metrics-test-kit';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { guardRuleRunner } from '../rules/rule-services.fixture';

const PROFILE = `
          displayName: Acme Coffee
          bio: Roasted in Leeds since 2009.
          links: [https://acme.example/shop, https://acme.example]
          pinned: https://sandbox.invalid/acme/p1
          mode: enforce`;

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
        profile:${PROFILE}
      stubborn:
        connector: sandbox
        options: { handle: stubborn, faults: { updateProfile: refuse } }
        profile:${PROFILE}
      watched:
        connector: sandbox
        options: { handle: watched }
        profile: { bio: Roasted in Leeds since 2009. }
`;

describe('profile enforce mode (sandbox connector, real database)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let services: ChannelServices;
  let checker: ProfileChecker;
  let guards: GuardRuleRunner;
  const t0 = new Date('2026-12-01T09:00:00Z');
  const hours = (n: number) => new Date(t0.getTime() + n * 3_600_000);
  const state = () => new PluginStateRepository(dataSource);
  const live = (key: string) => state().get('sandbox', `acme/${key}`, 'profile');
  const setLive = (key: string, profile: Record<string, unknown>) =>
    state().set('sandbox', `acme/${key}`, 'profile', profile as never);
  const updates = (key: string) => state().get('sandbox', `acme/${key}`, 'profile:updates');
  const checkRow = async (key: string) => {
    const channel = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ brandId: 'acme', key });
    return dataSource.getRepository(ProfileCheckEntity).findOneByOrFail({ channelId: channel.id });
  };
  const drifted = {
    displayName: 'acme',
    bio: 'Now shipping to the EU!',
    links: ['https://acme.example'],
    pinned: 'https://sandbox.invalid/acme/old',
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG, writeDownConnectorPlugin);
    services = channelServices(dataSource, ws);
    const checks = new ProfileCheckRepository(new TransactionContext(dataSource));
    checker = new ProfileChecker(
      checks,
      services.config,
      services.connectors,
      services.events,
      new ProfileEnforcer(checks, new AuditRepository(dataSource)),
    );
    guards = guardRuleRunner(dataSource, services.config, incidentService(dataSource));
  });

  afterAll(async () => {
    await services.connectors.reset();
    await database.dispose();
  });

  it('changes the drifted display name, bio and links back once, audits it; the pinned post stays report-only', async () => {
    await setLive('social', drifted);
    await setLive('stubborn', drifted);
    await setLive('watched', { displayName: 'w', bio: 'Something else', links: [] });
    const results = await checker.check(t0);

    const social = results.find((r) => r.channel === 'social')!;
    expect(social.differences).toEqual([
      {
        field: 'pinned',
        expected: 'https://sandbox.invalid/acme/p1',
        actual: 'https://sandbox.invalid/acme/old',
      },
    ]);
    expect(await live('social')).toEqual({
      displayName: 'Acme Coffee',
      bio: 'Roasted in Leeds since 2009.',
      links: ['https://acme.example/shop', 'https://acme.example'],
      pinned: 'https://sandbox.invalid/acme/old',
    });
    expect(await updates('social')).toBe(1);
    const [audit] = await dataSource.getRepository(AuditEventEntity).findBy({ action: 'profile.enforced' });
    expect(audit.data).toMatchObject({
      channel: 'acme/social',
      changed: [
        { field: 'displayName', from: 'acme', to: 'Acme Coffee' },
        { field: 'bio', from: 'Now shipping to the EU!' },
        { field: 'links', from: ['https://acme.example'] },
      ],
    });
    // Report mode (the default) only reports.
    expect(results.find((r) => r.channel === 'watched')!.differences).toHaveLength(1);
    expect(await live('watched')).toMatchObject({ bio: 'Something else' });
    expect(await updates('watched')).toBeUndefined();
  });

  it('a refused change is asked once per drift, backs off, and the drift incident names the reason', async () => {
    // Refused by the first check (above), at t0.
    expect(await updates('stubborn')).toBe(1);
    expect(await checkRow('stubborn')).toMatchObject({
      enforceError: 'refused by the platform (422): sandbox: profile change rejected',
      enforceFailures: 1,
      enforceRetryAt: new Date(t0.getTime() + ENFORCE_FIRST_WAIT_MS),
    });
    expect(await guards.run(t0)).toMatchObject({ opened: 3 }); // social's pinned post, stubborn, watched
    const incident = await dataSource.getRepository(IncidentEntity).findOneByOrFail({
      rule: 'guard:profile-drift',
      title:
        'Profile drift on acme/stubborn: the display name, bio, pinned post and links differ from the config',
    });
    expect(incident.details).toMatchObject({
      enforce:
        'the platform refused to change it back: refused by the platform (422): sandbox: profile change rejected',
    });

    // The same drift, checked again before the wait is over: reported, not sent again.
    await checker.check(t0, { force: true });
    await checker.check(hours(5.9), { force: true });
    expect(await updates('stubborn')).toBe(1);
    // After the wait: asked again, refused again, the next wait twice as long.
    await checker.check(hours(6), { force: true });
    expect(await updates('stubborn')).toBe(2);
    expect(await checkRow('stubborn')).toMatchObject({
      enforceFailures: 2,
      enforceRetryAt: new Date(hours(6).getTime() + 2 * ENFORCE_FIRST_WAIT_MS),
    });
    // A different drift is a new one: asked at once.
    await setLive('stubborn', { ...drifted, bio: 'Another edit' });
    await checker.check(hours(7), { force: true });
    expect(await updates('stubborn')).toBe(3);
    expect(await checkRow('stubborn')).toMatchObject({ enforceFailures: 1 });
  });

  it('refuses mode: enforce at load, at the line of the field, on a connector that cannot change profiles', async () => {
    const dir = ws.dir;
    const file = join(dir, 'enforce-down.yaml');
    writeFileSync(
      file,
      CONFIG.replace(
        'channels:\n',
        'channels:\n      outage:\n        connector: down\n        profile:\n          bio: Anything\n          mode: enforce\n',
      ),
    );
    const result = await loadConfiguration(file, { env: {} });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues.map(formatConfigIssue);
    expect(issues).toEqual([
      `${file}:15:17  brands.acme.channels.outage.profile.mode  connector "down" cannot change profiles (no \`updateProfile\` capability): use mode: report, or a connector that can`,
    ]);
  });
});
