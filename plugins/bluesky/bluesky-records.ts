import type { BlobRef } from './bluesky-media';
import type { Facet } from './bluesky-facets';

export const POST_COLLECTION = 'app.bsky.feed.post';
export const PROFILE_COLLECTION = 'app.bsky.actor.profile';

/** A record's address and version: how a reply points at its root and parent. */
export interface StrongRef {
  uri: string;
  cid: string;
}

export interface PostRecord {
  $type: typeof POST_COLLECTION;
  text: string;
  createdAt: string;
  facets?: Facet[];
  embed?: {
    $type: 'app.bsky.embed.images';
    images: Array<{ image: BlobRef; alt: string }>;
  };
  reply?: { root: StrongRef; parent: StrongRef };
}

export interface ProfileRecord {
  displayName?: string;
  description?: string;
  website?: string;
  pinnedPost?: StrongRef;
}

/** com.atproto.repo.getRecord's answer. */
export interface StoredRecord<T> {
  uri: string;
  cid: string;
  value: T;
}

/** The parts of an at:// URI of a record: at://<did>/<collection>/<rkey>. */
export function parseRecordUri(uri: string): { repo: string; collection: string; rkey: string } | undefined {
  const match = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  return match ? { repo: match[1], collection: match[2], rkey: match[3] } : undefined;
}

/** Where people see a post: bsky.app's address for it. */
export function postUrl(handle: string, rkey: string): string {
  return `https://bsky.app/profile/${handle}/post/${rkey}`;
}
