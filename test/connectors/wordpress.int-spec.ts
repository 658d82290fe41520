import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wordpress from '../../plugins/wordpress';
import type { WordPressOptions } from '../../plugins/wordpress/wordpress-options.schema';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  type OneStepConnector,
  type PluginStateStore,
  type PublishRequest,
} from '../../src/plugin-sdk';
import { createMemoryStateStore, createTestPluginContext } from '../../src/plugin-sdk/testing';
import { WordPressApiFake } from '../fakes/wordpress-api.fake';
import { startWordPressFaultProxy, type WordPressFaultProxy } from './wordpress-fault-proxy';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('wordpress connector (contract fake)', () => {
  let fake: WordPressApiFake;
  let proxy: WordPressFaultProxy;
  let dir: string;
  let state: PluginStateStore;

  beforeEach(async () => {
    fake = await new WordPressApiFake().start();
    proxy = await startWordPressFaultProxy(
      fake.baseUrl,
      (method, route) => method === 'POST' && route.startsWith('/wp/v2/'),
    );
    state = createMemoryStateStore();
  });
  afterEach(async () => {
    const problems = [...fake.specProblems];
    await proxy.close();
    await fake.stop();
    // Every request the connector made is one WordPress's own description of its REST API allows.
    expect(problems).toEqual([]);
  });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metronome-wp-int-'));
    writeFileSync(join(dir, 'a.png'), PNG);
    writeFileSync(join(dir, 'b.png'), PNG);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A new instance on the same state (a new worker), through the fault proxy unless told otherwise. */
  function connect(options: Partial<WordPressOptions> = {}): OneStepConnector {
    const parsed = wordpress.options!['~standard'].validate({
      siteUrl: proxy.url,
      restBase: `${proxy.url}/index.php?rest_route=/`,
      username: fake.author.username,
      applicationPassword: fake.author.applicationPassword,
      timeoutMs: 500,
      ...options,
    }) as { value: WordPressOptions };
    return wordpress.create(createTestPluginContext({ state }), parsed.value) as OneStepConnector;
  }

  const request = (key: string, fields: Partial<PublishRequest> = {}): PublishRequest => ({
    idempotencyKey: key,
    text: `Post ${key}`,
    title: `Title ${key}`,
    media: [],
    scheduledAt: new Date(),
    extra: {},
    ...fields,
  });

  it("checks requests against WordPress's description (the fake refuses an unknown field or a wrong type)", async () => {
    const post = (body: unknown) =>
      fetch(`${fake.baseUrl}/index.php?rest_route=/wp/v2/posts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`ana:${fake.author.applicationPassword}`).toString('base64')}`,
        },
        body: JSON.stringify(body),
      });
    expect((await post({ titel: 'typo' })).status).toBe(400);
    expect((await post({ title: 'ok', categories: ['News'] })).status).toBe(400);
    expect(fake.specProblems.join('\n')).toMatch(/additional properties[\s\S]*categories\/0 must be integer/);
    fake.specProblems.length = 0;
    expect((await post({ title: 'ok', status: 'publish' })).status).toBe(201);
  });

  it('finds ?rest_route= from the Link header when restBase is left out', async () => {
    const connector = connect({ siteUrl: fake.baseUrl, restBase: undefined });
    const result = await connector.publish!(request('auto'));
    expect(result).toMatchObject({
      remoteId: String(fake.posts[0].id),
      url: `${fake.baseUrl}/?p=${fake.posts[0].id}`,
    });
    expect(fake.requests).toContain('POST /wp/v2/posts');
  });

  it('uploads each image once even when an upload answer is lost, and sets alt text', async () => {
    const media = [
      { path: join(dir, 'a.png'), root: dir, mimeType: 'image/png', altText: 'First' },
      { path: join(dir, 'b.png'), root: dir, mimeType: 'image/png', altText: 'Second' },
    ];
    proxy.fail({ kind: 'lose-answer' }); // the first upload arrives, its answer does not
    await expect(connect().publish!(request('pics', { media }))).rejects.toThrow(OutcomeUnknownError);
    const result = await connect().publish!(request('pics', { media }));
    expect(fake.media).toHaveLength(2);
    expect(fake.media.map((file) => file.altText)).toEqual(['First', 'Second']);
    const post = fake.posts.find((candidate) => String(candidate.id) === result.remoteId)!;
    expect(post.featuredMedia).toBe(fake.media[0].id);
    expect(post.content).toContain(`wp-image-${fake.media[1].id}`);
    expect(fake.posts).toHaveLength(1);
  });

  it('finds a post whose answer was lost before sending again, even when WordPress made its slug unique', async () => {
    proxy.fail({ kind: 'lose-answer' });
    await expect(connect().publish!(request('lost'))).rejects.toThrow(OutcomeUnknownError);
    const found = await connect().lookup!('lost');
    expect(found?.remoteId).toBe(String(fake.posts[0].id));
    // A user slug another post had already: WordPress answers "-2"; lookup still finds ours.
    fake.posts.push({ ...fake.posts[0], id: 99, slug: 'taken', author: 1, title: 'Old' });
    proxy.fail({ kind: 'hang-after-send' });
    await expect(connect().publish!(request('slugged', { extra: { slug: 'taken' } }))).rejects.toThrow(
      OutcomeUnknownError,
    );
    const ours = fake.posts.find((post) => post.slug === 'taken-2')!;
    expect((await connect().lookup!('slugged'))?.remoteId).toBe(String(ours.id));
    expect(await connect().publish!(request('slugged', { extra: { slug: 'taken' } }))).toMatchObject({
      remoteId: String(ours.id),
    });
    expect(fake.posts.filter((post) => post.author === fake.author.id)).toHaveLength(2);
  });

  it('looks before sending again after a 500 on create, and never sends twice', async () => {
    proxy.fail({ kind: 'status', status: 500 });
    await expect(connect().publish!(request('five'))).rejects.toThrow(OutcomeUnknownError);
    expect(await connect().lookup!('five')).toBeUndefined();
    await connect().publish!(request('five'));
    expect(fake.posts).toHaveLength(1);
  });

  it('names categories and tags: unknown category refused, missing tag created (or refused with createTags false)', async () => {
    const result = await connect().publish!(
      request('terms', { extra: { categories: ['News & Events'], tags: ['coffee', 'Winter'] } }),
    );
    const post = fake.posts.find((candidate) => String(candidate.id) === result.remoteId)!;
    expect(post.categories).toEqual([2]);
    expect(post.tags).toEqual([3, fake.tags.find((tag) => tag.name === 'Winter')!.id]);
    await expect(connect().publish!(request('cat', { extra: { categories: ['Gossip'] } }))).rejects.toThrow(
      /no category "Gossip" \(it has: Uncategorized, News & Events\)/,
    );
    await expect(
      connect({ createTags: false }).publish!(request('tag', { extra: { tags: ['Brand new'] } })),
    ).rejects.toThrow(/no tag "Brand new" and options.createTags is false/);
    await expect(connect().publish!(request('bad', { extra: { slug: 'Not A Slug' } }))).rejects.toThrow(
      PermanentError,
    );
  });

  it('sends trusted HTML as written with html: true, escaped otherwise; schedules `future`', async () => {
    await connect({ html: true }).publish!(request('html', { text: '<h2>Hi</h2>' }));
    await connect().publish!(request('text', { text: '<h2>Hi</h2>' }));
    expect(fake.posts.map((post) => post.content)).toEqual(['<h2>Hi</h2>', '<p>&lt;h2&gt;Hi&lt;/h2&gt;</p>']);
    const at = new Date(Date.now() + 86_400_000);
    await connect().publish!(request('later', { scheduledAt: at }));
    expect(fake.posts[2]).toMatchObject({ status: 'future', dateGmt: at.toISOString().slice(0, 19) });
  });

  it('maps refusals: a Subscriber, a wrong password, rest_invalid_param', async () => {
    await expect(
      connect({ username: 'sub', applicationPassword: fake.users[2].applicationPassword }).publish!(
        request('s'),
      ),
    ).rejects.toThrow(/must be an Author or above/);
    await expect(connect({ applicationPassword: 'nope nope nope' }).publish!(request('w'))).rejects.toThrow(
      AuthenticationError,
    );
    proxy.fail({
      kind: 'status',
      status: 400,
      body: {
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): slug',
        data: { status: 400, params: { slug: 'bad' } },
      },
    });
    await expect(connect().publish!(request('p'))).rejects.toThrow(/refused a parameter.*slug/);
  });

  it('reads comments as the inbox, replies exactly once through a lost answer, counts comments', async () => {
    const post = await connect().publish!(request('talk'));
    const question = fake.addComment(Number(post.remoteId), 'Decaf?');
    const [item] = await connect().fetchInbox!(undefined);
    expect(item).toMatchObject({
      remoteId: `${post.remoteId}:${question.id}`,
      kind: 'comment',
      author: 'Reader',
      text: 'Decaf?',
      inReplyToRemoteId: post.remoteId,
      byOwner: false,
    });
    proxy.fail({ kind: 'lose-answer' });
    await expect(connect().reply!(item, { idempotencyKey: 'r1', text: 'Yes & no' })).rejects.toThrow(
      OutcomeUnknownError,
    );
    const found = await connect().lookup!('r1');
    expect(await connect().reply!(item, { idempotencyKey: 'r1', text: 'Yes & no' })).toEqual(found);
    expect(fake.comments.filter((comment) => comment.parent === question.id)).toHaveLength(1);
    const mine = (await connect().fetchInbox!(undefined)).find((entry) => entry.byOwner);
    expect(mine).toMatchObject({ kind: 'reply', text: 'Yes & no', inReplyToRemoteId: item.remoteId });
    const metrics = await connect().fetchMetrics!(new Date().toISOString().slice(0, 10));
    expect(metrics.engagements).toEqual({ comments: 2 });
    expect(await connect().fetchMetrics!('2020-01-01')).toMatchObject({ engagements: { comments: 0 } });
  });
});
