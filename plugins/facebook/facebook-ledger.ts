import type { PluginStateStore, PublishResult } from '../../src/plugin-sdk';

/**
 * What the connector remembers per idempotency key, since Graph takes no idempotency key
 * (context.state, durable and private to the channel):
 *
 * - `attempt:<key>`: written BEFORE the first request that creates anything (first writer wins, so the earliest
 *   start is kept): what was sent (the message), where (the Page, or the comment answered) and when. This is the
 *   marker lookup matches: a post (or reply) by this Page with exactly this message, created since the attempt
 *   started, that no other key has claimed.
 * - `sent:<key>`: the remote id, written as soon as Graph answers (lookup's fast path).
 * - `remote:<remote id>`: the key that claimed a post, so two keys with the same text never take the same post.
 * - `photos:<key>`: the unpublished photos already uploaded for a multi-photo post, so a retry attaches them
 *   instead of uploading again.
 */
export interface Attempt {
  kind: 'post' | 'reply';
  /** The Page id (posts) or the comment answered (replies). */
  target: string;
  /** The Page publishing (a reply is matched by its author). */
  pageId: string;
  message: string;
  /** ISO 8601: when the first attempt started. */
  startedAt: string;
}

export class FacebookLedger {
  constructor(private readonly state: PluginStateStore) {}

  async sent(key: string): Promise<PublishResult | undefined> {
    const found = await this.state.get<{ remoteId: string; url?: string }>(`sent:${key}`);
    return found?.remoteId
      ? { remoteId: found.remoteId, ...(found.url ? { url: found.url } : {}) }
      : undefined;
  }

  /** Records the first attempt (kept if one exists) and answers the one in force. */
  async begin(key: string, attempt: Attempt): Promise<{ attempt: Attempt; repeated: boolean }> {
    const earlier = await this.state.setIfAbsent<Attempt>(`attempt:${key}`, attempt);
    return earlier ? { attempt: earlier, repeated: true } : { attempt, repeated: false };
  }

  attempt(key: string): Promise<Attempt | undefined> {
    return this.state.get<Attempt>(`attempt:${key}`);
  }

  /** Whether another key already claimed this remote post. */
  async claimedByOther(remoteId: string, key: string): Promise<boolean> {
    const owner = await this.state.get<string>(`remote:${remoteId}`);
    return owner !== undefined && owner !== key;
  }

  /** Records the post for the key; answers what is recorded (the first record wins). */
  async record(key: string, result: PublishResult): Promise<PublishResult> {
    await this.state.setIfAbsent(`remote:${result.remoteId}`, key);
    const earlier = await this.state.setIfAbsent(`sent:${key}`, {
      remoteId: result.remoteId,
      ...(result.url ? { url: result.url } : {}),
    });
    return earlier ? ((await this.sent(key)) ?? result) : result;
  }

  async uploadedPhotos(key: string): Promise<string[]> {
    return (await this.state.get<string[]>(`photos:${key}`)) ?? [];
  }

  async rememberPhotos(key: string, ids: string[]): Promise<void> {
    await this.state.set(`photos:${key}`, ids);
  }
}
