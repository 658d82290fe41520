import type { DataSource } from 'typeorm';
import httpPost from '../../plugins/http-post';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type Connector,
  type PublishRequest,
} from '../../src/plugin-sdk';
import { HttpPostEndpointFake } from '../fakes/http-post-endpoint.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

const NOW = new Date('2026-12-02T09:15:00.000Z');
const TOKEN = 'endpoint-token';

const request = (idempotencyKey: string, text = 'Winter blend is back.'): PublishRequest => ({
  idempotencyKey,
  text,
  media: [],
  scheduledAt: NOW,
  extra: { section: 'news' },
});

describe('http-post connector (the worked example of docs/plugins.md) against its contract fake', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let fake: HttpPostEndpointFake;
  let connector: Connector;

  /** The plugin as the host builds it: options through its schema, a real context on the test database. */
  async function connect(options: Record<string, unknown>): Promise<Connector> {
    const validated = await httpPost.options!['~standard'].validate(options);
    if (validated.issues) {
      throw new Error(JSON.stringify(validated.issues));
    }
    const context = new PluginContextFactory(new PluginStateRepository(dataSource)).create(
      'http-post',
      'acme/intranet',
      { now: () => NOW },
    );
    return httpPost.create(context, validated.value);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
  });

  afterAll(async () => {
    await db.dispose();
  });

  beforeEach(async () => {
    fake = await new HttpPostEndpointFake(TOKEN).start();
    connector = await connect({ endpoint: fake.baseUrl, token: TOKEN, timeoutMs: 500 });
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('publishes once per idempotency key, sent as the Idempotency-Key header, and looks the post up by it', async () => {
    const first = await connector.publish!(request('post-1:intranet'));
    const again = await connector.publish!(request('post-1:intranet'));
    const other = await connector.publish!(request('post-2:intranet', 'Brewing on a V60.'));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(fake.posts()).toEqual([
      expect.objectContaining({
        idempotencyKey: 'post-1:intranet',
        text: 'Winter blend is back.',
        extra: { section: 'news' },
      }),
      expect.objectContaining({ idempotencyKey: 'post-2:intranet', text: 'Brewing on a V60.' }),
    ]);
    expect(await connector.lookup!('post-1:intranet')).toEqual(first);
    expect(await connector.lookup!('never-sent')).toBeUndefined();
  });

  it('deletes a post, and deleting it again is not an error', async () => {
    const { remoteId } = (await connector.publish!(request('k'))) as { remoteId: string };
    await connector.delete!(remoteId);
    await connector.delete!(remoteId);
    expect(fake.posts()).toEqual([]);
  });

  it('maps every failure to the SDK error that tells the core what to do', async () => {
    const failure = async () => connector.publish!(request('k')).catch((error: unknown) => error);

    fake.failNext({ status: 429, headers: { 'retry-after': '30' } });
    const limited = await failure();
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAt).toEqual(new Date(NOW.getTime() + 30_000));

    fake.failNext({ status: 403 });
    expect(await failure()).toBeInstanceOf(AuthenticationError);

    fake.failNext({ status: 422, body: { code: 'too-long', message: 'text over 10000 characters' } });
    const refused = await failure();
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({
      platformCode: 'too-long',
      message: 'refused by the platform (too-long): text over 10000 characters',
    });

    fake.failNext({ status: 500 });
    expect(await failure()).toBeInstanceOf(OutcomeUnknownError);
    fake.failNext({ status: 503 });
    expect(await failure()).toBeInstanceOf(TransientError);
    fake.failNext('hang');
    expect(await failure()).toBeInstanceOf(OutcomeUnknownError);
    // A lookup that fails only delays the answer: it creates nothing.
    fake.failNext({ status: 500 });
    expect(await connector.lookup!('k').catch((error: unknown) => error)).toBeInstanceOf(TransientError);
    expect(fake.posts()).toEqual([]);
  });

  it('a wrong token needs a person to reconnect; an endpoint that is down is transient, never an unknown outcome', async () => {
    const wrong = await connect({ endpoint: fake.baseUrl, token: 'stale' });
    expect(await wrong.publish!(request('k')).catch((error: unknown) => error)).toBeInstanceOf(
      AuthenticationError,
    );
    const endpoint = fake.baseUrl;
    await fake.stop();
    const down = await connect({ endpoint, token: TOKEN });
    expect(await down.publish!(request('k')).catch((error: unknown) => error)).toBeInstanceOf(TransientError);
  });

  it('refuses options that would leak or mislead, naming the fix', async () => {
    await expect(connect({ endpoint: 'http://cms.example.com/api' })).rejects.toThrow(
      'must be an https:// address (plain http only to this machine)',
    );
    await expect(connect({ endpoint: fake.baseUrl, url: 'x' })).rejects.toThrow(
      'unknown option \\"url\\": the http-post connector takes endpoint, token and timeoutMs',
    );
  });
});
