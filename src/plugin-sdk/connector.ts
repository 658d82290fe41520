/** What a connector can do. The core asks before it uses anything: every capability is optional. */
export interface ConnectorCapabilities {
  publish: boolean;
  delete?: boolean;
  inbox?: boolean;
  profile?: boolean;
  metrics?: boolean;
  /** The platform's text limit, counted in graphemes (what people see as characters). */
  textLimit?: number;
  media?: { maxCount: number; types: string[]; maxBytes?: number; altTextLimit?: number };
}

export interface MediaAttachment {
  /** Absolute path of the file. */
  path: string;
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
