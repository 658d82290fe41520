import {
  credentialsOf,
  PermanentError,
  rateLimited,
  refusedByPlatform,
  z,
  type ChannelMetrics,
  type InboxItemInput,
  type InboxItemRef,
  type MediaAttachment,
  type OneStepConnector,
  type PluginContext,
  type ProfileSnapshot,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { limitHeadersOf, XApi } from './x-api';
import { DUPLICATE_CONTENT } from './x-errors';
import { partKey, SendLedger, type Attempt } from './x-exactly-once';
import { uploadMedia, type UploadSettings } from './x-media';
import type { XOptions } from './x-options.schema';
import {
  MAX_THREAD_PARTS,
  textMarker,
  threadParts,
  unescapeXText,
  WEIGHTED_LIMIT,
  weightedLength,
} from './x-text';

/**
 * The query parameter naming a post's fields. X's documentation and live API say `tweet.fields`
 * (https://docs.x.com/x-api/fundamentals/fields); the OpenAPI description 2.167 names the shared parameter
 * `post.fields`. The documented name is sent (the contract fake accepts it as the description's `post.fields`).
 */
export const POST_FIELDS = 'tweet.fields';
/** A post created this long before the attempt started is not the attempt's (clocks differ a little). */
const CLOCK_SLACK_MS = 60_000;
/** Pages of 100 posts lookup and the inbox read at most per call. */
const MAX_PAGES = 3;
const EXTRA_KEYS = new Set(['thread']);
const POST_ID = /^[0-9]{1,19}$/;

const PostSchema = z.object({
  id: z.string().regex(POST_ID),
  text: z.string(),
  created_at: z.string().optional(),
  author_id: z.string().optional(),
  in_reply_to_user_id: z.string().optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
  public_metrics: z.record(z.string(), z.number()).optional(),
  non_public_metrics: z.record(z.string(), z.number()).optional(),
  organic_metrics: z.record(z.string(), z.number()).optional(),
});
type Post = z.infer<typeof PostSchema>;

const Timeline = z.object({
  data: z.array(z.unknown()).optional(),
  includes: z
    .object({ users: z.array(z.object({ id: z.string(), username: z.string() })).optional() })
    .optional(),
  meta: z.object({ next_token: z.string().optional() }).optional(),
});

const Created = z.object({ data: z.object({ id: z.string().regex(POST_ID), text: z.string().optional() }) });

const MeSchema = z.object({
  data: z.object({
    id: z.string().regex(POST_ID),
    username: z.string().optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    url: z.string().optional(),
    pinned_tweet_id: z.string().optional(),
    entities: z
      .object({
        url: z
          .object({ urls: z.array(z.object({ expanded_url: z.string().optional() })).optional() })
          .optional(),
      })
      .optional(),
    public_metrics: z.object({ followers_count: z.number().int().nonnegative().optional() }).optional(),
  }),
});
type Me = z.infer<typeof MeSchema>['data'];

/** Leading @mentions X puts at the start of a reply's text (reply metadata): not part of what was written. */
const LEADING_MENTIONS = /^(?:@[A-Za-z0-9_]{1,15}\s+)+/u;
const markerOf = (text: string) => textMarker(text.replace(LEADING_MENTIONS, ''));

/**
 * An X account through API v2: posts and threads with images, a GIF or a video (alt text), exactly once by an attempt
 * marker and a timeline lookup (X takes no idempotency key); mentions and replies as the inbox, answers to them;
 * followers and each recent post's counts; the profile.
 */
export class XConnector implements OneStepConnector {
  private readonly api: XApi;
  private readonly ledger: SendLedger;

  constructor(
    private readonly context: PluginContext,
    private readonly options: XOptions,
    private readonly sleep?: UploadSettings['sleep'],
  ) {
    this.api = new XApi(context, options, async () => (await this.tokens()).accessToken);
    this.ledger = new SendLedger(context.state);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const earlier = await this.ledger.sent(request.idempotencyKey);
    if (earlier) {
      return this.resultOf(earlier);
    }
    const parts = await this.partsOf(request);
    if (parts.length === 1) {
      return this.send(request.idempotencyKey, parts[0], request.media, undefined);
    }
    const key = request.idempotencyKey;
    const plan = (await this.ledger.thread(key)) ?? { parts, ids: [] };
    await this.ledger.saveThread(key, plan);
    let parent: string | undefined;
    for (const [index, text] of plan.parts.entries()) {
      const result = await this.send(partKey(key, index), text, index === 0 ? request.media : [], parent);
      if (plan.ids[index] !== result.remoteId) {
        plan.ids[index] = result.remoteId;
        await this.ledger.saveThread(key, plan);
      }
      parent = result.remoteId;
    }
    await this.ledger.record(key, plan.ids[0], false);
    return this.resultOf(plan.ids[0]);
  }

  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return this.resultOf(sent);
    }
    const plan = await this.ledger.thread(idempotencyKey);
    if (plan) {
      // Published when every part is found; until then the core sends again and publish completes the thread.
      const ids: string[] = [];
      for (const index of plan.parts.keys()) {
        const found = await this.lookupOne(partKey(idempotencyKey, index));
        if (!found) {
          return undefined;
        }
        ids.push(found);
      }
      await this.ledger.saveThread(idempotencyKey, { ...plan, ids });
      await this.ledger.record(idempotencyKey, ids[0], false);
      return this.resultOf(ids[0]);
    }
    const found = await this.lookupOne(idempotencyKey);
    return found ? this.resultOf(found) : undefined;
  }

  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    if (!POST_ID.test(item.remoteId)) {
      throw new PermanentError(
        `plugin x: cannot answer ${item.remoteId}: only posts on X (numeric ids) can be answered`,
      );
    }
    const earlier = await this.ledger.sent(request.idempotencyKey);
    if (earlier) {
      return this.resultOf(earlier);
    }
    this.checkLength(request.text, false);
    return this.send(request.idempotencyKey, request.text, [], item.remoteId);
  }

  /** Deletes the post and, for a thread published here, its other parts (last first). Gone already is done. */
  async delete(remoteId: string): Promise<void> {
    const plan = await this.ledger.threadStartingAt(remoteId);
    const ids = plan ? [...plan.ids.slice(1).reverse(), remoteId] : [remoteId];
    for (const id of ids) {
      await this.api.call({
        method: 'DELETE',
        path: `/2/tweets/${encodeURIComponent(id)}`,
        alsoFine: [404],
        what: 'deleting a post',
      });
    }
  }

  /**
   * Mentions of the account (`GET /2/users/{id}/mentions`: replies to its posts are mentions too) and the account's
   * own replies (`byOwner`, which mark what they answer as answered), newest pages first, at most MAX_PAGES each.
   */
  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const me = await this.userId();
    const fields = 'created_at,author_id,conversation_id,referenced_tweets,in_reply_to_user_id';
    const query = {
      max_results: '100',
      [POST_FIELDS]: fields,
      expansions: 'author_id',
      'user.fields': 'username',
      ...(since ? { start_time: since.toISOString() } : {}),
    };
    const mentions = await this.timeline(`/2/users/${me}/mentions`, query, 'reading mentions');
    const own = await this.timeline(`/2/users/${me}/tweets`, query, "reading the account's replies");
    const items: InboxItemInput[] = [];
    const item = (post: Post, author: string, byOwner: boolean): InboxItemInput => {
      const repliedTo = post.referenced_tweets?.find((ref) => ref.type === 'replied_to')?.id;
      return {
        remoteId: post.id,
        kind: repliedTo ? 'reply' : 'mention',
        author,
        text: unescapeXText(post.text),
        url: `https://x.com/${author.replace(/^@/, '')}/status/${post.id}`,
        receivedAt: new Date(post.created_at ?? this.context.clock.now()),
        ...(repliedTo ? { inReplyToRemoteId: repliedTo } : {}),
        ...(byOwner ? { byOwner: true } : {}),
      };
    };
    for (const post of mentions.posts) {
      const username = mentions.users.get(post.author_id ?? '');
      items.push(
        item(post, username ? `@${username}` : (post.author_id ?? 'unknown'), post.author_id === me),
      );
    }
    const myName = (await this.account()).username;
    for (const post of own.posts) {
      if (post.in_reply_to_user_id && post.in_reply_to_user_id !== me) {
        items.push(item(post, myName ? `@${myName}` : me, true));
      }
    }
    return items.filter((entry) => !since || entry.receivedAt > since);
  }

  /**
   * Followers (`GET /2/users/me?user.fields=public_metrics`) and the counts of the account's posts of the week up to
   * `day` (`GET /2/users/{id}/tweets`): public_metrics for everyone; impressions and link clicks from
   * non_public_metrics, which X serves to the owner's user token for posts of the last 30 days (public_metrics'
   * impression_count otherwise).
   */
  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    const me = await this.me('public_metrics');
    const end = new Date(`${day}T00:00:00.000Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    const start = new Date(end.getTime() - 7 * 86_400_000);
    const query = (fields: string) => ({
      max_results: '100',
      [POST_FIELDS]: fields,
      start_time: start.toISOString(),
      end_time: new Date(Math.min(end.getTime(), this.context.clock.now().getTime() - 10_000)).toISOString(),
    });
    let posts: Post[];
    try {
      posts = (
        await this.timeline(
          `/2/users/${me.id}/tweets`,
          query('created_at,public_metrics,non_public_metrics'),
          'reading post metrics',
        )
      ).posts;
    } catch (error) {
      if (!(error instanceof PermanentError)) {
        throw error;
      }
      // The token may not read non_public_metrics (older posts, another app's posts): public counts only.
      posts = (
        await this.timeline(
          `/2/users/${me.id}/tweets`,
          query('created_at,public_metrics'),
          'reading post metrics',
        )
      ).posts;
    }
    const count = (value: number | undefined) =>
      typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
    return {
      followers: count(me.public_metrics?.followers_count),
      posts: posts.map((post) => {
        const pub = post.public_metrics ?? {};
        const priv = post.non_public_metrics ?? {};
        const engagements: Record<string, number> = {};
        for (const [kind, field] of [
          ['retweets', 'retweet_count'],
          ['likes', 'like_count'],
          ['replies', 'reply_count'],
          ['quotes', 'quote_count'],
          ['bookmarks', 'bookmark_count'],
        ] as const) {
          const value = count(pub[field]);
          if (value !== undefined) {
            engagements[kind] = value;
          }
        }
        const impressions = count(priv.impression_count) ?? count(pub.impression_count);
        const clicks = count(priv.url_link_clicks);
        return {
          remoteId: post.id,
          ...(impressions === undefined ? {} : { impressions }),
          ...(clicks === undefined ? {} : { clicks }),
          engagements,
        };
      }),
    };
  }

  async getProfile(): Promise<ProfileSnapshot> {
    const me = await this.me('name,description,url,entities,pinned_tweet_id');
    const link = me.entities?.url?.urls?.[0]?.expanded_url ?? me.url;
    return {
      displayName: me.name,
      bio: me.description,
      links: link ? [link] : [],
      ...(me.pinned_tweet_id ? { pinned: me.pinned_tweet_id } : {}),
    };
  }

  async refreshCredentials(): Promise<boolean> {
    return this.options.accessToken ? false : credentialsOf(this.context).refresh();
  }

  // ---- one post, exactly once ----------------------------------------------------------------------------------

  /**
   * Sends one post under its key: a post recorded already is answered; an earlier attempt is looked for first (so
   * nothing is sent twice even without the core's lookup); the attempt marker is stored before `POST /2/tweets`;
   * X's "duplicate content" refusal is looked up, never taken as a failure when the post is this key's.
   */
  private async send(
    key: string,
    text: string,
    media: MediaAttachment[],
    replyTo: string | undefined,
  ): Promise<PublishResult> {
    const sent = await this.ledger.sent(key);
    if (sent) {
      return this.resultOf(sent);
    }
    const earlier = await this.ledger.attempt(key);
    if (earlier) {
      const found = await this.find(key, earlier);
      if (found) {
        return this.recorded(key, found);
      }
    }
    const until = await this.ledger.limitedUntil();
    const now = this.context.clock.now();
    if (until !== undefined && until > now.getTime()) {
      throw rateLimited(
        `X said no posts are left in this 15-minute window (x-rate-limit-remaining: 0); it resets at ${new Date(until).toISOString()}`,
        new Date(until),
      );
    }
    const mediaIds =
      media.length > 0
        ? await uploadMedia(this.api, this.context.state, key, media, {
            processingWaitMs: this.options.processingWaitMs,
            timeoutMs: this.options.timeoutMs,
            now: () => this.context.clock.now(),
            sleep: this.sleep,
          })
        : [];
    const attempt = await this.ledger.begin(key, {
      text,
      ...(replyTo ? { replyTo } : {}),
      since: this.context.clock.now().toISOString(),
    });
    let id: string | undefined;
    try {
      const { body, headers } = await this.api.json<unknown>({
        method: 'POST',
        path: '/2/tweets',
        json: {
          text,
          ...(mediaIds.length > 0 ? { media: { media_ids: mediaIds } } : {}),
          ...(replyTo ? { reply: { in_reply_to_tweet_id: replyTo } } : {}),
        },
        creates: true,
        what: replyTo ? 'publishing a reply' : 'publishing a post',
      });
      const created = Created.safeParse(body);
      if (!created.success) {
        throw new Error(
          `plugin x: X created the post but answered without data.id (a numeric post id): ${JSON.stringify(body).slice(0, 200)}`,
        );
      }
      id = created.data.data.id;
      const limits = limitHeadersOf(headers);
      await this.ledger.setLimitedUntil(
        limits.remaining === 0 && limits.reset !== undefined ? (limits.reset + 1) * 1000 : undefined,
      );
    } catch (error) {
      if (!(error instanceof PermanentError && error.platformCode === DUPLICATE_CONTENT)) {
        throw error;
      }
      // X holds this text already: when it is this key's lost send, it is ours; otherwise the person must change it.
      id = await this.find(key, attempt);
      if (!id) {
        throw refusedByPlatform(
          DUPLICATE_CONTENT,
          'X refused the text as a duplicate of a post the account published recently: change the text',
        );
      }
    }
    return this.recorded(key, id);
  }

  private async lookupOne(key: string): Promise<string | undefined> {
    const sent = await this.ledger.sent(key);
    if (sent) {
      return sent;
    }
    const attempt = await this.ledger.attempt(key);
    if (!attempt) {
      return undefined;
    }
    const found = await this.find(key, attempt);
    if (found) {
      await this.recorded(key, found);
    }
    return found;
  }

  /** The account's post matching the attempt's marker, created since the attempt began, that no other key holds. */
  private async find(key: string, attempt: Attempt): Promise<string | undefined> {
    const me = await this.userId();
    const since = new Date(Date.parse(attempt.since) - CLOCK_SLACK_MS);
    const { posts } = await this.timeline(
      `/2/users/${me}/tweets`,
      {
        max_results: '100',
        start_time: since.toISOString(),
        [POST_FIELDS]: 'created_at,referenced_tweets',
      },
      "looking for a post whose answer was lost in the account's timeline",
    );
    const marker = markerOf(attempt.text);
    for (const post of posts) {
      const repliedTo = post.referenced_tweets?.find((ref) => ref.type === 'replied_to')?.id;
      if (markerOf(post.text) !== marker || repliedTo !== attempt.replyTo) {
        continue;
      }
      if (post.created_at && Date.parse(post.created_at) < since.getTime()) {
        continue;
      }
      const owner = await this.ledger.owner(post.id);
      if (owner === undefined || owner === key) {
        return post.id;
      }
    }
    return undefined;
  }

  /** Records the id under the key; an id another key holds means X merged two posts: refused in words. */
  private async recorded(key: string, id: string): Promise<PublishResult> {
    const holder = await this.ledger.record(key, id);
    if (holder !== undefined) {
      throw refusedByPlatform(
        DUPLICATE_CONTENT,
        `X answered post ${id}, which Metronome published earlier for another post (${holder}): change the text`,
      );
    }
    return this.resultOf(id);
  }

  private async resultOf(id: string): Promise<PublishResult> {
    const username = (await this.account()).username;
    return {
      remoteId: id,
      url: username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`,
    };
  }

  // ---- text ----------------------------------------------------------------------------------------------------

  private async partsOf(request: PublishRequest): Promise<string[]> {
    const unknown = Object.keys(request.extra).filter((name) => !EXTRA_KEYS.has(name));
    if (unknown.length > 0) {
      throw new PermanentError(
        `plugin x: unknown extra setting ${unknown.map((name) => `"${name}"`).join(', ')}: the x connector takes extra.thread`,
      );
    }
    const thread = request.extra.thread ?? false;
    if (typeof thread !== 'boolean') {
      throw new PermanentError('plugin x: extra.thread must be true or false');
    }
    const planned = await this.ledger.thread(request.idempotencyKey);
    if (planned) {
      return planned.parts;
    }
    if (!this.checkLength(request.text, thread)) {
      return [request.text];
    }
    const parts = threadParts(request.text);
    if (parts.length > MAX_THREAD_PARTS) {
      throw refusedByPlatform(
        'text-too-long',
        `the text makes ${parts.length} posts of 280 weighted characters (X counts CJK characters and emoji as 2); at most ${MAX_THREAD_PARTS} are published as one thread`,
      );
    }
    return parts;
  }

  /** True when the text is over X's weighted limit and may become a thread; refused when it may not. */
  private checkLength(text: string, thread: boolean): boolean {
    const length = weightedLength(text);
    if (length <= WEIGHTED_LIMIT) {
      return false;
    }
    if (!thread) {
      throw refusedByPlatform(
        'text-too-long',
        `the text counts ${length} characters as X counts them (links 23, CJK characters and emoji 2), over the limit of ${WEIGHTED_LIMIT}: shorten it, or set extra.thread: true to publish it as a thread`,
      );
    }
    return true;
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  /** Posts of a timeline (validated; malformed entries dropped with a warning) and the users it includes. */
  private async timeline(
    path: string,
    query: Record<string, string>,
    what: string,
  ): Promise<{ posts: Post[]; users: Map<string, string> }> {
    const posts: Post[] = [];
    const users = new Map<string, string>();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { body } = await this.api.json<unknown>({
        path,
        query: { ...query, ...(token ? { pagination_token: token } : {}) },
        what,
      });
      const parsed = Timeline.safeParse(body);
      if (!parsed.success) {
        throw new Error(
          `plugin x: X answered ${path} in an unexpected shape: ${JSON.stringify(body).slice(0, 200)}`,
        );
      }
      for (const entry of parsed.data.data ?? []) {
        const post = PostSchema.safeParse(entry);
        if (post.success) {
          posts.push(post.data);
        } else {
          this.context.logger.warn(`X answered a post without a numeric id or text while ${what}: skipped`);
        }
      }
      for (const user of parsed.data.includes?.users ?? []) {
        users.set(user.id, user.username);
      }
      token = parsed.data.meta?.next_token;
      if (!token) {
        break;
      }
    }
    return { posts, users };
  }

  private async me(fields: string): Promise<Me> {
    const { body } = await this.api.json<unknown>({
      path: '/2/users/me',
      query: { 'user.fields': fields },
      what: 'reading the account',
    });
    const parsed = MeSchema.safeParse(body);
    if (!parsed.success) {
      throw new Error(
        `plugin x: X answered /2/users/me without data.id: ${JSON.stringify(body).slice(0, 200)}`,
      );
    }
    return parsed.data.data;
  }

  private async tokens(): Promise<{ accessToken: string; account?: Record<string, string> }> {
    if (this.options.accessToken) {
      return { accessToken: this.options.accessToken };
    }
    return credentialsOf(this.context).current();
  }

  /** The account's id and @username: from the options, the connection, or (once, then kept) GET /2/users/me. */
  private async account(): Promise<{ id?: string; username?: string }> {
    const { account } = await this.tokens();
    if (account?.id) {
      return { id: this.options.userId ?? account.id, username: account.username };
    }
    const known = await this.context.state.get<{ id: string; username?: string }>('account');
    if (known && (!this.options.userId || known.id === this.options.userId)) {
      return known;
    }
    if (this.options.userId) {
      return { id: this.options.userId };
    }
    return {};
  }

  private async userId(): Promise<string> {
    const known = await this.account();
    if (known.id) {
      return known.id;
    }
    const me = await this.me('username');
    await this.context.state.set('account', { id: me.id, ...(me.username ? { username: me.username } : {}) });
    return me.id;
  }
}
