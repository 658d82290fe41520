import { createHash } from 'node:crypto';
import {
  OutcomeUnknownError,
  PermanentError,
  describeExcess,
  measureText,
  splitThread,
  type ChannelMetrics,
  type Connector,
  type DesiredProfile,
  type InboxItemRef,
  type ReplyRequest,
  type InboxItemInput,
  type MediaAttachment,
  type PluginContext,
  type ProfileSnapshot,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import { MastodonApi, NoAnswerError } from './mastodon-api';
import type { MastodonAccount, MastodonNotification, MastodonStatus } from './mastodon-entities';
import {
  INSTANCE_STATE_KEY,
  MASTODON_DEFAULTS,
  instanceLimits,
  type InstanceLimits,
} from './mastodon-instance';
import {
  MAX_THREAD_PARTS,
  MastodonThreads,
  THREAD,
  isThreadPartKey,
  type ThreadPlan,
} from './mastodon-thread';
import { checkMedia, uploadMedia, waitUntilProcessed, type UploadedMedia } from './mastodon-media';
import { LANGUAGE, VISIBILITIES, type MastodonOptions, type Visibility } from './mastodon-options.schema';
import { htmlToText, linksIn, mastodonTextLimits, statusFingerprint } from './mastodon-text';
import { updateCredentials } from './mastodon-profile';

/** A status published through Metronome, by idempotency key: the answer to lookup() and the posts metrics cover. */
interface PublishedRecord {
  remoteId: string;
  url?: string;
  publishedAt: string;
}

/**
 * Written before a status is sent, so an unknown outcome can be reconciled: what was sent (fingerprints of every
 * text tried under this key), since when, and the uploads a retry can reuse.
 */
interface AttemptRecord {
  fingerprints: string[];
  firstAttemptAt: string;
  lastAttemptAt: string;
  media: UploadedMedia[];
  /** For a thread part: the status it replies to. */
  inReplyToId?: string;
}

const PUBLISHED = 'published:';
const ATTEMPT = 'attempt:';
const INBOX_CURSOR = 'inbox:cursor';

/** Mastodon remembers an Idempotency-Key for an hour; past most of that, look before sending again. */
const RECONCILE_BEFORE_RESEND_AFTER_MS = 50 * 60_000;
/** How far the server's clock may be behind ours when matching a status to an attempt. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** The account's most recent statuses searched when reconciling (Mastodon's maximum page). */
const RECENT_STATUSES = 40;
const INBOX_PAGE_SIZE = 40;
/** Pages of mentions read per fetch; the rest waits for the next fetch (the cursor only moves past what was read). */
const INBOX_MAX_PAGES = 10;
/** Posts whose counts metrics re-read: published in this many days up to the day, at most this many. */
const METRICS_WINDOW_DAYS = 35;
const METRICS_MAX_POSTS = 100;
const METRICS_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Per-post settings from the post's front matter (`overrides.<channel>.extra`). */
interface PostSettings {
  visibility?: Visibility;
  spoilerText: string;
  sensitive?: boolean;
  language?: string;
}
const EXTRA_KEYS = new Set(['visibility', 'spoilerText', 'sensitive', 'language', 'thread']);

/** Mastodon status and notification ids sort by length, then character by character (numbers and ULIDs alike). */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value) && URL.canParse(value);
}

/**
 * One Mastodon account, through the documented REST API (docs.joinmastodon.org/methods).
 *
 * A retry is built not to duplicate a status: every attempt sends the post's idempotency key as Mastodon's
 * `Idempotency-Key` (the server answers a repeat within an hour with the status it created the first time), the
 * result is recorded in the channel's state, and an attempt whose answer never came is reconciled by lookup() (and
 * by publish itself once Mastodon may have forgotten the key). The limits are in README.md beside this file.
 */
export class MastodonConnector implements Connector {
  private readonly api: MastodonApi;
  private readonly server: string;
  private ownAccountId?: Promise<string>;
  private readonly threads: MastodonThreads;

  constructor(
    private readonly context: PluginContext,
    private readonly options: MastodonOptions,
  ) {
    this.server = new URL(options.instance).origin;
    this.api = new MastodonApi(context.http, context.clock, this.server, options.accessToken);
    this.threads = new MastodonThreads(context.state, {
      publishStatus: (key, text, media, inReplyToId, extra) =>
        this.publishStatus(key, { text, media, extra }, inReplyToId),
      lookupStatus: (key) => this.lookupStatus(key),
      recordPublished: (key, result) => this.recordResult(key, result),
    });
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const done = await this.context.state.get<PublishedRecord>(PUBLISHED + key);
    if (done) {
      return toResult(done);
    }
    const thread = request.extra.thread ?? false;
    if (typeof thread !== 'boolean') {
      throw new PermanentError('extra.thread must be true or false');
    }
    const savedThread = await this.context.state.get<ThreadPlan>(THREAD + key);
    if (thread || savedThread) {
      const settings = this.postSettings(request.extra);
      const limits = await instanceLimits(this.api, this.context, this.server);
      const parts = savedThread?.parts ?? this.threadParts(request, settings, limits);
      if (parts.length > 1) {
        return this.threads.publish(key, parts, request.media, request.extra);
      }
    }
    return this.publishStatus(key, request);
  }

  /**
   * One status under one key: the reconcile-before-resend and Idempotency-Key machinery described in README.md.
   * `inReplyToId` chains a thread part to the part before.
   */
  private async publishStatus(
    key: string,
    request: Pick<PublishRequest, 'text' | 'media' | 'extra'>,
    inReplyToId?: string,
  ): Promise<PublishResult> {
    const done = await this.context.state.get<PublishedRecord>(PUBLISHED + key);
    if (done) {
      return toResult(done);
    }
    // Evidence of an earlier attempt comes first: a status that may exist is never reported as a failure.
    const now = this.context.clock.now();
    const previous = await this.context.state.get<AttemptRecord>(ATTEMPT + key);
    let reusable: UploadedMedia[] = [];
    if (previous) {
      const earlier = await this.earlierUploads(previous);
      reusable = earlier.ready;
      const pastWindow =
        now.getTime() - Date.parse(previous.firstAttemptAt) >= RECONCILE_BEFORE_RESEND_AFTER_MS;
      if (earlier.attached || pastWindow) {
        // An upload of the earlier attempt is attached to a status by now, or Mastodon may have forgotten the key:
        // the earlier status must be found, not sent again.
        const found = await this.reconcile(key, previous);
        if (found) {
          return found;
        }
      }
    }
    const settings = this.postSettings(request.extra);
    const limits = await instanceLimits(this.api, this.context, this.server);
    this.checkText(request, settings, limits);
    await checkMedia(request.media, limits, this.api.host);

    const fingerprint = statusFingerprint(request.text, settings.spoilerText);
    const attempt: AttemptRecord = {
      fingerprints: [...new Set([...(previous?.fingerprints ?? []), fingerprint])],
      firstAttemptAt: previous?.firstAttemptAt ?? now.toISOString(),
      lastAttemptAt: now.toISOString(),
      media: reusable,
      ...(inReplyToId ? { inReplyToId } : {}),
    };
    await this.context.state.set(ATTEMPT + key, attempt);
    const mediaIds = await this.prepareMedia(key, request.media, attempt);

    const form = new URLSearchParams();
    form.set('status', request.text);
    if (settings.visibility) {
      form.set('visibility', settings.visibility);
    }
    if (settings.spoilerText) {
      form.set('spoiler_text', settings.spoilerText);
    }
    if (settings.sensitive !== undefined) {
      form.set('sensitive', String(settings.sensitive));
    }
    if (settings.language) {
      form.set('language', settings.language);
    }
    mediaIds.forEach((id) => form.append('media_ids[]', id));
    if (inReplyToId) {
      form.set('in_reply_to_id', inReplyToId);
    }
    const call = {
      method: 'POST' as const,
      path: '/api/v1/statuses',
      form,
      headers: { 'idempotency-key': idempotencyHeader(key) },
    };

    let status: MastodonStatus;
    try {
      const response = await this.api.send(call);
      if (response.status < 200 || response.status > 299) {
        const error = await this.api.failure(response, 'publishing a status');
        if (error instanceof PermanentError && /character limit/i.test(error.message)) {
          // The instance lowered its limit since it was read: read it again next time.
          await this.context.state.delete(INSTANCE_STATE_KEY);
        }
        throw error;
      }
      status = await this.api.readJson<MastodonStatus>(response, call);
    } catch (error) {
      if (error instanceof NoAnswerError && error.mayHaveArrived) {
        throw new OutcomeUnknownError(
          `${error.message}. The status may have been published: reconcile with lookup() before publishing again`,
          { cause: error },
        );
      }
      throw error;
    }
    return this.recordPublished(key, status);
  }

  /**
   * Finds the status published under an idempotency key: from the channel's state when this connector saw the
   * answer, otherwise by searching the account's 40 most recent statuses for one created since the first attempt
   * (less five minutes for clock skew) whose text and content warning match what was sent, and not already
   * claimed by another key. See README.md in this folder for what this cannot find.
   */
  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const done = await this.context.state.get<PublishedRecord>(PUBLISHED + idempotencyKey);
    if (done) {
      return toResult(done);
    }
    if (await this.context.state.get<ThreadPlan>(THREAD + idempotencyKey)) {
      return this.threads.lookup(idempotencyKey);
    }
    return this.lookupStatus(idempotencyKey);
  }

  /** One status's result: from state, else reconciled from the account's recent statuses. */
  private async lookupStatus(key: string): Promise<PublishResult | undefined> {
    const done = await this.context.state.get<PublishedRecord>(PUBLISHED + key);
    if (done) {
      return toResult(done);
    }
    const attempt = await this.context.state.get<AttemptRecord>(ATTEMPT + key);
    return attempt ? this.reconcile(key, attempt) : undefined;
  }

  /** The text as thread parts that fit this instance (see MastodonThreads for how the split is kept). */
  private threadParts(request: PublishRequest, settings: PostSettings, limits: InstanceLimits): string[] {
    const textLimits = mastodonTextLimits(
      // The import check split at Mastodon's default: the same split here, unless the instance allows less.
      Math.min(limits.maxCharacters, MASTODON_DEFAULTS.maxCharacters),
      limits.charactersPerUrl,
    );
    const warning = measureText(settings.spoilerText, textLimits);
    const parts = splitThread(request.text, {
      ...textLimits,
      graphemes: (textLimits.graphemes ?? 0) - warning.characters,
    });
    if (parts.length > MAX_THREAD_PARTS) {
      throw new PermanentError(
        `the text makes ${parts.length} thread parts; at most ${MAX_THREAD_PARTS} are published: shorten it`,
      );
    }
    return parts;
  }

  /** `DELETE /api/v1/statuses/:id`, for a thread every part (last first); a status already gone counts as deleted. */
  async delete(remoteId: string): Promise<void> {
    const thread = await this.threads.threadOf(remoteId);
    for (const partId of thread?.otherParts ?? []) {
      await this.deleteStatus(partId);
    }
    await this.deleteStatus(remoteId);
    if (thread) {
      await this.context.state.delete(thread.stateKey);
    }
  }

  private async deleteStatus(remoteId: string): Promise<void> {
    const response = await this.api.send({
      method: 'DELETE',
      path: `/api/v1/statuses/${encodeURIComponent(remoteId)}`,
    });
    if (response.status === 404) {
      this.context.logger.info('status was already deleted on Mastodon', { remoteId });
    } else if (response.status < 200 || response.status > 299) {
      throw await this.api.failure(response, `deleting status ${remoteId}`);
    }
    for (const { key, value } of await this.context.state.list<PublishedRecord>(PUBLISHED)) {
      if (value.remoteId === remoteId) {
        await this.context.state.delete(key);
      }
    }
  }

  /**
   * Mentions (`GET /api/v1/notifications?types[]=mention`), oldest first. The newest id read is kept in the
   * channel's state; later fetches page forward from it with `min_id`, so a burst larger than a page is read
   * across fetches instead of skipped. The first fetch reads back to `since` (or one page when there is none).
   * `receivedAt` is when the mention reached the instance.
   */
  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const ownId = await this.ownId();
    const cursor = await this.context.state.get<string>(INBOX_CURSOR);
    const read = cursor ? await this.mentionsAfter(cursor) : await this.latestMentions(since);
    const notifications = read.sort((a, b) => compareIds(a.id, b.id));
    // With a cursor, the cursor decides what is new (`since` could drop a mention that federated in late).
    const items = notifications.flatMap((notification) => {
      const item = this.toInboxItem(notification, ownId);
      return item && (cursor || !since || item.receivedAt > since) ? [item] : [];
    });
    const newest = notifications.at(-1)?.id;
    if (newest && (!cursor || compareIds(newest, cursor) > 0)) {
      await this.context.state.set(INBOX_CURSOR, newest);
    }
    return items;
  }

  /**
   * Answers an inbox item: a status with `in_reply_to_id`, sent with the same Idempotency-Key, state records and
   * reconcile-before-resend as a post, so lookup(key) finds it. The author is mentioned first unless the text
   * does (Mastodon notifies, and federates to, the accounts a status mentions); a direct message is answered
   * directly.
   */
  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const mention = item.author.startsWith('@') ? item.author : `@${item.author}`;
    const text = request.text.includes(mention) ? request.text : `${mention} ${request.text}`;
    const extra = item.kind === 'message' ? { visibility: 'direct' } : {};
    return this.publishStatus(request.idempotencyKey, { text, media: [], extra }, item.remoteId);
  }

  /** `PATCH /api/v1/accounts/update_credentials` (display name, note, link fields), then the profile as it is now. */
  async updateProfile(desired: DesiredProfile): Promise<ProfileSnapshot> {
    const account = await updateCredentials(this.api, desired);
    return {
      displayName: account.display_name,
      bio: account.source?.note ?? htmlToText(account.note),
      links: profileLinks(account),
    };
  }

  /** `verify_credentials` and the pinned statuses (`GET /api/v1/accounts/:id/statuses?pinned=true`). */
  async getProfile(): Promise<ProfileSnapshot> {
    const account = await this.verifyCredentials();
    const { body: pinned } = await this.api.json<MastodonStatus[]>(
      { path: `/api/v1/accounts/${encodeURIComponent(account.id)}/statuses`, query: { pinned: true } },
      'reading pinned statuses',
    );
    const first = pinned[0];
    return {
      displayName: account.display_name,
      bio: account.source?.note ?? htmlToText(account.note),
      links: profileLinks(account),
      pinned: first ? (first.url ?? first.uri) : undefined,
    };
  }

  /**
   * Followers now, and the current favourite, boost and reply counts of the statuses published through Metronome
   * in the 35 days up to `day` (at most 100, newest first; Mastodon keeps no history, so every figure is as of
   * now). Statuses deleted on the server are left out. Mastodon shows no impressions or clicks.
   */
  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    const dayEnd = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
    if (Number.isNaN(dayEnd)) {
      throw new PermanentError(`metrics day "${day}" is not a date written YYYY-MM-DD`);
    }
    const account = await this.verifyCredentials();
    const records = (await this.context.state.list<PublishedRecord>(PUBLISHED))
      // A thread counts once, as its first status (the thread's own record).
      .filter(({ key }) => !isThreadPartKey(key))
      .map(({ value }) => value)
      .filter((record) => {
        const at = Date.parse(record.publishedAt);
        return at < dayEnd && at >= dayEnd - METRICS_WINDOW_DAYS * DAY_MS;
      })
      .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt))
      .slice(0, METRICS_MAX_POSTS);
    const posts: NonNullable<ChannelMetrics['posts']> = [];
    for (let i = 0; i < records.length; i += METRICS_CONCURRENCY) {
      const batch = await Promise.all(
        records.slice(i, i + METRICS_CONCURRENCY).map((record) => this.statusCounts(record.remoteId)),
      );
      posts.push(...batch.filter((post) => post !== undefined));
    }
    const total = (name: string) => posts.reduce((sum, post) => sum + (post.engagements?.[name] ?? 0), 0);
    return {
      followers: account.followers_count,
      engagements: { likes: total('likes'), reposts: total('reposts'), replies: total('replies') },
      posts,
    };
  }

  private postSettings(extra: Record<string, unknown>): PostSettings {
    const problems: string[] = [];
    const visibility = extra.visibility ?? this.options.visibility;
    if (visibility !== undefined && !VISIBILITIES.includes(visibility as Visibility)) {
      problems.push(`extra.visibility must be one of ${VISIBILITIES.join(', ')}`);
    }
    const spoilerText = extra.spoilerText ?? '';
    if (typeof spoilerText !== 'string') {
      problems.push('extra.spoilerText must be text (the content warning)');
    }
    const sensitive = extra.sensitive;
    if (sensitive !== undefined && typeof sensitive !== 'boolean') {
      problems.push('extra.sensitive must be true or false');
    }
    const language = extra.language ?? this.options.language;
    if (language !== undefined && (typeof language !== 'string' || !LANGUAGE.test(language))) {
      problems.push('extra.language must be an ISO 639 language code such as "en" or "pt-BR"');
    }
    if (problems.length > 0) {
      throw new PermanentError(`invalid Mastodon settings in the post: ${problems.join('; ')}`);
    }
    const unknown = Object.keys(extra).filter((name) => !EXTRA_KEYS.has(name));
    if (unknown.length > 0) {
      this.context.logger.warn(
        'ignoring unknown extra settings; Mastodon takes visibility, spoilerText, sensitive, language and thread',
        {
          unknown,
        },
      );
    }
    return {
      visibility: visibility as Visibility | undefined,
      spoilerText: spoilerText as string,
      sensitive: sensitive as boolean | undefined,
      language: language as string | undefined,
    };
  }

  private checkText(
    request: Pick<PublishRequest, 'text' | 'media'>,
    settings: PostSettings,
    limits: InstanceLimits,
  ): void {
    if (request.text.trim() === '' && request.media.length === 0) {
      throw new PermanentError('nothing to publish: the status has no text and no media');
    }
    const textLimits = mastodonTextLimits(limits.maxCharacters, limits.charactersPerUrl);
    const excess = describeExcess(
      measureText(request.text, textLimits),
      textLimits,
      measureText(settings.spoilerText, textLimits),
    );
    if (excess) {
      throw new PermanentError(
        `the status is ${excess} on ${this.api.host}: shorten it or give this channel its own text in overrides`,
      );
    }
  }

  /**
   * The uploads of earlier attempts that can still be attached (processed, unattached), and whether any is gone:
   * Mastodon only shows unattached uploads, so a gone one is most likely attached to the status of that attempt.
   */
  private async earlierUploads(
    attempt: AttemptRecord,
  ): Promise<{ ready: UploadedMedia[]; attached: boolean }> {
    const ready: UploadedMedia[] = [];
    let attached = false;
    for (const upload of attempt.media) {
      if ((await waitUntilProcessed(this.api, upload.id, `"${upload.path}"`)) === 'ready') {
        ready.push(upload);
      } else {
        attached = true;
      }
    }
    return { ready, attached };
  }

  /** Uploads every file with its alt text (or reuses a ready upload of an earlier attempt) and waits until processed. */
  private async prepareMedia(
    key: string,
    items: MediaAttachment[],
    attempt: AttemptRecord,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const item of items) {
      const altText = item.altText ?? '';
      const label = `"${item.path}"`;
      const earlier = attempt.media.find(
        (upload) => upload.path === item.path && upload.altText === altText && !ids.includes(upload.id),
      );
      if (earlier) {
        ids.push(earlier.id);
        continue;
      }
      const { attachment, processing } = await uploadMedia(this.api, item);
      attempt.media = [...attempt.media, { path: item.path, altText, id: attachment.id }];
      await this.context.state.set(ATTEMPT + key, attempt);
      if (processing && (await waitUntilProcessed(this.api, attachment.id, label)) === 'gone') {
        throw new Error(`Mastodon (${this.api.host}) lost the upload of ${label} while processing it`);
      }
      ids.push(attachment.id);
    }
    return ids;
  }

  private async reconcile(key: string, attempt: AttemptRecord): Promise<PublishResult | undefined> {
    const ownId = await this.ownId();
    const { body: statuses } = await this.api.json<MastodonStatus[]>(
      {
        path: `/api/v1/accounts/${encodeURIComponent(ownId)}/statuses`,
        // A thread part replies to the part before: its search keeps replies and matches the parent.
        query: {
          limit: RECENT_STATUSES,
          exclude_reblogs: true,
          ...(attempt.inReplyToId ? {} : { exclude_replies: true }),
        },
      },
      'reading recent statuses to reconcile a publish',
    );
    const claimed = new Set(
      (await this.context.state.list<PublishedRecord>(PUBLISHED)).map(({ value }) => value.remoteId),
    );
    const from = Date.parse(attempt.firstAttemptAt) - CLOCK_SKEW_MS;
    const matches = statuses
      .filter(
        (status) =>
          !status.reblog &&
          !claimed.has(status.id) &&
          (attempt.inReplyToId === undefined || status.in_reply_to_id === attempt.inReplyToId) &&
          Date.parse(status.created_at) >= from &&
          attempt.fingerprints.includes(
            statusFingerprint(htmlToText(status.content), status.spoiler_text ?? ''),
          ),
      )
      .sort((a, b) => compareIds(a.id, b.id));
    if (matches.length === 0) {
      return undefined;
    }
    if (matches.length > 1) {
      this.context.logger.warn('several recent statuses match one publish attempt; taking the oldest', {
        ids: matches.map((status) => status.id),
      });
    }
    this.context.logger.info('reconciled a publish whose answer was lost', { remoteId: matches[0].id });
    return this.recordPublished(key, matches[0]);
  }

  /** The thread's own record: its first status, so publish and lookup of the thread key answer from state. */
  private async recordResult(key: string, result: PublishResult): Promise<PublishResult> {
    const record: PublishedRecord = {
      remoteId: result.remoteId,
      url: result.url,
      publishedAt: (result.publishedAt ?? this.context.clock.now()).toISOString(),
    };
    await this.context.state.set(PUBLISHED + key, record);
    return toResult(record);
  }

  private async recordPublished(key: string, status: MastodonStatus): Promise<PublishResult> {
    const record: PublishedRecord = {
      remoteId: status.id,
      url: status.url ?? status.uri,
      publishedAt: new Date(status.created_at).toISOString(),
    };
    await this.context.state.set(PUBLISHED + key, record);
    await this.context.state.delete(ATTEMPT + key);
    return toResult(record);
  }

  /** Mentions newer than the cursor, oldest page first (`min_id`), up to INBOX_MAX_PAGES pages. */
  private async mentionsAfter(cursor: string): Promise<MastodonNotification[]> {
    const read: MastodonNotification[] = [];
    let minId = cursor;
    for (let page = 0; page < INBOX_MAX_PAGES; page++) {
      const batch = await this.notifications({ min_id: minId });
      if (batch.length === 0) {
        return read;
      }
      read.push(...batch);
      minId = batch.reduce((newest, n) => (compareIds(n.id, newest) > 0 ? n.id : newest), minId);
    }
    this.context.logger.warn('more mentions than one fetch reads; the rest come with the next fetch');
    return read;
  }

  /** Without a cursor: the newest page, and older pages (`max_id`) while they are still newer than `since`. */
  private async latestMentions(since: Date | undefined): Promise<MastodonNotification[]> {
    const read: MastodonNotification[] = [];
    let maxId: string | undefined;
    for (let page = 0; page < INBOX_MAX_PAGES; page++) {
      const batch = await this.notifications({ max_id: maxId });
      read.push(...batch);
      const oldest = batch.reduce<MastodonNotification | undefined>(
        (found, n) => (!found || compareIds(n.id, found.id) < 0 ? n : found),
        undefined,
      );
      if (!oldest || !since || new Date(oldest.created_at) <= since) {
        break;
      }
      maxId = oldest.id;
    }
    return read;
  }

  private async notifications(page: { min_id?: string; max_id?: string }): Promise<MastodonNotification[]> {
    const { body } = await this.api.json<MastodonNotification[]>(
      { path: '/api/v1/notifications', query: { 'types[]': ['mention'], limit: INBOX_PAGE_SIZE, ...page } },
      'reading mentions',
    );
    return body.filter((notification) => notification.type === 'mention');
  }

  private toInboxItem(notification: MastodonNotification, ownId: string): InboxItemInput | undefined {
    const status = notification.status;
    if (!status) {
      return undefined;
    }
    const text = htmlToText(status.content);
    return {
      remoteId: status.id,
      kind:
        status.visibility === 'direct'
          ? 'message'
          : status.in_reply_to_account_id === ownId
            ? 'reply'
            : 'mention',
      author: this.handle(notification.account.acct),
      text: status.spoiler_text ? `${status.spoiler_text}\n\n${text}` : text,
      url: status.url ?? status.uri,
      // When it reached this server (a status from elsewhere can arrive well after it was written).
      receivedAt: new Date(notification.created_at),
      inReplyToRemoteId: status.in_reply_to_id ?? undefined,
    };
  }

  /** `@user@server` for everyone, including people on this instance (whose `acct` is just `user`). */
  private handle(acct: string): string {
    return acct.includes('@') ? `@${acct}` : `@${acct}@${this.api.host}`;
  }

  private async statusCounts(
    remoteId: string,
  ): Promise<NonNullable<ChannelMetrics['posts']>[number] | undefined> {
    const response = await this.api.send({ path: `/api/v1/statuses/${encodeURIComponent(remoteId)}` });
    if (response.status === 404 || response.status === 410) {
      return undefined;
    }
    if (response.status < 200 || response.status > 299) {
      throw await this.api.failure(response, `reading status ${remoteId}`);
    }
    const status = await this.api.readJson<MastodonStatus>(response, {
      path: `/api/v1/statuses/${remoteId}`,
    });
    return {
      remoteId,
      engagements: {
        likes: status.favourites_count ?? 0,
        reposts: status.reblogs_count ?? 0,
        replies: status.replies_count ?? 0,
      },
    };
  }

  private async verifyCredentials(): Promise<MastodonAccount> {
    const { body } = await this.api.json<MastodonAccount>(
      { path: '/api/v1/accounts/verify_credentials' },
      'reading the account (verify_credentials)',
    );
    this.ownAccountId ??= Promise.resolve(body.id);
    return body;
  }

  /** The account's id, read once per connector (it cannot change for a token). */
  private ownId(): Promise<string> {
    this.ownAccountId ??= this.verifyCredentials().then((account) => account.id);
    const pending = this.ownAccountId;
    pending.catch(() => {
      if (this.ownAccountId === pending) {
        this.ownAccountId = undefined;
      }
    });
    return pending;
  }
}

function toResult(record: PublishedRecord): PublishResult {
  return { remoteId: record.remoteId, url: record.url, publishedAt: new Date(record.publishedAt) };
}

/** The key as Mastodon's header: as is when it is a plain token, else a stable hash (headers are ASCII). */
function idempotencyHeader(key: string): string {
  return /^[\x21-\x7e]{1,200}$/.test(key) ? key : `sha256-${createHash('sha256').update(key).digest('hex')}`;
}

/** Profile links: each field's value as typed when it is a URL, else the links Mastodon rendered in it. */
function profileLinks(account: MastodonAccount): string[] {
  const links: string[] = [];
  (account.fields ?? []).forEach((field, index) => {
    const typed = account.source?.fields?.[index]?.value.trim();
    if (typed && isHttpUrl(typed)) {
      links.push(typed);
    } else {
      links.push(...linksIn(field.value).filter(isHttpUrl));
    }
  });
  return links;
}
