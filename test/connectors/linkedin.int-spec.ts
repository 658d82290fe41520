import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import linkedin from '../../plugins/linkedin';
import { linkedinOAuth } from '../../plugins/linkedin/linkedin-oauth';
import type { LinkedInOptions } from '../../plugins/linkedin/linkedin-options.schema';
import { LINKEDIN_VERSION } from '../../plugins/linkedin/linkedin-version';
import {
  AuthenticationError,
  PermanentError,
  type Connector,
  type OAuthTokenResponse,
  type PluginCredentials,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryStateStore,
  createTestPluginContext,
} from '../../src/plugin-sdk/testing';
import type { PluginStateStore } from '../../src/plugin-sdk';
import { loadBuiltinPlugins } from '../../src/plugin-host/plugin.loader';
import { LinkedInApiFake } from '../fakes/linkedin-api.fake';
import { connectedCredentials, optionsFor, PAGE_CHANNEL_SCOPES } from './linkedin-fixtures';

const request = (
  idempotencyKey: string,
  text: string,
  extra: Partial<PublishRequest> = {},
): PublishRequest => ({
  idempotencyKey,
  text,
  media: [],
  scheduledAt: new Date(),
  extra: {},
  ...extra,
});

describe('linkedin connector against its contract fake', () => {
  let fake: LinkedInApiFake;
  let options: LinkedInOptions;
  let credentials: PluginCredentials;
  let connector: Connector;
  let mediaRoot: string;
  /** The channel's durable state: every connector instance of a test (a restart) shares it, as in the host. */
  let state: PluginStateStore;

  function connect(
    extra: Partial<LinkedInOptions> = {},
    creds: PluginCredentials | undefined = credentials,
  ): Connector {
    const context = createTestPluginContext({
      plugin: 'linkedin',
      scope: 'acme/linkedin',
      credentials: creds,
      state,
    });
    return linkedin.create(context, { ...options, ...extra }) as Connector;
  }

  function image(name: string, altText?: string) {
    const path = join(mediaRoot, name);
    writeFileSync(path, Buffer.from(`\x89PNG fake bytes of ${name}`));
    return { path, root: mediaRoot, mimeType: 'image/png', altText };
  }

  beforeAll(() => {
    mediaRoot = mkdtempSync(join(tmpdir(), 'linkedin-media-'));
  });

  afterAll(() => {
    rmSync(mediaRoot, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fake = await new LinkedInApiFake().start();
    state = createMemoryStateStore();
    options = optionsFor(fake);
    credentials = connectedCredentials(fake, options);
    connector = connect();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('publishes a text post as the Page with versioned headers, escaping little text but keeping mentions and hashtags', async () => {
    const text =
      'Our (new) winter blend_2 with @[Acme Farms](urn:li:organization:999) #coffee https://acme.example/a_b';
    const result = (await connector.publish!(request('post-1:li', text))) as PublishResult;

    const [post] = fake.posts();
    expect(result).toEqual({ remoteId: post.id, url: `https://www.linkedin.com/feed/update/${post.id}` });
    expect(post.author).toBe(fake.organizationUrn);
    expect(post.commentary).toBe(
      'Our \\(new\\) winter blend\\_2 with @[Acme Farms](urn:li:organization:999) #coffee https://acme.example/a_b',
    );
    const rest = fake.requests.filter((call) => call.path.startsWith('/rest/'));
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((call) => call.version === LINKEDIN_VERSION)).toBe(true);
    expect(await connector.lookup!('post-1:li')).toEqual(result);
    expect(await connector.lookup!('never-sent')).toBeUndefined();
  });

  it('uploads one image with its alt text, and 2 to 20 images as a multi-image post, each once even when the post is retried', async () => {
    await connector.publish!(
      request('single:li', 'One cup.', { media: [image('cup.png', 'A cup of coffee')] }),
    );
    expect(fake.posts()[0].content).toEqual({
      media: { id: expect.stringMatching(/^urn:li:image:/), altText: 'A cup of coffee' },
    });

    fake.failNext({ status: 503, body: { status: 503, message: 'Service Unavailable' } });
    const three = request('multi:li', 'Three cups.', {
      media: [image('a.png', 'First'), image('b.png'), image('c.png', 'Third')],
    });
    await expect(connector.publish!(three)).rejects.toThrow('LinkedIn is unavailable (503)');
    expect(fake.counts.uploads).toBe(4);
    await connector.publish!(three);
    expect(fake.counts.uploads).toBe(4);
    const multi = fake.posts()[1].content as {
      multiImage: { images: Array<{ id: string; altText?: string }> };
    };
    expect(multi.multiImage.images.map((entry) => entry.altText)).toEqual(['First', undefined, 'Third']);
  });

  it('shares a link (an article or a document) as an article card, and refuses images with a link', async () => {
    await connector.publish!(
      request('article:li', 'Read our menu.', {
        extra: {
          article: { url: 'https://acme.example/menu.pdf', title: 'Winter menu', description: 'Six drinks' },
        },
      }),
    );
    expect(fake.posts()[0].content).toEqual({
      article: { source: 'https://acme.example/menu.pdf', title: 'Winter menu', description: 'Six drinks' },
    });
    await expect(
      connector.publish!(
        request('both:li', 'x', {
          media: [image('d.png')],
          extra: { article: { url: 'https://a.example', title: 't' } },
        }),
      ),
    ).rejects.toThrow('images or an article link, not both');
    await expect(
      connector.publish!(request('bad:li', 'x', { extra: { article: { title: 't' } } })),
    ).rejects.toThrow('extra.article needs url');
  });

  it('posts as the member when the channel has no Page', async () => {
    const member = connectedCredentials(fake, options, ['openid', 'profile', 'w_member_social']);
    const asMember = connect({ author: fake.memberUrn }, member);
    await asMember.publish!(request('member:li', 'Personal note.'));
    expect(fake.posts()[0].author).toBe(fake.memberUrn);
    // Without w_organization_social, posting as the Page is refused by LinkedIn: the channel needs reconnecting.
    const noPage = connect({ author: fake.organizationUrn }, member);
    await expect(noPage.publish!(request('page:li', 'As the Page.'))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('reads comments on recent posts page by page into the inbox, after the cursor, marking the Page’s own answers', async () => {
    const { remoteId } = (await connector.publish!(request('busy:li', 'Busy post.'))) as PublishResult;
    for (let index = 0; index < 60; index++) {
      fake.addComment(remoteId, `urn:li:person:reader${index}`, `Comment ${index} (nice)`);
    }
    const first = await connector.fetchInbox!(undefined);
    expect(first).toHaveLength(60);
    expect(fake.requests.filter((call) => call.path.endsWith('/comments')).length).toBe(2);
    expect(first[0]).toMatchObject({
      kind: 'comment',
      author: 'urn:li:person:reader0',
      text: 'Comment 0 (nice)',
      inReplyToRemoteId: remoteId,
      byOwner: false,
    });

    const newest = first.reduce((at, item) => (item.receivedAt > at ? item.receivedAt : at), new Date(0));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const question = fake.addComment(remoteId, 'urn:li:person:asker', 'Is it decaf?');
    const answered = await connector.reply!(
      { remoteId: question.$URN, kind: 'comment', author: question.actor },
      { idempotencyKey: 'reply-1', text: 'No (but soon)!' },
    );
    const later = await connector.fetchInbox!(newest);
    expect(later.map((item) => [item.text, item.byOwner, item.kind])).toEqual([
      ['Is it decaf?', false, 'comment'],
      ['No (but soon)!', true, 'reply'],
    ]);
    const reply = fake.comments(remoteId).at(-1)!;
    expect(reply).toMatchObject({
      actor: fake.organizationUrn,
      parentComment: question.$URN,
      message: { text: 'No \\(but soon\\)!' },
    });
    expect(answered.remoteId).toBe(reply.$URN);
    expect(await connector.lookup!('reply-1')).toEqual(answered);
  });

  it('a reply whose answer was lost is found by lookup, not sent twice', async () => {
    const { remoteId } = (await connector.publish!(request('post:li', 'Post.'))) as PublishResult;
    const question = fake.addComment(remoteId, 'urn:li:person:asker', 'When?');
    fake.loseNextAnswer();
    await expect(
      connector.reply!(
        { remoteId: question.$URN, kind: 'comment', author: question.actor },
        { idempotencyKey: 'r', text: 'Now.' },
      ),
    ).rejects.toThrow('may have done it');
    const found = (await connect().lookup!('r')) as PublishResult | undefined;
    expect(found?.remoteId).toBe(fake.comments(remoteId).at(-1)!.$URN);
    expect(fake.counts.commentCreates).toBe(1);
  });

  it('leaves the inbox empty, with a warning, when the token may not read comments', async () => {
    const member = connectedCredentials(fake, options, ['openid', 'profile', 'w_member_social']);
    const context = createTestPluginContext({
      plugin: 'linkedin',
      scope: 'acme/linkedin',
      credentials: member,
    });
    const asMember = linkedin.create(context, { ...options, author: fake.memberUrn }) as Connector;
    expect(await asMember.fetchInbox!(undefined)).toEqual([]);
    expect(context.logs.map((line) => line.message).join()).toContain('r_member_social');
  });

  it('collects the Page’s followers and the day’s share statistics; a member profile reports none', async () => {
    fake.followers = 5120;
    fake.setShareStatistics({
      impressionCount: 900,
      clickCount: 41,
      likeCount: 30,
      commentCount: 4,
      shareCount: 2,
      engagement: 0.08,
    });
    expect(await connector.fetchMetrics!('2026-12-01')).toEqual({
      followers: 5120,
      impressions: 900,
      clicks: 41,
      engagements: { likes: 30, comments: 4, shares: 2 },
    });
    const member = connect({ author: fake.memberUrn });
    expect(await member.fetchMetrics!('2026-12-01')).toEqual({});
  });

  it('reads the Page’s profile (name, description, website), and the member’s name on a member channel', async () => {
    expect(await connector.getProfile!()).toEqual({
      displayName: 'Acme Roasters',
      bio: 'Coffee roasted in small batches.',
      links: ['https://acme.example'],
    });
    fake.page = { localizedName: 'Acme Coffee' };
    expect(await connector.getProfile!()).toEqual({ displayName: 'Acme Coffee', bio: undefined, links: [] });
    expect(await connect({ author: fake.memberUrn }).getProfile!()).toEqual({
      displayName: 'Ada Roaster',
      links: [],
    });
  });

  it('deletes a post, and a post already gone is done', async () => {
    const { remoteId } = (await connector.publish!(request('del:li', 'Short-lived.'))) as PublishResult;
    await connector.delete!(remoteId);
    await connector.delete!(remoteId);
    expect(fake.posts()).toEqual([]);
  });

  it('a refusal carries LinkedIn’s code and words; an answer without x-restli-id names the plugin', async () => {
    fake.failNext({
      status: 422,
      body: {
        status: 422,
        message: 'Invalid visibility',
        errorDetails: { inputErrors: [{ code: 'FIELD_VALUE_INVALID', description: '/visibility' }] },
      },
    });
    const refused = await connector.publish!(request('x:li', 'x')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ platformCode: 'FIELD_VALUE_INVALID' });
    expect((refused as Error).message).toContain('Invalid visibility: /visibility');

    fake.failNext({ status: 201, body: {} });
    await expect(connector.publish!(request('y:li', 'y'))).rejects.toThrow(
      'plugin linkedin: LinkedIn created the post but answered without its id',
    );
  });

  it('connects through OAuth: code exchange, the member from /v2/userinfo and the Page from organizationAcls; no PKCE, secret in the body', async () => {
    expect(linkedinOAuth.pkce).toBe(false);
    expect(linkedinOAuth.authorizationUrl(options)).toBe(`${fake.baseUrl}/oauth/v2/authorization`);
    expect(linkedinOAuth.scopes(options)).toEqual(PAGE_CHANNEL_SCOPES);
    const code = fake.authorizationCode(PAGE_CHANNEL_SCOPES);
    const http = createFetchHttpClient('linkedin');
    const exchange = await http.request(linkedinOAuth.tokenUrl(options), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://metronome.example/oauth/callback',
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
      }).toString(),
    });
    const now = new Date();
    const tokens = await linkedinOAuth.complete!(await exchange.json<OAuthTokenResponse>(), {
      options,
      http,
      clock: { now: () => now },
    });
    expect(tokens.account).toEqual({
      member: fake.memberUrn,
      organization: fake.organizationUrn,
      organizations: fake.organizationUrn,
    });
    expect(tokens.scopes).toEqual(PAGE_CHANNEL_SCOPES);
    expect(tokens.expiresAt?.getTime()).toBe(now.getTime() + 60 * 24 * 3600 * 1000);
    expect(tokens.refreshExpiresAt!.getTime() - now.getTime()).toBeGreaterThan(364 * 24 * 3600 * 1000);
  });

  it('connecting refuses a Page the member does not administer, naming the fix', async () => {
    const granted = fake.grant(PAGE_CHANNEL_SCOPES);
    const tools = {
      options: { ...options, author: 'urn:li:organization:777' },
      http: createFetchHttpClient('linkedin'),
      clock: { now: () => new Date() },
    };
    await expect(
      linkedinOAuth.complete!(
        { access_token: granted.accessToken, expires_in: 5_184_000, scope: PAGE_CHANNEL_SCOPES.join(',') },
        tools,
      ),
    ).rejects.toThrow('is not an approved ADMINISTRATOR of urn:li:organization:777 (option author)');
  });

  it('the host loads the plugin: its manifest, limits and OAuth provider pass the loader’s checks', () => {
    expect(loadBuiltinPlugins().find((plugin) => plugin.name === 'linkedin')?.status).toBe('loaded');
  });

  it('an app without programmatic refresh tokens cannot renew: the message says to reconnect before the 60 days', async () => {
    const noRefresh = await new LinkedInApiFake({ refreshTokens: false }).start();
    try {
      const opts = optionsFor(noRefresh);
      const creds = connectedCredentials(noRefresh, opts);
      await expect(creds.refresh()).rejects.toThrow(
        'reconnect the channel with `metronome channels connect` before the 60-day token expires',
      );
    } finally {
      await noRefresh.stop();
    }
  });

  it('refuses options that mislead, naming the fix', async () => {
    const validate = async (value: Record<string, unknown>) => {
      const result = await linkedin.options!['~standard'].validate(value);
      return result.issues?.map((issue) => issue.message).join('; ');
    };
    expect(await validate({ accessToken: 'abc' })).toContain('with accessToken, also set author');
    expect(await validate({ author: 'urn:li:company:1' })).toContain(
      'must be "urn:li:organization:<number>"',
    );
    expect(await validate({ apiUrl: 'http://api.example.com' })).toContain('must be an https:// address');
    expect(await validate({ token: 'x' })).toContain('unknown option "token"');
    expect(await validate({ author: 'urn:li:organization:1', accessToken: 'abc' })).toBeUndefined();
  });
});
