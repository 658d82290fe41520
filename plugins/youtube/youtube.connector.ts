import { isAbsolute, relative, resolve } from 'node:path';
import {
  AuthenticationError,
  credentialsOf,
  openMediaFile,
  PermanentError,
  RateLimitedError,
  readMediaFile,
  refusedByPlatform,
  TransientError,
  z,
  type ChannelMetrics,
  type Connector,
  type InboxItemInput,
  type InboxItemRef,
  type MediaAttachment,
  type PluginContext,
  type ProfileSnapshot,
  type PublishAccepted,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
  type PublishStatus,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { YouTubeApi } from './youtube-api';
import type { YouTubeOptions } from './youtube-options.schema';
import { QUOTA_COST, type QuotaStatus } from './youtube-quota';
import { ResumableUpload, type UploadRecord } from './youtube-upload';
import { planOf, watchUrlOf } from './youtube-video';

/** Thumbnails: JPEG or PNG, at most 2 MB (https://developers.google.com/youtube/v3/docs/thumbnails/set). */
export const THUMBNAIL_BYTES = 2 * 1024 * 1024;
/** A processed video is usually there within minutes; ask again after this. */
const PROCESSING_CHECK_MS = 30_000;
/** A comment created this long before the send started is not the send's (clocks differ a little). */
const CLOCK_SLACK_MS = 60_000;
/** Newest uploads searched for a marker tag when a session expired. */
const MARKER_SEARCH = 50;
/** Videos whose statistics fetchMetrics reads (one videos.list call). */
const METRIC_VIDEOS = 50;

const videoKey = (key: string) => `video:${key}`;
const ownerKey = (videoId: string) => `owner:${videoId}`;
const replyKey = (key: string) => `reply:${key}`;
const pendingReplyKey = (key: string) => `pending-reply:${key}`;

interface VideoRecord {
  videoId: string;
  thumbnail: 'none' | 'pending' | 'done';
  recordedAt: string;
}

interface PendingReply {
  parentId: string;
  text: string;
  since: string;
}

const count = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).transform(Number);
const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item).default([]), nextPageToken: z.string().optional() }).loose();
const statusItem = z
  .object({
    id: z.string().min(1),
    status: z
      .object({
        uploadStatus: z.string().optional(),
        failureReason: z.string().optional(),
        rejectionReason: z.string().optional(),
        privacyStatus: z.string().optional(),
        publishAt: z.string().optional(),
      })
      .loose()
      .optional(),
    processingDetails: z
      .object({
        processingStatus: z.string().optional(),
        processingProgress: z.object({ timeLeftMs: count.optional() }).loose().optional(),
      })
      .loose()
      .optional(),
    snippet: z
      .object({ publishedAt: z.string().optional(), tags: z.array(z.string()).optional() })
      .loose()
      .optional(),
  })
  .loose();
const commentSnippet = z
  .object({
    textOriginal: z.string().optional(),
    textDisplay: z.string().optional(),
    authorDisplayName: z.string().optional(),
    authorChannelId: z.object({ value: z.string().optional() }).loose().optional(),
    parentId: z.string().optional(),
    videoId: z.string().optional(),
    publishedAt: z.string(),
  })
  .loose();
const comment = z.object({ id: z.string().min(1), snippet: commentSnippet }).loose();
const commentThread = z
  .object({
    id: z.string().min(1),
    snippet: z.object({ videoId: z.string().optional(), topLevelComment: comment }).loose(),
    replies: z
      .object({ comments: z.array(comment).default([]) })
      .loose()
      .optional(),
  })
  .loose();
const channelItem = z
  .object({
    id: z.string().min(1),
    snippet: z
      .object({
        title: z.string().optional(),
        description: z.string().optional(),
        customUrl: z.string().optional(),
      })
      .loose()
      .optional(),
    statistics: z
      .object({
        viewCount: count.optional(),
        subscriberCount: count.optional(),
        hiddenSubscriberCount: z.boolean().optional(),
      })
      .loose()
      .optional(),
    contentDetails: z
      .object({ relatedPlaylists: z.object({ uploads: z.string().optional() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();
const videoStatistics = z
  .object({
    id: z.string().min(1),
    statistics: z
      .object({ viewCount: count.optional(), likeCount: count.optional(), commentCount: count.optional() })
      .loose()
      .optional(),
  })
  .loose();

function checked<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new TransientError(
      `plugin youtube: YouTube's answer while ${what} is not what the API documents (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
    );
  }
  return parsed.data;
}

/**
 * A YouTube channel through the Data API v3: videos uploaded by resumable upload (exactly once: the session is
 * stored before the first byte and resumed, never started twice), finished in two steps (processing), thumbnails,
 * comments as the inbox and replies, channel and video statistics; every call counted against the daily quota.
 */
export class YouTubeConnector implements Connector {
  readonly api: YouTubeApi;
  private readonly upload: ResumableUpload;

  constructor(
    private readonly context: PluginContext,
    private readonly options: YouTubeOptions,
  ) {
    this.api = new YouTubeApi(context, options);
    this.upload = new ResumableUpload(this.api, context.state, options, () => context.clock.now());
  }

  /** Present only with OAuth (no static accessToken): the core calls it once when Google refused the token. */
  get refreshCredentials(): (() => Promise<boolean>) | undefined {
    return this.options.accessToken === undefined ? () => credentialsOf(this.context).refresh() : undefined;
  }

  async publish(request: PublishRequest): Promise<PublishOutcome> {
    const key = request.idempotencyKey;
    const known = await this.context.state.get<VideoRecord>(videoKey(key));
    if (known) {
      await this.finishThumbnail(key, known, request);
      return accepted(known.videoId);
    }
    const video = request.media.find((item) => item.mimeType.startsWith('video/'));
    if (!video) {
      throw refusedByPlatform('mediaBodyRequired', 'a YouTube post needs exactly one video file (media:)');
    }
    const now = this.context.clock.now();
    const plan = planOf(request, this.options, now);
    let record = await this.upload.record(key);
    let videoId: string | undefined;
    if (record?.sessionUri) {
      videoId = await this.resume(key, { ...record, sessionUri: record.sessionUri }, video);
    }
    if (!videoId) {
      const file = await openMediaFile(video);
      const size = file.size;
      await file.close();
      const opened = await this.upload.open(key, plan, video, size);
      record = opened;
      const sent = await this.upload.send(opened, video, 0);
      if (sent === 'expired') {
        throw new TransientError(
          'plugin youtube: the upload session Google just opened is already gone; it is opened again on the next try',
        );
      }
      videoId = sent.videoId;
    }
    const recorded = await this.recordVideo(key, videoId, thumbnailOf(request) ? 'pending' : 'none');
    await this.finishThumbnail(key, recorded, request);
    return accepted(recorded.videoId);
  }

  /**
   * The video uploaded (or being processed) for this key; a session still open is asked where it stands: complete
   * answers the video, partial answers undefined (publish then RESUMES it, never starting another), expired is
   * searched for by the marker tag among the channel's newest uploads.
   */
  async lookup(idempotencyKey: string): Promise<PublishOutcome | undefined> {
    const reply = await this.context.state.get<PublishResult>(replyKey(idempotencyKey));
    if (reply) {
      return reply;
    }
    const pendingReply = await this.context.state.get<PendingReply>(pendingReplyKey(idempotencyKey));
    if (pendingReply) {
      return this.findReply(idempotencyKey, pendingReply);
    }
    const known = await this.context.state.get<VideoRecord>(videoKey(idempotencyKey));
    if (known) {
      return accepted(known.videoId);
    }
    const record = await this.upload.record(idempotencyKey);
    if (!record?.sessionUri) {
      return undefined;
    }
    const session = await this.upload.query({ ...record, sessionUri: record.sessionUri });
    if (session.kind === 'complete') {
      return accepted((await this.recordVideo(idempotencyKey, session.videoId, 'pending')).videoId);
    }
    if (session.kind === 'partial') {
      return undefined;
    }
    const found = await this.findByMarker(record);
    if (found) {
      return accepted((await this.recordVideo(idempotencyKey, found, 'pending')).videoId);
    }
    await this.upload.forget(idempotencyKey);
    return undefined;
  }

  /** videos.list?part=status,processingDetails: processed is published; failed, rejected or deleted fails the post. */
  async status(handle: string): Promise<PublishStatus> {
    const answer = checked(
      listOf(statusItem),
      await this.api.json({
        path: '/youtube/v3/videos',
        query: { part: 'status,processingDetails,snippet', id: handle },
        units: QUOTA_COST.list,
        what: "reading the video's processing status",
      }),
      "reading the video's processing status",
    );
    const item = answer.items.find((video) => video.id === handle);
    if (!item) {
      return {
        status: 'failed',
        reason: `video ${handle} is not on the channel any more (deleted on YouTube?): publish the post again`,
      };
    }
    const upload = item.status?.uploadStatus;
    switch (upload) {
      case 'processed':
        return {
          status: 'published',
          result: {
            remoteId: handle,
            url: watchUrlOf(handle),
            ...(item.snippet?.publishedAt ? { publishedAt: new Date(item.snippet.publishedAt) } : {}),
          },
        };
      case 'uploaded': {
        const left = item.processingDetails?.processingProgress?.timeLeftMs;
        return {
          status: 'finishing',
          checkAfterMs: Math.min(Math.max(left ?? PROCESSING_CHECK_MS, 5_000), 300_000),
        };
      }
      case 'failed':
        return {
          status: 'failed',
          reason: `YouTube could not process the video (${item.status?.failureReason ?? 'unknown reason'}): check the file against https://support.google.com/youtube/answer/1722171 and publish again`,
        };
      case 'rejected':
        return {
          status: 'failed',
          reason: `YouTube rejected the video (${item.status?.rejectionReason ?? 'unknown reason'}): see the video in YouTube Studio`,
        };
      case 'deleted':
        return { status: 'failed', reason: `video ${handle} was deleted on YouTube: publish the post again` };
      case undefined:
      default:
        return { status: 'finishing', checkAfterMs: PROCESSING_CHECK_MS };
    }
  }

  async delete(remoteId: string): Promise<void> {
    await this.api.call({
      method: 'DELETE',
      path: '/youtube/v3/videos',
      query: { id: remoteId },
      units: QUOTA_COST['videos.delete'],
      alsoFine: [404],
      what: 'deleting the video',
    });
  }

  /** Comments on the channel's videos (commentThreads.list?allThreadsRelatedToChannelId, newest first). */
  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const channelId = await this.channelId();
    const items: InboxItemInput[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < this.options.inboxPages; page++) {
      const answer = checked(
        listOf(commentThread),
        await this.api.json({
          path: '/youtube/v3/commentThreads',
          query: {
            part: 'snippet,replies',
            allThreadsRelatedToChannelId: channelId,
            maxResults: 100,
            order: 'time',
            textFormat: 'plainText',
            pageToken,
          },
          units: QUOTA_COST.list,
          what: 'reading comments',
        }),
        'reading comments',
      );
      let older = false;
      for (const thread of answer.items) {
        const top = thread.snippet.topLevelComment;
        const videoId = thread.snippet.videoId ?? top.snippet.videoId;
        for (const [entry, parent] of [
          [top, undefined] as const,
          ...(thread.replies?.comments ?? []).map((reply) => [reply, top.id] as const),
        ]) {
          const receivedAt = new Date(entry.snippet.publishedAt);
          if (Number.isNaN(receivedAt.getTime())) {
            continue;
          }
          if (since && receivedAt <= since) {
            older ||= parent === undefined;
            continue;
          }
          items.push({
            remoteId: entry.id,
            kind: parent ? 'reply' : 'comment',
            author: entry.snippet.authorDisplayName ?? entry.snippet.authorChannelId?.value ?? 'unknown',
            text: entry.snippet.textOriginal ?? entry.snippet.textDisplay ?? '',
            ...(videoId ? { url: `${watchUrlOf(videoId)}&lc=${encodeURIComponent(entry.id)}` } : {}),
            receivedAt,
            ...(parent
              ? { inReplyToRemoteId: entry.snippet.parentId ?? parent }
              : videoId
                ? { inReplyToRemoteId: videoId }
                : {}),
            ...(entry.snippet.authorChannelId?.value === channelId ? { byOwner: true } : {}),
          });
        }
      }
      pageToken = answer.nextPageToken;
      if (!pageToken || older) {
        break;
      }
    }
    return items;
  }

  /**
   * Answers a comment (comments.insert with parentId: YouTube threads are one level deep, so a reply to a reply
   * goes under its top-level comment). Exactly once: a marker before sending, a lookup of the thread's replies.
   */
  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const sent = await this.context.state.get<PublishResult>(replyKey(key));
    if (sent) {
      return sent;
    }
    const earlier = await this.context.state.get<PendingReply>(pendingReplyKey(key));
    if (earlier) {
      const found = await this.findReply(key, earlier);
      if (found) {
        return found;
      }
    }
    const parentId = item.kind === 'reply' && item.inReplyToRemoteId ? item.inReplyToRemoteId : item.remoteId;
    const pending: PendingReply = {
      parentId,
      text: request.text,
      since: this.context.clock.now().toISOString(),
    };
    await this.context.state.set(
      pendingReplyKey(key),
      earlier ? { ...pending, since: earlier.since } : pending,
    );
    const answer = checked(
      comment,
      await this.api.json({
        method: 'POST',
        path: '/youtube/v3/comments',
        query: { part: 'snippet' },
        json: { snippet: { parentId, textOriginal: request.text } },
        units: QUOTA_COST['comments.insert'],
        creates: true,
        what: 'answering a comment',
      }),
      'answering a comment',
    );
    return this.recordReply(key, answer.id, item.url);
  }

  /** Subscribers and the channel's views; views, likes and comments of the videos this channel published. */
  async fetchMetrics(_day: string): Promise<ChannelMetrics> {
    const channelId = await this.channelId();
    const channels = checked(
      listOf(channelItem),
      await this.api.json({
        path: '/youtube/v3/channels',
        query: { part: 'statistics', id: channelId },
        units: QUOTA_COST.list,
        what: "reading the channel's statistics",
      }),
      "reading the channel's statistics",
    );
    const stats = channels.items[0]?.statistics;
    const recorded = (await this.context.state.list<VideoRecord>('video:'))
      .map((entry) => entry.value)
      .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))
      .slice(0, METRIC_VIDEOS);
    const posts: NonNullable<ChannelMetrics['posts']> = [];
    const engagements = { likes: 0, comments: 0 };
    if (recorded.length > 0) {
      const videos = checked(
        listOf(videoStatistics),
        await this.api.json({
          path: '/youtube/v3/videos',
          query: {
            part: 'statistics',
            id: recorded.map((video) => video.videoId).join(','),
          },
          units: QUOTA_COST.list,
          what: "reading the videos' statistics",
        }),
        "reading the videos' statistics",
      );
      for (const video of videos.items) {
        const likes = video.statistics?.likeCount ?? 0;
        const comments = video.statistics?.commentCount ?? 0;
        engagements.likes += likes;
        engagements.comments += comments;
        posts.push({
          remoteId: video.id,
          impressions: video.statistics?.viewCount,
          engagements: { likes, comments },
        });
      }
    }
    const quota = await this.quotaStatus();
    this.context.logger.info(
      `YouTube quota today (Pacific Time): ${quota.units} of ${quota.budget} units, ${quota.uploads} of ${quota.uploadsPerDay} uploads; resets at ${quota.resetsAt.toISOString()}`,
      { remainingUnits: quota.remainingUnits, remainingUploads: quota.remainingUploads },
    );
    return {
      ...(stats?.subscriberCount !== undefined && !stats.hiddenSubscriberCount
        ? { followers: stats.subscriberCount }
        : {}),
      ...(stats?.viewCount !== undefined ? { impressions: stats.viewCount } : {}),
      engagements,
      posts,
    };
  }

  async getProfile(): Promise<ProfileSnapshot> {
    const channels = checked(
      listOf(channelItem),
      await this.api.json({
        path: '/youtube/v3/channels',
        query: { part: 'snippet', id: await this.channelId() },
        units: QUOTA_COST.list,
        what: 'reading the channel',
      }),
      'reading the channel',
    );
    const snippet = channels.items[0]?.snippet;
    return {
      displayName: snippet?.title,
      bio: snippet?.description,
      links: snippet?.customUrl ? [`https://www.youtube.com/${snippet.customUrl}`] : [],
    };
  }

  /** Today's quota as this channel spent it: what the core should show next to the channel (see README). */
  quotaStatus(): Promise<QuotaStatus> {
    return this.api.quota.status(this.context.clock.now());
  }

  private async resume(
    key: string,
    record: UploadRecord & { sessionUri: string },
    video: MediaAttachment,
  ): Promise<string | undefined> {
    const session = await this.upload.query(record);
    if (session.kind === 'complete') {
      return session.videoId;
    }
    if (session.kind === 'partial') {
      const sent = await this.upload.send(record, video, session.offset);
      if (sent !== 'expired') {
        return sent.videoId;
      }
    }
    // The session expired (about a week): the video may exist if the last chunk got through; find it by its marker.
    const found = await this.findByMarker(record);
    if (found) {
      return found;
    }
    this.context.logger.warn(
      'the upload session of this post expired before the video was complete; the upload starts again',
      { key },
    );
    await this.upload.forget(key);
    return undefined;
  }

  /** The channel's newest uploads carrying the record's marker tag (uploads playlist, then videos.list snippet). */
  private async findByMarker(record: UploadRecord): Promise<string | undefined> {
    const channels = checked(
      listOf(channelItem),
      await this.api.json({
        path: '/youtube/v3/channels',
        query: { part: 'contentDetails', id: await this.channelId() },
        units: QUOTA_COST.list,
        what: "finding the channel's uploads",
      }),
      "finding the channel's uploads",
    );
    const uploads = channels.items[0]?.contentDetails?.relatedPlaylists?.uploads;
    if (!uploads) {
      return undefined;
    }
    const playlist = checked(
      listOf(z.object({ contentDetails: z.object({ videoId: z.string().min(1) }).loose() }).loose()),
      await this.api.json({
        path: '/youtube/v3/playlistItems',
        query: { part: 'contentDetails', playlistId: uploads, maxResults: MARKER_SEARCH },
        units: QUOTA_COST.list,
        what: "listing the channel's newest uploads",
      }),
      "listing the channel's newest uploads",
    );
    const ids = playlist.items.map((item) => item.contentDetails.videoId);
    if (ids.length === 0) {
      return undefined;
    }
    const videos = checked(
      listOf(statusItem),
      await this.api.json({
        path: '/youtube/v3/videos',
        query: { part: 'snippet', id: ids.join(',') },
        units: QUOTA_COST.list,
        what: 'reading the newest uploads',
      }),
      'reading the newest uploads',
    );
    return videos.items.find((video) => video.snippet?.tags?.includes(record.marker))?.id;
  }

  /** Records the key's video; a video another key holds already is refused (never answered for two posts). */
  private async recordVideo(
    key: string,
    videoId: string,
    thumbnail: VideoRecord['thumbnail'],
  ): Promise<VideoRecord> {
    const holder = await this.context.state.setIfAbsent(ownerKey(videoId), key);
    if (holder !== undefined && holder !== key) {
      throw refusedByPlatform('duplicate', `video ${videoId} was published for another post (${holder})`);
    }
    const record: VideoRecord = { videoId, thumbnail, recordedAt: this.context.clock.now().toISOString() };
    await this.context.state.set(videoKey(key), record);
    await this.upload.forget(key);
    return record;
  }

  /** thumbnails.set once the video exists; a refusal (an unverified channel, a bad image) is logged, not fatal. */
  private async finishThumbnail(key: string, record: VideoRecord, request: PublishRequest): Promise<void> {
    const source = thumbnailOf(request);
    if (record.thumbnail === 'done' || !source) {
      return;
    }
    try {
      if (!['image/jpeg', 'image/png'].includes(source.mimeType)) {
        throw refusedByPlatform(
          'invalidImage',
          `the thumbnail must be a JPEG or PNG, not ${source.mimeType}`,
        );
      }
      const bytes = await readMediaFile(source, THUMBNAIL_BYTES);
      await this.api.call({
        method: 'POST',
        path: '/upload/youtube/v3/thumbnails/set',
        query: { videoId: record.videoId, uploadType: 'media' },
        body: { bytes, contentType: source.mimeType },
        units: QUOTA_COST['thumbnails.set'],
        forbiddenIsRefusal: true,
        what: 'setting the thumbnail',
      });
    } catch (error) {
      if (
        error instanceof RateLimitedError ||
        error instanceof AuthenticationError ||
        !(error instanceof PermanentError)
      ) {
        throw error;
      }
      this.context.logger.warn(
        `the video ${record.videoId} keeps YouTube's own thumbnail: ${error.message}`,
        { key },
      );
    }
    await this.context.state.set(videoKey(key), { ...record, thumbnail: 'done' });
  }

  private async findReply(key: string, pending: PendingReply): Promise<PublishResult | undefined> {
    const channelId = await this.channelId();
    const since = Date.parse(pending.since) - CLOCK_SLACK_MS;
    const answer = checked(
      listOf(comment),
      await this.api.json({
        path: '/youtube/v3/comments',
        query: { part: 'snippet', parentId: pending.parentId, maxResults: 100, textFormat: 'plainText' },
        units: QUOTA_COST.list,
        what: "reading a comment's replies",
      }),
      "reading a comment's replies",
    );
    for (const found of answer.items) {
      if (
        found.snippet.authorChannelId?.value !== channelId ||
        (found.snippet.textOriginal ?? found.snippet.textDisplay) !== pending.text ||
        Date.parse(found.snippet.publishedAt) < since
      ) {
        continue;
      }
      const owner = await this.context.state.setIfAbsent(ownerKey(found.id), key);
      if (owner === undefined || owner === key) {
        return this.recordReply(key, found.id);
      }
    }
    return undefined;
  }

  private async recordReply(key: string, commentId: string, url?: string): Promise<PublishResult> {
    await this.context.state.setIfAbsent(ownerKey(commentId), key);
    const result: PublishResult = { remoteId: commentId, ...(url ? { url } : {}) };
    await this.context.state.set(replyKey(key), result);
    await this.context.state.delete(pendingReplyKey(key));
    return result;
  }

  /** The option, else the channel found when connecting, else channels.list?mine=true (remembered). */
  private async channelId(): Promise<string> {
    if (this.options.channelId) {
      return this.options.channelId;
    }
    if (this.options.accessToken === undefined) {
      const account = (await credentialsOf(this.context).current()).account;
      if (account?.channelId) {
        return account.channelId;
      }
    }
    const remembered = await this.context.state.get<string>('channel-id');
    if (remembered) {
      return remembered;
    }
    const channels = checked(
      listOf(channelItem),
      await this.api.json({
        path: '/youtube/v3/channels',
        query: { part: 'id', mine: true },
        units: QUOTA_COST.list,
        what: 'finding the channel',
      }),
      'finding the channel',
    );
    const id = channels.items[0]?.id;
    if (!id) {
      throw refusedByPlatform(
        'channelNotFound',
        'the connected Google account has no YouTube channel: create one, then connect again',
      );
    }
    await this.context.state.set('channel-id', id);
    return id;
  }
}

const accepted = (videoId: string): PublishAccepted => ({
  status: 'accepted',
  handle: videoId,
  checkAfterMs: PROCESSING_CHECK_MS,
});

/** The thumbnail: the post's image attachment, else `extra.thumbnail` (a path in the brand's content folder). */
function thumbnailOf(request: PublishRequest): MediaAttachment | undefined {
  const image = request.media.find((item) => item.mimeType.startsWith('image/'));
  if (image) {
    return image;
  }
  const path = typeof request.extra?.thumbnail === 'string' ? request.extra.thumbnail : undefined;
  const root = request.media.find((item) => item.root)?.root;
  if (!path || !root) {
    return undefined;
  }
  const absolute = resolve(root, path);
  const inside = relative(root, absolute);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
    throw refusedByPlatform('thumbnail', `extra.thumbnail "${path}" is not inside the content folder`);
  }
  const lower = absolute.toLowerCase();
  return { path: absolute, root, mimeType: lower.endsWith('.png') ? 'image/png' : 'image/jpeg' };
}
