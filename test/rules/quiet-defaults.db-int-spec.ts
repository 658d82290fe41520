import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { incidentService } from '../escalations/incident-service.fixture';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { ProfileCheckRepository } from '../../src/profiles/profile-check.repository';
import { ProfileChecker } from '../../src/profiles/profile-checker.service';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { BRAND_YAML, createContentWorkspace, post } from '../content/content-workspace';
import { channelServices, publishVariant, type ChannelServices } from '../metrics/metrics-test-kit';
import { createTestDatabase } from '../persistence/test-database';
import { guardRuleRunner } from './rule-services.fixture';

const openIncidents = (dataSource: DataSource) =>
  dataSource.getRepository(IncidentEntity).find({ where: { state: 'open' }, order: { openedAt: 'ASC' } });

async function setUp(yaml: string, prepare?: (dir: string) => void) {
  const database = await createTestDatabase();
  const dataSource = await database.openMigrated();
  const ws = await createContentWorkspace(dataSource, yaml, prepare);
  const services = channelServices(dataSource, ws);
  const guards = guardRuleRunner(dataSource, services.config, incidentService(dataSource));
  return { database, dataSource, ws, services, guards };
}

async function publishAll(
  dataSource: DataSource,
  services: ChannelServices,
  brand: string,
  channel: string,
  at: Date,
): Promise<void> {
  for (const variant of await dataSource.getRepository(PostVariantEntity).find()) {
    await publishVariant(dataSource, services.connectors, brand, channel, variant, at);
    // One channel per post here: the post is published with its variant, as the publisher settles it.
    await dataSource.getRepository(PostEntity).update({ id: variant.postId }, { state: 'published' });
  }
}

describe('guard defaults a new user meets: quiet and right', () => {
  describe('channel-quiet', () => {
    let env: Awaited<ReturnType<typeof setUp>>;
    // Monday 7 December 2026, 10:00 in London.
    const monday = new Date('2026-12-07T10:00:00Z');
    const days = (n: number) => new Date(monday.getTime() + n * 86_400_000);

    beforeAll(async () => {
      env = await setUp(`${BRAND_YAML}\nguards: { approval-overdue: false, plan-not-ready: false }\n`);
      env.ws.write('launch.md', post('title: Launch\ncampaign: winter\npublish: 2026-12-07 09:15'));
      await env.ws.sync.syncBrand(env.ws.loaded, 'acme', new Date('2026-12-01T08:00:00Z'));
    });

    afterAll(async () => {
      await env.services.connectors.reset();
      await env.database.dispose();
    });

    it('a channel that just published is not quiet, even with nothing planned after it', async () => {
      await publishAll(env.dataSource, env.services, 'acme', 'social', new Date('2026-12-07T09:15:00Z'));
      expect(await env.guards.run(monday)).toEqual({ opened: 0, resolved: 0 });
      expect(await env.guards.run(days(2))).toEqual({ opened: 0, resolved: 0 });
    });

    it('goes quiet once nothing went out for 3 days and nothing is planned, and names the last post in the brand’s zone', async () => {
      expect(await env.guards.run(days(3.1))).toEqual({ opened: 1, resolved: 0 });
      const [incident] = await openIncidents(env.dataSource);
      expect(incident.rule).toBe('guard:channel-quiet');
      expect(incident.title).toBe(
        'Channel going quiet: nothing published on acme/social since 2026-12-07 09:15 GMT and nothing planned in the next 3 days',
      );
      expect(JSON.stringify(incident.details)).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    });

    it('a post planned within the window ends it', async () => {
      env.ws.write('next.md', post('title: Next one\ncampaign: winter\npublish: 2026-12-11 09:15'));
      await env.ws.sync.syncBrand(env.ws.loaded, 'acme', days(3.2));
      expect(await env.guards.run(days(3.2))).toEqual({ opened: 0, resolved: 1 });
    });
  });

  it('a weekly channel posting every week is never quiet', async () => {
    const weekly = BRAND_YAML.replace(
      'postsPerWeek: 3, windows: ["Mon,Wed,Fri 09:00-10:00"]',
      'postsPerWeek: 1',
    );
    const env = await setUp(`${weekly}\nguards: { approval-overdue: false, plan-not-ready: false }\n`);
    try {
      for (const day of ['2026-12-07', '2026-12-14', '2026-12-21']) {
        env.ws.write(`${day}.md`, post(`title: Week of ${day}\ncampaign: winter\npublish: ${day} 09:00`));
      }
      await env.ws.sync.syncBrand(env.ws.loaded, 'acme', new Date('2026-12-01T08:00:00Z'));
      const variants = await env.dataSource
        .getRepository(PostVariantEntity)
        .find({ order: { scheduledAt: 'ASC' } });
      const posts = await env.dataSource.getRepository(PostEntity).find({ order: { publishAt: 'ASC' } });
      for (let hour = 0; hour < 21 * 24; hour += 6) {
        const now = new Date(Date.parse('2026-12-07T08:00:00Z') + hour * 3_600_000);
        for (const [i, variant] of variants.entries()) {
          const due = posts[i].publishAt!;
          if (due <= now && variant.state !== 'published') {
            await publishVariant(env.dataSource, env.services.connectors, 'acme', 'social', variant, due);
            await env.dataSource
              .getRepository(PostEntity)
              .update({ id: variant.postId }, { state: 'published' });
            variant.state = 'published';
          }
        }
        // The last post (21 December) is the end of the plan: stop before the gap after it.
        if (now < new Date('2026-12-24T00:00:00Z')) {
          expect({ now, ...(await env.guards.run(now)) }).toEqual({ now, opened: 0, resolved: 0 });
        }
      }
    } finally {
      await env.services.connectors.reset();
      await env.database.dispose();
    }
  });

  it('post-without-campaign is off unless asked for: an ad hoc post opens no incident and sends nothing', async () => {
    const env = await setUp(
      `${BRAND_YAML}\nguards: { channel-quiet: false, approval-overdue: false, plan-not-ready: false }\n`,
    );
    try {
      env.ws.write('ad-hoc.md', post('title: Just because\npublish: 2026-12-11 09:15'));
      await env.ws.sync.syncBrand(env.ws.loaded, 'acme', new Date('2026-12-01T08:00:00Z'));
      expect(await env.guards.run(new Date('2026-12-01T09:00:00Z'))).toEqual({ opened: 0, resolved: 0 });
    } finally {
      await env.database.dispose();
    }
    const on = await setUp(
      `${BRAND_YAML}\nguards: { post-without-campaign: { enabled: true }, channel-quiet: false, approval-overdue: false, plan-not-ready: false }\n`,
    );
    try {
      on.ws.write('ad-hoc.md', post('title: Just because\npublish: 2026-12-11 09:15'));
      await on.ws.sync.syncBrand(on.ws.loaded, 'acme', new Date('2026-12-01T08:00:00Z'));
      expect(await on.guards.run(new Date('2026-12-01T09:00:00Z'))).toEqual({ opened: 1, resolved: 0 });
      const [incident] = await openIncidents(on.dataSource);
      expect(incident.title).toBe('Ad hoc content: "Just because" belongs to no campaign');
    } finally {
      await on.database.dispose();
    }
  });

  it('profile drift titles read as sentences: one field differs, several differ', async () => {
    const yaml = BRAND_YAML.replace(
      '        approval: standard\n',
      '        approval: standard\n        profile: { displayName: Acme Coffee, bio: Roasted in Leeds., links: [https://acme.example] }\n',
    );
    const env = await setUp(
      `${yaml}\nguards: { channel-quiet: false, approval-overdue: false, plan-not-ready: false }\n`,
    );
    const checker = new ProfileChecker(
      new ProfileCheckRepository(new TransactionContext(env.dataSource)),
      env.services.config,
      env.services.connectors,
      env.services.events,
    );
    const live = (profile: Record<string, unknown>) =>
      new PluginStateRepository(env.dataSource).set('sandbox', 'acme/social', 'profile', profile as never);
    try {
      const t0 = new Date('2026-12-01T09:00:00Z');
      await live({ displayName: 'Acme Coffee', bio: 'Roasted in York.', links: ['https://acme.example'] });
      await checker.check(t0, { force: true });
      await env.guards.run(t0);
      expect((await openIncidents(env.dataSource)).map((i) => i.title)).toEqual([
        'Profile drift on acme/social: the bio differs from the config',
      ]);
      await live({ displayName: 'acme', bio: 'Roasted in York.', links: [] });
      await checker.check(t0, { force: true });
      // Resolved and reopened with the new finding? No: the same subject stays one incident.
      expect((await openIncidents(env.dataSource)).map((i) => i.title)).toHaveLength(1);
    } finally {
      await env.services.connectors.reset();
      await env.database.dispose();
    }
  });

  it('the demo config starts without a single incident: its profile matches and nothing is noise', async () => {
    const demo = readFileSync('config/metronome.yaml', 'utf8');
    const env = await setUp(demo, (dir) =>
      cpSync('config/content/demo', join(dir, 'content', 'demo'), { recursive: true }),
    );
    const checker = new ProfileChecker(
      new ProfileCheckRepository(new TransactionContext(env.dataSource)),
      env.services.config,
      env.services.connectors,
      env.services.events,
    );
    try {
      const start = new Date('2026-12-07T10:00:00Z');
      await env.ws.sync.syncBrand(env.ws.loaded, 'demo', start);
      const [drift] = await checker.check(start);
      expect(drift).toMatchObject({ brand: 'demo', channel: 'sandbox', differences: [] });
      expect(await env.guards.run(start)).toEqual({ opened: 0, resolved: 0 });
      expect(await openIncidents(env.dataSource)).toEqual([]);
    } finally {
      await env.services.connectors.reset();
      await env.database.dispose();
    }
  });
});
