import type { PluginStateStore } from '../../src/plugin-sdk';

/**
 * What was about to be sent under a key, stored BEFORE the request. Bot mode: after a lost answer `lookup` finds
 * the message in the channel by this marker (the bot's own message, same content, same file names, same message
 * answered, created since); within Discord's nonce window a resend returns the same message anyway.
 */
export interface PendingSend {
  kind: 'post' | 'reply';
  nonce?: string;
  /** `content` exactly as sent ('' for none). */
  content: string;
  /** Upload names in order. */
  filenames: string[];
  /** Embed titles in order, to tell apart posts with the same (or no) text. */
  embedTitles: string[];
  /** The message a reply answers. */
  replyTo?: string;
  /** When the send started (ISO 8601): anything older is not this send. */
  since: string;
}

/** A message recorded under a key: its id and where it is. */
export interface SentMessage {
  id: string;
  channelId?: string;
  guildId?: string;
}

const sentKey = (key: string) => `sent:${key}`;
const pendingKey = (key: string) => `pending:${key}`;
const remoteKey = (id: string) => `remote:${id}`;

/** Sends by idempotency key, in the channel's durable plugin state. */
export class SendLedger {
  constructor(private readonly state: PluginStateStore) {}

  sent(key: string): Promise<SentMessage | undefined> {
    return this.state.get<SentMessage>(sentKey(key));
  }

  pending(key: string): Promise<PendingSend | undefined> {
    return this.state.get<PendingSend>(pendingKey(key));
  }

  begin(key: string, send: PendingSend): Promise<void> {
    return this.state.set(pendingKey(key), send);
  }

  /** The key a message id was recorded under, if any. */
  ownerOf(id: string): Promise<string | undefined> {
    return this.state.get<string>(remoteKey(id));
  }

  /**
   * Records the message under the key. The first key recorded for a message keeps it: answers the other key that
   * holds it already, undefined when it is this key's.
   */
  async record(key: string, message: SentMessage): Promise<string | undefined> {
    const owner = await this.state.setIfAbsent(remoteKey(message.id), key);
    if (owner !== undefined && owner !== key) {
      return owner;
    }
    await this.state.set(sentKey(key), message);
    await this.state.delete(pendingKey(key));
    return undefined;
  }
}
