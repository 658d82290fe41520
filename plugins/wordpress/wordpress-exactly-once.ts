import { createHash } from 'node:crypto';
import type { PluginStateStore, PublishResult } from '../../src/plugin-sdk';

/**
 * What was about to be sent under a key, stored BEFORE the request: WordPress takes no idempotency key, so after a
 * lost answer `lookup` (and `publish` itself, before any resend) finds the post by its slug, or the comment by its
 * author, post, parent and content.
 */
export type Attempt =
  | { kind: 'post'; slug: string; title: string; since: string }
  | { kind: 'comment'; post: number; parent: number; content: string; since: string };

/** What an upload was about to create: the attachment's deterministic slug. */
export interface MediaAttempt {
  slug: string;
  since: string;
}

export interface UploadedMedia {
  id: number;
  sourceUrl: string;
}

const sentKey = (key: string) => `sent:${key}`;
const attemptKey = (key: string) => `attempt:${key}`;
const remoteKey = (id: string) => `remote:${id}`;
const mediaKey = (key: string, index: number) => `media:${key}:${index}`;
const mediaAttemptKey = (key: string, index: number) => `media-attempt:${key}:${index}`;

/** A short, stable, slug-safe digest of an idempotency key (12 hex digits: 48 bits). */
export function keyDigest(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12);
}

/** The record of sends by idempotency key, in the channel's durable plugin state. */
export class SendLedger {
  constructor(private readonly state: PluginStateStore) {}

  async sent(key: string): Promise<PublishResult | undefined> {
    const sent = await this.state.get<{ remoteId: string; url?: string; publishedAt?: string }>(sentKey(key));
    if (!sent) {
      return undefined;
    }
    return {
      remoteId: sent.remoteId,
      ...(sent.url === undefined ? {} : { url: sent.url }),
      ...(sent.publishedAt === undefined ? {} : { publishedAt: new Date(sent.publishedAt) }),
    };
  }

  attempt<T extends Attempt['kind']>(
    key: string,
    kind: T,
  ): Promise<Extract<Attempt, { kind: T }> | undefined> {
    return this.state
      .get<Attempt>(attemptKey(key))
      .then((attempt) => (attempt?.kind === kind ? (attempt as Extract<Attempt, { kind: T }>) : undefined));
  }

  /** Records the attempt unless one is there already (the first attempt's `since` is the one that counts). */
  async begin(key: string, attempt: Attempt): Promise<void> {
    await this.state.setIfAbsent(attemptKey(key), attempt);
  }

  /**
   * Records the result for the key. The first key recorded for a remote id keeps it: answers which other key holds
   * it already, undefined when it is this key's.
   */
  async record(key: string, result: PublishResult): Promise<string | undefined> {
    const owner = await this.state.setIfAbsent(remoteKey(result.remoteId), key);
    if (owner !== undefined && owner !== key) {
      return owner;
    }
    await this.state.set(sentKey(key), {
      remoteId: result.remoteId,
      url: result.url,
      publishedAt: result.publishedAt?.toISOString(),
    });
    await this.state.delete(attemptKey(key));
    return undefined;
  }

  media(key: string, index: number): Promise<UploadedMedia | undefined> {
    return this.state.get<UploadedMedia>(mediaKey(key, index));
  }

  mediaAttempt(key: string, index: number): Promise<MediaAttempt | undefined> {
    return this.state.get<MediaAttempt>(mediaAttemptKey(key, index));
  }

  async beginMedia(key: string, index: number, attempt: MediaAttempt): Promise<void> {
    await this.state.setIfAbsent(mediaAttemptKey(key, index), attempt);
  }

  async recordMedia(key: string, index: number, media: UploadedMedia): Promise<void> {
    await this.state.set(mediaKey(key, index), media);
    await this.state.delete(mediaAttemptKey(key, index));
  }
}
