import type { PluginStateStore } from '../../src/plugin-sdk';

/**
 * What was about to be sent under a key, stored BEFORE `POST /2/tweets`: X takes no idempotency key, so after a lost
 * answer `lookup` finds the post by this marker in the account's own timeline (`GET /2/users/{id}/tweets` from
 * `since`): the same text (links and HTML entities aside), replying to the same post, created since the first attempt,
 * and not already another key's post.
 */
export interface Attempt {
  /** The text exactly as sent. */
  text: string;
  /** The post it replies to (a thread's previous part, or the inbox item answered). */
  replyTo?: string;
  /** When the first attempt started (ISO 8601): anything older is not this send. */
  since: string;
}

/** A thread as planned before its first part was sent: a retry sends the same parts, never a new split. */
export interface ThreadPlan {
  parts: string[];
  /** Post ids of the parts published so far, in order (what delete removes). */
  ids: string[];
}

const sentKey = (key: string) => `sent:${key}`;
const attemptKey = (key: string) => `attempt:${key}`;
const ownerKey = (id: string) => `remote:${id}`;
const threadKey = (key: string) => `thread:${key}`;
const LIMIT_KEY = 'limit:until';

/** Each part's own key, derived from the thread's: part 1 is `<key>#part-1`. */
export const partKey = (key: string, index: number): string => `${key}#part-${index + 1}`;

/** The record of sends by idempotency key, in the channel's durable plugin state. */
export class SendLedger {
  constructor(private readonly state: PluginStateStore) {}

  sent(key: string): Promise<string | undefined> {
    return this.state.get<string>(sentKey(key));
  }

  attempt(key: string): Promise<Attempt | undefined> {
    return this.state.get<Attempt>(attemptKey(key));
  }

  /** Records the attempt before the send; a second attempt keeps the first one's start, so the window covers both. */
  async begin(key: string, attempt: Attempt): Promise<Attempt> {
    const earlier = await this.attempt(key);
    const recorded = earlier ? { ...attempt, since: earlier.since } : attempt;
    await this.state.set(attemptKey(key), recorded);
    return recorded;
  }

  /** Which key holds this post id, if any. */
  owner(id: string): Promise<string | undefined> {
    return this.state.get<string>(ownerKey(id));
  }

  /**
   * Records the post id for the key. The first key recorded for an id keeps it: answers which other key holds it
   * already, undefined when it is this key's. `claim: false` records without owning (a thread's key points at its
   * first part, which the part's own key owns).
   */
  async record(key: string, id: string, claim = true): Promise<string | undefined> {
    if (claim) {
      const owner = await this.state.setIfAbsent(ownerKey(id), key);
      if (owner !== undefined && owner !== key) {
        return owner;
      }
    }
    await this.state.set(sentKey(key), id);
    await this.state.delete(attemptKey(key));
    return undefined;
  }

  thread(key: string): Promise<ThreadPlan | undefined> {
    return this.state.get<ThreadPlan>(threadKey(key));
  }

  saveThread(key: string, plan: ThreadPlan): Promise<void> {
    return this.state.set(threadKey(key), plan);
  }

  /** The thread whose first post is `id`, if this channel published it. */
  async threadStartingAt(id: string): Promise<ThreadPlan | undefined> {
    const plans = await this.state.list<ThreadPlan>('thread:');
    return plans.find(({ value }) => value.ids[0] === id)?.value;
  }

  /** Until when (epoch ms) X said the 15-minute window has no posts left, if it did. */
  limitedUntil(): Promise<number | undefined> {
    return this.state.get<number>(LIMIT_KEY);
  }

  setLimitedUntil(until: number | undefined): Promise<void> {
    return until === undefined ? this.state.delete(LIMIT_KEY) : this.state.set(LIMIT_KEY, until);
  }
}
