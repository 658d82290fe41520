import {
  credentialsOf,
  mediaLinksOf,
  openMediaFile,
  OutcomeUnknownError,
  outcomeUnknown,
  rateLimited,
  readMp4Header,
  refusedByPlatform,
  transientFailure,
  z,
  type ChannelMetrics,
  type Connector,
  type MediaAttachment,
  type PluginContext,
  type PluginHttpResponse,
  type PublishAccepted,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
  type PublishStatus,
} from '../../src/plugin-sdk';
import { int64Strings, TikTokApi } from './tiktok-api';
import { failureOfResponse, notBefore, unauditedMessage, unanswered } from './tiktok-errors';
import { TikTokLedger, type PublishRecord } from './tiktok-ledger';
import {
  tiktokExtraSchema,
  type PrivacyLevel,
  type TikTokExtra,
  type TikTokOptions,
} from './tiktok-options.schema';
import { captionOf } from './tiktok-text';

/** TikTok keeps an upload_url for one hour; past 55 minutes a new init is safer than a resume. */
const UPLOAD_URL_LIFETIME_MS = 55 * 60_000;
/** The prefix of a handle for a PULL_FROM_URL init whose answer was lost (no publish_id to ask about). */
const UNCONFIRMED = 'unconfirmed:';

const creatorInfoSchema = z.object({
  creator_username: z.string().optional(),
  creator_nickname: z.string().optional(),
  privacy_level_options: z.array(z.string()).min(1),
  comment_disabled: z.boolean().optional(),
  duet_disabled: z.boolean().optional(),
  stitch_disabled: z.boolean().optional(),
  max_video_post_duration_sec: z.number().positive().optional(),
});
type CreatorInfo = z.output<typeof creatorInfoSchema>;

const initSchema = z.object({
  publish_id: z.string().min(1),
  upload_url: z.string().url().optional(),
});

const statusSchema = z.object({
  status: z.string().min(1),
  fail_reason: z.string().optional(),
  uploaded_bytes: z.number().optional(),
  downloaded_bytes: z.number().optional(),
});

/** The chunk plan TikTok's media transfer guide prescribes (5–64 MB chunks, the last one takes the rest). */
export function chunkPlan(videoSize: number, chunkBytes: number): { chunkSize: number; totalChunks: number } {
  if (videoSize <= chunkBytes || videoSize < 5 * 1024 * 1024) {
    return { chunkSize: videoSize, totalChunks: 1 };
  }
  return { chunkSize: chunkBytes, totalChunks: Math.floor(videoSize / chunkBytes) };
}

/** The byte range of chunk `index` (0-based): the last one runs to the end of the file. */
export function chunkRange(
  index: number,
  plan: { chunkSize: number; totalChunks: number },
  videoSize: number,
): { first: number; last: number } {
  const first = index * plan.chunkSize;
  const last = index === plan.totalChunks - 1 ? videoSize - 1 : first + plan.chunkSize - 1;
  return { first, last };
}

/** TikTok's fail_reason codes in words a person can act on (Content Posting API › Get post status). */
export function failReasonWords(reason: string | undefined): string {
  const known: Record<string, string> = {
    file_format_check_failed: 'TikTok refused the file’s format (upload MP4/H.264, WebM or MOV)',
    duration_check_failed: 'the video is longer or shorter than TikTok allows for this creator',
    frame_rate_check_failed: 'the frame rate is outside 23–60 frames per second',
    picture_size_check_failed: 'the picture is smaller than 360 px or larger than 4096 px on a side',
    internal: 'TikTok failed while processing the video: publish the post again',
    video_pull_failed: 'TikTok could not fetch the video from organisation.publicUrl',
    photo_pull_failed: 'TikTok could not fetch the photo from organisation.publicUrl',
    publish_cancelled: 'the post was cancelled (by the creator, or TikTok’s moderation)',
    auth_removed: 'the creator removed the app’s access before the post finished: reconnect the channel',
    spam_risk_too_many_posts: 'the creator reached TikTok’s daily posting cap',
    spam_risk_user_banned_from_posting: 'TikTok has banned the account from posting',
    spam_risk_text: 'TikTok flagged the caption as spam',
    spam_risk: 'TikTok flagged the post as spam',
  };
  return reason
    ? `${known[reason] ?? 'TikTok could not publish the post'} (fail_reason ${reason})`
    : 'TikTok could not publish the post (no fail_reason given)';
}

/**
 * A TikTok account through the Content Posting API (Direct Post): creator_info, then video/init with FILE_UPLOAD
 * (chunks PUT to upload_url) or PULL_FROM_URL, then status/fetch until PUBLISH_COMPLETE. Exactly once without
 * idempotency keys: see TikTokLedger and README.md.
 */
export class TikTokConnector implements Connector {
  private readonly api: TikTokApi;
  private readonly ledger: TikTokLedger;

  constructor(
    private readonly context: PluginContext,
    private readonly options: TikTokOptions,
  ) {
    this.api = new TikTokApi(context, options.apiBaseUrl, options.timeoutMs, () => this.token());
    this.ledger = new TikTokLedger(context.state);
  }

  /** Present only with OAuth (no static accessToken): the core calls it once when TikTok refused the token. */
  get refreshCredentials(): (() => Promise<boolean>) | undefined {
    return this.options.accessToken === undefined ? () => credentialsOf(this.context).refresh() : undefined;
  }

  async publish(request: PublishRequest): Promise<PublishOutcome> {
    const key = request.idempotencyKey;
    const sent = await this.ledger.sent(key);
    if (sent) {
      return sent;
    }
    const earlier = await this.ledger.record(key);
    if (earlier && (earlier.uploaded || earlier.source === 'PULL_FROM_URL')) {
      return this.accepted(earlier);
    }
    const { caption, problem } = captionOf(request.text);
    if (problem) {
      throw refusedByPlatform('caption', problem);
    }
    const extra = this.extraOf(request);
    const video = this.videoOf(request);
    if (earlier && this.resumable(earlier)) {
      // A crash (or a failed chunk) during the upload: the same upload_url takes the rest, no second init.
      const resumed = await this.resume(key, earlier, video);
      if (resumed) {
        return resumed;
      }
    }
    const creator = await this.creatorInfo();
    const postInfo = await this.postInfo(caption, extra, creator, video);
    await this.checkInitQuota();
    return this.init(key, video, postInfo, creator);
  }

  /**
   * The post for this key: published, or accepted (its publish_id). An upload left unfinished is undefined, so the
   * core calls publish, which resumes it. A PULL_FROM_URL init whose answer was lost cannot be looked up (TikTok
   * lists no pending publishes): it is answered as accepted under an "unconfirmed" handle whose status fails with
   * words for a person, rather than risk a second post.
   */
  async lookup(idempotencyKey: string): Promise<PublishOutcome | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return sent;
    }
    const record = await this.ledger.record(idempotencyKey);
    if (record) {
      if (record.uploaded || record.source === 'PULL_FROM_URL') {
        return this.accepted(record);
      }
      // Did the last chunk arrive before the answer was lost? TikTok's status says how many bytes it has.
      const status = await this.fetchStatus(record.publishId);
      if (
        status.data.status !== 'PROCESSING_UPLOAD' ||
        (status.data.uploaded_bytes ?? 0) >= (record.videoSize ?? Number.POSITIVE_INFINITY)
      ) {
        const done = { ...record, uploaded: true };
        await this.ledger.saveRecord(idempotencyKey, done);
        return this.accepted(done);
      }
      return undefined;
    }
    const attempt = await this.ledger.attempt(idempotencyKey);
    if (attempt?.source === 'PULL_FROM_URL') {
      return { status: 'accepted', handle: `${UNCONFIRMED}${idempotencyKey}`.slice(0, 1024) };
    }
    // A FILE_UPLOAD init whose answer was lost got no bytes: TikTok never publishes it (its upload_url expires).
    return undefined;
  }

  async status(handle: string): Promise<PublishStatus> {
    if (handle.startsWith(UNCONFIRMED)) {
      return {
        status: 'failed',
        reason:
          'TikTok’s answer to the PULL_FROM_URL post request was lost and TikTok offers no way to look a pending post up: it may still appear on the account. Check the TikTok profile; reschedule only if it is not there',
      };
    }
    const key = await this.ledger.keyOf(handle);
    const record = key ? await this.ledger.record(key) : undefined;
    if (!key || !record) {
      return {
        status: 'failed',
        reason: `publish_id ${handle} was not started by this channel (its record is gone): publish the post again`,
      };
    }
    const sent = await this.ledger.sent(key);
    if (sent) {
      return { status: 'published', result: sent };
    }
    const { data, text } = await this.fetchStatus(handle);
    switch (data.status) {
      case 'PROCESSING_UPLOAD':
      case 'PROCESSING_DOWNLOAD':
        return { status: 'finishing', checkAfterMs: this.options.statusCheckAfterMs };
      case 'PUBLISH_COMPLETE': {
        const [videoId] = int64Strings(text, 'publicaly_available_post_id');
        const result: PublishResult = {
          // A private (SELF_ONLY) post has no public id: the publish_id names it then.
          remoteId: videoId ?? handle,
          ...(videoId && record.username
            ? { url: `https://www.tiktok.com/@${record.username}/video/${videoId}` }
            : {}),
          publishedAt: this.context.clock.now(),
        };
        await this.ledger.recordSent(key, result, videoId);
        return { status: 'published', result };
      }
      case 'SEND_TO_USER_INBOX':
        return {
          status: 'failed',
          reason:
            'TikTok sent the video to the creator’s inbox as a draft instead of posting it: the creator must finish it in the TikTok app (do not reschedule, or it is posted twice)',
        };
      case 'FAILED':
        return { status: 'failed', reason: failReasonWords(data.fail_reason) };
      default:
        throw transientFailure(
          `plugin tiktok: TikTok answered an unknown post status ${JSON.stringify(data.status)}`,
        );
    }
  }

  /**
   * The account's followers, and views, likes, comments and shares of the public videos this channel posted
   * (`/v2/video/query/`, 20 ids per request). Private (SELF_ONLY) posts have no public id and no figures.
   */
  async fetchMetrics(_day: string): Promise<ChannelMetrics> {
    const { data: user } = await this.api.call({
      path: '/v2/user/info/',
      query: { fields: 'open_id,follower_count,likes_count,video_count' },
      data: z.object({
        user: z.object({
          follower_count: z.number().int().min(0).optional(),
          likes_count: z.number().int().min(0).optional(),
          video_count: z.number().int().min(0).optional(),
        }),
      }),
      what: 'reading the account’s counts',
    });
    const ids = await this.ledger.videoIds();
    const posts: NonNullable<ChannelMetrics['posts']> = [];
    for (let at = 0; at < ids.length; at += 20) {
      const { text } = await this.api.call({
        method: 'POST',
        path: '/v2/video/query/',
        query: { fields: 'id,view_count,like_count,comment_count,share_count' },
        json: { filters: { video_ids: ids.slice(at, at + 20) } },
        data: z.object({
          videos: z.array(
            z.object({
              view_count: z.number().int().min(0).optional(),
              like_count: z.number().int().min(0).optional(),
              comment_count: z.number().int().min(0).optional(),
              share_count: z.number().int().min(0).optional(),
            }),
          ),
        }),
        what: 'reading the videos’ counts',
      });
      posts.push(...videosOf(text));
    }
    const sum = (pick: (post: (typeof posts)[number]) => number | undefined) =>
      posts.reduce((total, post) => total + (pick(post) ?? 0), 0);
    return {
      ...(user.user.follower_count !== undefined ? { followers: user.user.follower_count } : {}),
      impressions: sum((post) => post.impressions),
      engagements: {
        likes: sum((post) => post.engagements?.likes),
        comments: sum((post) => post.engagements?.comments),
        shares: sum((post) => post.engagements?.shares),
      },
      posts,
    };
  }

  private accepted(record: PublishRecord): PublishAccepted {
    return { status: 'accepted', handle: record.publishId, checkAfterMs: this.options.statusCheckAfterMs };
  }

  private resumable(record: PublishRecord): boolean {
    return (
      record.source === 'FILE_UPLOAD' &&
      record.uploadUrl !== undefined &&
      this.context.clock.now().getTime() - new Date(record.initAt).getTime() < UPLOAD_URL_LIFETIME_MS
    );
  }

  private extraOf(request: PublishRequest): TikTokExtra {
    const parsed = tiktokExtraSchema.safeParse(request.extra ?? {});
    if (!parsed.success) {
      throw refusedByPlatform('extra', parsed.error.issues.map((issue) => issue.message).join('; '));
    }
    return parsed.data;
  }

  private videoOf(request: PublishRequest): MediaAttachment {
    const videos = request.media.filter((item) => item.mimeType.startsWith('video/'));
    if (videos.length !== 1 || request.media.length !== 1) {
      throw refusedByPlatform(
        'media',
        'a TikTok post is exactly one video (photo posts are not supported by this connector yet): attach one MP4, WebM or MOV file',
      );
    }
    return videos[0];
  }

  private async creatorInfo(): Promise<CreatorInfo> {
    const { data } = await this.api.call({
      method: 'POST',
      path: '/v2/post/publish/creator_info/query/',
      data: creatorInfoSchema,
      what: 'reading what the creator may post (creator_info)',
    });
    return data;
  }

  /** post_info from the post, the options and what the creator may do; a request the creator can't is refused. */
  private async postInfo(
    caption: string,
    extra: TikTokExtra,
    creator: CreatorInfo,
    video: MediaAttachment,
  ): Promise<Record<string, unknown>> {
    let privacy: PrivacyLevel | undefined = extra.privacy ?? this.options.privacy;
    if (!this.options.audited) {
      if (privacy !== undefined && privacy !== 'SELF_ONLY') {
        throw refusedByPlatform('unaudited_client_can_only_post_to_private_accounts', unauditedMessage());
      }
      if (privacy === undefined) {
        this.context.logger.info(
          'the app is not audited (option audited: false): the post goes out SELF_ONLY (visible only to the account)',
        );
      }
      privacy = 'SELF_ONLY';
    }
    if (privacy === undefined) {
      throw refusedByPlatform(
        'privacy',
        `TikTok requires the privacy level to be chosen, never defaulted: set extra.privacy (or the channel's option privacy) to one of ${creator.privacy_level_options.join(', ')}`,
      );
    }
    if (!creator.privacy_level_options.includes(privacy)) {
      throw refusedByPlatform(
        'privacy_level_option_mismatch',
        `this creator may post with privacy ${creator.privacy_level_options.join(', ')}, not ${privacy} (a private account cannot post PUBLIC_TO_EVERYONE): set extra.privacy to one of those`,
      );
    }
    const interaction = (
      asked: boolean | undefined,
      disabled: boolean | undefined,
      name: string,
      option: string,
    ) => {
      if (disabled && asked === false) {
        throw refusedByPlatform(
          `${name}_disabled`,
          `the creator has turned ${name}s off in TikTok's settings, so the post cannot allow them: remove extra.${option}: false (or turn ${name}s on in the TikTok app)`,
        );
      }
      return disabled === true || asked === true;
    };
    const max = creator.max_video_post_duration_sec;
    if (max !== undefined) {
      const seconds = await this.durationOf(video);
      if (seconds !== undefined && seconds > max) {
        throw refusedByPlatform(
          'duration',
          `the video lasts ${seconds.toFixed(1)} s; this creator may post at most ${max} s (creator_info's max_video_post_duration_sec): trim it`,
        );
      }
    }
    return {
      title: caption,
      privacy_level: privacy,
      disable_comment: interaction(
        extra.disableComment,
        creator.comment_disabled,
        'comment',
        'disableComment',
      ),
      disable_duet: interaction(extra.disableDuet, creator.duet_disabled, 'duet', 'disableDuet'),
      disable_stitch: interaction(extra.disableStitch, creator.stitch_disabled, 'stitch', 'disableStitch'),
      ...(extra.coverTimestampMs !== undefined ? { video_cover_timestamp_ms: extra.coverTimestampMs } : {}),
    };
  }

  private async durationOf(video: MediaAttachment): Promise<number | undefined> {
    if (video.mimeType === 'video/webm') {
      return undefined;
    }
    const file = await openMediaFile(video);
    try {
      return (await readMp4Header(file))?.seconds;
    } finally {
      await file.close();
    }
  }

  /** At most `initsPerMinute` inits in any minute (TikTok: 6 per user token): the 7th waits, never sent. */
  private async checkInitQuota(): Promise<void> {
    const now = this.context.clock.now();
    const inits = await this.ledger.inits(now);
    if (inits.length >= this.options.initsPerMinute) {
      const resetAt = notBefore(new Date(Math.min(...inits) + 60_000), now);
      throw rateLimited(
        `TikTok allows ${this.options.initsPerMinute} post requests per minute per account; this one waits until ${resetAt.toISOString()}`,
        resetAt,
      );
    }
  }

  private async init(
    key: string,
    video: MediaAttachment,
    postInfo: Record<string, unknown>,
    creator: CreatorInfo,
  ): Promise<PublishOutcome> {
    const source = this.options.source;
    const now = this.context.clock.now();
    let sourceInfo: Record<string, unknown>;
    let plan: { chunkSize: number; totalChunks: number } | undefined;
    let videoSize: number | undefined;
    if (source === 'PULL_FROM_URL') {
      sourceInfo = {
        source,
        // TikTok's queue may take a while to fetch: six hours covers it.
        video_url: mediaLinksOf(this.context).publicUrl(video, { expiresInMs: 6 * 3_600_000 }),
      };
    } else {
      const file = await openMediaFile(video);
      videoSize = file.size;
      await file.close();
      plan = chunkPlan(videoSize, this.options.chunkBytes);
      sourceInfo = {
        source,
        video_size: videoSize,
        chunk_size: plan.chunkSize,
        total_chunk_count: plan.totalChunks,
      };
    }
    await this.ledger.startAttempt(key, now, source);
    await this.ledger.countInit(now);
    let answer: z.output<typeof initSchema>;
    try {
      ({ data: answer } = await this.api.call({
        method: 'POST',
        path: '/v2/post/publish/video/init/',
        json: { post_info: postInfo, source_info: sourceInfo },
        data: initSchema,
        what: 'starting the post (video/init)',
        creates: source === 'PULL_FROM_URL',
      }));
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) {
        await this.ledger.endAttempt(key);
      }
      throw error;
    }
    if (source === 'FILE_UPLOAD' && !answer.upload_url) {
      await this.ledger.endAttempt(key);
      throw transientFailure('plugin tiktok: TikTok answered a FILE_UPLOAD init without an upload_url');
    }
    const record: PublishRecord = {
      publishId: answer.publish_id,
      source,
      initAt: now.toISOString(),
      uploaded: source === 'PULL_FROM_URL',
      ...(creator.creator_username ? { username: creator.creator_username } : {}),
      ...(plan
        ? {
            uploadUrl: answer.upload_url,
            videoSize,
            ...{ chunkSize: plan.chunkSize, totalChunks: plan.totalChunks },
            chunksDone: 0,
          }
        : {}),
    };
    await this.ledger.saveRecord(key, record);
    await this.ledger.endAttempt(key);
    return source === 'PULL_FROM_URL' ? this.accepted(record) : this.upload(key, record, video);
  }

  /**
   * Where an unfinished upload stands by TikTok's count (`uploaded_bytes`): the next chunk is PUT from there.
   * Finished meanwhile: accepted. Failed (the upload expired): undefined, and a new init follows.
   */
  private async resume(
    key: string,
    record: PublishRecord,
    video: MediaAttachment,
  ): Promise<PublishOutcome | undefined> {
    const { data } = await this.fetchStatus(record.publishId);
    if (data.status === 'FAILED') {
      await this.ledger.forgetRecord(key);
      return undefined;
    }
    const uploaded = data.uploaded_bytes ?? 0;
    if (data.status !== 'PROCESSING_UPLOAD' || uploaded >= record.videoSize!) {
      const done = { ...record, uploaded: true, chunksDone: record.totalChunks };
      await this.ledger.saveRecord(key, done);
      return this.accepted(done);
    }
    const chunksDone = Math.min(Math.floor(uploaded / record.chunkSize!), record.totalChunks! - 1);
    return this.upload(key, { ...record, chunksDone }, video);
  }

  /** PUTs the chunks not yet acknowledged, in order; the last one makes TikTok publish. */
  private async upload(key: string, record: PublishRecord, video: MediaAttachment): Promise<PublishOutcome> {
    const plan = { chunkSize: record.chunkSize!, totalChunks: record.totalChunks! };
    const videoSize = record.videoSize!;
    const file = await openMediaFile(video);
    try {
      if (file.size !== videoSize) {
        // The file changed since the init: the upload cannot go on; a new init (after the old URL expires) can.
        await this.ledger.forgetRecord(key);
        throw transientFailure(
          'the video file changed size during its upload to TikTok: it is sent again from the start',
        );
      }
      let done = record.chunksDone ?? 0;
      while (done < plan.totalChunks) {
        const { first, last } = chunkRange(done, plan, videoSize);
        const isLast = done === plan.totalChunks - 1;
        const bytes = await file.readAt(first, last - first + 1);
        await this.putChunk(record.uploadUrl!, bytes, first, last, videoSize, video.mimeType, isLast);
        done += 1;
        record = { ...record, chunksDone: done, uploaded: done === plan.totalChunks };
        await this.ledger.saveRecord(key, record);
      }
    } finally {
      await file.close();
    }
    return this.accepted(record);
  }

  private async putChunk(
    uploadUrl: string,
    bytes: Uint8Array,
    first: number,
    last: number,
    total: number,
    mimeType: string,
    isLast: boolean,
  ): Promise<void> {
    const what = `uploading bytes ${first}-${last} of ${total}`;
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(uploadUrl, {
        method: 'PUT',
        headers: {
          'content-type': mimeType,
          'content-length': String(bytes.length),
          'content-range': `bytes ${first}-${last}/${total}`,
        },
        body: bytes,
        timeoutMs: this.options.uploadTimeoutMs,
      });
    } catch (error) {
      // Only the last chunk makes the post: an earlier one lost is resumed from TikTok's count of bytes.
      throw unanswered(error, what, isLast);
    }
    if (response.status === 201 || response.status === 206 || response.status === 200) {
      return;
    }
    const failure = await failureOfResponse(response, what, {
      now: this.context.clock.now(),
      scope: this.context.scope,
      creates: isLast,
    });
    if (isLast && failure instanceof OutcomeUnknownError) {
      throw failure;
    }
    if (response.status >= 500) {
      throw transientFailure(
        `TikTok's upload failed (${response.status}) while ${what}: it resumes on the next try`,
      );
    }
    throw failure instanceof OutcomeUnknownError ? outcomeUnknown(failure.message) : failure;
  }

  private fetchStatus(publishId: string) {
    return this.api.call({
      method: 'POST',
      path: '/v2/post/publish/status/fetch/',
      json: { publish_id: publishId },
      data: statusSchema,
      what: 'reading the post’s status',
    });
  }

  private async token(): Promise<string> {
    return this.options.accessToken ?? (await credentialsOf(this.context).current()).accessToken;
  }
}

/** The videos of a /v2/video/query/ answer, ids read from the text (they may be 64-bit numbers or strings). */
function videosOf(text: string): NonNullable<ChannelMetrics['posts']> {
  const body = JSON.parse(text) as { data?: { videos?: Array<Record<string, unknown>> } };
  const ids = [...text.matchAll(/"id"\s*:\s*"?(\d+)"?/g)].map((match) => match[1]);
  return (body.data?.videos ?? []).map((video, index) => {
    const count = (value: unknown) => (typeof value === 'number' ? value : 0);
    return {
      remoteId: typeof video.id === 'string' ? video.id : (ids[index] ?? String(video.id)),
      impressions: count(video.view_count),
      engagements: {
        likes: count(video.like_count),
        comments: count(video.comment_count),
        shares: count(video.share_count),
      },
    };
  });
}
