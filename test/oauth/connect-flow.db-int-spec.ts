import { StandardSchemaValidationPipe, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { ChannelCredentials, CHANNEL_CREDENTIALS_RULE } from '../../src/channels/channel-credentials';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ConfigService } from '../../src/config/config.service';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { ConnectFlowError, describeConnection, runConnectFlow } from '../../src/oauth/connect-flow';
import { OAuthAuthorizationRepository } from '../../src/oauth/oauth-authorization.repository';
import { OAuthCallbackController } from '../../src/oauth/oauth-callback.controller';
import { OAuthConnectService } from '../../src/oauth/oauth-connect.service';
import { OAuthProviders } from '../../src/oauth/oauth-providers';
import { OAuthRefresher } from '../../src/oauth/oauth-refresher';
import { CREDENTIALS_EXPIRY_RULE, TokenRenewalJob } from '../../src/oauth/token-renewal.job';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { incidentService } from '../escalations/incident-service.fixture';
import { MemoryCredentialStore } from '../fakes/memory-credential-store';
import { OAuth2ServerFake } from '../fakes/oauth2-server.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

const PLUGIN = resolve(__dirname, '../fixtures/oauth-connector');

function config(fake: OAuth2ServerFake): string {
  return `
organisation: { name: Test }
people: { maya: { name: Maya } }
plugins: [{ path: oauth-connector }]
brands:
  acme:
    name: Acme
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      example:
        connector: oauth-test
        options:
          authorizationUrl: ${fake.authorizationUrl}
          tokenUrl: ${fake.tokenUrl}
          clientId: app-1
          clientSecret: s3cret
      social: { connector: sandbox, options: { handle: acme-social } }
`;
}

/** The OAuth flow on a real SQLite database, against the RFC 6749/7636 fake, with the store in memory (fake). */
describe('connecting a channel with OAuth 2 + PKCE, and renewing its tokens', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: OAuth2ServerFake;
  let store: MemoryCredentialStore;
  let connect: OAuthConnectService;
  let providers: OAuthProviders;
  let authorizations: OAuthAuthorizationRepository;
  let refresher: OAuthRefresher;
  let credentials: ChannelCredentials;
  let job: TokenRenewalJob;
  let api: INestApplication;
  let apiUrl: string;
  let now = new Date();
  let channelId: string;

  const channel = () => dataSource.getRepository(ChannelEntity).findOneByOrFail({ id: channelId });
  const incidents = (rule: string) => dataSource.getRepository(IncidentEntity).findBy({ rule });
  const printed: string[] = [];

  /** Runs `channels connect --loopback` in-process and plays the person: opens the printed link, lets the fake consent. */
  async function connectWithBrowser(
    publicUrl?: string,
  ): Promise<{ flow: ReturnType<typeof runConnectFlow>; page: Response }> {
    printed.length = 0;
    const { config } = ws.loaded;
    const loaded = publicUrl
      ? { ...ws.loaded, config: { ...config, organisation: { ...config.organisation, publicUrl } } }
      : ws.loaded;
    const flow = runConnectFlow(
      {
        connect,
        providers,
        authorizations,
        store,
        config: new ConfigService(loaded, join(ws.dir, 'metronome.yaml')),
      },
      {
        brandId: 'acme',
        key: 'example',
        as: 'maya',
        loopback: !publicUrl,
        timeoutMs: 10_000,
        pollMs: 25,
        print: (line) => printed.push(line),
      },
    );
    flow.catch(() => undefined);
    let link: string | undefined;
    for (let i = 0; i < 100 && !link; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      link = printed.join('\n').match(/http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+/)?.[0];
    }
    const consent = await fetch(link!, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const page = await fetch(consent.headers.get('location')!);
    return { flow, page };
  }

  beforeAll(async () => {
    fake = await new OAuth2ServerFake({
      clientId: 'app-1',
      clientSecret: 's3cret',
      allowLoopback: true,
      requirePkce: true,
      accessTokenSeconds: 3600,
      now: () => now,
    }).start();
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    // Plugins must sit inside the config folder: the fixture is copied there.
    ws = await createContentWorkspace(dataSource, config(fake), (dir) =>
      cpSync(PLUGIN, join(dir, 'oauth-connector'), { recursive: true }),
    );
    const clock = new ReadingClock(() => now);
    const configService = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const channels = new ChannelRepository(new TransactionContext(dataSource));
    const incidentsService = incidentService(dataSource);
    credentials = new ChannelCredentials(
      channels,
      new AuditRepository(dataSource),
      configService,
      incidentsService,
    );
    store = new MemoryCredentialStore();
    providers = new OAuthProviders(configService, channels, clock);
    authorizations = new OAuthAuthorizationRepository(new TransactionContext(dataSource));
    connect = new OAuthConnectService(
      providers,
      authorizations,
      store,
      channels,
      credentials,
      clock,
      incidentsService,
    );
    refresher = new OAuthRefresher(store, providers, credentials, clock);
    refresher.timing = { leaseMs: 5_000, pollMs: 20 };
    job = new TokenRenewalJob(store, refresher, providers, channels, configService, clock, incidentsService);
    channelId = (await channels.byKey('acme', 'example'))!.id;

    const module = await Test.createTestingModule({
      controllers: [OAuthCallbackController],
      providers: [{ provide: OAuthConnectService, useValue: connect }],
    }).compile();
    api = module.createNestApplication({ logger: false });
    api.useGlobalPipes(new StandardSchemaValidationPipe());
    await api.listen(0, '127.0.0.1');
    apiUrl = await api.getUrl();
  });

  afterAll(async () => {
    await api?.close();
    await fake?.stop();
    await database?.dispose();
  });

  it('connects through the loopback redirect: PKCE code exchange at the fake, tokens saved, the account printed, no token', async () => {
    const versionBefore = (await channel()).credentialsVersion;
    const { flow, page } = await connectWithBrowser();
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Connected acme/example');
    const result = await flow;

    const held = await store.read(channelId);
    expect(held).toMatchObject({ connectedBy: 'maya', account: { id: 'urn:example:member:42' }, version: 1 });
    expect(fake.accepts(held!.accessToken)).toBe(true);
    expect(held!.expiresAt).toEqual(new Date(now.getTime() + 3600_000));
    expect(fake.tokenRequests).toEqual({ authorization_code: 1 });
    const line = describeConnection(result);
    expect(line).toContain('urn:example:member:42');
    expect(line).not.toContain(held!.accessToken);
    expect(line).not.toContain(held!.refreshToken!);
    expect(printed.join('\n')).not.toContain(held!.accessToken);
    expect((await channel()).credentialsVersion).toBe(versionBefore + 1);
  });

  it("connects through the server's /oauth/callback under publicUrl, the CLI seeing it complete in the database", async () => {
    const before = (await store.read(channelId))!.version;
    const { flow, page } = await connectWithBrowser(`${apiUrl}/`);
    expect(printed.join('\n')).toContain(`${apiUrl}/oauth/callback`);
    expect(page.url.startsWith(`${apiUrl}/oauth/callback?`)).toBe(true);
    expect(page.status).toBe(200);
    const result = await flow;
    expect(result.tokens.account).toEqual({ id: 'urn:example:member:42' });
    expect((await store.read(channelId))!.version).toBe(before + 1);
  });

  it('answers 400 with the next step for an unknown state, and refuses a replayed callback', async () => {
    const unknown = await fetch(`${apiUrl}/oauth/callback?state=nope&code=abc`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('metronome channels connect');

    const started = await connect.start('acme', 'example', {
      redirectUri: `${apiUrl}/oauth/callback`,
      requestedBy: 'maya',
    });
    const consent = await fetch(started.url, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    const first = await fetch(callback);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/text\/html/);
    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
    // The second exchange never reached the platform.
    expect(fake.tokenRequests.authorization_code).toBe(3);
  });

  it("shows the platform's refusal with the fix, escaped, and the CLI fails with it", async () => {
    fake.denyNext('access_denied', 'The user <b>declined</b>');
    const { flow, page } = await connectWithBrowser();
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('access_denied');
    expect(html).toContain('&#60;b&#62;declined');
    expect(html).not.toContain('<b>');
    await expect(flow).rejects.toThrow(ConnectFlowError);
    await expect(flow).rejects.toThrow(
      /declined at Example; run `metronome channels connect acme\/example` again/,
    );
  });

  it('says why when the tokens cannot be stored (no secret key), in the page and the CLI, instead of waiting', async () => {
    const save = jest
      .spyOn(store, 'save')
      .mockRejectedValueOnce(new Error('METRONOME_SECRET_KEY is not set: set it in the environment'));
    const { flow, page } = await connectWithBrowser();
    save.mockRestore();
    expect(page.status).toBe(500);
    expect(await page.text()).toContain('METRONOME_SECRET_KEY is not set');
    await expect(flow).rejects.toThrow(/could not be stored: METRONOME_SECRET_KEY is not set/);
  });

  it('refuses a channel whose connector has no oauth, naming static credentials', async () => {
    await expect(
      runConnectFlow(
        {
          connect,
          providers,
          authorizations,
          store,
          config: new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml')),
        },
        {
          brandId: 'acme',
          key: 'social',
          as: 'maya',
          loopback: true,
          timeoutMs: 1000,
          print: () => undefined,
        },
      ),
    ).rejects.toThrow(/does not connect accounts with OAuth; its static credentials/);
  });

  it('refreshes once for two concurrent callers (two processes), rotating the refresh token', async () => {
    const before = (await store.read(channelId))!;
    const other = new OAuthRefresher(store, providers, credentials, new ReadingClock(() => now));
    other.timing = { leaseMs: 5_000, pollMs: 20 };
    fake.tokenDelayMs = 200;
    const requestsBefore = fake.tokenRequests.refresh_token ?? 0;
    const answers = await Promise.all([
      refresher.refresh(channelId, 'test'),
      other.refresh(channelId, 'test'),
    ]);
    fake.tokenDelayMs = 0;
    expect(answers).toEqual([true, true]);
    expect((fake.tokenRequests.refresh_token ?? 0) - requestsBefore).toBe(1);
    const after = (await store.read(channelId))!;
    expect(after.version).toBe(before.version + 1);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(fake.accepts(after.accessToken)).toBe(true);
    expect(after.account).toEqual(before.account);
  });

  it('answers false on a platform outage and leaves the channel active', async () => {
    fake.failNextTokenRequests(503);
    expect(await refresher.refresh(channelId, 'test')).toBe(false);
    expect((await channel()).status).toBe('active');
  });

  it('renews tokens within 10 minutes of their end on the scheduled round, and not earlier', async () => {
    const held = (await store.read(channelId))!;
    now = new Date(held.expiresAt!.getTime() - 20 * 60_000);
    expect((await job.run(now)).renewed).toEqual([]);
    now = new Date(held.expiresAt!.getTime() - 5 * 60_000);
    expect((await job.run(now)).renewed).toEqual([channelId]);
    expect((await store.read(channelId))!.expiresAt!.getTime()).toBe(now.getTime() + 3600_000);
  });

  it('moves the channel to needs_reconnect with one incident when the grant is revoked; connecting again clears it', async () => {
    fake.revokeAll();
    expect(await refresher.refresh(channelId, 'test')).toBe(false);
    expect(await refresher.refresh(channelId, 'test')).toBe(false);
    expect((await channel()).status).toBe('needs_reconnect');
    const open = await incidents(CHANNEL_CREDENTIALS_RULE);
    expect(open).toHaveLength(1);
    expect(JSON.stringify(open[0].details)).toContain('invalid_grant');
    expect(JSON.stringify(open[0].details)).toContain('metronome channels connect acme/example');
    // The scheduled round does not ask the platform again for a channel waiting for a reconnect.
    const refreshes = fake.tokenRequests.refresh_token;
    const expiresAt = (await store.read(channelId))!.expiresAt!;
    expect((await job.run(new Date(expiresAt.getTime() - 60_000))).renewed).toEqual([]);
    expect(fake.tokenRequests.refresh_token).toBe(refreshes);

    const { flow, page } = await connectWithBrowser();
    expect(page.status).toBe(200);
    await flow;
    expect((await channel()).status).toBe('active');
    expect((await incidents(CHANNEL_CREDENTIALS_RULE)).map((incident) => incident.state)).toEqual([
      'resolved',
    ]);
  });

  it('warns the brand owner once, 7 days ahead, about tokens that cannot be renewed; connecting again resolves it', async () => {
    await store.save(
      channelId,
      { accessToken: 'fixed-token', expiresAt: new Date(now.getTime() + 6 * 24 * 3600_000) },
      { actor: 'maya', at: now },
    );
    expect((await job.run(now)).warned).toEqual([channelId]);
    expect((await job.run(now)).warned).toEqual([]);
    const warnings = await incidents(CREDENTIALS_EXPIRY_RULE);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].title).toContain('expires on');
    expect(JSON.stringify(warnings[0].details)).toContain('metronome channels connect acme/example');

    const { flow } = await connectWithBrowser();
    await flow;
    expect((await incidents(CREDENTIALS_EXPIRY_RULE)).map((incident) => incident.state)).toEqual([
      'resolved',
    ]);
  });
});
