import {
  PermanentError,
  credentialsOf,
  mediaLinksOf,
  rateLimited,
  refusedByPlatform,
  transientFailure,
  type ChannelMetrics,
  type Connector,
  type InboxItemInput,
  type InboxItemRef,
  type MediaAttachment,
  type PluginContext,
  type ProfileSnapshot,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
  type PublishStatus,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { InstagramApi, type GraphCall } from './instagram-api';
import type { InstagramOptions } from './instagram-options.schema';

/** A post under way, by idempotency key: written BEFORE the first container is created. */
export interface PostRecord {
  caption: string;
  createdAt: string;
  media: MediaAttachment[];
  /** Carousel items' containers, in order, each stored right after Instagram answered its id. */
  children: string[];
  /** The container media_publish takes (the single item's, or the carousel's). */
  containerId?: string;
  /** Set just before media_publish is sent: from then on the container is found, never published again blindly. */
  publishSentAt?: string;
}

interface SentRecord {
  remoteId: string;
  /** Replies share the key space; metrics and the quota count posts only. */
  kind?: 'post' | 'reply';
  url?: string;
  publishedAt: string;
}

interface ReplyAttempt {
  commentId: string;
  text: string;
  sentAt: string;
}

const POST = 'post:';
const SENT = 'sent:';
const REMOTE = 'remote:';
const REPLY = 'reply:';
const INBOX_BOUNDARY = 'inbox:boundary';
/** How far Instagram's clock may be behind ours when matching a published media to its container. */
const CLOCK_SKEW_MS = 5 * 60_000;
const RECENT_MEDIA = 50;
const INBOX_MEDIA = 10;
const INBOX_MAX_PAGES = 10;
const METRICS_WINDOW_DAYS = 35;
const METRICS_MAX_POSTS = 30;
const DAY_MS = 86_400_000;

interface Container {
  id?: string;
  /** Absent or unknown: treated as still processing. */
  status_code?: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED' | (string & {});
  status?: string;
}

interface GraphMedia {
  id: string;
  caption?: string;
  timestamp?: string;
  permalink?: string;
}

interface GraphComment {
  id: string;
  text?: string;
  username?: string;
  timestamp?: string;
  replies?: { data?: GraphComment[] };
}

interface Page<T> {
  data?: T[];
  paging?: { cursors?: { after?: string }; next?: string };
}

function isVideo(media: MediaAttachment): boolean {
  return media.mimeType.startsWith('video/');
}

function requireId(body: { id?: unknown }, what: string): string {
  if (typeof body.id !== 'string' || body.id === '') {
    throw transientFailure(
      `plugin instagram: Instagram answered ${what} without an id: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  return body.id;
}

/**
 * One Instagram professional account through the Instagram API with Instagram Login (README.md beside this file).
 *
 * Publishing is two-step and exactly-once without idempotency keys on Instagram's side: the post's record is
 * stored under its key before any container exists, each container id right after Instagram answers it, and
 * `publishSentAt` right before media_publish. A container is published only while its status_code is FINISHED
 * (a published one says PUBLISHED, and is then found among the account's recent media by caption and time).
 */
export class InstagramConnector implements Connector {
  private readonly api: InstagramApi;
  private ownAccount?: Promise<{ userId: string; username?: string }>;

  constructor(
    private readonly context: PluginContext,
    private readonly options: InstagramOptions,
  ) {
    this.api = new InstagramApi(context.http, context.clock, options.apiBaseUrl);
  }

  async refreshCredentials(): Promise<boolean> {
    return this.options.accessToken ? false : credentialsOf(this.context).refresh();
  }

  async publish(request: PublishRequest): Promise<PublishOutcome> {
    const key = request.idempotencyKey;
    const earlier = await this.lookup(key);
    if (earlier) {
      return earlier;
    }
    if (request.media.length === 0) {
      throw refusedByPlatform(
        'no-media',
        'an Instagram post needs at least one JPEG image or one video: add media to the post',
      );
    }
    await this.checkQuota();
    const record: PostRecord = {
      caption: request.text,
      createdAt: this.context.clock.now().toISOString(),
      media: request.media.map(({ path, root, mimeType, altText }) => ({ path, root, mimeType, altText })),
      children: [],
    };
    const raced = await this.context.state.setIfAbsent(POST + key, record);
    const current = await this.createContainers(key, raced ?? record);
    return { status: 'accepted', handle: key, checkAfterMs: current.media.some(isVideo) ? 10_000 : 2_000 };
  }

  async lookup(key: string): Promise<PublishOutcome | undefined> {
    const sent = await this.context.state.get<SentRecord>(SENT + key);
    if (sent) {
      return toResult(sent);
    }
    if (await this.context.state.get<PostRecord>(POST + key)) {
      return { status: 'accepted', handle: key };
    }
    const reply = await this.context.state.get<ReplyAttempt>(REPLY + key);
    return reply ? this.findReply(key, reply) : undefined;
  }

  /** The handle is the idempotency key: the record under it holds the containers. */
  async status(handle: string): Promise<PublishStatus> {
    const sent = await this.context.state.get<SentRecord>(SENT + handle);
    if (sent) {
      return { status: 'published', result: toResult(sent) };
    }
    let record = await this.context.state.get<PostRecord>(POST + handle);
    if (!record) {
      return {
        status: 'failed',
        reason: `plugin instagram: no container is recorded for ${handle}: publish the post again`,
      };
    }
    record = await this.createContainers(handle, record);
    if (record.media.length > 1 && !record.containerId) {
      const children = await Promise.all(record.children.map((id) => this.container(id)));
      const failed = children.find(
        (child) => child.status_code === 'ERROR' || child.status_code === 'EXPIRED',
      );
      if (failed) {
        return {
          status: 'failed',
          reason: `Instagram could not process a carousel item (${failed.status_code}): ${failed.status ?? 'no reason given'}; check the file and publish again`,
        };
      }
      if (children.some((child) => child.status_code !== 'FINISHED')) {
        return { status: 'finishing', checkAfterMs: 10_000 };
      }
      record = await this.createCarousel(handle, record);
    }
    if (!record.containerId) {
      return { status: 'finishing', checkAfterMs: 10_000 };
    }
    const container = await this.container(record.containerId);
    switch (container.status_code) {
      case 'FINISHED':
        return {
          status: 'published',
          result: await this.publishContainer(handle, record, record.containerId),
        };
      case 'PUBLISHED': {
        const found = await this.findPublished(handle, record);
        if (found) {
          return { status: 'published', result: found };
        }
        throw transientFailure(
          `plugin instagram: container ${record.containerId} is published but its media is not among the account's recent media yet: asking again`,
        );
      }
      case 'ERROR':
        return {
          status: 'failed',
          reason: `Instagram could not process the media: ${container.status ?? 'no reason given'}; check the file against README.md's limits and publish again`,
        };
      case 'EXPIRED':
        return {
          status: 'failed',
          reason:
            'the Instagram container expired (24 hours) before it was published: publish the post again',
        };
      case 'IN_PROGRESS':
      case undefined:
      default:
        return { status: 'finishing', checkAfterMs: record.media.some(isVideo) ? 10_000 : 2_000 };
    }
  }

  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const done = await this.context.state.get<SentRecord>(SENT + request.idempotencyKey);
    if (done) {
      return toResult(done);
    }
    const attempt: ReplyAttempt = {
      commentId: item.remoteId,
      text: request.text,
      sentAt: this.context.clock.now().toISOString(),
    };
    const previous = await this.context.state.get<ReplyAttempt>(REPLY + request.idempotencyKey);
    if (previous) {
      const found = await this.findReply(request.idempotencyKey, previous);
      if (found) {
        return found;
      }
    }
    await this.context.state.set(REPLY + request.idempotencyKey, previous ?? attempt);
    const body = await this.graph<{ id?: unknown }>({
      method: 'POST',
      path: `/${encodeURIComponent(item.remoteId)}/replies`,
      params: { message: request.text },
      what: 'replying to a comment',
      mayCreate: true,
    });
    return this.record(request.idempotencyKey, requireId(body, 'the reply'), undefined, 'reply');
  }

  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const { userId, username } = await this.account();
    const media = await this.graph<Page<GraphMedia>>({
      path: `/${userId}/media`,
      params: { fields: 'id,timestamp,permalink', limit: String(INBOX_MEDIA) },
      what: 'listing recent media for the inbox',
    });
    const items: InboxItemInput[] = [];
    for (const post of media.data ?? []) {
      let after: string | undefined;
      for (let page = 0; page < INBOX_MAX_PAGES; page++) {
        const comments = await this.graph<Page<GraphComment>>({
          path: `/${post.id}/comments`,
          params: {
            fields: 'id,text,username,timestamp,replies{id,text,username,timestamp}',
            limit: '50',
            after,
          },
          what: 'reading comments',
        });
        for (const comment of comments.data ?? []) {
          items.push(toInboxItem(comment, 'comment', post, username));
          for (const reply of comment.replies?.data ?? []) {
            items.push({ ...toInboxItem(reply, 'reply', post, username), inReplyToRemoteId: comment.id });
          }
        }
        after = comments.paging?.next ? comments.paging.cursors?.after : undefined;
        if (!after) {
          break;
        }
      }
    }
    return this.newerThan(since, items);
  }

  /**
   * Instagram's timestamps are whole seconds, so a comment may share the second of `since`: items in that second
   * are kept unless the last fetch already returned them (their ids are kept in state with the newest second).
   */
  private async newerThan(since: Date | undefined, items: InboxItemInput[]): Promise<InboxItemInput[]> {
    const boundary = await this.context.state.get<{ at: number; ids: string[] }>(INBOX_BOUNDARY);
    const from = since ? Math.floor(since.getTime() / 1000) * 1000 : undefined;
    const fresh = items.filter((item) => {
      const at = item.receivedAt.getTime();
      if (from === undefined || at > from) {
        return true;
      }
      return at === from && !(boundary?.at === at && boundary.ids.includes(item.remoteId));
    });
    const newest = Math.max(...items.map((item) => item.receivedAt.getTime()));
    if (Number.isFinite(newest) && (!boundary || newest >= boundary.at)) {
      const ids = items.filter((item) => item.receivedAt.getTime() === newest).map((item) => item.remoteId);
      await this.context.state.set(INBOX_BOUNDARY, {
        at: newest,
        ids: [...new Set([...(boundary?.at === newest ? boundary.ids : []), ...ids])],
      });
    }
    return fresh;
  }

  async getProfile(): Promise<ProfileSnapshot> {
    const me = await this.graph<{ name?: string; username?: string; biography?: string; website?: string }>({
      path: '/me',
      params: { fields: 'user_id,username,name,biography,website' },
      what: 'reading the profile',
    });
    return { displayName: me.name ?? me.username, bio: me.biography, links: me.website ? [me.website] : [] };
  }

  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    const { userId } = await this.account();
    const account = await this.graph<{ followers_count?: number }>({
      path: `/${userId}`,
      params: { fields: 'followers_count,media_count' },
      what: 'reading the follower count',
    });
    const end = Date.parse(`${day}T23:59:59Z`);
    const sent = (await this.context.state.list<SentRecord>(SENT))
      .map((entry) => entry.value)
      .filter((post) => {
        const at = Date.parse(post.publishedAt);
        return at <= end && at > end - METRICS_WINDOW_DAYS * DAY_MS && post.kind !== 'reply';
      })
      .slice(-METRICS_MAX_POSTS);
    const posts: NonNullable<ChannelMetrics['posts']> = [];
    for (const post of sent) {
      const insights = await this.graph<{
        data?: Array<{ name: string; values?: Array<{ value?: number }>; total_value?: { value?: number } }>;
      }>({
        path: `/${post.remoteId}/insights`,
        params: { metric: 'views,reach,likes,comments,saved,shares' },
        what: 'reading post insights',
      }).catch(() => undefined);
      if (!insights?.data) {
        continue;
      }
      const values: Record<string, number> = {};
      for (const metric of insights.data) {
        const value = metric.total_value?.value ?? metric.values?.[0]?.value;
        if (typeof value === 'number' && value >= 0) {
          values[metric.name] = value;
        }
      }
      const { views, reach: _reach, ...engagements } = values;
      posts.push({
        remoteId: post.remoteId,
        ...(views !== undefined ? { impressions: views } : {}),
        engagements,
      });
    }
    return {
      ...(typeof account.followers_count === 'number' ? { followers: account.followers_count } : {}),
      posts,
    };
  }

  /** Creates what the record still lacks: the carousel items, then the container media_publish takes. */
  private async createContainers(key: string, record: PostRecord): Promise<PostRecord> {
    const { userId } = await this.account();
    if (record.media.length === 1 && !record.containerId) {
      const id = await this.createContainer(userId, record.media[0], { caption: record.caption });
      record = { ...record, containerId: id };
      await this.context.state.set(POST + key, record);
    }
    while (record.media.length > 1 && record.children.length < record.media.length) {
      const id = await this.createContainer(userId, record.media[record.children.length], {
        is_carousel_item: 'true',
      });
      record = { ...record, children: [...record.children, id] };
      await this.context.state.set(POST + key, record);
    }
    return record;
  }

  private async createContainer(
    userId: string,
    media: MediaAttachment,
    params: Record<string, string>,
  ): Promise<string> {
    const url = mediaLinksOf(this.context).publicUrl(media, { expiresInMs: this.options.mediaUrlLifetimeMs });
    const kind = isVideo(media)
      ? { media_type: params.is_carousel_item ? 'VIDEO' : 'REELS', video_url: url }
      : { image_url: url, ...(media.altText ? { alt_text: media.altText } : {}) };
    const body = await this.graph<{ id?: unknown }>({
      method: 'POST',
      path: `/${userId}/media`,
      params: { ...params, ...kind },
      what: 'creating a media container',
      mayCreate: true,
    });
    return requireId(body, 'the media container');
  }

  /** The carousel's own container, once every item is FINISHED. */
  private async createCarousel(key: string, record: PostRecord): Promise<PostRecord> {
    const { userId } = await this.account();
    const body = await this.graph<{ id?: unknown }>({
      method: 'POST',
      path: `/${userId}/media`,
      params: { media_type: 'CAROUSEL', children: record.children.join(','), caption: record.caption },
      what: 'creating the carousel container',
      mayCreate: true,
    });
    const next = { ...record, containerId: requireId(body, 'the carousel container') };
    await this.context.state.set(POST + key, next);
    return next;
  }

  private async publishContainer(
    key: string,
    record: PostRecord,
    containerId: string,
  ): Promise<PublishResult> {
    const { userId } = await this.account();
    await this.context.state.set(POST + key, {
      ...record,
      publishSentAt: this.context.clock.now().toISOString(),
    });
    let body: { id?: unknown };
    try {
      body = await this.graph<{ id?: unknown }>({
        method: 'POST',
        path: `/${userId}/media_publish`,
        params: { creation_id: containerId },
        what: 'publishing the media container',
        mayCreate: true,
      });
    } catch (error) {
      // "Media ID is not available" after an earlier media_publish of ours: the container may be published.
      const found =
        error instanceof PermanentError && error.platformCode === '9007' && record.publishSentAt
          ? await this.findPublished(key, record)
          : undefined;
      if (found) {
        return found;
      }
      throw error;
    }
    return this.record(key, requireId(body, 'media_publish'));
  }

  /** A container that says PUBLISHED: its media among the account's recent media, same caption, not another key's. */
  private async findPublished(key: string, record: PostRecord): Promise<PublishResult | undefined> {
    const { userId } = await this.account();
    const recent = await this.graph<Page<GraphMedia>>({
      path: `/${userId}/media`,
      params: { fields: 'id,caption,timestamp,permalink', limit: String(RECENT_MEDIA) },
      what: 'finding a published container among recent media',
    });
    const since = Date.parse(record.createdAt) - CLOCK_SKEW_MS;
    for (const media of recent.data ?? []) {
      const claimedBy = await this.context.state.get<string>(REMOTE + media.id);
      if (
        (media.caption ?? '') === record.caption &&
        Date.parse(media.timestamp ?? '') >= since &&
        (!claimedBy || claimedBy === key)
      ) {
        return this.record(key, media.id, media.permalink);
      }
    }
    return undefined;
  }

  private async findReply(key: string, attempt: ReplyAttempt): Promise<PublishResult | undefined> {
    const { username } = await this.account();
    const replies = await this.graph<Page<GraphComment>>({
      path: `/${encodeURIComponent(attempt.commentId)}/replies`,
      params: { fields: 'id,text,username,timestamp' },
      what: 'finding a reply sent earlier',
    });
    const since = Date.parse(attempt.sentAt) - CLOCK_SKEW_MS;
    const found = (replies.data ?? []).find(
      (reply) =>
        reply.text === attempt.text &&
        reply.username === username &&
        Date.parse(reply.timestamp ?? '') >= since,
    );
    return found ? this.record(key, found.id, undefined, 'reply') : undefined;
  }

  private async record(
    key: string,
    remoteId: string,
    url?: string,
    kind: SentRecord['kind'] = 'post',
  ): Promise<PublishResult> {
    const sent: SentRecord = {
      remoteId,
      kind,
      ...(url ? { url } : {}),
      publishedAt: this.context.clock.now().toISOString(),
    };
    await this.context.state.set(SENT + key, sent);
    await this.context.state.set(REMOTE + remoteId, key);
    return toResult(sent);
  }

  /** The 24-hour publishing quota: exhausted → rateLimited until our oldest publish in the window leaves it. */
  private async checkQuota(): Promise<void> {
    const { userId } = await this.account();
    const limit = await this.graph<{
      data?: Array<{ quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }>;
    }>({
      path: `/${userId}/content_publishing_limit`,
      params: { fields: 'quota_usage,config' },
      what: 'checking the 24-hour publishing quota',
    });
    const entry = limit.data?.[0];
    const total = entry?.config?.quota_total;
    if (typeof entry?.quota_usage !== 'number' || typeof total !== 'number' || entry.quota_usage < total) {
      return;
    }
    const now = this.context.clock.now().getTime();
    const windowMs = (entry.config?.quota_duration ?? 86_400) * 1000;
    const oldest = (await this.context.state.list<SentRecord>(SENT))
      .filter((sent) => sent.value.kind !== 'reply')
      .map((sent) => Date.parse(sent.value.publishedAt))
      .filter((at) => at > now - windowMs)
      .sort((a, b) => a - b)[0];
    const resetAt = new Date(
      Math.max(now + 1_000, oldest !== undefined ? oldest + windowMs : now + 3_600_000),
    );
    throw rateLimited(
      `Instagram's publishing quota is used up (${entry.quota_usage} of ${total} posts in ${windowMs / 3_600_000} hours); the post waits until ${resetAt.toISOString()}`,
      resetAt,
    );
  }

  private async container(id: string): Promise<Container> {
    return this.graph<Container>({
      path: `/${encodeURIComponent(id)}`,
      params: { fields: 'id,status_code,status' },
      what: 'reading a media container',
    });
  }

  /** The account: the userId option, else the one found while connecting, else /me. */
  private account(): Promise<{ userId: string; username?: string }> {
    this.ownAccount ??= this.findAccount().catch((error: unknown) => {
      this.ownAccount = undefined;
      throw error;
    });
    return this.ownAccount;
  }

  private async findAccount(): Promise<{ userId: string; username?: string }> {
    const me = await this.graph<{ user_id?: unknown; username?: unknown }>({
      path: '/me',
      params: { fields: 'user_id,username' },
      what: 'reading the account',
    });
    const tokens = this.options.accessToken ? undefined : await credentialsOf(this.context).current();
    const userId =
      this.options.userId ??
      tokens?.account?.userId ??
      (typeof me.user_id === 'string' ? me.user_id : undefined);
    if (!userId) {
      throw refusedByPlatform(
        'no-account',
        'plugin instagram: the token names no Instagram professional account: set the userId option',
      );
    }
    return { userId, username: typeof me.username === 'string' ? me.username : undefined };
  }

  private async graph<T>(call: GraphCall): Promise<T> {
    const token = this.options.accessToken ?? (await credentialsOf(this.context).current()).accessToken;
    return this.api.call<T>(call, token);
  }
}

function toResult(sent: SentRecord): PublishResult {
  return {
    remoteId: sent.remoteId,
    ...(sent.url ? { url: sent.url } : {}),
    publishedAt: new Date(sent.publishedAt),
  };
}

function toInboxItem(
  comment: GraphComment,
  kind: 'comment' | 'reply',
  post: GraphMedia,
  ownUsername?: string,
): InboxItemInput {
  return {
    remoteId: comment.id,
    kind,
    author: comment.username ?? '(unknown)',
    text: comment.text ?? '',
    ...(post.permalink ? { url: post.permalink } : {}),
    receivedAt: new Date(comment.timestamp ?? 0),
    inReplyToRemoteId: kind === 'comment' ? post.id : undefined,
    byOwner: ownUsername !== undefined && comment.username === ownUsername,
  };
}
