import type { PluginStateStore, PublishResult } from '../../src/plugin-sdk';
import { pinUrlOf, type PinText } from './pinterest-pin-body';

/**
 * What was about to be sent under a key, stored BEFORE Create Pin: Pinterest takes no idempotency key, so after a
 * lost answer `lookup` finds the pin on its board by this marker — same title, description, link and alt text,
 * created since the send started.
 */
export interface PendingPin extends PinText {
  boardId: string;
  /** When the send started (ISO 8601): a pin created earlier is not this send's. */
  since: string;
}

const sentKey = (key: string) => `sent:${key}`;
const attemptKey = (key: string) => `attempt:${key}`;
const remoteKey = (pinId: string) => `remote:${pinId}`;

/** The record of pins by idempotency key, in the channel's durable plugin state. */
export class PinLedger {
  constructor(private readonly state: PluginStateStore) {}

  async sent(key: string): Promise<PublishResult | undefined> {
    const pinId = await this.state.get<string>(sentKey(key));
    return pinId ? resultOf(pinId) : undefined;
  }

  pending(key: string): Promise<PendingPin | undefined> {
    return this.state.get<PendingPin>(attemptKey(key));
  }

  /** The `attempt:` marker, written before the request leaves. */
  async begin(key: string, pin: PendingPin): Promise<void> {
    await this.state.set(attemptKey(key), pin);
  }

  /** Which key holds this pin already (undefined: none, or this one). */
  async holder(pinId: string): Promise<string | undefined> {
    return this.state.get<string>(remoteKey(pinId));
  }

  /**
   * Records the pin for the key. The first key recorded for a pin keeps it: answers the other key when the pin is
   * already another post's (a lookup must then keep looking), undefined when it is this key's.
   */
  async record(key: string, pinId: string): Promise<string | undefined> {
    const owner = await this.state.setIfAbsent(remoteKey(pinId), key);
    if (owner !== undefined && owner !== key) {
      return owner;
    }
    await this.state.set(sentKey(key), pinId);
    await this.state.delete(attemptKey(key));
    return undefined;
  }

  /** The pins this channel published, newest last as recorded (for per-pin metrics). */
  async publishedPins(): Promise<string[]> {
    const entries = await this.state.list<string>('sent:');
    return entries.map((entry) => entry.value).filter((value) => typeof value === 'string' && value !== '');
  }
}

export const resultOf = (pinId: string): PublishResult => ({ remoteId: pinId, url: pinUrlOf(pinId) });
