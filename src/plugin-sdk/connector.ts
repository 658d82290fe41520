import type { TextLimits } from './text-limits';
import type { ThreadSupport } from './thread-split';

/** What a platform accepts as a post's media. The core checks every file against it at import (SDK 1.2). */
export interface MediaLimits {
  /** Files per post. */
  maxCount: number;
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
  /** Alt text per file, in graphemes. */
  altTextLimit?: number;
  /** A video or audio file must be the post's only attachment (Mastodon). (SDK 1.2) */
  videoAlone?: boolean;
}

/** What a connector can do. The core asks before it uses anything: every capability is optional. */
export interface ConnectorCapabilities {
  publish: boolean;
  delete?: boolean;
  inbox?: boolean;
  profile?: boolean;
  metrics?: boolean;
  /** The platform's text limit in graphemes. Since SDK 1.2 `text.graphemes` says the same and wins. */
  textLimit?: number;
  /** Every limit on a post's text: graphemes, UTF-8 bytes, how links count. (SDK 1.2) */
  text?: TextLimits;
  media?: MediaLimits;
  /** Text over the limit is published as a thread when the post sets `extra.thread: true`. (SDK 1.2) */
  thread?: ThreadSupport;
}

/** The text limits a connector declares, from `text` or the older `textLimit`. */
export function textLimitsOf(capabilities: ConnectorCapabilities): TextLimits {
  return { ...capabilities.text, graphemes: capabilities.text?.graphemes ?? capabilities.textLimit };
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
  media: MediaAttachment[];
  scheduledAt: Date;
  /** Connector-specific per-post settings from the post's front matter (visibility, spoiler, thread…). */
  extra: Record<string, unknown>;
}

export interface PublishResult {
  remoteId: string;
  url?: string;
  publishedAt?: Date;
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
  publish?(request: PublishRequest): Promise<PublishResult>;
  /** Finds a post published earlier with this idempotency key: used to reconcile an unknown outcome. */
  lookup?(idempotencyKey: string): Promise<PublishResult | undefined>;
  delete?(remoteId: string): Promise<void>;
  fetchInbox?(since: Date | undefined): Promise<InboxItemInput[]>;
  getProfile?(): Promise<ProfileSnapshot>;
  fetchMetrics?(day: string): Promise<ChannelMetrics>;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}
