/*
 * The parts of Mastodon's REST entities (docs.joinmastodon.org/entities) this connector reads. Everything is
 * optional where compatible servers are known to leave it out.
 */

export interface MastodonAccount {
  id: string;
  username: string;
  /** `user` for accounts on the same server, `user@domain` otherwise. */
  acct: string;
  display_name: string;
  /** HTML. */
  note: string;
  url: string;
  followers_count?: number;
  statuses_count?: number;
  /** HTML values. */
  fields?: Array<{ name: string; value: string; verified_at?: string | null }>;
  /** Only on verify_credentials: what the owner typed, as plain text. */
  source?: {
    note?: string;
    fields?: Array<{ name: string; value: string }>;
    privacy?: string;
  };
}

export interface MastodonStatus {
  id: string;
  created_at: string;
  in_reply_to_id?: string | null;
  in_reply_to_account_id?: string | null;
  visibility: string;
  spoiler_text: string;
  /** HTML. */
  content: string;
  url?: string | null;
  uri: string;
  account: MastodonAccount;
  replies_count?: number;
  reblogs_count?: number;
  favourites_count?: number;
  reblog?: MastodonStatus | null;
}

export interface MastodonNotification {
  id: string;
  type: string;
  created_at: string;
  account: MastodonAccount;
  /** Missing when the status was deleted since. */
  status?: MastodonStatus | null;
}

export interface MastodonMediaAttachment {
  id: string;
  type: string;
  /** null while the server is still processing the upload (POST /api/v2/media answered 202). */
  url: string | null;
  description?: string | null;
}

/** GET /api/v2/instance, the parts that limit what can be posted. */
export interface MastodonInstance {
  domain?: string;
  version?: string;
  configuration?: {
    statuses?: {
      max_characters?: number;
      max_media_attachments?: number;
      characters_reserved_per_url?: number;
    };
    media_attachments?: {
      supported_mime_types?: string[];
      image_size_limit?: number;
      video_size_limit?: number;
      description_limit?: number;
    };
  };
  /** Pleroma and Akkoma (GET /api/v1/instance). */
  max_toot_chars?: number;
}
