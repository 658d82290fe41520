import type { TextLimits } from './text-limits';
import type { ThreadSupport } from './thread-split';

/**
 * A ratio of width to height: `"4:5"`, `"1.91:1"`, `"16:9"` or a number (0.8). The host refuses a plugin whose ratio
 * does not parse (SDK 2).
 */
export type AspectRatio = string | number;

/**
 * What a platform accepts as an image's or a video's frame, in pixels as people see it (a JPEG's EXIF orientation
 * and an MP4 track's rotation applied). The core reads the file's header at import (SDK 2).
 */
export interface DimensionLimits {
  minWidth?: number;
  minHeight?: number;
  maxWidth?: number;
  maxHeight?: number;
  /** Width × height at most this (Mastodon's video_matrix_limit: 8,294,400 = 3840 × 2160). */
  maxPixels?: number;
  /** Width ÷ height within these bounds, both included: `{ min: '4:5', max: '1.91:1' }` (Instagram's feed). */
  aspectRatio?: { min?: AspectRatio; max?: AspectRatio };
}

/** What a platform accepts as a post's media. The core checks every file against it at import (SDK 1.2; SDK 2). */
export interface MediaLimits {
  /** Files per post. */
  maxCount: number;
  /** At least this many files per post (Instagram: 1; TikTok and YouTube: 1 video). (SDK 2) */
  minCount?: number;
  /** Images per post (image/*), when fewer than `maxCount`. (SDK 2) */
  maxImages?: number;
  /** Videos (or audio files) per post, when fewer than `maxCount`. (SDK 2) */
  maxVideos?: number;
  /** At least this many videos per post (YouTube, TikTok: 1); `minCount` counts files of any kind. (SDK 2.2) */
  minVideos?: number;
  /** false: a post carries images or videos, never both (Bluesky, X). Default: a mix is allowed. (SDK 2) */
  mixedMedia?: boolean;
  /** MIME types accepted. */
  types: string[];
  /** Largest file of any type, in bytes. */
  maxBytes?: number;
  /** Largest image, in bytes (image/*). */
  maxImageBytes?: number;
  /** Largest video or audio file, in bytes. (SDK 1.2) */
  maxVideoBytes?: number;
  /** Longest video or audio, in seconds (read from the MP4/QuickTime header). (SDK 1.2) */
  maxVideoSeconds?: number;
  /** Shortest video or audio, in seconds (read from the MP4/QuickTime header). (SDK 2) */
  minVideoSeconds?: number;
  /** An image's pixel size and aspect ratio (PNG, JPEG, GIF and WebP headers). (SDK 2) */
  image?: DimensionLimits;
  /** A video's pixel size and aspect ratio (the MP4/QuickTime video track's header). (SDK 2) */
  video?: DimensionLimits;
  /** Alt text per file, in graphemes. */
  altTextLimit?: number;
  /** Every file needs alt text (`alt:` in the content file). (SDK 2) */
  altTextRequired?: boolean;
  /** A video or audio file must be the post's only attachment (Mastodon). (SDK 1.2) */
  videoAlone?: boolean;
}

/** The limits on a post's title, for platforms whose posts have one (YouTube, Pinterest, WordPress). (SDK 2) */
export interface TitleLimits {
  /** At most this many characters, in grapheme clusters (YouTube and Pinterest: 100). */
  graphemes?: number;
  /** At most this many bytes of UTF-8. */
  bytes?: number;
}

/**
 * The network's own names for its figures (SDK 2.2). The core stores `followers`, `impressions`, `clicks` and
 * `engagements.<kind>`; the report shows each channel's figures under these names (YouTube's "Subscribers" and
 * "Views", Pinterest's "Saves" and "Outbound clicks"). A figure without a name keeps the common one.
 */
export interface MetricNames {
  followers?: string;
  impressions?: string;
  clicks?: string;
  /** A name per engagement kind the connector reports: `{ saves: 'Saves', retweets: 'Reposts' }`. */
  engagements?: Record<string, string>;
}

/** What a connector can do. The core asks before it uses anything: every capability is optional. */
export interface ConnectorCapabilities {
  publish: boolean;
  delete?: boolean;
  inbox?: boolean;
  profile?: boolean;
  metrics?: boolean;
  /**
   * The connector answers `publish` with "accepted, finishing" (`PublishAccepted`) and implements `status`: the
   * platform finishes the post in the background (a media container, video processing). (SDK 2)
   */
  twoStep?: boolean;
  /** The connector implements `reply(item, request)`: answers to inbox items, published exactly once. (SDK 2) */
  reply?: boolean;
  /** The connector implements `updateProfile(desired)`: profile enforce mode. (SDK 2) */
  updateProfile?: boolean;
  /** Every limit on a post's text: graphemes, UTF-8 bytes, how links count. (SDK 1.2; SDK 2 removed `textLimit`) */
  text?: TextLimits;
  media?: MediaLimits;
  /**
   * The platform's posts have a title: `overrides.<channel>.title` in the content file, else the post's `title`,
   * checked against these limits at import. (SDK 2)
   */
  title?: TitleLimits;
  /** Text over the limit is published as a thread when the post sets `extra.thread: true`. (SDK 1.2) */
  thread?: ThreadSupport;
  /** The network's own names for the figures `fetchMetrics` answers, shown in the report. (SDK 2.2) */
  metricNames?: MetricNames;
}

/** The text limits a connector declares. */
export function textLimitsOf(capabilities: ConnectorCapabilities): TextLimits {
  return { ...capabilities.text };
}

export interface MediaAttachment {
  /** Absolute path of the file. Read it with `readMediaFile`, which keeps it inside `root`. */
  path: string;
  /** The folder the file must stay in (the brand's content folder), symlinks resolved. (SDK 1.2) */
  root?: string;
  mimeType: string;
  altText?: string;
}

export interface PublishRequest {
  /** Stable per (post, channel): a retry of the same publish carries the same key. */
  idempotencyKey: string;
  text: string;
  /**
   * The post's title on this channel: `overrides.<channel>.title` in the content file, else the post's `title`
   * (checked at import against `capabilities.title`). Absent only for posts stored before SDK 2.2. (SDK 2.2)
   */
  title?: string;
  media: MediaAttachment[];
  scheduledAt: Date;
  /** Connector-specific per-post settings from the post's front matter (visibility, spoiler, thread…). */
  extra: Record<string, unknown>;
}

/** The post is on the platform. */
export interface PublishResult {
  /** The platform's id of the post: non-empty, unique per idempotency key (the core checks both). */
  remoteId: string;
  url?: string;
  publishedAt?: Date;
}

/**
 * "Accepted, finishing" (SDK 2, capability `twoStep`): the platform took the post and finishes it in the background
 * (an Instagram or Threads media container, a video being processed, TikTok's `publish_id`). The core records the
 * handle on the post and asks `status(handle)` until the post is published or failed; it never calls `publish` again
 * for this post. Store the handle in `context.state` under the idempotency key before you return it, so `lookup`
 * finds it if the process stops before the core has recorded it.
 */
export interface PublishAccepted {
  status: 'accepted';
  /** What `status` needs to find the post again (a container id, a publish_id): non-empty, at most 1,024 characters. */
  handle: string;
  /** When to ask first, in milliseconds (default 5,000). */
  checkAfterMs?: number;
}

/** What `publish` (and `lookup`) may answer: the post is on the platform, or accepted and finishing. */
export type PublishOutcome = PublishResult | PublishAccepted;

/** The answer to `status(handle)`. Throw the SDK's errors for a failed question (rate limited, auth, network). */
export type PublishStatus =
  | { status: 'published'; result: PublishResult }
  /** Still processing: ask again after `checkAfterMs` (default: the core's backoff). */
  | { status: 'finishing'; checkAfterMs?: number }
  /** The platform gave up on the post (processing failed, container expired): in words a person can act on. */
  | { status: 'failed'; reason: string };

/** True when a publish or lookup answered "accepted, finishing" rather than "published". */
export function isPublishAccepted(outcome: PublishOutcome): outcome is PublishAccepted {
  return (outcome as PublishAccepted).status === 'accepted';
}

/** The inbox item a reply answers, as the core stored it from `fetchInbox`. (SDK 2) */
export interface InboxItemRef {
  remoteId: string;
  kind: InboxItemInput['kind'];
  author: string;
  url?: string;
  /** The item this one itself replied to, when the platform said (threads need the root on Bluesky). */
  inReplyToRemoteId?: string;
}

/** One answer to an inbox item. Same guarantees as a publish: a stable key, lookup before any resend. (SDK 2) */
export interface ReplyRequest {
  /** Stable per reply: a retry of the same reply carries the same key. */
  idempotencyKey: string;
  text: string;
}

/** The profile the brand wants on the channel (the channel's `profile` in config), for `updateProfile`. (SDK 2) */
export interface DesiredProfile {
  displayName?: string;
  bio?: string;
  links?: string[];
}

export interface InboxItemInput {
  remoteId: string;
  kind: 'comment' | 'mention' | 'reply' | 'message';
  author: string;
  text: string;
  url?: string;
  receivedAt: Date;
  inReplyToRemoteId?: string;
  /**
   * True when the channel's own account wrote it (the team answering): it is not stored as incoming, and it
   * marks the item it replies to as answered at `receivedAt` (first-response time).
   */
  byOwner?: boolean;
}

export interface ProfileSnapshot {
  displayName?: string;
  bio?: string;
  links: string[];
  pinned?: string;
}

export interface ChannelMetrics {
  followers?: number;
  impressions?: number;
  engagements?: Record<string, number>;
  clicks?: number;
  posts?: Array<{
    remoteId: string;
    impressions?: number;
    engagements?: Record<string, number>;
    clicks?: number;
  }>;
}

/** A platform account. Methods exist only when the matching capability is declared. */
export interface Connector {
  /** Publishes one post. Called at most once at a time per post; a retry carries the same idempotency key. */
  publish?(request: PublishRequest): Promise<PublishOutcome>;
  /**
   * Finds a post published (or accepted) earlier with this idempotency key: the core calls it before any second
   * attempt after an outcome it could not know (a timeout, a crash between send and record). undefined: not there.
   */
  lookup?(idempotencyKey: string): Promise<PublishOutcome | undefined>;
  /** Where an accepted post stands (capability `twoStep`). (SDK 2) */
  status?(handle: string): Promise<PublishStatus>;
  /** Answers an inbox item (capability `reply`); `lookup` with the reply's key must find it after. (SDK 2) */
  reply?(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult>;
  /** Makes the live profile match `desired` (capability `updateProfile`); fields left out stay as they are. (SDK 2) */
  updateProfile?(desired: DesiredProfile): Promise<ProfileSnapshot>;
  /**
   * Renews the channel's credentials (an OAuth refresh) when the platform refused them; the core calls it once
   * before it asks a person to reconnect. Answers false when nothing could be renewed. (SDK 2)
   */
  refreshCredentials?(): Promise<boolean>;
  delete?(remoteId: string): Promise<void>;
  fetchInbox?(since: Date | undefined): Promise<InboxItemInput[]>;
  getProfile?(): Promise<ProfileSnapshot>;
  fetchMetrics?(day: string): Promise<ChannelMetrics>;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

/** A connector that publishes in one step (no `twoStep` capability): its publish and lookup answer published posts. */
export type OneStepConnector = Omit<Connector, 'publish' | 'lookup'> & {
  publish?(request: PublishRequest): Promise<PublishResult>;
  lookup?(idempotencyKey: string): Promise<PublishResult | undefined>;
};
