import {
  credentialsOf,
  OutcomeUnknownError,
  refusedByPlatform,
  transientFailure,
  type ChannelMetrics,
  type Connector,
  type InboxItemInput,
  type InboxItemRef,
  type PluginContext,
  type ProfileSnapshot,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
  type PublishStatus,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { idOf, ThreadsApi } from './threads-api';
import { createPostContainer } from './threads-containers';
import { fetchThreadsInbox } from './threads-inbox';
import { ThreadsLedger, type ContainerRecord } from './threads-ledger';
import { fetchThreadsMetrics } from './threads-metrics';
import type { ThreadsOptions } from './threads-options.schema';
import { checkQuota } from './threads-quota';
import { threadsTextProblem } from './threads-text';

/** Threads asks for ~30 s before publishing media; a text container is ready at once. */
const MEDIA_CHECK_AFTER_MS = 30_000;
const TEXT_CHECK_AFTER_MS = 2_000;
/** A published post that the account's listing does not show yet (indexing lag): ask again soon. */
const INDEX_LAG_CHECK_AFTER_MS = 10_000;

interface ThreadsMedia {
  id: string;
  text?: string;
  timestamp?: string;
  permalink?: string;
}

/**
 * A Threads account (Threads API, graph.threads.net): two-step posts (a container, then threads_publish), replies,
 * the inbox of replies under the account's posts, insights and the profile. Exactly once without idempotency keys:
 * see ThreadsLedger for what is remembered per key, and README.md for the whole story.
 */
export class ThreadsConnector implements Connector {
  private readonly api: ThreadsApi;
  private readonly ledger: ThreadsLedger;

  constructor(
    private readonly context: PluginContext,
    private readonly options: ThreadsOptions,
  ) {
    this.api = new ThreadsApi(context, options.apiBaseUrl, options.timeoutMs, async () => {
      return options.accessToken ?? (await credentialsOf(context).current()).accessToken;
    });
    this.ledger = new ThreadsLedger(context.state);
  }

  /** Present only with OAuth (no static accessToken): the core calls it once when Threads refused the token. */
  get refreshCredentials(): (() => Promise<boolean>) | undefined {
    return this.options.accessToken === undefined ? () => credentialsOf(this.context).refresh() : undefined;
  }

  async publish(request: PublishRequest): Promise<PublishOutcome> {
    const known = await this.lookup(request.idempotencyKey);
    if (known) {
      return known;
    }
    const problem = threadsTextProblem(request.text);
    if (problem) {
      throw refusedByPlatform('text', problem);
    }
    const userId = await this.userId();
    await checkQuota(this.api, userId, 'post', this.context.clock.now());
    const record = await this.createContainer(request, 'post', userId);
    return {
      status: 'accepted',
      handle: record.containerId,
      checkAfterMs: request.media.length > 0 ? MEDIA_CHECK_AFTER_MS : TEXT_CHECK_AFTER_MS,
    };
  }

  /**
   * The post published for this key, or its container (accepted, finishing). A container whose creation got no
   * answer cannot be found (Threads lists no unpublished containers): undefined, and it is never published.
   */
  async lookup(idempotencyKey: string): Promise<PublishOutcome | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return sent;
    }
    const container = await this.ledger.container(idempotencyKey);
    return container ? { status: 'accepted', handle: container.containerId } : undefined;
  }

  async status(handle: string): Promise<PublishStatus> {
    const key = await this.ledger.keyOf(handle);
    const record = key ? await this.ledger.container(key) : undefined;
    if (!key || !record) {
      return {
        status: 'failed',
        reason: `container ${handle} was not created by this channel (its record is gone): publish the post again`,
      };
    }
    return this.finish(key, record);
  }

  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const sent = await this.ledger.sent(key);
    if (sent) {
      return sent;
    }
    let record = await this.ledger.container(key);
    if (!record) {
      const problem = threadsTextProblem(request.text);
      if (problem) {
        throw refusedByPlatform('text', problem);
      }
      const userId = await this.userId();
      await checkQuota(this.api, userId, 'reply', this.context.clock.now());
      record = await this.createContainer(
        {
          idempotencyKey: key,
          text: request.text,
          media: [],
          scheduledAt: this.context.clock.now(),
          extra: {},
        },
        'reply',
        userId,
        item.remoteId,
      );
    }
    const outcome = await this.finish(key, record);
    switch (outcome.status) {
      case 'published':
        return outcome.result;
      case 'finishing':
        throw transientFailure(
          `the reply's container ${record.containerId} is not ready yet; it is sent on the next try`,
        );
      case 'failed':
        throw refusedByPlatform('container', outcome.reason);
    }
  }

  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    return fetchThreadsInbox(
      this.api,
      this.context.state,
      await this.userId(),
      since,
      this.context.clock.now(),
      this.options.inboxLookbackDays,
    );
  }

  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    return fetchThreadsMetrics(this.api, await this.userId(), day);
  }

  async getProfile(): Promise<ProfileSnapshot> {
    const me = await this.api.call<{ name?: string; username?: string; threads_biography?: string }>({
      path: `/${await this.userId()}`,
      params: { fields: 'id,username,name,threads_biography' },
      what: 'reading the profile',
    });
    return { displayName: me.name ?? me.username, bio: me.threads_biography, links: [] };
  }

  /** Creates the container once per key: an earlier container is reused; its id is stored before anything else. */
  private async createContainer(
    request: PublishRequest,
    kind: ContainerRecord['kind'],
    userId: string,
    replyToId?: string,
  ): Promise<ContainerRecord> {
    const now = this.context.clock.now();
    const earlier = await this.ledger.startCreating(request.idempotencyKey, now);
    if (earlier) {
      this.context.logger.warn(
        'an earlier container request for this post got no answer; Threads cannot list it, so a new one is created (the earlier one is never published and expires in 24 h)',
        { key: request.idempotencyKey, earlierAt: earlier },
      );
    }
    let containerId: string;
    try {
      containerId = await createPostContainer(this.api, this.context, userId, request, replyToId);
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) {
        // Threads answered, and with a refusal: no container exists for this key.
        await this.ledger.nothingCreated(request.idempotencyKey);
      }
      throw error;
    }
    const record: ContainerRecord = { containerId, kind, text: request.text, createdAt: now.toISOString() };
    await this.ledger.recordContainer(request.idempotencyKey, record);
    return record;
  }

  /** Publishes a FINISHED container once; a PUBLISHED one is found among the account's posts, never sent again. */
  private async finish(key: string, record: ContainerRecord): Promise<PublishStatus> {
    const sent = await this.ledger.sent(key);
    if (sent) {
      return { status: 'published', result: sent };
    }
    const container = await this.api.call<{ status?: string; error_message?: string }>({
      path: `/${record.containerId}`,
      params: { fields: 'id,status,error_message' },
      what: "reading the container's status",
    });
    switch (container.status ?? '(none)') {
      case 'IN_PROGRESS':
        return { status: 'finishing', checkAfterMs: MEDIA_CHECK_AFTER_MS };
      case 'ERROR':
        return {
          status: 'failed',
          reason: `Threads could not process the media (${container.error_message ?? 'UNKNOWN'}): check the file against Threads' media specifications`,
        };
      case 'EXPIRED':
        return {
          status: 'failed',
          reason:
            'the Threads container expired (it was not published within 24 hours): publish the post again',
        };
      case 'PUBLISHED': {
        const found = await this.findPublished(key, record);
        return found
          ? { status: 'published', result: found }
          : { status: 'finishing', checkAfterMs: INDEX_LAG_CHECK_AFTER_MS };
      }
      case 'FINISHED':
        return { status: 'published', result: await this.publishContainer(key, record) };
      default:
        throw transientFailure(
          `plugin threads: Threads answered an unknown container status ${JSON.stringify(container.status)}`,
        );
    }
  }

  private async publishContainer(key: string, record: ContainerRecord): Promise<PublishResult> {
    const userId = await this.userId();
    const answer = await this.api.call<unknown>({
      method: 'POST',
      path: `/${userId}/threads_publish`,
      params: { creation_id: record.containerId },
      what: 'publishing the container',
      creates: true,
    });
    const remoteId = idOf(answer, 'threads_publish');
    const result: PublishResult = { remoteId, publishedAt: this.context.clock.now() };
    await this.ledger.recordSent(key, result);
    const url = await this.permalinkOf(remoteId);
    if (url) {
      result.url = url;
      await this.ledger.recordSent(key, result);
    }
    return result;
  }

  /** Best effort: the post's address for people; its absence loses nothing. */
  private async permalinkOf(remoteId: string): Promise<string | undefined> {
    try {
      const media = await this.api.call<ThreadsMedia>({
        path: `/${remoteId}`,
        params: { fields: 'id,permalink' },
        what: "reading the post's link",
      });
      return typeof media.permalink === 'string' ? media.permalink : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The post a PUBLISHED container became, when publish's answer was lost: Threads' container answer has no media
   * id, so the account's posts (or replies) since the container was created are searched for the same text, the
   * oldest not yet claimed by another key. Deterministic; two identical texts in one minute share the risk.
   */
  private async findPublished(key: string, record: ContainerRecord): Promise<PublishResult | undefined> {
    const userId = await this.userId();
    const since = Math.floor(new Date(record.createdAt).getTime() / 1000) - 60;
    let after: string | undefined;
    const candidates: ThreadsMedia[] = [];
    for (let page = 0; page < 5; page++) {
      const answer = await this.api.call<{
        data?: ThreadsMedia[];
        paging?: { cursors?: { after?: string }; next?: string };
      }>({
        path: `/${userId}/${record.kind === 'post' ? 'threads' : 'replies'}`,
        params: { fields: 'id,text,timestamp,permalink', since, limit: 100, after },
        what: 'finding a published post whose answer was lost',
      });
      candidates.push(...(answer.data ?? []).filter((media) => (media.text ?? '') === record.text));
      after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
      if (!after) {
        break;
      }
    }
    candidates.sort((a, b) => (a.timestamp ?? '').localeCompare(b.timestamp ?? ''));
    for (const media of candidates) {
      if (await this.ledger.claim(media.id, key)) {
        const result: PublishResult = {
          remoteId: media.id,
          ...(media.permalink ? { url: media.permalink } : {}),
          ...(media.timestamp ? { publishedAt: new Date(media.timestamp) } : {}),
        };
        await this.ledger.recordSent(key, result);
        return result;
      }
    }
    return undefined;
  }

  /** The options' userId, else the account found when the channel was connected, else Threads' "me". */
  private async userId(): Promise<string> {
    if (this.options.userId) {
      return this.options.userId;
    }
    if (this.options.accessToken !== undefined) {
      return 'me';
    }
    return (await credentialsOf(this.context).current()).account?.userId ?? 'me';
  }
}
