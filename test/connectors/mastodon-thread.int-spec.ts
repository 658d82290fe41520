import type { DataSource } from 'typeorm';
import mastodon from '../../plugins/mastodon';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import {
  OutcomeUnknownError,
  splitThread,
  type OneStepConnector,
  type PluginContext,
  type PublishRequest,
} from '../../src/plugin-sdk';
import { MastodonApiFake } from '../fakes/mastodon-api.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

const START = new Date('2026-12-02T09:15:00.000Z');
const SENTENCE = 'Our roasting diary, day by day, with every batch noted down carefully and tasted twice. ';
/** 1,143 characters: three 500-character parts at Mastodon's default limit. */
const BODY = SENTENCE.repeat(13).trim();

describe('Mastodon threads (against MastodonApiFake, a contract fake of the Mastodon REST API)', () => {
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
    fake = await new MastodonApiFake({ now: () => START, mediaPollsUntilReady: 0 }).start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  /** A connector whose `loseAnswerTo`-th status POST reaches the server but its answer is lost (a reset). */
  async function connect(loseAnswerTo?: number): Promise<OneStepConnector> {
    const validated = await mastodon.options!['~standard'].validate({
      instance: fake.baseUrl,
      accessToken: fake.token,
    });
    if (validated.issues) {
      throw new Error(JSON.stringify(validated.issues));
    }
    const real = factory.create('mastodon', `acme/thread-${scopes++}`, { now: () => START });
    let posts = 0;
    const context: PluginContext = {
      ...real,
      http: {
        request: async (url, init = {}) => {
          const response = await real.http.request(url, init);
          if (
            init.method === 'POST' &&
            new URL(url).pathname === '/api/v1/statuses' &&
            ++posts === loseAnswerTo
          ) {
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          }
          return response;
        },
      },
    };
    return (await mastodon.create(context, validated.value)) as OneStepConnector;
  }

  const request = (key: string): PublishRequest => ({
    idempotencyKey: key,
    text: BODY,
    media: [],
    scheduledAt: START,
    extra: { thread: true, spoilerText: 'diary' },
  });

  it('publishes a long text as replies chained with in_reply_to_id, split exactly as the import check splits it', async () => {
    const connector = await connect();
    const result = await connector.publish!(request('post-1/masto'));
    const statuses = fake.accountStatuses();
    const expected = splitThread(BODY, {
      graphemes: 500 - 'diary'.length,
      charactersPerUrl: 23,
      remoteMentionsCountAsUser: true,
      countedExtras: ['spoilerText'],
    });
    expect(expected).toHaveLength(3);
    expect(statuses.map((status) => status.text)).toEqual(expected);
    expect(statuses.map((status) => status.inReplyToId)).toEqual([null, statuses[0].id, statuses[1].id]);
    expect(statuses.every((status) => status.spoilerText === 'diary')).toBe(true);
    expect(result.remoteId).toBe(statuses[0].id);
    // Each part carried its own key, derived from the post's.
    expect(fake.requestsTo('POST', '/api/v1/statuses').map((r) => r.headers['idempotency-key'])).toEqual([
      'post-1/masto#part-1',
      'post-1/masto#part-2',
      'post-1/masto#part-3',
    ]);
    // Published once: a second publish answers from state.
    expect(await connector.publish!(request('post-1/masto'))).toEqual(result);
    expect(fake.accountStatuses()).toHaveLength(3);
  });

  it('a retry after a thread cut short continues where it stopped and never posts a part twice', async () => {
    const connector = await connect(2);
    await expect(connector.publish!(request('post-2/masto'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(fake.accountStatuses()).toHaveLength(2);
    // Not all parts exist yet: the thread is not published, so the core retries.
    expect(await connector.lookup!('post-2/masto')).toBeUndefined();

    const result = await connector.publish!(request('post-2/masto'));
    const statuses = fake.accountStatuses();
    expect(statuses).toHaveLength(3);
    expect(statuses.map((status) => status.inReplyToId)).toEqual([null, statuses[0].id, statuses[1].id]);
    expect(result.remoteId).toBe(statuses[0].id);
    expect(await connector.lookup!('post-2/masto')).toEqual(result);
  });

  it('deletes every part of a thread it published', async () => {
    const connector = await connect();
    const result = await connector.publish!(request('post-3/masto'));
    expect(fake.accountStatuses()).toHaveLength(3);
    await connector.delete!(result.remoteId);
    expect(fake.accountStatuses()).toHaveLength(0);
  });
});
