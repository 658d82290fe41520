import type { PluginStateStore, PublishResult } from '../../src/plugin-sdk';
import { postUrlOf } from './linkedin-post-body';

/**
 * What was about to be sent under a key, stored BEFORE the request: LinkedIn takes no idempotency key, so after a
 * lost answer `lookup` finds the post (or comment) by this marker — same author, same text, created since.
 */
export interface PendingSend {
  kind: 'post' | 'comment';
  author: string;
  /** The text exactly as sent (escaped little text). */
  text: string;
  /** For a comment: the post it is on. */
  object?: string;
  /** When the send started (ISO 8601): anything older is not this send. */
  since: string;
}

const sentKey = (key: string) => `sent:${key}`;
const pendingKey = (key: string) => `pending:${key}`;
const remoteKey = (urn: string) => `remote:${urn}`;

/** The record of sends by idempotency key, in the channel's durable plugin state. */
export class SendLedger {
  constructor(private readonly state: PluginStateStore) {}

  async sent(key: string): Promise<PublishResult | undefined> {
    const urn = await this.state.get<string>(sentKey(key));
    return urn ? resultOf(urn) : undefined;
  }

  pending(key: string): Promise<PendingSend | undefined> {
    return this.state.get<PendingSend>(pendingKey(key));
  }

  async begin(key: string, send: PendingSend): Promise<void> {
    await this.state.set(pendingKey(key), send);
  }

  /**
   * Records the platform's URN for the key. The first key recorded for a URN keeps it: answers which other key
   * holds it already (a LinkedIn duplicate of an earlier, different post), undefined when it is this key's.
   */
  async record(key: string, urn: string): Promise<string | undefined> {
    const owner = await this.state.setIfAbsent(remoteKey(urn), key);
    if (owner !== undefined && owner !== key) {
      return owner;
    }
    await this.state.set(sentKey(key), urn);
    await this.state.delete(pendingKey(key));
    return undefined;
  }
}

export const resultOf = (urn: string): PublishResult => ({
  remoteId: urn,
  url: urn.startsWith('urn:li:comment:') ? undefined : postUrlOf(urn),
});

/** The URN LinkedIn names in a DUPLICATE_POST refusal ("Content is a duplicate of urn:li:share:…"). */
export function duplicateOf(message: string): string | undefined {
  return /urn:li:(?:share|ugcPost):\d+/.exec(message)?.[0];
}
