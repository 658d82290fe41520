import { rateLimited, type PluginStateStore, type PublishResult } from '../../src/plugin-sdk';

/**
 * What was about to be sent under a key, stored in `context.state` BEFORE the request (the `attempt:` marker). The
 * Bot API takes no idempotency key and lets a bot read no channel history, so after a lost answer this marker is all
 * that says a message may exist; `lookup` then searches the discussion group's copies for this text.
 */
export interface Attempt {
  kind: 'post' | 'reply';
  /** The chat the message went to (the channel, or the discussion group for a reply). */
  chatId: string;
  /** The text (or first caption) exactly as Telegram shows it. */
  text: string;
  /** When the send started (ISO 8601): a copy older than this (minus slack) is not this send's. */
  since: string;
}

export interface SentRecord {
  remoteId: string;
  url?: string;
  /** When Telegram dated the message (ISO 8601). */
  publishedAt?: string;
  /** Every message the post made (an album: one per item), for delete. */
  messageIds: number[];
}

const sentKey = (key: string) => `sent:${key}`;
const attemptKey = (key: string) => `attempt:${key}`;
const remoteKey = (remoteId: string) => `remote:${remoteId}`;
const paceKey = (chatId: string) => `pace:${chatId}`;
const messagesKey = (remoteId: string) => `messages:${remoteId}`;

/** The record of sends by idempotency key, in the channel's durable plugin state. */
export class SendLedger {
  constructor(private readonly state: PluginStateStore) {}

  async sent(key: string): Promise<PublishResult | undefined> {
    const record = await this.state.get<SentRecord>(sentKey(key));
    return record
      ? {
          remoteId: record.remoteId,
          ...(record.url ? { url: record.url } : {}),
          ...(record.publishedAt ? { publishedAt: new Date(record.publishedAt) } : {}),
        }
      : undefined;
  }

  attempt(key: string): Promise<Attempt | undefined> {
    return this.state.get<Attempt>(attemptKey(key));
  }

  begin(key: string, attempt: Attempt): Promise<void> {
    return this.state.set(attemptKey(key), attempt);
  }

  /** Telegram answered a refusal: nothing was posted, so the marker goes. */
  clear(key: string): Promise<void> {
    return this.state.delete(attemptKey(key));
  }

  /** Records the post under the key (first key for a remote id wins; false when another key holds it). */
  async record(key: string, record: SentRecord): Promise<boolean> {
    const owner = await this.state.setIfAbsent(remoteKey(record.remoteId), key);
    if (owner !== undefined && owner !== key) {
      return false;
    }
    await this.state.set(messagesKey(record.remoteId), record.messageIds);
    await this.state.set(sentKey(key), record);
    await this.state.delete(attemptKey(key));
    return true;
  }

  /** Every message id a post made (the first alone for a post Metronome did not record). */
  async messagesOf(remoteId: string): Promise<number[] | undefined> {
    return this.state.get<number[]>(messagesKey(remoteId));
  }

  /**
   * Paces sends per chat so a burst of scheduled posts never meets Telegram's 429 (Bot FAQ: about one message per
   * second in a chat, at most 20 per minute in a group or channel). Throws RateLimitedError with the time a slot
   * frees; otherwise books `messages` slots now.
   */
  async pace(chatId: string, messages: number, now: Date): Promise<void> {
    const recent = ((await this.state.get<number[]>(paceKey(chatId))) ?? []).filter(
      (at) => at > now.getTime() - PER_MINUTE_WINDOW_MS,
    );
    const last = recent.at(-1);
    let freeAt = last === undefined ? 0 : last + PER_MESSAGE_GAP_MS;
    const over = recent.length + messages - PER_MINUTE_LIMIT;
    if (over > 0) {
      // The slot frees when the over-th oldest send leaves the minute window.
      freeAt = Math.max(freeAt, recent[Math.min(over, recent.length) - 1] + PER_MINUTE_WINDOW_MS);
    }
    if (freeAt > now.getTime()) {
      throw rateLimited(
        `Metronome paces Telegram sends (${PER_MINUTE_LIMIT} messages a minute, one a second per chat, Bot FAQ): ${recent.length} in the last minute; next send at ${new Date(freeAt).toISOString()}`,
        new Date(freeAt),
      );
    }
    const booked = [...recent, ...Array<number>(messages).fill(now.getTime())].slice(-PER_MINUTE_LIMIT);
    await this.state.set(paceKey(chatId), booked);
  }
}

export const PER_MINUTE_LIMIT = 20;
export const PER_MINUTE_WINDOW_MS = 60_000;
export const PER_MESSAGE_GAP_MS = 1_000;
