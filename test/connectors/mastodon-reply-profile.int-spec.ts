import type { DataSource } from 'typeorm';
import mastodon from '../../plugins/mastodon';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import {
  OutcomeUnknownError,
  PermanentError,
  type InboxItemRef,
  type OneStepConnector,
  type PluginClock,
  type PluginContext,
} from '../../src/plugin-sdk';
import { ProfileCheckRepository } from '../../src/profiles/profile-check.repository';
import { ProfileChecker } from '../../src/profiles/profile-checker.service';
import { ProfileEnforcer } from '../../src/profiles/profile-enforcer';
import { createContentWorkspace } from '../content/content-workspace';
import { MastodonApiFake } from '../fakes/mastodon-api.fake';
import { channelServices } from '../metrics/metrics-test-kit';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** Every request of the connector gives up after this long here, so "no answer" tests stay fast. */
const REQUEST_TIMEOUT_MS = 750;
const START = new Date('2026-12-02T09:15:00.000Z');

const clock: PluginClock = { now: () => START };

describe('Mastodon connector: reply and updateProfile (against MastodonApiFake)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let factory: PluginContextFactory;
  let fake: MastodonApiFake;
  let scopes = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    factory = new PluginContextFactory(new PluginStateRepository(dataSource));
  });

  afterAll(async () => {
    await db.dispose();
  });

  beforeEach(async () => {
    fake = await new MastodonApiFake({ now: () => clock.now(), mediaPollsUntilReady: 0 }).start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  async function connect(): Promise<OneStepConnector> {
    const validated = await mastodon.options!['~standard'].validate({
      instance: fake.baseUrl,
      accessToken: fake.token,
    });
    if (validated.issues) {
      throw new Error(`options refused: ${JSON.stringify(validated.issues)}`);
    }
    const real = factory.create('mastodon', `acme/reply-${scopes++}`, clock);
    const context: PluginContext = {
      ...real,
      http: {
        request: (url, init = {}) =>
          real.http.request(url, {
            ...init,
            timeoutMs: Math.min(init.timeoutMs ?? 15_000, REQUEST_TIMEOUT_MS),
          }),
      },
    };
    return (await mastodon.create(context, validated.value)) as OneStepConnector;
  }

  /** The inbox item for a mention, as fetchInbox gives it to the core. */
  async function mentionItem(
    connector: OneStepConnector,
    text: string,
    direct = false,
  ): Promise<InboxItemRef> {
    const status = fake.mention('sam@other.example', text, { direct });
    const item = (await connector.fetchInbox!(undefined)).find((i) => i.remoteId === status.id);
    if (!item) {
      throw new Error('the mention did not reach the inbox');
    }
    return item;
  }

  it('declares reply and updateProfile', () => {
    expect(mastodon.capabilities).toMatchObject({ reply: true, updateProfile: true });
  });

  it('replies with in_reply_to_id and the Idempotency-Key, mentioning the author; lookup finds it by the key', async () => {
    const connector = await connect();
    const item = await mentionItem(connector, 'Do you ship to Norway?');
    const result = await connector.reply!(item, { idempotencyKey: 'reply-1', text: 'We do, from January!' });

    const [request] = fake.requestsTo('POST', '/api/v1/statuses');
    expect(request.headers['idempotency-key']).toBe('reply-1');
    const status = fake.statuses.get(result.remoteId)!;
    expect(status).toMatchObject({
      inReplyToId: item.remoteId,
      text: '@sam@other.example We do, from January!',
      visibility: 'public',
    });
    expect(await connector.lookup!('reply-1')).toEqual(result);
  });

  it('answers a direct message directly, and does not mention the author twice', async () => {
    const connector = await connect();
    const item = await mentionItem(connector, 'My order is late', true);
    const result = await connector.reply!(item, {
      idempotencyKey: 'reply-dm',
      text: '@sam@other.example sorry, it ships today',
    });
    expect(fake.statuses.get(result.remoteId)).toMatchObject({
      visibility: 'direct',
      text: '@sam@other.example sorry, it ships today',
    });
  });

  it('a reply whose answer never came is an unknown outcome; lookup finds the one status', async () => {
    const connector = await connect();
    const item = await mentionItem(connector, 'Hello?');
    fake.fail({ kind: 'hang-after-receive' }, { route: 'POST /api/v1/statuses' });
    await expect(
      connector.reply!(item, { idempotencyKey: 'reply-lost', text: 'Hi!' }),
    ).rejects.toBeInstanceOf(OutcomeUnknownError);
    const found = await connector.lookup!('reply-lost');
    const replies = fake.accountStatuses().filter((s) => s.inReplyToId === item.remoteId);
    expect(replies).toHaveLength(1);
    expect(found?.remoteId).toBe(replies[0].id);
  });

  it('updateProfile PATCHes display_name, note and the link fields, keeping fields that are not links', async () => {
    const connector = await connect();
    const snapshot = await connector.updateProfile!({
      displayName: 'Acme Coffee Roasters',
      bio: 'Roasted in Leeds since 2009.',
      links: ['https://shop.acme.example/beans', 'https://acme.example/blog'],
    });
    const [request] = fake.requestsTo('PATCH', '/api/v1/accounts/update_credentials');
    const form = new URLSearchParams(request.body.toString('utf8'));
    expect(Object.fromEntries(form)).toEqual({
      display_name: 'Acme Coffee Roasters',
      note: 'Roasted in Leeds since 2009.',
      'fields_attributes[0][name]': 'Pronouns',
      'fields_attributes[0][value]': 'we/us',
      'fields_attributes[1][name]': 'Shop',
      'fields_attributes[1][value]': 'https://shop.acme.example/beans',
      'fields_attributes[2][name]': 'acme.example',
      'fields_attributes[2][value]': 'https://acme.example/blog',
    });
    expect(snapshot).toEqual({
      displayName: 'Acme Coffee Roasters',
      bio: 'Roasted in Leeds since 2009.',
      links: ['https://shop.acme.example/beans', 'https://acme.example/blog'],
    });
    expect(await connector.getProfile!()).toMatchObject(snapshot);
  });

  it('updateProfile leaves out what is not desired, and a 422 is refused with Mastodon’s words', async () => {
    const connector = await connect();
    await connector.updateProfile!({ bio: 'Only the bio' });
    const [request] = fake.requestsTo('PATCH', '/api/v1/accounts/update_credentials');
    expect([...new URLSearchParams(request.body.toString('utf8')).keys()]).toEqual(['note']);
    expect(fake.account.displayName).toBe('Acme Coffee');

    const refused = connector.updateProfile!({
      displayName: 'A display name far longer than thirty characters',
    });
    await expect(refused).rejects.toBeInstanceOf(PermanentError);
    await expect(refused).rejects.toThrow('Display name is too long (maximum is 30 characters)');
  });
});

describe('profile enforce mode on Mastodon (ProfileChecker, MastodonApiFake, real database)', () => {
  let db: TestDatabase;
  let fake: MastodonApiFake;

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await new MastodonApiFake({ now: () => START }).start();
  });

  afterAll(async () => {
    await fake.stop();
    await db.dispose();
  });

  it('changes the drifted bio and links back with one PATCH, and the next check finds no drift', async () => {
    const dataSource = await db.openMigrated();
    const ws = await createContentWorkspace(
      dataSource,
      `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: Europe/London
    owner: maya
    channels:
      masto:
        connector: mastodon
        options: { instance: "${fake.baseUrl}", accessToken: "${fake.token}" }
        profile:
          displayName: Acme Coffee
          bio: Roasted in Leeds since 2009.
          links: [https://acme.example, https://acme.example/shop]
          mode: enforce
`,
    );
    const services = channelServices(dataSource, ws);
    const checks = new ProfileCheckRepository(new TransactionContext(dataSource));
    const checker = new ProfileChecker(
      checks,
      services.config,
      services.connectors,
      services.events,
      new ProfileEnforcer(checks, new AuditRepository(dataSource)),
    );
    try {
      const [first] = await checker.check(START);
      expect(first).toEqual({ brand: 'acme', channel: 'masto', differences: [] });
      expect(fake.profileUpdates).toBe(1);
      expect(fake.account).toMatchObject({
        displayName: 'Acme Coffee',
        note: 'Roasted in Leeds since 2009.',
        fields: [
          { name: 'Pronouns', value: 'we/us' },
          { name: 'Website', value: 'https://acme.example' },
          { name: 'acme.example', value: 'https://acme.example/shop' },
        ],
      });
      const [second] = await checker.check(new Date(START.getTime() + 7 * 3_600_000));
      expect(second.differences).toEqual([]);
      expect(fake.profileUpdates).toBe(1);
    } finally {
      await services.connectors.reset();
    }
  });
});
